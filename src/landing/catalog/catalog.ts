import type { Database } from "../../db/client.js";
import type { LandingCatalogOptions } from "../../config/config.js";
import type { ChangeOf } from "../../common/changes.js";
import { describeError, log } from "../../common/log.js";
import type { LandingInput, LandingPageData } from "../landing.service.js";
import { countLiveAssets, loadCatalogAffiliate, loadCatalogAssets, loadCatalogRows, patchRows } from "./catalog.repository.js";
import { CatalogSnapshot } from "./snapshot.js";

/** A page decided by the catalog; `stale` when the catalog missed a change it could not load. */
export interface CatalogAnswer {
  page: LandingPageData;
  stale: boolean;
}

/** in-use: misses are decided in memory; sql: misses use findLandingCandidates (too large, off, or not loaded yet). */
export type CatalogMode = "in-use" | "sql";

const nothingPending = (all: boolean) => ({ all, codes: new Set<string>(), assets: new Set<string>(), customers: new Set<string>() });

/** Retries of a failed reload: from a quarter second up to five, while the database is down. */
const RETRY_MS = [250, 500, 1_000, 2_000, 5_000];

/**
 * The landing catalog of this process: a snapshot of what landing pages choose from
 * (CatalogSnapshot), loaded at start and kept in step by the change channel, the one that
 * invalidates the page cache (LandingCache.apply forwards each landing change here, the bridge
 * relays the other instances' and a reconnection's). A change starts a reload at once: for an
 * affiliate-scoped change only that affiliate; for an assets change (a content write, a featured
 * customer's write or rescoring) a new snapshot built from the one in use with just those assets
 * reloaded; else the whole catalog. Snapshots are built aside and then swapped in (a reader never
 * sees half of one). So that a write shows on the very next request, a miss arriving meanwhile
 * waits for an affiliate's or some assets' reload (two statements), and is computed by SQL during
 * a whole one (BENCHMARKS.md, "Landing catalog": a whole reload of 20,000 assets takes
 * longer than any page should wait). When a reload fails (the database is down) misses are still
 * decided from the snapshot, said `stale`, and the reload is retried. Past `maxAssets` live assets or `maxBytes`
 * the catalog steps aside and misses use SQL, as before; it is checked again at every reload.
 */
export class LandingCatalog {
  private snapshot: CatalogSnapshot | undefined;
  /** Changes heard, and the number the snapshot reflects. */
  private heard = 0;
  private loaded = 0;
  private pending = nothingPending(true);
  private running: Promise<void> | undefined;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private reload: NodeJS.Timeout | undefined;
  private stopped = false;
  private steppedAside = false;
  private loadingAll = false;
  private waiters: { until: number; resolve: (ok: boolean) => void }[] = [];
  /** Why misses use SQL (null while the catalog is in use). */
  offReason: string | null = "not loaded yet";
  /** /metrics: full loads done and failed, the last one's duration, snapshots patched with some assets reloaded, stale answers given. */
  readonly stats = { loads: 0, failedLoads: 0, lastLoadMs: 0, patches: 0, staleAnswers: 0 };

  constructor(
    private readonly db: Database,
    private readonly options: LandingCatalogOptions,
    private readonly waitMs: number,
  ) {}

  /** The first load, at start: says in the log whether misses are decided in memory or by SQL. */
  async start(): Promise<void> {
    if (this.options.maxAssets === 0) {
      this.offReason = "LANDING_CATALOG_MAX_ASSETS is 0";
      log.info("landing catalog off: misses use SQL", { reason: this.offReason });
      return;
    }
    this.heard = 1;
    await this.refresh();
    if (this.snapshot) {
      log.info("landing catalog in use: misses are decided in memory", { assets: this.snapshot.assetCount, bytes: this.snapshot.bytes, loadMs: this.stats.lastLoadMs });
    } else log.warn("landing catalog off: misses use SQL", { reason: this.offReason });
    if (this.options.reloadMs > 0) {
      // Not a change heard: misses do not wait for it, the new snapshot is swapped in when built.
      this.reload = setInterval(() => {
        this.pending.all = true;
        void this.refresh();
      }, this.options.reloadMs);
      this.reload.unref();
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.reload);
    this.settle(true);
  }

  get mode(): CatalogMode {
    return this.snapshot ? "in-use" : "sql";
  }

  /** Live assets held, and the estimated bytes (0 while misses use SQL). */
  get size() {
    return { assets: this.snapshot?.assetCount ?? 0, bytes: this.snapshot?.bytes ?? 0 };
  }

  /** True while a change heard has not been loaded because loading failed. */
  get stale(): boolean {
    return this.loaded < this.heard && this.failures > 0;
  }

  /** A landing change was committed (here or on another instance): load what it may have changed. */
  apply(change: ChangeOf<"landing">): void {
    if (this.options.maxAssets === 0 || this.stopped) return;
    this.heard++;
    if (change.scope === "all") this.pending.all = true;
    else if (change.scope === "affiliate") this.pending.codes.add(change.code);
    else {
      for (const id of change.assetIds) this.pending.assets.add(id);
      for (const id of change.customerIds) this.pending.customers.add(id);
    }
    void this.refresh();
  }

  /**
   * The page, decided in memory; undefined when misses use SQL. Synchronous when the catalog is in
   * step. After a change: once an affiliate's reload is done (a moment: two statements), or
   * "loading" while a whole reload is being built (the caller computes this miss by SQL, as
   * before the catalog, rather than wait for it); `stale` once loading failed.
   */
  answer(input: LandingInput): CatalogAnswer | "loading" | Promise<CatalogAnswer | undefined> | undefined {
    if (!this.snapshot) return undefined;
    const page = this.decideNow(input);
    if (page) return { page, stale: false };
    if (this.failures > 0) return this.staleAnswer(input);
    if (this.loadingAll || this.pending.all) return "loading";
    return this.caughtUp(this.heard).then((ok) => {
      if (!this.snapshot) return undefined;
      return ok ? { page: this.snapshot.decide(input), stale: false } : this.staleAnswer(input);
    });
  }

