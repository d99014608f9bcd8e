import { describe, expect, it } from "vitest";
import { largestNestedSpan } from "../../src/ingestion/segment.events.js";
import { Random } from "../../src/seed/random.js";

// POST /v1/batch judges each call's 32 KB by its bytes as sent, found by a scan of the body: on
// compact JSON that is exactly the size of the call serialized again, whatever its strings hold
// (braces, brackets, quotes, backslashes, non-ASCII); spaces as sent only add to it.

const random = new Random("json-spans");
const PIECES = ["a", "{", "}", "[", "]", '"', "\\", "\\\"", ",", ":", "é", "日本", "😀", " "];
const text = (max: number) => Array.from({ length: random.int(0, max) }, () => random.pick(PIECES)).join("");
function value(depth: number): unknown {
  const kind = random.int(0, depth > 3 ? 2 : 4);
  if (kind === 0) return text(20);
  if (kind === 1) return random.chance(0.5) ? random.int(-1000, 1000) : random.chance(0.5);
  if (kind === 2) return null;
  if (kind === 3) return Array.from({ length: random.int(0, 4) }, () => value(depth + 1));
  return Object.fromEntries(Array.from({ length: random.int(0, 4) }, () => [text(8), value(depth + 1)]));
}

describe("largestNestedSpan", () => {
  it("is the largest call's serialized size on random batches, and no smaller with spaces", () => {
    for (let round = 0; round < 300; round++) {
      const batch = Array.from({ length: random.int(1, 8) }, () => ({ type: "track", event: text(10), properties: value(0) as object }));
      const body = { batch, sentAt: "2026-12-04T00:00:00Z", context: { library: { name: text(5) } } };
      const largestCall = Math.max(...batch.map((call) => Buffer.byteLength(JSON.stringify(call))));
      const compact = largestNestedSpan(Buffer.from(JSON.stringify(body)));
      // The envelope's own context is two levels in too: never larger than a call here.
      expect(compact).toBe(Math.max(largestCall, Buffer.byteLength(JSON.stringify(body.context.library))));
      expect(largestNestedSpan(Buffer.from(JSON.stringify(body, null, 2)))).toBeGreaterThanOrEqual(largestCall);
    }
  });
});
