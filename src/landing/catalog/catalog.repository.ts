import { sql, type SQL } from "drizzle-orm";
import { pgArrayLiteral } from "../../db/arrays.js";
import { queryRows, type Executor } from "../../db/client.js";
import type { ContentKindName } from "../landing.repository.js";
import type { CatalogAffiliate, CatalogAsset, CatalogRows } from "./snapshot.js";

// What the landing catalog reads: every live asset with what ranks it (the subject_* columns that
// findLandingCandidates ranks by), every affiliate's code and name, and the referrals that can put
// a case study on an affiliate's page. These statements run at start and after a change, never
// on a page view.

export async function countLiveAssets(ex: Executor): Promise<number> {
  const [row] = await queryRows<{ n: number }>(ex, sql`select count(*)::int as n from content_assets where not archived`);
  return Number(row?.n ?? 0);
}

/** Referrals of customers a live case study is about: the only ones a landing page can use. */
const CASE_STUDY_CUSTOMERS = sql`select customer_id from content_assets where kind = 'CASE_STUDY' and not archived and customer_id is not null`;

type AssetRow = {
  id: string;
  kind: ContentKindName;
  title: string;
  title_key: string;
  body: string;
  url: string | null;
  niches: string[];
  customer_id: string | null;
  affiliate_id: string | null;
  subject_name: string | null;
  subject_niche: string | null;
  subject_live: boolean;
  subject_successful: boolean;
  subject_advocacy: number | null;
  subject_health: number | null;
  created_us: string;
};

const toAsset = (r: AssetRow): CatalogAsset => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  titleKey: r.title_key,
  body: r.body,
  url: r.url,
  niches: r.niches,
  customerId: r.customer_id,
  affiliateId: r.affiliate_id,
  subjectName: r.subject_name,
  subjectNiche: r.subject_niche,
  subjectLive: r.subject_live,
  subjectSuccessful: r.subject_successful,
  subjectAdvocacy: r.subject_advocacy === null ? null : Number(r.subject_advocacy),
  subjectHealth: r.subject_health === null ? null : Number(r.subject_health),
  createdUs: Number(r.created_us),
});

/** Live assets (those `where` allows) as the catalog holds them. */
async function loadAssets(ex: Executor, where: SQL): Promise<CatalogAsset[]> {
  const rows = await queryRows<AssetRow>(
    ex,
    sql`select id, kind, title, lower(title) as title_key, body, url, niches, customer_id, affiliate_id, subject_name, subject_niche,
               subject_live, subject_successful, subject_advocacy, subject_health,
               floor(extract(epoch from created_at) * 1000000)::bigint::text as created_us
          from content_assets where not archived and ${where}`,
  );
  return rows.map(toAsset);
}

const toReferrals = (rows: { affiliate_id: string; customer_id: string }[]) => rows.map((r) => ({ affiliateId: r.affiliate_id, customerId: r.customer_id }));

export async function loadCatalogRows(ex: Executor): Promise<CatalogRows> {
  const assets = await loadAssets(ex, sql`true`);
  const affiliates = await queryRows<CatalogAffiliate>(ex, sql`select id, code, name from affiliates`);
  const referrals = await queryRows<{ affiliate_id: string; customer_id: string }>(
    ex,
    sql`select distinct affiliate_id, customer_id from referrals where customer_id in (${CASE_STUDY_CUSTOMERS})`,
  );
  return { assets, affiliates, referrals: toReferrals(referrals) };
}

/**
 * What changed with these assets and the assets about these customers: their live rows now, and
 * the case-study referrals of those customers (and of the customers the assets are about).
 */
export async function loadCatalogAssets(ex: Executor, assetIds: readonly string[], customerIds: readonly string[]): Promise<ReloadedAssets> {
  const assets = await loadAssets(
    ex,
    sql`(id = any(${pgArrayLiteral(assetIds)}::uuid[]) or customer_id = any(${pgArrayLiteral(customerIds)}::uuid[]))`,
  );
  const customers = [...new Set([...customerIds, ...assets.flatMap((a) => (a.customerId === null ? [] : [a.customerId]))])];
  const referrals = await queryRows<{ affiliate_id: string; customer_id: string }>(
    ex,
    sql`select distinct affiliate_id, customer_id from referrals
         where customer_id = any(${pgArrayLiteral(customers)}::uuid[]) and customer_id in (${CASE_STUDY_CUSTOMERS})`,
  );
  return { assets, referrals: toReferrals(referrals), customers };
}

/** Assets reloaded, and the customers whose referrals were (every one the catalog may need of them). */
export interface ReloadedAssets extends Pick<CatalogRows, "assets" | "referrals"> {
  customers: string[];
}

/**
 * The rows of a snapshot with these assets reloaded: the assets named, and those about the
 * customers named, are replaced by what is live of them now (none: they are gone), and the
 * referrals of the customers reloaded by theirs now. Ranking does not depend on row order.
 */
export function patchRows(current: CatalogRows, assetIds: ReadonlySet<string>, customerIds: ReadonlySet<string>, reloaded: ReloadedAssets): CatalogRows {
  const loadedIds = new Set(reloaded.assets.map((a) => a.id));
  const customers = new Set(reloaded.customers);
  const assets = current.assets.filter((a) => !assetIds.has(a.id) && !loadedIds.has(a.id) && (a.customerId === null || !customerIds.has(a.customerId)));
  const referrals = current.referrals.filter((r) => !customers.has(r.customerId));
  return { assets: [...assets, ...reloaded.assets], affiliates: current.affiliates, referrals: [...referrals, ...reloaded.referrals] };
}

/** One affiliate code as the catalog holds it, with the customers of live case studies it referred. */
export async function loadCatalogAffiliate(ex: Executor, code: string): Promise<{ affiliate: CatalogAffiliate | undefined; referred: string[] }> {
  const [affiliate] = await queryRows<CatalogAffiliate>(ex, sql`select id, code, name from affiliates where code = ${code}`);
  if (!affiliate) return { affiliate, referred: [] };
  const rows = await queryRows<{ customer_id: string }>(
    ex,
    sql`select distinct customer_id from referrals where affiliate_id = ${affiliate.id}::uuid and customer_id in (${CASE_STUDY_CUSTOMERS})`,
  );
  return { affiliate, referred: rows.map((r) => r.customer_id) };
}
