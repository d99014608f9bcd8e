import { FIRST_NAMES, LAST_NAMES, PLANS } from "./catalog.js";
import type {
  CsatResponseRow,
  NpsResponseRow,
  StakeholderRow,
  SupportTicketRow,
  UsageSnapshotRow,
} from "./dataset.js";
import type { CustomerLife } from "./population.types.js";
import { clamp, Random, sigmoid } from "./random.js";
import { DAY_MS, HOUR_MS, MONTH_MS, slugify } from "./time.js";

/**
 * One customer's customer-success history: the rows a CS platform would have recorded.
 * All of it follows the customer's propensity, lowered in the months before it churns (or
 * would churn), so usage, NPS, CSAT and tickets all carry the same signal with noise.
 */
export interface CustomerHistory {
  stakeholders: StakeholderRow[];
  usageSnapshots: UsageSnapshotRow[];
  npsResponses: NpsResponseRow[];
  csatResponses: CsatResponseRow[];
  supportTickets: SupportTicketRow[];
}

/** How many months before churning a customer's engagement starts to fall, and how fast. */
const DECLINE_MONTHS = 4;
const DECLINE_PER_MONTH = 0.45;
const SURVEY_INTERVAL_MS = 91 * DAY_MS;

export function customerHistory(seed: string, life: CustomerLife): CustomerHistory {
  const rng = new Random(`${seed}:history:${life.index}`);
  const customerId = life.row.id;
  const signedUpAt = life.row.signedUpAt.getTime();
  const { endAt } = life;

  const propensityAt = (at: number): number => {
    const monthsLeft = (life.latentChurnAt - at) / MONTH_MS;
    return monthsLeft < DECLINE_MONTHS ? life.propensity - DECLINE_PER_MONTH * (DECLINE_MONTHS - Math.max(0, monthsLeft)) : life.propensity;
  };
  let seatIndex = 0;
  // Each table asks in increasing time order, so the scan resumes where it stopped and
  // restarts only when the next table begins again at signup.
  const seatsAt = (at: number): number => {
    if (seatIndex > 0 && life.seats[seatIndex]!.at > at) seatIndex = 0;
    while (seatIndex + 1 < life.seats.length && life.seats[seatIndex + 1]!.at <= at) seatIndex++;
    return life.seats[seatIndex]!.seats;
  };

  const stakeholders = stakeholdersOf(rng, life);

  const usageSnapshots: UsageSnapshotRow[] = [];
  for (let month = 0; ; month++) {
    const at = Math.round(signedUpAt + 7 * DAY_MS + month * MONTH_MS + rng.float(-2, 2) * HOUR_MS);
    if (at >= endAt) break;
    const licensedSeats = seatsAt(at);
    const onboarding = -1.0 * Math.exp(-month / 1.5);
    const ratio = sigmoid(0.5 + propensityAt(at) + onboarding + rng.normal(0, 0.35));
    usageSnapshots.push({ id: rng.uuid(), customerId, at: new Date(at), activeUsers: Math.round(ratio * licensedSeats), licensedSeats });
  }

  const npsResponses: NpsResponseRow[] = [];
  for (let survey = 0; ; survey++) {
    const at = Math.round(signedUpAt + 45 * DAY_MS + survey * SURVEY_INTERVAL_MS + rng.float(-10, 10) * DAY_MS);
    if (at >= endAt) break;
    const propensity = propensityAt(at);
    if (!rng.chance(0.45 + 0.15 * Math.tanh(propensity))) continue;
    const score = clamp(Math.round(7.3 + 1.6 * propensity + rng.normal(0, 1.2)), 0, 10);
    npsResponses.push({ id: rng.uuid(), customerId, at: new Date(at), score });
  }

  const supportTickets: SupportTicketRow[] = [];
  const csatResponses: CsatResponseRow[] = [];
  for (let windowStart = signedUpAt; windowStart < endAt; windowStart += 30 * DAY_MS) {
    const windowEnd = Math.min(endAt, windowStart + 30 * DAY_MS);
    const propensity = propensityAt(windowStart);
    const onboardingTickets = windowStart === signedUpAt ? 0.6 : 0;
    const expected = 0.1 * seatsAt(windowStart) ** 0.4 * Math.exp(-0.6 * propensity) + onboardingTickets;
    const count = rng.poisson(expected * ((windowEnd - windowStart) / (30 * DAY_MS)));
    for (let i = 0; i < count; i++) {
      const openedAt = Math.round(rng.float(windowStart, windowEnd));
      supportTickets.push({ id: rng.uuid(), customerId, openedAt: new Date(openedAt) });
      if (!rng.chance(0.5)) continue;
      const answeredAt = Math.round(openedAt + rng.float(2, 72) * HOUR_MS);
      if (answeredAt >= endAt) continue;
      const score = clamp(Math.round(3.9 + 0.7 * propensity + rng.normal(0, 0.8)), 1, 5);
      csatResponses.push({ id: rng.uuid(), customerId, at: new Date(answeredAt), score });
    }
  }

  return { stakeholders, usageSnapshots, npsResponses, csatResponses, supportTickets };
}

type StakeholderRole = StakeholderRow["role"];

function stakeholdersOf(rng: Random, life: CustomerLife): StakeholderRow[] {
  const bigAccount = PLANS.indexOf(life.initialPlan) >= 2;
  const count = rng.weighted(
    bigAccount
      ? [[1, 0.1], [2, 0.3], [3, 0.35], [4, 0.25]]
      : [[1, 0.35], [2, 0.35], [3, 0.2], [4, 0.1]],
  );
  // Successful accounts more often have someone inside who pushes for the product.
  const hasChampion = rng.chance(0.3 + 0.6 * sigmoid(1.5 * life.propensity));
  const domain = `${slugify(life.row.name)}.example`;
  const signedUpAt = life.row.signedUpAt.getTime();
  const createdAt = new Date(Math.round(Math.min(life.endAt, signedUpAt + rng.float(0, 14) * DAY_MS)));
  const emails = new Set<string>();
  const rows: StakeholderRow[] = [];
  let hasDecisionMaker = false;
  for (let i = 0; i < count; i++) {
    const role: StakeholderRole =
      i === 0 && hasChampion
        ? "CHAMPION"
        : !hasDecisionMaker && rng.chance(0.7)
          ? "DECISION_MAKER"
          : rng.weighted<StakeholderRole>([["INFLUENCER", 0.5], ["USER", 0.5]]);
    hasDecisionMaker ||= role === "DECISION_MAKER";
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const local = `${slugify(first)}.${slugify(last)}`;
    let email = `${local}@${domain}`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@${domain}`;
    emails.add(email);
    rows.push({ id: rng.uuid(), customerId: life.row.id, name: `${first} ${last}`, email, role, createdAt, updatedAt: createdAt });
  }
  return rows;
}
