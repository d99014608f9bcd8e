import { describe, expect, it } from "vitest";
import { approximateJsonLength, pageJson } from "../../src/landing/page-json.js";
import type { LandingItem, LandingPageData } from "../../src/landing/landing.service.js";

// GET /landing's bytes are written from each item's JSON made once: they must be exactly
// JSON.stringify(page)'s, whatever the text (quotes, controls, non-ASCII, lone surrogates), and
// the cache's size estimate must stay near the real length.

const seeded = (seed: number) => () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const random = seeded(17);
const ALPHABET = ['a', 'Z', ' ', '"', "\\", "\n", "\t", "\u0001", "é", "日本", "😀", "\ud800", "</script>", "\u2028"];
const text = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join("");
const maybe = <T>(value: T): T | null => (random() < 0.4 ? null : value);
const KINDS = ["CASE_STUDY", "USE_CASE", "PAIN_POINT"] as const;

function randomPage(shared: LandingItem[]): LandingPageData {
  const items = () =>
    Array.from({ length: Math.floor(random() * 4) }, () =>
      random() < 0.5 ? shared[Math.floor(random() * shared.length)]! : { id: text(12), kind: KINDS[Math.floor(random() * 3)]!, title: text(30), body: text(200), url: maybe(text(40)), customerName: maybe(text(20)) },
    );
  return {
    affiliate: maybe({ code: text(10), name: text(20) }),
    niche: maybe(text(15)),
    matchedOn: (["AFFILIATE_AND_NICHE", "NICHE", "AFFILIATE", "DEFAULT"] as const)[Math.floor(random() * 4)]!,
    caseStudies: items(),
    useCases: items(),
    painPoints: items(),
  };
}

describe("pageJson", () => {
  it("writes exactly JSON.stringify(page) on random pages, items shared between pages included", () => {
    const shared: LandingItem[] = Array.from({ length: 20 }, (_, i) => ({ id: `shared-${i}`, kind: KINDS[i % 3]!, title: text(30), body: text(300), url: maybe(text(30)), customerName: maybe(text(10)) }));
    for (let i = 0; i < 500; i++) {
      const page = randomPage(shared);
      expect(pageJson(page)).toBe(JSON.stringify(page));
    }
  });

  it("estimates the length of ASCII pages within a few dozen bytes per item", () => {
    const item = (i: number): LandingItem => ({ id: `0000000${i}-aaaa-bbbb-cccc-dddddddddddd`, kind: "USE_CASE", title: "A title of some length", body: "x".repeat(400), url: "https://example.com/case", customerName: "Acme Inc" });
    const page: LandingPageData = { affiliate: { code: "partner1", name: "Partner One" }, niche: "fintech", matchedOn: "NICHE", caseStudies: [item(1), item(2)], useCases: [item(3)], painPoints: [item(4), item(5), item(6)] };
    const real = pageJson(page).length;
    expect(Math.abs(approximateJsonLength(page) - real)).toBeLessThan(40 * 6);
    expect(approximateJsonLength(page)).toBeGreaterThanOrEqual(real * 0.9);
  });
});
