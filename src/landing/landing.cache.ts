import { hash } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Database } from "../db/client.js";
import type { LandingCacheOptions } from "../config/config.js";
import type { ChangeOf } from "../common/changes.js";
import { describeError, log } from "../common/log.js";
import { computeLandingPage, defaultLandingPage, type LandingInput, type LandingItem, type LandingPageData } from "./landing.service.js";
import type { ImpressionBuffer } from "./impressions.js";
import type { LandingCatalog } from "./catalog/catalog.js";
import { approximateJsonLength, pageJson } from "./page-json.js";

/** The catalog could answer only from a snapshot that missed a change: served as "stale", never cached. */
class StaleCatalogAnswer extends Error {
  constructor(readonly page: LandingPageData) {
    super("the landing catalog is behind a change it could not load");
  }
}

/**
 * A cached answer: the object for GraphQL; its JSON bytes and strong ETag for HTTP, made on first
 * use (a page only GraphQL asks for is never serialized or hashed).
 */
export class LandingEntry {
  /** GET /landing's response headers for this entry when no CORS origin applies, made on first use. */
  restHeaders?: string[];
  /** The GraphQL fast path's answer for the document it last rendered this page for (fast-path/fast-path.ts). */
  rendered?: { document: object; response: unknown };
  private bytes?: Buffer;
  private tag?: string;

  constructor(readonly page: LandingPageData) {}

  get body(): Buffer {
    return (this.bytes ??= Buffer.from(pageJson(this.page)));
  }

  get etag(): string {
    return (this.tag ??= `"${hash("sha1", this.body, "base64url")}"`);
  }
}

/**
 * fresh: computed now; cached: within its TTL; stale: the database failed, the last answer (or the
 * catalog's, when it missed a change it could not load); default: nothing better.
 */
export type LandingSource = "fresh" | "cached" | "stale" | "default";

/** A page to send, and where it came from. */
export interface Answer {
  entry: LandingEntry;
  source: LandingSource;
}

export const landingCacheKey = (input: LandingInput) => `${input.affiliateCode ?? ""}|${input.niche ?? ""}|${input.limit}`;

export const toEntry = (page: LandingPageData): LandingEntry => new LandingEntry(page);

const sameItems = (a: readonly LandingItem[], b: readonly LandingItem[]) =>
  a.length === b.length &&
  a.every((x, i) => {
    const y = b[i]!;
    return x.id === y.id && x.kind === y.kind && x.title === y.title && x.body === y.body && x.url === y.url && x.customerName === y.customerName;
  });

/** True when the two pages serialize to the same bytes: every field of toEntry's JSON compared. */
export function samePage(a: LandingPageData, b: LandingPageData): boolean {
  return (
    a.niche === b.niche &&
    a.matchedOn === b.matchedOn &&
    (a.affiliate === b.affiliate || (a.affiliate !== null && b.affiliate !== null && a.affiliate.code === b.affiliate.code && a.affiliate.name === b.affiliate.name)) &&
    sameItems(a.caseStudies, b.caseStudies) &&
    sameItems(a.useCases, b.useCases) &&
    sameItems(a.painPoints, b.painPoints)
  );
}

/**
 * The entry for a page decided again: the expired entry itself when the page is unchanged (most
 * expiries: its bytes and ETag kept, and the GraphQL fast path's rendered answer with them),
 * else a new one.
 */
