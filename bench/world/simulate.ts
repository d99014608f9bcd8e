import { Random } from "../../src/seed/random.js";
import {
  activeShare, binomial, DAY_MS, DEFAULT_CHURN, EVENTS, midTermChurnProbability, newAccount, nextRenewal, planForSeats, poisson, renewalChurnProbability, sigmoid, stepValue,
  type Account, type ChurnParameters,
} from "./model.js";
import { trueChurnProbability } from "./truth.js";

// The world day by day, all customers in step, so memory stays O(customers) however many events
// come out: the simulation yields NDJSON lines (webhook events, as the import takes them) up to
// `until`, then goes on silently for `horizonDays` to find who churns next, and what the world
// knew about each customer at `until` (its true 90-day churn probability).

export interface WorldOptions {
  seed: string;
  customers: number;
  /** Days of history before `until`. */
  days: number;
  /** The end of the written history (the moment a company would import it), a UTC midnight. */
  until: Date;
  horizonDays?: number;
  /** Product events rolled up into one line per customer, event name and this many days (count, users). */
  periodDays?: number;
  /** One line per product event (no count) instead of rolled-up lines: the raw track stream. */
  perEvent?: boolean;
  /** Multiplies every event rate: tunes the world's event volume. */
  volume?: number;
  churn?: ChurnParameters;
  /** Monte Carlo paths per customer for the true probability. */
  truthPaths?: number;
  /** Every customer on this contract term (months) instead of its plan's mix. */
  termMonths?: number;
  /** Only these product events are written (the world itself is the same): smaller files for tests. */
  eventNames?: readonly string[];
}

export interface CustomerRow {
  externalId: string;
  name: string;
  niche: string;
  plan: string;
  mrrCents: number;
  acquisitionChannel: string;
  signedUpAt: Date;
  termMonths: number;
}

/** A customer active at `until`: what the world knew, and what happened next. */
export interface TruthRow {
  externalId: string;
  /** P(churn within horizonDays of `until`) given the world's hidden state at `until`. */
  probability: number;
  churned: boolean;
  churnedAt: Date | null;
}

export interface WorldStats {
  customers: number;
  lines: number;
  /** Product events, counting each rolled-up line as its count. */
  productEvents: number;
  churnedBeforeUntil: number;
  activeAtUntil: number;
  churnedInHorizon: number;
}

const NICHES = ["fintech", "healthtech", "ecommerce", "devtools", "education", "logistics"];
const CHANNELS = ["organic", "paid_search", "referral", "outbound", "partner"];

export class World {
  readonly accounts: Account[];
  readonly truth: TruthRow[] = [];
  readonly stats: WorldStats;
  private readonly o: Required<Omit<WorldOptions, "eventNames" | "termMonths">>;
  private readonly written: boolean[];
  private readonly day0: number;

  constructor(options: WorldOptions) {
    this.o = { horizonDays: 90, periodDays: 1, perEvent: false, volume: 1, churn: DEFAULT_CHURN, truthPaths: 400, ...options };
    this.day0 = this.o.until.getTime() - this.o.days * DAY_MS;
    this.written = EVENTS.map((e) => options.eventNames?.includes(e.name) ?? true);
    const signups = new Random(`${this.o.seed}:signups`);
    this.accounts = Array.from({ length: this.o.customers }, (_, i) => newAccount(this.o.seed, i, Math.floor(signups.next() * (this.o.days - 30)), options.termMonths));
    this.stats = { customers: this.o.customers, lines: 0, productEvents: 0, churnedBeforeUntil: 0, activeAtUntil: 0, churnedInHorizon: 0 };
  }

