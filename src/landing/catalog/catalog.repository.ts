import { sql } from "drizzle-orm";
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

export async function loadCatalogRows(ex: Executor): Promise<CatalogRows> {
  const assets = await queryRows<{
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
  }>(
    ex,
    sql`select id, kind, title, lower(title) as title_key, body, url, niches, customer_id, affiliate_id, subject_name, subject_niche,
               subject_live, subject_successful, subject_advocacy, subject_health,
               floor(extract(epoch from created_at) * 1000000)::bigint::text as created_us
          from content_assets where not archived`,
  );
  const affiliates = await queryRows<CatalogAffiliate>(ex, sql`select id, code, name from affiliates`);
  const referrals = await queryRows<{ affiliate_id: string; customer_id: string }>(
    ex,
    sql`select distinct affiliate_id, customer_id from referrals where customer_id in (${CASE_STUDY_CUSTOMERS})`,
  );
  return {
    assets: assets.map(
      (r): CatalogAsset => ({
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
      }),
    ),
    affiliates,
    referrals: referrals.map((r) => ({ affiliateId: r.affiliate_id, customerId: r.customer_id })),
  };
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