  /** The page when it can be decided at once, in step with every change heard; undefined otherwise (then answer()). */
  decideNow(input: LandingInput): LandingPageData | undefined {
    return this.snapshot && this.loaded >= this.heard ? this.snapshot.decide(input) : undefined;
  }

  /** The page from the snapshot as it is, said stale (the database failed while the catalog is behind); undefined without one. */
  staleAnswer(input: LandingInput): CatalogAnswer | undefined {
    if (!this.snapshot) return undefined;
    this.stats.staleAnswers++;
    return { page: this.snapshot.decide(input), stale: true };
  }

  /** Resolves once every change heard so far is loaded, or loading failed (tests, benchmarks). */
  settled(): Promise<boolean> {
    return this.loaded >= this.heard ? Promise.resolve(true) : this.caughtUp(this.heard, Infinity);
  }

  /** Resolves true once change number `until` is loaded, false when loading fails or takes longer than waitMs. */
  private caughtUp(until: number, waitMs = this.waitMs): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = waitMs === Infinity ? undefined : setTimeout(() => resolve(false), waitMs);
      this.waiters.push({ until, resolve: (ok) => (clearTimeout(timer), resolve(ok)) });
    });
  }

  private settle(failed: boolean): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      if (failed || w.until <= this.loaded) w.resolve(!failed);
      else this.waiters.push(w);
    }
  }

  /** Loads until every change heard is loaded; one run at a time (a change meanwhile makes it go round again). */
  private refresh(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<void> {
    while ((this.loaded < this.heard || this.pending.all) && !this.stopped) {
      const target = this.heard;
      const work = this.pending;
      this.pending = nothingPending(false);
      try {
        this.loadingAll = work.all || !this.snapshot;
        if (this.loadingAll) await this.loadAll();
        else {
          for (const code of work.codes) await this.loadAffiliate(code);
          if (work.assets.size + work.customers.size > 0) await this.loadAssets(work.assets, work.customers);
        }
        this.loadingAll = false;
        this.loaded = target;
        this.failures = 0;
        this.settle(false);
      } catch (error) {
        this.loadingAll = false;
        this.pending.all ||= work.all;
        for (const code of work.codes) this.pending.codes.add(code);
        for (const id of work.assets) this.pending.assets.add(id);
        for (const id of work.customers) this.pending.customers.add(id);
        this.stats.failedLoads++;
        if (!this.snapshot) this.offReason = "not loaded yet: the database failed (retrying)";
        if (this.failures++ === 0) log.warn("the landing catalog could not load a change: misses are decided from the last one, marked stale", describeError(error));
        this.settle(true);
        this.retry = setTimeout(() => void this.refresh(), RETRY_MS[Math.min(this.failures, RETRY_MS.length) - 1]);
        this.retry.unref();
        return;
      }
    }
  }

  private async loadAll(): Promise<void> {
    const started = performance.now();
    const count = await countLiveAssets(this.db);
    if (count > this.options.maxAssets) return this.stepAside(`${count} live assets, more than LANDING_CATALOG_MAX_ASSETS (${this.options.maxAssets})`);
    if (!this.admit(new CatalogSnapshot(await loadCatalogRows(this.db)))) return;
    this.stats.loads++;
    this.stats.lastLoadMs = performance.now() - started;
  }

  /** Swaps in a snapshot within the bounds (true), or steps aside. */
  private admit(next: CatalogSnapshot): boolean {
    if (next.assetCount > this.options.maxAssets) {
      this.stepAside(`${next.assetCount} live assets, more than LANDING_CATALOG_MAX_ASSETS (${this.options.maxAssets})`);
      return false;
    }
    if (next.bytes > this.options.maxBytes) {
      this.stepAside(`about ${next.bytes} bytes, more than LANDING_CATALOG_MAX_MB (${this.options.maxBytes / 2 ** 20})`);
      return false;
    }
    if (this.steppedAside) log.info("landing catalog in use again: misses are decided in memory", { assets: next.assetCount, bytes: next.bytes });
    this.snapshot = next;
    this.offReason = null;
    this.steppedAside = false;
    return true;
  }

  /** Too large: misses use SQL until a reload finds the catalog small enough again. */
  private stepAside(reason: string): void {
    if (this.snapshot) log.warn("landing catalog off: misses use SQL", { reason });
    this.snapshot = undefined;
    this.offReason = reason;
    this.steppedAside = true;
  }

  /**
   * Some assets changed: a new snapshot built from the one in use with just those reloaded (two
   * statements, then the build in memory), instead of a whole load. Misses wait for it, as for
   * an affiliate's reload.
   */
  private async loadAssets(assetIds: ReadonlySet<string>, customerIds: ReadonlySet<string>): Promise<void> {
    const reloaded = await loadCatalogAssets(this.db, [...assetIds], [...customerIds]);
    if (!this.snapshot) return;
    if (this.admit(new CatalogSnapshot(patchRows(this.snapshot.rows(), assetIds, customerIds, reloaded)))) this.stats.patches++;
  }

  private async loadAffiliate(code: string): Promise<void> {
    const { affiliate, referred } = await loadCatalogAffiliate(this.db, code);
    this.snapshot?.replaceAffiliate(code, affiliate, referred);
  }

  /** The snapshot in use (tests and benchmarks compare it with SQL). */
  current(): CatalogSnapshot | undefined {
    return this.snapshot;
  }
}
