import type { ContentKindName, Level } from "../landing.repository.js";
import type { LandingInput, LandingItem, LandingPageData } from "../landing.service.js";
import { compareCaseStudies, compareCreated, topN } from "./ranking.js";

/** A live asset as the catalog holds it: what a page shows of it and what ranks it. */
export interface CatalogAsset {
  id: string;
  kind: ContentKindName;
  title: string;
  /** lower(title) as the database computes it (its locale, not JavaScript's): the use-case popularity key. */
  titleKey: string;
  body: string;
  url: string | null;
  niches: readonly string[];
  customerId: string | null;
  affiliateId: string | null;
  subjectName: string | null;
  subjectNiche: string | null;
  subjectLive: boolean;
  subjectSuccessful: boolean;
  subjectAdvocacy: number | null;
  subjectHealth: number | null;
  /** created_at in microseconds since the epoch: the database's precision, for exact tie-breaks. */
  createdUs: number;
}

export interface CatalogAffiliate {
  id: string;
  code: string;
  name: string;
}

export interface CatalogRows {
  assets: readonly CatalogAsset[];
  affiliates: readonly CatalogAffiliate[];
  /** (affiliate, customer) of every referral of a customer a live case study is about. */
  referrals: readonly { affiliateId: string; customerId: string }[];
}

type Popularity = Map<string, number>;
type Compare = (a: CatalogAsset, b: CatalogAsset) => number;

/** One decision's candidates as they are gathered: by (kind, level) slot, each asset once. */
interface Gathering {
  affiliateId: string | null;
  niche: string | null;
  referred: Set<string> | undefined;
  groups: (CatalogAsset[] | undefined)[];
  seen: Set<CatalogAsset>;
}



/** A rough count of the bytes the catalog holds (strings as UTF-16, objects and index entries as fixed overhead). */
function bytesOf(rows: CatalogRows): number {
  let bytes = 0;
  for (const a of rows.assets) {
    bytes += 2 * (a.title.length + a.titleKey.length + a.body.length + (a.url?.length ?? 0) + (a.subjectName?.length ?? 0) + (a.subjectNiche?.length ?? 0));
    for (const n of a.niches) bytes += 2 * n.length + 48;
    bytes += 500;
  }
  for (const f of rows.affiliates) bytes += 2 * (f.code.length + f.name.length) + 260;
  return bytes + rows.referrals.length * 120;
}


const KINDS: readonly ContentKindName[] = ["CASE_STUDY", "USE_CASE", "PAIN_POINT"];
const KIND_INDEX: Record<ContentKindName, number> = { CASE_STUDY: 0, USE_CASE: 1, PAIN_POINT: 2 };
const LEVEL_NAMES: Record<Level, LandingPageData["matchedOn"]> = { 1: "AFFILIATE_AND_NICHE", 2: "NICHE", 3: "AFFILIATE", 4: "DEFAULT" };
type KindLists = Record<ContentKindName, CatalogAsset[]>;
const kindLists = (): KindLists => ({ CASE_STUDY: [], USE_CASE: [], PAIN_POINT: [] });

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * One consistent copy of what landing pages choose from, indexed by niche, affiliate and
 * customer, deciding a page exactly as findLandingCandidates does in SQL (the property test in
 * test/api/landing/catalog-property.test.ts compares the two). Built whole, then swapped in
 * (catalog.ts), from a full load or from the rows of the one before with some assets reloaded;
 * only an affiliate's entry and referrals are replaced in place, synchronously.
 */
export class CatalogSnapshot {
  readonly assetCount: number;
  readonly bytes: number;
  private readonly assets: readonly CatalogAsset[];
  /** Assets in a niche, and for every niche (DEFAULT), by kind, each in its kind's ranking order. */
  private readonly byNiche = new Map<string, KindLists>();
  private readonly defaults = kindLists();
  private readonly byAffiliate = new Map<string, CatalogAsset[]>();
  private readonly caseStudiesByCustomer = new Map<string, CatalogAsset[]>();
  /** Use cases of a niche's list or of the defaults ranked by one niche's popularity, made on first use. */
  private readonly rankedUseCases = new Map<string, CatalogAsset[]>();
  private readonly affiliates = new Map<string, CatalogAffiliate>();
  private readonly referred = new Map<string, Set<string>>();
  /** Successful customers per use-case title, for every niche ("" key: any niche). */
  private readonly popularity = new Map<string, Popularity>();
  /** What a page shows of each asset, made once: pages share these objects (read-only). */
  private readonly items = new Map<CatalogAsset, LandingItem>();
  private readonly useCaseOrders = new Map<Popularity, Compare>();