  /** The customers CSV rows: each customer as it signed up (plans, seats and churns move later by events). */
  customerRows(): CustomerRow[] {
    return this.accounts.map((a) => {
      const rng = new Random(`${this.o.seed}:profile:${a.index}`);
      return {
        externalId: a.externalId,
        name: `Account ${a.index + 1}`,
        niche: rng.pick(NICHES),
        plan: planForSeats(a.seats).name,
        mrrCents: a.seats * planForSeats(a.seats).seatCents,
        acquisitionChannel: rng.pick(CHANNELS),
        signedUpAt: new Date(this.day0 + a.signupDay * DAY_MS + 8 * 3_600_000),
        termMonths: a.termMonths,
      };
    });
  }

  /** The webhook events up to `until`, in day order; the truth and stats are filled when it ends. */
  *events(): Generator<string> {
    const { days, horizonDays, periodDays } = this.o;
    const n = this.accounts.length;
    const lives = this.accounts.map((a) => new Random(`${this.o.seed}:life:${a.index}`));
    const clocks = this.accounts.map((a) => new Random(`${this.o.seed}:clock:${a.index}`));
    const counts = this.accounts.map(() => new Array<number>(EVENTS.length).fill(0));
    const users = this.accounts.map(() => new Array<number>(EVENTS.length).fill(0));
    for (let d = 0; d < days + horizonDays; d++) {
      if (d === days) this.recordTruth();
      const written = d < days;
      const date = new Date(this.day0 + d * DAY_MS).toISOString().slice(0, 10);
      const weekday = new Date(this.day0 + d * DAY_MS).getUTCDay() % 6 !== 0;
      const periodStart = d - (d % periodDays);
      const periodEnds = d % periodDays === periodDays - 1 || d === days - 1;
      for (let i = 0; i < n; i++) {
        const a = this.accounts[i]!;
        if (a.signupDay > d || a.churnDay !== null) continue;
        const rng = lives[i]!;
        const id = a.externalId;
        if (d > a.signupDay) a.v = stepValue(a, rng);
        const renewal = d === a.renewalDay;
        if (renewal) a.renewalDay = nextRenewal(a.signupDay, a.termMonths, d);
        const leaves = rng.next() < (renewal ? renewalChurnProbability(a.termMonths, a.v, this.o.churn) : midTermChurnProbability(a.v, this.o.churn));
        if (leaves) {
          a.churnDay = d;
          if (written) {
            this.stats.churnedBeforeUntil++;
            yield* this.flush(a, counts[i]!, users[i]!, periodStart);
            yield this.line(`{"id":"${id}:churn","type":"churn","customerExternalId":"${id}","at":"${date}T11:00:00Z","reason":"${renewal ? "did not renew" : "cancelled mid-term"}"}`);
          }
          continue;
        }
        if (renewal) {
          const share = activeShare(a.v);
          const before = a.seats;
          if (share > 0.75 && rng.chance(0.5)) a.seats += Math.max(1, Math.round(a.seats * 0.2));
          else if (share < 0.35 && rng.chance(0.4)) a.seats = Math.max(2, Math.round(a.seats * 0.75));
          if (a.seats !== before && written) {
            const plan = planForSeats(a.seats);
            yield this.line(`{"id":"${id}:plan:${d}","type":"plan_change","customerExternalId":"${id}","at":"${date}T10:00:00Z","plan":"${plan.name}","mrrCents":${a.seats * plan.seatCents},"termMonths":${a.termMonths}}`);
          }
        }
        if (!written) continue;
        const active = binomial(rng, a.seats, activeShare(a.v) * (weekday ? 1 : 0.25));
        for (let k = 0; k < EVENTS.length; k++) {
          const e = EVENTS[k]!;
          const mean = active * e.rate * Math.exp(e.beta * a.v) * this.o.volume;
          const count = poisson(rng, mean);
          if (count === 0) continue;
          const distinct = Math.min(count, active, Math.max(1, binomial(rng, active, 1 - Math.exp(-mean / active))));
          if (!this.written[k]) continue;
          if (this.o.perEvent) {
            yield* this.rawEvents(id, e.name, date, d, count, clocks[i]!);
            continue;
          }
          counts[i]![k]! += count;
          users[i]![k] = Math.max(users[i]![k]!, distinct);
        }
        const age = d - a.signupDay;
        if (age % 30 === 15) {
          const monthly = binomial(rng, a.seats, sigmoid(1.0 + 0.8 * a.v));
          yield this.line(`{"id":"${id}:usage:${d}","type":"usage","customerExternalId":"${id}","at":"${date}T09:00:00Z","activeUsers":${monthly},"licensedSeats":${a.seats}}`);
        }
        if (age % 90 === 45 && rng.chance(0.35)) {
          const score = Math.min(10, Math.max(0, Math.round(7 + 1.5 * a.v + rng.normal(0, 2.2))));
          yield this.line(`{"id":"${id}:nps:${d}","type":"nps","customerExternalId":"${id}","at":"${date}T14:00:00Z","score":${score}}`);
        }
        if (rng.chance(0.004 * (1 + a.seats / 30) * Math.exp(-0.5 * a.v))) {
          yield this.line(`{"id":"${id}:ticket:${d}","type":"ticket","customerExternalId":"${id}","at":"${date}T15:00:00Z"}`);
          if (rng.chance(0.3)) {
            const score = Math.min(5, Math.max(1, Math.round(4 + 0.5 * a.v + rng.normal())));
            yield this.line(`{"id":"${id}:csat:${d}","type":"csat","customerExternalId":"${id}","at":"${date}T16:00:00Z","score":${score}}`);
          }
        }
        if (periodEnds) yield* this.flush(a, counts[i]!, users[i]!, periodStart);
      }
    }
    for (const row of this.truth) {
      const a = this.accounts.find((x) => x.externalId === row.externalId)!;
      row.churned = a.churnDay !== null;
      row.churnedAt = a.churnDay === null ? null : new Date(this.day0 + a.churnDay * DAY_MS + 11 * 3_600_000);
      if (row.churned) this.stats.churnedInHorizon++;
    }
  }

