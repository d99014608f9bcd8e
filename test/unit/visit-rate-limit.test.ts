import { describe, expect, it } from "vitest";
import { rateLimitKey, RateLimiter } from "../../src/common/rate-limit.js";

describe("rateLimitKey", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["64:ff9b::192.0.2.1", "64:ff9b:0:0::/64"],
    ["unknown", "unknown"],
  ])("%s → %s", (address, key) => {
    expect(rateLimitKey(address)).toBe(key);
  });
});

describe("VisitRateLimiter", () => {
  it("allows a minute's allowance at once, then refills continuously; a refusal takes nothing", () => {
    const limiter = new RateLimiter({ perMinute: 3, maxAddresses: 10 });
    const t0 = 1_000_000;
    expect([0, 1, 2].map(() => limiter.take("a", t0).allowed)).toEqual([true, true, true]);
    expect(limiter.take("a", t0)).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(limiter.take("a", t0 + 5_000)).toEqual({ allowed: false, retryAfterSeconds: 15 });
    expect(limiter.take("b", t0).allowed).toBe(true);
    expect(limiter.take("a", t0 + 20_000).allowed).toBe(true);
    expect(limiter.take("a", t0 + 20_000).allowed).toBe(false);
    // An hour idle refills only up to the allowance.
    const later = t0 + 3_600_000;
    expect([0, 1, 2, 3].map(() => limiter.take("a", later).allowed)).toEqual([true, true, true, false]);
  });

  it("keeps at most maxAddresses buckets", () => {
    const limiter = new RateLimiter({ perMinute: 1, maxAddresses: 100 });
    for (let i = 0; i < 1_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`, 0);
    expect(limiter.size).toBe(100);
  });

  it("perMinute 0 turns the limit off", () => {
    const limiter = new RateLimiter({ perMinute: 0, maxAddresses: 10 });
    for (let i = 0; i < 100; i++) expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.size).toBe(0);
  });
});
