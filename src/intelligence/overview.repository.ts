import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";
import { customerScores, customers } from "../db/schema/index.js";
import type { HealthBand } from "./intelligence.enums.js";

export interface OverviewRow {
  churned: boolean;
  band: HealthBand | null;
  bucket: number | null;
  customers: number | string;
  mrr: number | string;
  at_risk: number | string;
}

/** Customers, MRR and expected MRR lost, grouped by churned or not, health band and churn-risk bucket: one statement. */
export function overviewRows(db: Executor, buckets: number): Promise<OverviewRow[]> {
  return queryRows<OverviewRow>(
    db,
    sql`select ${customers.status} = 'CHURNED' as churned, ${customerScores.healthBand} as band,
             least(floor(${customerScores.churnRisk} * ${buckets}), ${buckets - 1})::int as bucket,
             count(*) as customers, coalesce(sum(${customers.mrrCents}), 0) as mrr,
             coalesce(sum(${customers.mrrCents} * ${customerScores.churnRisk}), 0) as at_risk
      from ${customers} left join ${customerScores} on ${customerScores.customerId} = ${customers.id}
      group by 1, 2, 3`,
  );
}
