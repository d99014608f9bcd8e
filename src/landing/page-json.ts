import type { LandingItem, LandingPageData } from "./landing.service.js";

// A landing page's JSON (GET /landing's body and the source of its ETag), written from parts:
// the catalog shares one LandingItem object per asset across every page that shows it, so each
// item's JSON is made once and a page is a few concatenations (items are never changed once made:
// a changed asset is a new object in the next snapshot). The bytes are exactly
// JSON.stringify(page)'s for the shape LandingPageData has (test/unit/page-json.test.ts).

const itemJson = new WeakMap<LandingItem, string>();

function jsonOfItem(item: LandingItem): string {
  let json = itemJson.get(item);
  if (json === undefined) {
    json = JSON.stringify({ id: item.id, kind: item.kind, title: item.title, body: item.body, url: item.url, customerName: item.customerName });
    itemJson.set(item, json);
  }
  return json;
}

function jsonOfItems(items: readonly LandingItem[]): string {
  let json = "[";
  for (let i = 0; i < items.length; i++) json += (i === 0 ? "" : ",") + jsonOfItem(items[i]!);
  return json + "]";
}

/** JSON.stringify(page), from each item's JSON made once. */
export function pageJson(page: LandingPageData): string {
  return (
    `{"affiliate":${page.affiliate === null ? "null" : JSON.stringify({ code: page.affiliate.code, name: page.affiliate.name })}` +
    `,"niche":${page.niche === null ? "null" : JSON.stringify(page.niche)}` +
    `,"matchedOn":${JSON.stringify(page.matchedOn)}` +
    `,"caseStudies":${jsonOfItems(page.caseStudies)}` +
    `,"useCases":${jsonOfItems(page.useCases)}` +
    `,"painPoints":${jsonOfItems(page.painPoints)}}`
  );
}

/**
 * About how many bytes pageJson(page) has, without writing it: what the landing cache bounds
 * its memory by, for entries whose bytes GET /landing has not asked for yet.
 */
export function approximateJsonLength(page: LandingPageData): number {
  let length = 110 + (page.affiliate ? page.affiliate.code.length + page.affiliate.name.length + 20 : 0) + (page.niche?.length ?? 0);
  for (const items of [page.caseStudies, page.useCases, page.painPoints]) {
    for (const item of items) length += 80 + item.id.length + item.title.length + item.body.length + (item.url?.length ?? 0) + (item.customerName?.length ?? 0);
  }
  return length;
}
