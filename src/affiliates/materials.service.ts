import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";
import { computeLandingPage, type LandingItem } from "../landing/landing.service.js";
import type { AffiliateRow } from "./affiliate.repository.js";

/** Niches of an affiliate's audience a materials kit covers, most common first. */
export const KIT_NICHES = 3;

/**
 * The niches of an affiliate's audience, most common first: those of the customers it referred,
 * of its landing-page visitors, and of the content made for it.
 */
export async function audienceNiches(ex: Executor, affiliateId: string, limit = KIT_NICHES): Promise<string[]> {
  const rows = await queryRows<{ niche: string }>(
    ex,
    sql`
    select niche from (
      select c.niche from referrals r join customers c on c.id = r.customer_id where r.affiliate_id = ${affiliateId}::uuid and c.niche is not null
      union all
      select v.niche from referral_visits v where v.affiliate_id = ${affiliateId}::uuid and v.niche is not null
      union all
      select unnest(a.niches) from content_assets a where a.affiliate_id = ${affiliateId}::uuid and not a.archived
    ) audience
    group by niche order by count(*) desc, niche limit ${limit}`,
  );
  return rows.map((r) => r.niche);
}

/**
 * A link to the affiliate's landing page for a niche that names the content shared, for
 * attribution: the parameters the tracking snippet reads (`via`, `niche`, `content`).
 */
export function trackingLink(siteUrl: string, code: string, niche: string | null, contentId: string): string {
  const url = new URL(siteUrl);
  url.searchParams.set("via", code);
  if (niche) url.searchParams.set("niche", niche);
  url.searchParams.set("content", contentId);
  return url.toString();
}

/**
 * The affiliate's materials kit: for each niche of its audience (or none, while it has no
 * audience yet), the content its landing page shows there, chosen and ranked by the same rules
 * (landing.service.ts), each item with a tracking link. Archived content never appears.
 */
export async function materialsKit(ex: Executor, affiliate: Pick<AffiliateRow, "id" | "code">, siteUrl: string, limit: number) {
  const niches = await audienceNiches(ex, affiliate.id);
  const sections = niches.length > 0 ? niches : [null];
  return Promise.all(
    sections.map(async (niche) => {
      const page = await computeLandingPage(ex, { affiliateCode: affiliate.code, niche, limit });
      const withLink = (items: LandingItem[]) => items.map((item) => ({ ...item, trackingLink: trackingLink(siteUrl, affiliate.code, page.niche ?? niche, item.id) }));
      return { niche, matchedOn: page.matchedOn, caseStudies: withLink(page.caseStudies), useCases: withLink(page.useCases), painPoints: withLink(page.painPoints) };
    }),
  );
}
