import { sql } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import type { Database } from "../db/client.js";
import type { ImpressionBufferOptions } from "../config/config.js";
import { describeError, log } from "../common/log.js";
import type { LandingPageData } from "./landing.service.js";

/** What the buffer did since it was made, in impressions (one asset shown once), for metrics. */
export interface ImpressionCounters {
  /** Counted into the buffer. */
  recorded: number;
  /** Sent to content_impressions (including the few skipped there because their asset or affiliate was deleted). */
  flushed: number;
  /** Lost: a new key while the buffer was full, or a batch whose write failed. */
  dropped: number;
  /** Flush statements that failed (their batch is in `dropped`). */
  failedWrites: number;
}

interface Pending {
  assetId: string;
  affiliateCode: string | null;
  niche: string | null;
  day: string;
  count: number;
  /** When the first and the last of `count` were recorded (epoch ms). */
  firstAt: number;
  lastAt: number;
}

/**
 * Counts which assets landing pages showed, per affiliate, niche and UTC day (with the times of
 * the first and last impression of each, for content performance), off the hot path:
 * record() only adds to an in-memory map (synchronous, never throws, never waits); a timer
 * writes the map in one statement every flushIntervalMs. The map is bounded by maxPending keys,
 * so a slow or failing database costs dropped impressions, never memory or request latency.
 * A failed write is logged and its batch dropped (not retried: the next batch would only pile
 * up behind it); a crash loses at most the pending interval. Both are acceptable for counts that
 * feed content-performance reports.
 */
export class ImpressionBuffer {
  readonly counters: ImpressionCounters = { recorded: 0, flushed: 0, dropped: 0, failedWrites: 0 };
  /** Pending counters by day|affiliate|niche, then by asset id: one key built per page, not one per asset. */
  private pending = new Map<string, Map<string, Pending>>();
  private pendingCount = 0;
  /** For each page seen since the last flush (the same UTC day), the pending counters its views add to. */
  private readonly plans = new Map<LandingPageData, { targets: Pending[]; rejected: number }>();
  private plansDay = "";
  private writing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout | undefined;
  private day = "";
  private dayStartsAt = 0;
  private dayEndsAt = 0;