  private line(text: string): string {
    this.stats.lines++;
    return text;
  }

  /** The rolled-up lines of one customer's period, dated at the period's first day (or its signup day). */
  private *flush(a: Account, counts: number[], users: number[], periodStart: number): Generator<string> {
    const day = Math.max(periodStart, a.signupDay);
    const date = new Date(this.day0 + day * DAY_MS).toISOString().slice(0, 10);
    for (let k = 0; k < EVENTS.length; k++) {
      if (counts[k] === 0) continue;
      const name = EVENTS[k]!.name;
      this.stats.productEvents += counts[k]!;
      yield this.line(`{"id":"${a.externalId}:${name}:${day}","type":"action","customerExternalId":"${a.externalId}","at":"${date}T12:00:00Z","name":"${name}","count":${counts[k]},"users":${users[k]}}`);
      counts[k] = 0;
      users[k] = 0;
    }
  }

  private *rawEvents(id: string, name: string, date: string, d: number, count: number, clock: Random): Generator<string> {
    this.stats.productEvents += count;
    for (let j = 0; j < count; j++) {
      const s = clock.int(0, 86_399);
      const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((x) => String(x).padStart(2, "0")).join(":");
      yield this.line(`{"id":"${id}:${name}:${d}:${j}","type":"action","customerExternalId":"${id}","at":"${date}T${hms}Z","name":"${name}"}`);
    }
  }

  private recordTruth(): void {
    for (const a of this.accounts) {
      if (a.churnDay !== null || a.signupDay >= this.o.days) continue;
      this.stats.activeAtUntil++;
      const rng = new Random(`${this.o.seed}:truth:${a.index}`);
      const probability = trueChurnProbability(a, this.o.days, this.o.horizonDays, this.o.churn, this.o.truthPaths, rng);
      this.truth.push({ externalId: a.externalId, probability, churned: false, churnedAt: null });
    }
  }
}
