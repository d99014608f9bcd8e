import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import * as v from "../common/validate.js";
import { overviewRows } from "./overview.repository.js";
import { Customer } from "../customers/customer.type.js";
import { HealthBand } from "./intelligence.enums.js";
import { CustomerOverview, HealthPoint } from "./overview.type.js";
import { DAY_MS } from "./features.js";
import { loadFeatures } from "./features.repository.js";
import { computeHealth } from "./health.js";

const BUCKETS = 10;

@Resolver(() => Customer)
export class OverviewResolver {
  @Query(() => CustomerOverview, { description: "Customers by health band and churn risk, with the MRR at risk: one statement over the stored scores." })
  @Allow(Role.ADMIN)
  async customerOverview(@Ctx() { db }: Context): Promise<CustomerOverview> {
    const rows = await overviewRows(db, BUCKETS);
    const overview: CustomerOverview = {
      customers: 0,
      churnedCustomers: 0,
      mrrCents: 0,
      mrrAtRiskCents: 0,
      bands: [HealthBand.RED, HealthBand.YELLOW, HealthBand.GREEN].map((band) => ({ band, customers: 0, mrrCents: 0 })),
      churnRisk: Array.from({ length: BUCKETS }, (_, i) => ({ from: i / BUCKETS, to: (i + 1) / BUCKETS, customers: 0, mrrCents: 0 })),
    };
    let atRisk = 0;
    for (const row of rows) {
      const n = Number(row.customers);
      if (row.churned) {
        overview.churnedCustomers += n;
        continue;
      }
      overview.customers += n;
      overview.mrrCents += Number(row.mrr);
      atRisk += Number(row.at_risk);
      const band = overview.bands.find((b) => b.band === row.band);
      if (band) {
        band.customers += n;
        band.mrrCents += Number(row.mrr);
      }
      const bucket = row.bucket === null ? undefined : overview.churnRisk[row.bucket];
      if (bucket) {
        bucket.customers += n;
        bucket.mrrCents += Number(row.mrr);
      }
    }
    overview.mrrAtRiskCents = Math.round(atRisk);
    return overview;
  }

  @FieldResolver(() => [HealthPoint], {
    description: "Health score at the end of each of the last `weeks` weeks (oldest first, now last), recomputed from the history stored up to each moment.",
  })
  async healthHistory(
    @Root() customer: Customer,
    @Ctx() { db, now, scoring }: Context,
    @Arg("weeks", () => Int, { nullable: true, defaultValue: 12 }) weeks: number,
  ): Promise<HealthPoint[]> {
    const count = v.intInRange("weeks", weeks, 1, 104);
    const signedUp = customer.signedUpAt.getTime();
    const moments = Array.from({ length: count + 1 }, (_, i) => new Date(now.getTime() - (count - i) * 7 * DAY_MS)).filter((at) => at.getTime() >= signedUp);
    const features = await loadFeatures(db, moments.map((asOf) => ({ customerId: customer.id, asOf })));
    return features
      .map((f) => {
        const health = computeHealth(f, scoring);
        return { at: f.asOf, score: health.score, band: health.band as HealthBand };
      })
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}
