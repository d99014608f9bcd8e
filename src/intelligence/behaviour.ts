// Behavioural metrics: what a customer's users did in the product, from the daily rollups
// (product_activity_daily), per event name over the 28 days before a moment and the 28 before
// those. Counts span orders of magnitude between a 3-seat and a 300-seat account, so every metric
// is log-scaled (log1p), which also makes "change" a ratio: log1p(last 28 days) − log1p(the 28
// before). Days are whole UTC days strictly before the moment's day: a metric as of a past moment
// never sees what came later, the same day included.

export const WINDOW_DAYS = 28;

export interface EventWindow {
  /** Events in the last 28 days. */
  events: number;
  /** Events in the 28 days before those. */
  previous: number;
  /** Most distinct users seen on one day of the last 28 days (0: the sender did not say). */
  users: number;
  /** Days of the last 28 with at least one event. */
  activeDays: number;
}

/** One customer as of one moment, per event name. */
export interface BehaviourMetrics {
  byName: Map<string, EventWindow>;
}

const EMPTY_WINDOW: EventWindow = { events: 0, previous: 0, users: 0, activeDays: 0 };

/**
 * The metrics of one event name the model reads (log-scaled). The name's own events in 28 days
 * are computed too (events28d) but not a feature: log(events) is log(per user) + log(users), so
 * with both the model could move weight between them at will and no weight would mean anything;
 * the customer's size enters once, as activity:users28d.
 */
export const EVENT_METRICS = ["perUser28d", "change28d", "activeDays28d"] as const;

export const eventFeatureName = (eventName: string, metric: (typeof EVENT_METRICS)[number] | "events28d") => `event:${eventName}:${metric}`;

/**
 * Features over the model's event names together: their events, change, and the active days of
 * the most regular of them (the union of days is not in per-name figures).
 */
export const ACTIVITY_FEATURES = ["activity:events28d", "activity:change28d", "activity:activeDays28d", "activity:users28d"] as const;

/**
 * The named, log-scaled features of these metrics for the model's event names. Per active user
 * divides by the customer's active users, the most distinct users any of the names saw on one
 * day of the window (the broadest event, a login or a page view, sees nearly all of them), so a
 * big account does not look engaged for being big; when the sender counts no users, by the
 * event's active days (a rate per active day).
 */
export function behaviourFeatures(m: BehaviourMetrics, eventNames: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  let events = 0;
  let previous = 0;
  let activeDays = 0;
  let activeUsers = 0;
  for (const name of eventNames) activeUsers = Math.max(activeUsers, m.byName.get(name)?.users ?? 0);
  for (const name of eventNames) {
    const w = m.byName.get(name) ?? EMPTY_WINDOW;
    events += w.events;
    previous += w.previous;
    activeDays = Math.max(activeDays, w.activeDays);
    const perUser = w.events === 0 ? 0 : w.events / Math.max(1, activeUsers > 0 ? activeUsers : w.activeDays);
    out.set(eventFeatureName(name, "events28d"), Math.log1p(w.events));
    out.set(eventFeatureName(name, "perUser28d"), Math.log1p(perUser));
    out.set(eventFeatureName(name, "change28d"), Math.log1p(w.events) - Math.log1p(w.previous));
    out.set(eventFeatureName(name, "activeDays28d"), Math.log1p(w.activeDays));
  }
  out.set("activity:events28d", Math.log1p(events));
  out.set("activity:change28d", Math.log1p(events) - Math.log1p(previous));
  out.set("activity:activeDays28d", Math.log1p(activeDays));
  out.set("activity:users28d", Math.log1p(activeUsers));
  return out;
}