  constructor(
    private readonly db: Database,
    private readonly options: ImpressionBufferOptions,
  ) {
    if (this.options.flushIntervalMs > 0) {
      // A tick while a write is still running waits for the next one: writes never pile up.
      this.timer = setInterval(() => {
        if (!this.writing) void this.flush();
      }, this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Distinct keys waiting for the next flush. */
  get pendingKeys(): number {
    return this.pendingCount;
  }

  /**
   * Counts one view of every asset on `page`. The niche recorded is the one the page matched
   * (page.niche), not the visitor's raw input: public input could otherwise create any number
   * of rows, and the visitor's niche is already kept per visit in referral_visits.
   */
  record(page: LandingPageData): void {
    try {
      const now = Date.now();
      const day = this.utcDay(now);
      if (day !== this.plansDay) {
        this.plans.clear();
        this.plansDay = day;
      }
      // A cached page is the same object on every view: its keys are looked up once per flush
      // interval, and each further view is a few increments (this is every page view's cost).
      let plan = this.plans.get(page);
      if (!plan) {
        plan = this.plan(page, day, now);
        if (this.plans.size < this.options.maxPending) this.plans.set(page, plan);
      }
      for (const target of plan.targets) {
        target.count++;
        target.lastAt = now;
      }
      this.counters.recorded += plan.targets.length + plan.rejected;
      this.counters.dropped += plan.rejected;
    } catch (error) {
      // Counting must never break a page.
      log.warn("an impression could not be recorded", describeError(error));
    }
  }

  /** The pending counters a view of `page` adds to, creating them while the buffer has room. */
  private plan(page: LandingPageData, day: string, now: number): { targets: Pending[]; rejected: number } {
    const affiliateCode = page.affiliate?.code ?? null;
    const niche = page.niche;
    const group = `${day}|${affiliateCode ?? ""}|${niche ?? ""}`;
    let counters = this.pending.get(group);
    // A group is made only while there is room: a full buffer must not grow by empty groups.
    if (!counters && this.pendingCount < this.options.maxPending) this.pending.set(group, (counters = new Map()));
    const targets: Pending[] = [];
    let rejected = 0;
    for (const items of [page.caseStudies, page.useCases, page.painPoints]) {
      for (const item of items) {
        let entry = counters?.get(item.id);
        if (!entry && counters && this.pendingCount < this.options.maxPending) {
          entry = { assetId: item.id, affiliateCode, niche, day, count: 0, firstAt: now, lastAt: now };
          counters.set(item.id, entry);
          this.pendingCount++;
        }
        if (entry) targets.push(entry);
        else rejected++;
      }
    }
    return { targets, rejected };
  }

  /** Writes what is pending (after any write in progress); never rejects. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pendingCount === 0) return;
    const batch: Pending[] = [];
    for (const counters of this.pending.values()) for (const entry of counters.values()) batch.push(entry);
    this.pending = new Map();
    this.pendingCount = 0;
    this.plans.clear();
    this.writing = this.write(batch).finally(() => {
      this.writing = null;
    });
    await this.writing;
  }

  /** Stops the timer and writes what is pending, waiting at most stopTimeoutMs. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      this.flush(),
      new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, this.options.stopTimeoutMs);
        timeout.unref();
      }),
    ]).finally(() => clearTimeout(timeout));
  }

  private async write(batch: Pending[]): Promise<void> {
    for (let start = 0; start < batch.length; start += this.options.maxBatch) {
      const rows = batch.slice(start, start + this.options.maxBatch);
      const count = rows.reduce((sum, row) => sum + row.count, 0);
      try {
        await this.db.execute(upsertStatement(rows));
        this.counters.flushed += count;
      } catch (error) {
        this.counters.dropped += count;
        this.counters.failedWrites++;
        log.warn("a batch of content impressions was dropped", { impressions: count, keys: rows.length, ...describeError(error) });
      }
    }
  }

  /** The UTC day as YYYY-MM-DD, recomputed only when the clock leaves the cached day. */
  private utcDay(now: number): string {
    if (now < this.dayStartsAt || now >= this.dayEndsAt) {
      const date = new Date(now);
      this.dayStartsAt = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
      this.dayEndsAt = this.dayStartsAt + 86_400_000;
      this.day = date.toISOString().slice(0, 10);
    }
    return this.day;
  }
}

/**
 * One statement per batch, one array parameter per column. Pages carry the affiliate's code, so
 * ids are resolved here by a join on affiliates.code (unique): the table keeps a real foreign
 * key that reports join on, and codes stay free to change later. Rows whose asset or affiliate
 * has been deleted since the page was computed are skipped instead of failing the batch. The
 * group by merges keys that resolve alike (ON CONFLICT may touch a row once per statement), and
 * the order by makes concurrent flushes from several instances lock rows in the same order.
 */
function upsertStatement(rows: readonly Pending[]) {
  return sql`
    insert into content_impressions (asset_id, affiliate_id, niche, day, impressions, first_shown_at, last_shown_at)
    select b.asset_id, a.id, b.niche, b.day, sum(b.n)::int, min(b.first_at), max(b.last_at)
      from unnest(
        ${pgArrayLiteral(rows.map((r) => r.assetId))}::uuid[],
        ${pgArrayLiteral(rows.map((r) => r.affiliateCode))}::text[],
        ${pgArrayLiteral(rows.map((r) => r.niche))}::text[],
        ${pgArrayLiteral(rows.map((r) => r.day))}::date[],
        ${pgArrayLiteral(rows.map((r) => r.count))}::int[],
        ${pgArrayLiteral(rows.map((r) => new Date(r.firstAt)))}::timestamptz[],
        ${pgArrayLiteral(rows.map((r) => new Date(r.lastAt)))}::timestamptz[]
      ) as b(asset_id, affiliate_code, niche, day, n, first_at, last_at)
      join content_assets c on c.id = b.asset_id
      left join affiliates a on a.code = b.affiliate_code
     where b.affiliate_code is null or a.id is not null
     group by b.asset_id, a.id, b.niche, b.day
     order by b.asset_id, a.id, b.niche, b.day
    on conflict (asset_id, affiliate_id, niche, day)
      do update set impressions = content_impressions.impressions + excluded.impressions,
                    first_shown_at = least(content_impressions.first_shown_at, excluded.first_shown_at),
                    last_shown_at = greatest(content_impressions.last_shown_at, excluded.last_shown_at)`;
}
