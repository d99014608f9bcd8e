import { NICHES } from "./catalog.js";
import type { ReferralVisitRow } from "./dataset.js";
import type { AffiliateDraft } from "./population.types.js";
import { Random } from "./random.js";
import { DAY_MS, HOUR_MS, utcDateString } from "./time.js";

/**
 * Visits to one affiliate's referral links: each referred customer's visitor came a few times
 * before signing up (the last visit shortly before), and many more visitors never converted.
 * A visitor's visits fall on distinct days, as the (affiliate, visitor, day) key demands.
 */
export function referralVisitsOf(seed: string, affiliate: AffiliateDraft, now: number): ReferralVisitRow[] {
  const rng = new Random(`${seed}:visits:${affiliate.index}`);
  const visitorIds = new Set<string>();
  const newVisitorId = (): string => {
    let visitorId: string;
    do visitorId = `v_${rng.hex(16)}`;
    while (visitorIds.has(visitorId));
    visitorIds.add(visitorId);
    return visitorId;
  };
  const rows: ReferralVisitRow[] = [];
  const visit = (visitorId: string, at: number, niche: string | null): void => {
    rows.push({ id: rng.uuid(), affiliateId: affiliate.id, visitorId, niche, contentAssetId: null, visitedOn: utcDateString(at), at: new Date(at) });
  };

  for (const life of affiliate.referred) {
    const visitorId = newVisitorId();
    const niche = rng.chance(0.85) ? life.niche.name : null;
    const convertingAt = Math.max(affiliate.createdAt, Math.round(life.row.signedUpAt.getTime() - rng.float(0.1, 2) * HOUR_MS));
    visit(visitorId, convertingAt, niche);
    const convertingDay = Math.floor(convertingAt / DAY_MS);
    const earlierVisits = rng.weighted([[0, 0.45], [1, 0.35], [2, 0.2]] as const);
    const daysBefore = new Set<number>();
    while (daysBefore.size < earlierVisits) daysBefore.add(rng.int(1, 20));
    for (const days of [...daysBefore].sort((a, b) => b - a)) {
      const at = Math.round((convertingDay - days) * DAY_MS + rng.next() * DAY_MS);
      if (at >= affiliate.createdAt) visit(visitorId, at, niche);
    }
  }

  const activeSpan = now - affiliate.createdAt;
  const nonConverting = Math.round(affiliate.referred.length * rng.float(6, 18)) + rng.int(3, 25);
  for (let i = 0; i < nonConverting; i++) {
    const visitorId = newVisitorId();
    const niche = rng.weighted<string | null>([
      [affiliate.focusNiche.name, 0.6],
      [rng.pick(NICHES).name, 0.2],
      [null, 0.2],
    ]);
    const at = Math.round(affiliate.createdAt + rng.next() * activeSpan);
    visit(visitorId, at, niche);
    if (rng.chance(0.2)) {
      const returnAt = at + rng.int(1, 10) * DAY_MS;
      if (returnAt < now) visit(visitorId, returnAt, niche);
    }
  }
  return rows;
}