  constructor(rows: CatalogRows) {
    this.assets = rows.assets;
    this.assetCount = rows.assets.length;
    this.bytes = bytesOf(rows);
    const successful = new Map<string, Map<string, Set<string>>>();
    const count = (niche: string, a: CatalogAsset) => {
      let titles = successful.get(niche);
      if (!titles) successful.set(niche, (titles = new Map()));
      let customers = titles.get(a.titleKey);
      if (!customers) titles.set(a.titleKey, (customers = new Set()));
      customers.add(a.customerId!);
    };
    for (const a of rows.assets) {
      this.items.set(a, { id: a.id, kind: a.kind, title: a.title, body: a.body, url: a.url, customerName: a.subjectLive ? a.subjectName : null });
      for (const n of a.niches) {
        let lists = this.byNiche.get(n);
        if (!lists) this.byNiche.set(n, (lists = kindLists()));
        lists[a.kind].push(a);
      }
      if (a.affiliateId !== null) push(this.byAffiliate, a.affiliateId, a);
      else if (a.niches.length === 0) this.defaults[a.kind].push(a);
      if (a.kind === "CASE_STUDY" && a.customerId !== null) push(this.caseStudiesByCustomer, a.customerId, a);
      if (a.kind === "USE_CASE" && a.customerId !== null && a.subjectSuccessful) {
        count("", a);
        if (a.subjectNiche !== null) count(a.subjectNiche, a);
      }
    }
    for (const lists of [this.defaults, ...this.byNiche.values()]) {
      lists.CASE_STUDY.sort(compareCaseStudies);
      lists.USE_CASE.sort(compareCreated);
      lists.PAIN_POINT.sort(compareCreated);
    }
    for (const [niche, titles] of successful) this.popularity.set(niche, new Map([...titles].map(([title, customers]) => [title, customers.size])));
    for (const f of rows.affiliates) this.affiliates.set(f.code, f);
    for (const r of rows.referrals) this.addReferral(r.affiliateId, r.customerId);
  }

  private addReferral(affiliateId: string, customerId: string): void {
    let customers = this.referred.get(affiliateId);
    if (!customers) this.referred.set(affiliateId, (customers = new Set()));
    customers.add(customerId);
  }

  /** Replaces what the catalog knows of one affiliate code (undefined: no affiliate has it now). */
  replaceAffiliate(code: string, affiliate: CatalogAffiliate | undefined, referredCustomers: readonly string[]): void {
    const previous = this.affiliates.get(code);
    if (previous) this.referred.delete(previous.id);
    if (!affiliate) {
      this.affiliates.delete(code);
      return;
    }
    this.affiliates.set(code, affiliate);
    this.referred.delete(affiliate.id);
    for (const customerId of referredCustomers) this.addReferral(affiliate.id, customerId);
  }

  /** What the snapshot holds now (affiliates replaced since it was built included): the rows a patched one is built from. */
  rows(): CatalogRows {
    const referrals: { affiliateId: string; customerId: string }[] = [];
    for (const [affiliateId, customers] of this.referred) for (const customerId of customers) referrals.push({ affiliateId, customerId });
    return { assets: this.assets, affiliates: [...this.affiliates.values()], referrals };
  }

  affiliateOf(code: string): CatalogAffiliate | undefined {
    return this.affiliates.get(code);
  }

  /**
   * The page for this input: the same rules, order and bytes as computeLandingPage (each kind
   * filled from the most specific level down, as assembleLandingPage does with the SQL's rows).
   * Written without closures: this runs on every miss, and each closure made costs (tsx names it).
   */
  decide(input: LandingInput): LandingPageData {
    const { limit, niche } = input;
    const affiliate = input.affiliateCode ? this.affiliates.get(input.affiliateCode) : undefined;
    const popularity = this.popularity.get(niche ?? "");
    const groups = this.groups(affiliate?.id ?? null, niche, limit, popularity);
    // The most specific level of any candidate: every (kind, level) group found gives its kind's
    // list at least one item unless a more specific one of the same kind came first.
    let best: Level = 4;
    for (let slot = 0; slot < groups.length; slot++) if (groups[slot] && (slot % 4) + 1 < best) best = ((slot % 4) + 1) as Level;
    return {
      affiliate: affiliate ? { code: affiliate.code, name: affiliate.name } : null,
      niche: best <= 2 ? niche : null,
      matchedOn: LEVEL_NAMES[best],
      caseStudies: this.pick(groups, 0, limit, compareCaseStudies),
      useCases: this.pick(groups, 1, limit, popularity ? this.useCaseOrder(popularity) : compareCreated),
      painPoints: this.pick(groups, 2, limit, compareCreated),
    };
  }

  /** A kind's items: its groups from level 1 down, each in ranking order, cut at `limit`. */
  private pick(groups: readonly (CatalogAsset[] | undefined)[], kind: number, limit: number, compare: Compare): LandingItem[] {
    const chosen: LandingItem[] = [];
    for (let level = 1; level <= 4 && chosen.length < limit; level++) {
      const items = groups[kind * 4 + level - 1];
      if (!items) continue;
      const top = topN(items, limit, compare);
      for (let i = 0; i < top.length && chosen.length < limit; i++) chosen.push(this.items.get(top[i]!)!);
    }
    return chosen;
  }