export const entryFor = (page: LandingPageData, previous: LandingEntry | undefined): LandingEntry =>
  previous && samePage(previous.page, page) ? previous : toEntry(page);

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The landing-page cache: bounded by entries and bytes, with a TTL; one database computation
 * for concurrent misses of a key (lru-cache's fetch is single-flight); on a database failure or
 * timeout the last answer is served even past its TTL (stale-if-error), else a built-in default.
 * Writes that can change an answer announce it on the app's change channel, which this cache
 * hears synchronously (server/app.ts): it forgets the entries before the mutation returns.
 * With a landing catalog in use (catalog/catalog.ts), a miss is decided in memory, with no SQL
 * statement; otherwise (too large, or none) by findLandingCandidates as before.
 */
export class LandingCache {
  private readonly lru: LRUCache<string, LandingEntry, LandingInput>;
  /** True while the database is failing the landing page; readiness reports it. */
  degraded = false;
  /** Answers from memory, computed on a miss (bySql: of those, by SQL), served stale on a database failure, or the built-in default (/metrics). */
  readonly stats = { hits: 0, misses: 0, bySql: 0, stale: 0, fallbacks: 0 };

  constructor(
    private readonly db: Database,
    private readonly options: LandingCacheOptions,
    /** Counts the assets of every page served (not the built-in default: it has none). */
    private readonly impressions?: ImpressionBuffer,
    /** Decides misses in memory while it is in use. */
    readonly catalog?: LandingCatalog,
  ) {
    this.lru = new LRUCache<string, LandingEntry, LandingInput>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      // What an entry can hold: its JSON bytes (made when GET /landing first asks, so counted by
      // their approximate length), a GraphQL answer of about as many bytes (when the fast path
      // renders one), the page object beside them (about 1.5× the bytes as V8 objects and
      // strings) and fixed overhead. The estimate that counted only twice the bytes let measured
      // memory reach 1.35-1.9× the bound (BENCHMARKS.md, "Landing page").
      sizeCalculation: (entry, key) => Math.ceil(approximateJsonLength(entry.page) * 3.5) + key.length * 2 + 600,
      ttl: options.ttlMs,
      allowStaleOnFetchRejection: true,
      noDeleteOnFetchRejection: true,
      // A stale entry must survive a plain get(): it is what stale-if-error serves.
      noDeleteOnStaleGet: true,
      fetchMethod: async (_key, previous, { context }) => {
        const decided = this.catalog?.answer(context);
        const answer = decided instanceof Promise ? await decided : decided;
        if (answer !== undefined && answer !== "loading") {
          if (answer.stale) throw new StaleCatalogAnswer(answer.page);
          return entryFor(answer.page, previous);
        }
        let page: LandingPageData;
        this.stats.bySql++;
        try {
          page = await withTimeout(computeLandingPage(this.db, context), this.options.dbTimeoutMs);
        } catch (error) {
          // The catalog was loading a change when the database failed: its snapshot, said stale.
          const fallback = answer === "loading" ? this.catalog?.staleAnswer(context) : undefined;
          throw fallback ? new StaleCatalogAnswer(fallback.page) : error;
        }
        const entry = entryFor(page, previous);
        this.degraded = false;
        return entry;
      },
    });
  }

  /**
   * A fresh cached answer, synchronously, counting its impressions; undefined on a miss (then
   * get() computes it). This is every page view: no promise, no fetch() bookkeeping.
   */
  getCached(input: LandingInput, key = landingCacheKey(input)): LandingEntry | undefined {
    const hit = this.lru.get(key);
    if (hit) {
      this.stats.hits++;
      this.impressions?.record(hit.page);
    }
    return hit;
  }

  /**
   * The answer for `input`: synchronously when it is cached or the catalog decides it now (every
   * miss while the catalog is in step), else once computed.
   */
  get(input: LandingInput, key = landingCacheKey(input)): Answer | Promise<Answer> {
    const hit = this.getCached(input, key);
    return hit ? { entry: hit, source: "cached" } : this.miss(input, key);
  }

  /** get() after getCached() found nothing: the hot paths look the key up once, then miss. */
  miss(input: LandingInput, key = landingCacheKey(input)): Answer | Promise<Answer> {
    this.stats.misses++;
    const decided = this.decideNow(input, key);
    if (decided) return { entry: decided, source: "fresh" };
    return this.compute(input, key);
  }

  private async compute(input: LandingInput, key: string): Promise<Answer> {
    // An invalidation while a computation is in flight aborts it (its answer may predate the
    // write): the second attempt computes afresh. lru-cache resolves an aborted fetch (undefined,
    // or the entry it was replacing) rather than rejecting it, so the abort is read from status.
    for (let attempt = 0; ; attempt++) {
      const status: LRUCache.Status<string, LandingEntry, LandingInput> = {};
      try {
        const entry = await this.lru.fetch(key, { context: input, status });
        if (status.fetchAborted && attempt === 0) continue;
        if (status.fetchError instanceof StaleCatalogAnswer) return this.staleFromCatalog(status.fetchError);
        if (entry) {
          this.impressions?.record(entry.page);
          if (status.returnedStale) {
            this.stats.stale++;
            return { entry, source: "stale" };
          }
          return { entry, source: status.fetch === "hit" ? "cached" : "fresh" };
        }
      } catch (error) {
        if (status.fetchAborted && attempt === 0) continue;
        if (error instanceof StaleCatalogAnswer) return this.staleFromCatalog(error);
        this.degraded = true;
        this.stats.fallbacks++;
        log.warn("landing page served the built-in default", describeError(error));
        return { entry: toEntry(defaultLandingPage()), source: "default" };
      }
      if (status.fetchRejected) {
        this.degraded = true;
        log.warn("landing page served the built-in default", describeError(status.fetchError));
      }
      this.stats.fallbacks++;
      return { entry: toEntry(defaultLandingPage()), source: "default" };
    }
  }

  /**
   * A miss the catalog decides synchronously (it is in step with every change heard): set in the
   * cache at once, without lru-cache's fetch (its promise, abort controller and bookkeeping cost
   * more than the decision). Nothing can interleave with synchronous code, so no computation in
   * flight can be overtaken; one that is (a miss computed by SQL during a reload) is aborted by
   * the set, and its caller asks again.
   */
  private decideNow(input: LandingInput, key: string): LandingEntry | undefined {
    const page = this.catalog?.decideNow(input);
    if (!page) return undefined;
    const entry = entryFor(page, this.lru.peek(key, { allowStale: true }));
    this.lru.set(key, entry);
    this.impressions?.record(entry.page);
    return entry;
  }

  private staleFromCatalog({ page }: StaleCatalogAnswer): Answer {
    this.degraded = true;
    this.stats.stale++;
    this.impressions?.record(page);
    return { entry: toEntry(page), source: "stale" };
  }

  /** Forget the answers a change may have changed (the catalog loads what it changed). */
  apply(change: ChangeOf<"landing">): void {
    this.catalog?.apply(change);
    // An asset can be on any page: every answer goes (the catalog decides them again in microseconds).
    if (change.scope === "affiliate") this.invalidateAffiliate(change.code);
    else this.invalidateAll();
  }

  /** Forget every answer. */
  invalidateAll(): void {
    this.lru.clear();
  }

  /** Forget the answers for one affiliate code (its pages, whatever the niche and limit). */
  invalidateAffiliate(code: string): void {
    for (const key of [...this.lru.keys()]) if (key.startsWith(`${code}|`)) this.lru.delete(key);
  }

  get size() {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize };
  }
}
