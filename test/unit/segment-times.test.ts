import { describe, expect, it } from "vitest";
import { parseRfc3339 } from "../../src/common/dates.js";
import { parseTime } from "../../src/ingestion/segment.events.js";
import { Random } from "../../src/seed/random.js";

// A Segment call's times are read by a fast path for toISOString's own form, which must agree
// with the strict RFC 3339 reading on every text: the same instant, or the same refusal.

const random = new Random("segment-times");
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

describe("parseTime", () => {
  it("reads toISOString's form as the strict parser does, valid or not (30 February, 24:00, 60 seconds, month 13)", () => {
    for (let i = 0; i < 5_000; i++) {
      const instant = random.int(-62_000_000_000_000, 250_000_000_000_000);
      const valid = new Date(instant).toISOString();
      if (valid.length === 24) expect(parseTime(valid)?.getTime()).toBe(instant);
      // Every field anywhere in its range and a little past it.
      const text = `${pad(random.int(0, 9999), 4)}-${pad(random.int(0, 13))}-${pad(random.int(0, 32))}T${pad(random.int(0, 25))}:${pad(random.int(0, 61))}:${pad(random.int(0, 61))}.${pad(random.int(0, 999), 3)}Z`;
      expect(parseTime(text)?.getTime() ?? null, text).toBe(parseRfc3339(text)?.getTime() ?? null);
    }
    for (const text of ["2024-02-30T00:00:00.000Z", "2023-02-29T12:00:00.000Z", "2024-01-01T24:00:00.000Z", "2024-01-01T23:60:00.000Z", "2024-01-01T23:59:60.000Z", "2024-13-01T00:00:00.000Z"]) {
      expect(parseTime(text), text).toBeNull();
    }
    expect(parseTime("2024-02-29T23:59:59.999Z")?.toISOString()).toBe("2024-02-29T23:59:59.999Z");
    expect(parseTime("2024-02-29T23:59:59+02:00")?.toISOString()).toBe("2024-02-29T21:59:59.000Z");
  });
});