  /** Use cases by the popularity of their title in the page's niche, then newest first. */
  private useCaseOrder(popularity: Popularity): Compare {
    let compare = this.useCaseOrders.get(popularity);
    if (!compare) {
      compare = (a, b) => (popularity.get(b.titleKey) ?? 0) - (popularity.get(a.titleKey) ?? 0) || compareCreated(a, b);
      this.useCaseOrders.set(popularity, compare);
    }
    return compare;
  }

  /**
   * findLandingCandidates, in memory: the candidates of each (kind, level), at kind × 4 + level - 1.
   * The niche's and the default lists are read in ranking order and only until `limit` assets of
   * their own level (2 and 4) were found; an asset of theirs at another level (1 or 3) is also in
   * the affiliate's or the referred customers' lists, which are short and read whole.
   */
  private groups(affiliateId: string | null, niche: string | null, limit: number, popularity: Popularity | undefined): (CatalogAsset[] | undefined)[] {
    const referred = affiliateId === null ? undefined : this.referred.get(affiliateId);
    const gathering: Gathering = { affiliateId, niche, referred, groups: new Array(12), seen: new Set() };
    const own = affiliateId === null ? undefined : this.byAffiliate.get(affiliateId);
    if (own) for (const a of own) this.consider(gathering, a, 0);
    if (referred) {
      for (const customerId of referred) {
        const caseStudies = this.caseStudiesByCustomer.get(customerId);
        if (caseStudies) for (const a of caseStudies) this.consider(gathering, a, 0);
      }
    }
    const nicheLists = niche === null ? undefined : this.byNiche.get(niche);
    for (const kind of KINDS) {
      if (nicheLists) this.readUntil(gathering, this.ranked(`n${niche}`, nicheLists, kind, niche, popularity), 2, limit);
      this.readUntil(gathering, this.ranked("d", this.defaults, kind, niche, popularity), 4, limit);
    }
    return gathering.groups;
  }

  /** Reads a list in ranking order until `limit` of its assets are of `level`. */
  private readUntil(gathering: Gathering, list: readonly CatalogAsset[], level: Level, limit: number): void {
    let found = 0;
    for (let i = 0; i < list.length && found < limit; i++) if (this.consider(gathering, list[i]!, level)) found++;
  }

  /** Puts the asset in its group, once; true when it is of `level` (0: any). */
  private consider(gathering: Gathering, a: CatalogAsset, level: Level | 0): boolean {
    if (gathering.seen.has(a)) return false;
    gathering.seen.add(a);
    const found = this.levelOf(a, gathering.affiliateId, gathering.niche, gathering.referred);
    if (found === undefined) return false;
    (gathering.groups[KIND_INDEX[a.kind] * 4 + found - 1] ??= []).push(a);
    return found === level;
  }

  /** A list in ranking order: as built, but use cases by the popularity of the page's niche (kept per niche that has any). */
  private ranked(key: string, lists: KindLists, kind: ContentKindName, niche: string | null, popularity: Popularity | undefined): readonly CatalogAsset[] {
    if (kind !== "USE_CASE" || !popularity) return lists[kind];
    const memo = `${key}\u0000${niche ?? ""}`;
    let ranked = this.rankedUseCases.get(memo);
    if (!ranked) {
      ranked = [...lists.USE_CASE].sort((a, b) => (popularity.get(b.titleKey) ?? 0) - (popularity.get(a.titleKey) ?? 0) || compareCreated(a, b));
      this.rankedUseCases.set(memo, ranked);
    }
    return ranked;
  }

  /** The SQL's `where` and `case … end as level`: undefined when the asset is no candidate. */
  private levelOf(a: CatalogAsset, affiliateId: string | null, niche: string | null, referred: Set<string> | undefined): Level | undefined {
    if (a.affiliateId !== null && a.affiliateId !== affiliateId) return undefined;
    const isCaseStudy = a.kind === "CASE_STUDY";
    if (isCaseStudy && (a.customerId === null || !a.subjectLive)) return undefined;
    const inNiche = niche !== null && a.niches.includes(niche);
    const ownAffiliate = affiliateId !== null && a.affiliateId === affiliateId;
    const referredCaseStudy = isCaseStudy && referred !== undefined && referred.has(a.customerId!);
    if (affiliateId !== null && niche !== null && ((ownAffiliate && inNiche) || (referredCaseStudy && (inNiche || a.subjectNiche === niche)))) return 1;
    if (inNiche) return 2;
    if (ownAffiliate || referredCaseStudy) return 3;
    if (a.niches.length === 0 && a.affiliateId === null) return 4;
    return undefined;
  }
}
