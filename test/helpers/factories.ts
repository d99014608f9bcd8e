import { expect } from "vitest";
import { daysAgo, unique, type TestApp } from "./app.js";

// The rows most tests start from, made through the public GraphQL API as the admin. Each takes
// overrides for what the test depends on; the defaults are what a test would not look at.

export { daysAgo };

/** A day in milliseconds. */
export const DAY_MS = 86_400_000;

/** CustomerInput fields; any other field of the input may be given too. */
export interface CustomerOverrides {
  externalId?: string;
  name?: string;
  niche?: string;
  plan?: string;
  mrrCents?: number;
  /** RFC 3339; unset, the server's now. */
  signedUpAt?: string;
  [field: string]: unknown;
}

/** upsertCustomer: a customer named `Customer-…` at 10,000 cents a month, signed up now. */
export async function createCustomer(t: TestApp, overrides: CustomerOverrides = {}): Promise<{ id: string; externalId: string }> {
  const input = { externalId: unique("crm"), name: unique("Customer"), mrrCents: 10_000, ...overrides };
  const res = await t.admin(`mutation($i: CustomerInput!) { upsertCustomer(input: $i) { id } }`, { i: input });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return { id: res.data!.upsertCustomer.id as string, externalId: input.externalId };
}

/** AffiliateInput fields; any other field of the input (commissionTiers, …) may be given too. */
export interface AffiliateOverrides {
  code?: string;
  name?: string;
  customerId?: string | null;
  commissionType?: string;
  commissionValue?: number;
  commissionMonths?: number;
  [field: string]: unknown;
}

/** createAffiliate: a unique lower-case code, PERCENT 10 unless overridden. */
export async function createAffiliate(t: TestApp, overrides: AffiliateOverrides = {}): Promise<{ id: string; code: string }> {
  const input = { code: unique("aff").toLowerCase(), name: "Partner", commissionType: "PERCENT", commissionValue: 10, ...overrides };
  const res = await t.admin(`mutation($i: AffiliateInput!) { createAffiliate(input: $i) { id code } }`, { i: input });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.createAffiliate as { id: string; code: string };
}

/** createContentAsset with the body "Body" unless given; kind, title and the rest are the test's. */
export async function createAsset(t: TestApp, input: Record<string, unknown>): Promise<string> {
  const res = await t.admin(`mutation($input: ContentAssetInput!) { createContentAsset(input: $input) { id } }`, { input: { body: "Body", ...input } });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.createContentAsset.id as string;
}

/** attributeReferral: the customer becomes the affiliate's referral, at `at` (unset, now). */
export async function attribute(t: TestApp, affiliateCode: string, customerId: string, at?: string): Promise<void> {
  const res = await t.admin(`mutation($c: String!, $id: ID!, $at: DateTime) { attributeReferral(affiliateCode: $c, customerId: $id, at: $at) { id } }`, {
    c: affiliateCode,
    id: customerId,
    at,
  });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
}

/** createServerKey: a key named `server-…` with the CONVERSIONS scope unless given; returns its id and secret. */
export async function createServerKey(t: TestApp, scopes: string[] = ["CONVERSIONS"]): Promise<{ id: string; secret: string }> {
  const res = await t.admin(`mutation($i: ServerKeyInput!) { createServerKey(input: $i) { secret key { id } } }`, { i: { name: unique("server"), scopes } });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return { id: res.data!.createServerKey.key.id as string, secret: res.data!.createServerKey.secret as string };
}
