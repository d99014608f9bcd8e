import { describeError, log } from "./log.js";

/**
 * What a write can announce once it has committed. Services publish; createApp (server/app.ts)
 * subscribes what reacts, in one place: the landing cache, the job runner, and the bridge that
 * carries changes to the other instances on the database (db/change-bridge.ts).
 */
export type Change =
  /**
   * Landing pages may show something else: every page, or one affiliate's pages; or every page,
   * through these assets and the assets about these customers only (the catalog reloads just them).
   */
  | { kind: "landing"; scope: "all" }
  | { kind: "landing"; scope: "affiliate"; code: string }
  | { kind: "landing"; scope: "assets"; assetIds: string[]; customerIds: string[] }
  /** Jobs were queued: this process's runner looks now instead of at its next poll. */
  | { kind: "jobs" };

export type ChangeKind = Change["kind"];
export type ChangeOf<K extends ChangeKind> = Extract<Change, { kind: K }>;

/** The kinds other instances on the database must hear of (their landing caches); jobs they find by polling. */
export const SHARED_CHANGE_KINDS: readonly ChangeKind[] = ["landing"];

/** The change that covers every change of its kind: what to assume when changes may have been missed. */
export function widestChange(kind: ChangeKind): Change {
  return kind === "landing" ? { kind, scope: "all" } : { kind };
}

/**
 * A change of `kind` received from outside the process: the one it names when it is well formed,
 * else the widest of its kind (forgetting too much is always safe).
 */
export function readChange(kind: ChangeKind, message: unknown): Change {
  const m = message as { scope?: unknown; code?: unknown; assetIds?: unknown; customerIds?: unknown } | null;
  if (kind === "landing" && m?.scope === "affiliate" && typeof m.code === "string") return { kind, scope: "affiliate", code: m.code };
  if (kind === "landing" && m?.scope === "assets" && isIdList(m.assetIds) && isIdList(m.customerIds)) {
    return { kind, scope: "assets", assetIds: m.assetIds, customerIds: m.customerIds };
  }
  return widestChange(kind);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isIdList = (value: unknown): value is string[] => Array.isArray(value) && value.length <= MAX_CHANGE_IDS && value.every((id) => typeof id === "string" && UUID.test(id));

/** Ids one assets change may name (a NOTIFY payload holds 8,000 bytes); past it, publishers say "all". */
export const MAX_CHANGE_IDS = 100;

/** The change for these assets and the assets about these customers: "all" past MAX_CHANGE_IDS. */
export function assetsChange(assetIds: readonly string[], customerIds: readonly string[]): ChangeOf<"landing"> {
  const assets = [...new Set(assetIds)];
  const customers = [...new Set(customerIds)];
  if (assets.length + customers.length > MAX_CHANGE_IDS) return { kind: "landing", scope: "all" };
  return { kind: "landing", scope: "assets", assetIds: assets, customerIds: customers };
}

/** "here": a write of this process; "elsewhere": another instance's, relayed by the bridge. */
export type ChangeOrigin = "here" | "elsewhere";

/** What services see of the channel: they publish after commit, and never learn who listens. */
export interface ChangePublisher {
  publish(change: Change): void;
}

type Subscriber = (change: Change, origin: ChangeOrigin) => void;

/**
 * Changes announced inside a transaction, published once it has committed (dropped if it rolls
 * back), so no listener reads ahead of the commit: a Stripe event's, an admin mutation's.
 */
export class AfterCommit implements ChangePublisher {
  private readonly pending: Change[] = [];
  publish(change: Change): void {
    this.pending.push(change);
  }
  flush(to: ChangePublisher): void {
    for (const change of this.pending) to.publish(change);
  }
}

/**
 * A typed, synchronous publish/subscribe channel, one per app (or CLI run). Synchronous, so the
 * landing cache has forgotten a changed page before the mutation answers. A failing subscriber is
 * logged and never fails the write that published (it has committed).
 */
export class ChangeChannel implements ChangePublisher {
  private readonly subscribers = new Map<ChangeKind, Set<Subscriber>>();

  subscribe<K extends ChangeKind>(kind: K, subscriber: (change: ChangeOf<K>, origin: ChangeOrigin) => void): () => void {
    const set = this.subscribers.get(kind) ?? new Set<Subscriber>();
    this.subscribers.set(kind, set);
    const entry = subscriber as Subscriber;
    set.add(entry);
    return () => void set.delete(entry);
  }

  publish(change: Change): void {
    this.deliver(change, "here");
  }

  /** A change another instance published (the bridge calls this). */
  receive(change: Change): void {
    this.deliver(change, "elsewhere");
  }

  private deliver(change: Change, origin: ChangeOrigin): void {
    for (const subscriber of this.subscribers.get(change.kind) ?? []) {
      try {
        subscriber(change, origin);
      } catch (error) {
        log.error("a change subscriber failed", { kind: change.kind, ...describeError(error) });
      }
    }
  }
}
