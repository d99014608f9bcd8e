import { sql } from "drizzle-orm";
import { equalsOrAll } from "../db/filters.js";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";

export type Level = 1 | 2 | 3 | 4;

/**
 * Which of these customers a live asset of any kind is about: their changes can move landing
 * pages (a case study appears or goes, any asset shows or hides the customer's name).
 */
export async function landingSubjects(ex: Executor, customerIds: readonly string[]): Promise<string[]> {
  if (customerIds.length === 0) return [];
  const rows = await queryRows<{ customer_id: string }>(
    ex,
    sql`select distinct customer_id from content_assets where customer_id = any(${pgArrayLiteral(customerIds)}::uuid[]) and not archived`,
  );
  return rows.map((r) => r.customer_id);
}

/**
 * Copies what landing pages rank by (name, niche, status, scores) from these customers onto the
 * assets about them. Called with every score write (refreshScores) and when an asset is created,
 * in the same transaction, so pages never rank by stale figures. Rows already in step are not
 * rewritten.
 */
export async function syncLandingSubjects(ex: Executor, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await ex.execute(sql`
    update content_assets a set
      subject_name = c.name,
      subject_niche = c.niche,
      subject_live = (c.status = 'ACTIVE' and s.health_band is not null and s.health_band <> 'RED'),
      subject_successful = coalesce(s.successful, false),
      subject_advocacy = s.advocacy_score,
      subject_health = s.health_score
    from customers c left join customer_scores s on s.customer_id = c.id
    where a.customer_id = c.id and a.customer_id = any(${pgArrayLiteral(customerIds)}::uuid[])
      and (a.subject_name is distinct from c.name or a.subject_niche is distinct from c.niche
        or a.subject_live is distinct from (c.status = 'ACTIVE' and s.health_band is not null and s.health_band <> 'RED')
        or a.subject_successful is distinct from coalesce(s.successful, false)
        or a.subject_advocacy is distinct from s.advocacy_score or a.subject_health is distinct from s.health_score)`);
}

export type ContentKindName = "CASE_STUDY" | "USE_CASE" | "PAIN_POINT";

export interface LandingCandidate {
  id: string;
  kind: ContentKindName;
  title: string;
  body: string;
  url: string | null;
  customerName: string | null;
  level: Level;
}

/**
 * Every live asset that could fill a landing page for (affiliate, niche), with the most specific
 * level that picks it (1 affiliate and niche, 2 niche, 3 affiliate, 4 default), ranked within
 * each (kind, level) and cut at `limit`: one statement, whatever the number of assets.
 * - Case studies: only about customers that are ACTIVE and not RED; by advocacy, then health.
 * - Use cases: by how many successful customers (of the niche, when one is given) are linked
 *   to a use case of the same title, then newest first.
 * - Pain points: newest first.
 * An asset made for one affiliate's audience never shows on another affiliate's page. A customer
 * is named (customerName) only while it is live, ACTIVE and not RED, whatever the asset's kind:
 * a use case or pain point about a churned or RED customer shows without the name.
 *
 * The cost must not grow with the customer base (BENCHMARKS.md, "Landing page"): only the assets
 * that can match a level are read (one bitmap over the niche GIN index, the affiliate and customer
 * indexes), and what ranks a case study or use case (its customer's status, niche and scores) is
 * read from the asset's own subject_* columns (syncLandingSubjects), never from customers. Joining
 * customers and customer_scores made a page 3.6-4× slower at 100,000 customers than at 1,000
 * (hash joins over both tables), and looking them up by primary key still 2.6-3×.
 */
export async function findLandingCandidates(
  ex: Executor,
  affiliateId: string | null,
  niche: string | null,
  limit: number,
): Promise<LandingCandidate[]> {
  const rows = await queryRows<{
    id: string;
    kind: ContentKindName;
    title: string;
    body: string;
    url: string | null;
    customer_name: string | null;
    level: number;
  }>(
    ex,
    sql`
    with referred as materialized (
      select r.customer_id from referrals r where r.affiliate_id = ${affiliateId}::uuid
    ),
    popularity as (
      select lower(u.title) as title, count(distinct u.customer_id)::int as successful
        from content_assets u
       where u.kind = 'USE_CASE' and not u.archived and u.customer_id is not null and u.subject_successful
         and ${equalsOrAll(sql`u.subject_niche`, niche, "text")}
       group by lower(u.title)
    ),
    candidates as (
      select a.id, a.kind, a.title, a.body, a.url, a.created_at, case when a.subject_live then a.subject_name end as customer_name,
             a.subject_advocacy as advocacy_score, a.subject_health as health_score, coalesce(p.successful, 0) as popularity,
             case
               when ${affiliateId}::uuid is not null and ${niche}::text is not null and (
                      (a.affiliate_id = ${affiliateId}::uuid and a.niches @> array[${niche}::text])
                   or (a.kind = 'CASE_STUDY' and a.customer_id = any(array(select customer_id from referred))
                       and (a.niches @> array[${niche}::text] or a.subject_niche = ${niche}::text))) then 1
               when ${niche}::text is not null and a.niches @> array[${niche}::text] then 2
               when ${affiliateId}::uuid is not null and (a.affiliate_id = ${affiliateId}::uuid
                   or (a.kind = 'CASE_STUDY' and a.customer_id = any(array(select customer_id from referred)))) then 3
               when a.niches = '{}' and a.affiliate_id is null then 4
             end as level
        from content_assets a
        left join popularity p on a.kind = 'USE_CASE' and p.title = lower(a.title)
       where not a.archived
         and (a.affiliate_id is null or a.affiliate_id = ${affiliateId}::uuid)
         and (a.niches @> array[${niche}::text]
              or a.affiliate_id = ${affiliateId}::uuid
              or a.customer_id = any(array(select customer_id from referred))
              or (a.niches = '{}' and a.affiliate_id is null))
         and (a.kind <> 'CASE_STUDY' or (a.customer_id is not null and a.subject_live))
    ),
    ranked as (
      select *, row_number() over (
               partition by kind, level
               order by case when kind = 'CASE_STUDY' then advocacy_score end desc nulls last,
                        case when kind = 'CASE_STUDY' then health_score end desc nulls last,
                        case when kind = 'USE_CASE' then popularity end desc nulls last,
                        created_at desc, id) as rank
        from candidates
       where level is not null
    )
    select id, kind, title, body, url, customer_name, level from ranked where rank <= ${limit}
     order by kind, level, rank`,
  );
  return rows.map((r) => ({ id: r.id, kind: r.kind, title: r.title, body: r.body, url: r.url, customerName: r.customer_name, level: Number(r.level) as Level }));
}
