import { describe, expect, it } from "vitest";
import { entryFor, toEntry } from "../../src/landing/landing.cache.js";
import type { LandingPageData } from "../../src/landing/landing.service.js";

// A miss decided again keeps the expired entry (its bytes and ETag) only when nothing toEntry
// serializes changed: every field of the page is compared.

const item = { id: "a1", kind: "PAIN_POINT" as const, title: "Slow pages", body: "Body", url: null, customerName: null };
const page = (): LandingPageData => ({
  affiliate: { code: "aff", name: "Affiliate" },
  niche: "fintech",
  matchedOn: "AFFILIATE_AND_NICHE",
  caseStudies: [],
  useCases: [{ ...item, id: "u1", kind: "USE_CASE" }],
  painPoints: [{ ...item }],
});

describe("entryFor", () => {
  it("keeps the expired entry for an unchanged page, and makes a new one for any change", () => {
    const previous = toEntry(page());
    expect(entryFor(page(), previous)).toBe(previous);
    expect(entryFor(page(), undefined).etag).toBe(previous.etag);
    const changes: ((p: LandingPageData) => void)[] = [
      (p) => (p.affiliate = null),
      (p) => (p.affiliate!.name = "Renamed"),
      (p) => (p.niche = null),
      (p) => (p.matchedOn = "NICHE"),
      (p) => p.caseStudies.push({ ...item, id: "c1", kind: "CASE_STUDY" }),
      (p) => p.painPoints.pop(),
      ...(["id", "title", "body"] as const).map((field) => (p: LandingPageData) => void (p.painPoints[0]![field] = "changed")),
      (p) => (p.painPoints[0]!.url = "https://example.com"),
      (p) => (p.useCases[0]!.customerName = "Acme"),
      (p) => (p.useCases[0]!.kind = "PAIN_POINT"),
    ];
    for (const change of changes) {
      const changed = page();
      change(changed);
      const entry = entryFor(changed, previous);
      expect(entry).not.toBe(previous);
      expect(entry.etag).not.toBe(previous.etag);
      expect(entry.body.toString()).toBe(JSON.stringify(changed));
    }
  });
});
