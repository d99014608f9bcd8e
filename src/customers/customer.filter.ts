import { badInput } from "../common/errors.js";
import type { Database } from "../db/client.js";
import * as v from "../common/validate.js";
import { getSegmentOrThrow } from "../segments/segment.service.js";
import type { SegmentRule } from "../segments/segment.type.js";
import type { CustomerFilter } from "./customer.inputs.js";
import type { CustomerListFilter } from "./customer.repository.js";

/**
 * What a customers filter means, checked: the GraphQL customers query and GET /exports/customers.csv
 * both read it here, so the console's table and its export always list the same customers.
 * Throws BAD_USER_INPUT (a score out of range, an unknown segment).
 */
export async function customerListFilter(db: Database, filter: CustomerFilter | null | undefined): Promise<CustomerListFilter> {
  const inRange = (name: "minHealthScore" | "maxHealthScore" | "minChurnRisk" | "maxChurnRisk", max: number) => {
    const value = filter?.[name];
    if (value != null && !(value >= 0 && value <= max)) throw badInput(`filter.${name}`, `must be from 0 to ${max}`);
    return value ?? null;
  };
  return {
    niche: v.niche("filter.niche", filter?.niche),
    status: filter?.status ?? null,
    referredByAffiliateCode: filter?.referredByAffiliateCode?.trim().toLowerCase() || null,
    segmentRules: filter?.segmentId != null ? ((await getSegmentOrThrow(db, filter.segmentId, "filter.segmentId")).rules as SegmentRule[]) : null,
    minHealthScore: inRange("minHealthScore", 100),
    maxHealthScore: inRange("maxHealthScore", 100),
    minChurnRisk: inRange("minChurnRisk", 1),
    maxChurnRisk: inRange("maxChurnRisk", 1),
    healthBand: filter?.healthBand ?? null,
  };
}
