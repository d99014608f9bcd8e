import { isIPv6 } from "node:net";
import { LRUCache } from "lru-cache";

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  /** When `tokens` was computed (ms). */
  at: number;
}

/**
 * The key an address is limited under. An IPv6 client usually holds a whole /64 and can pick any
 * address in it, so IPv6 is limited per /64; IPv4 per address (an IPv4-mapped IPv6 address is
 * its IPv4 address). Anything else (no address known) is its own key.
 */
export function rateLimitKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const bare = address.split("%")[0]!;
  if (!isIPv6(bare)) return address;
  const [head, tail] = bare.includes("::") ? bare.split("::") : [bare, undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  // A trailing dotted IPv4 part stands for two groups.
  const tailLength = tailGroups.length + (tailGroups.at(-1)?.includes(".") ? 1 : 0);
  const groups = [...headGroups, ...Array<string>(8 - headGroups.length - tailLength).fill("0"), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

/**
 * A token bucket per client address (or any key): the public trackReferralVisit's limit, and
 * /graphql's per key and per address (server/request-rate-limit.ts). Each holds up to
 * `perMinute` tokens and refills continuously at `perMinute` per minute, so an address may burst
 * one minute's allowance and then keep `perMinute / 60` calls a second. A refused call takes no
 * token, so a client that backs off as told gets through.
 *
 * Memory is bounded by an LRU of `maxAddresses` buckets. When more addresses are active than
 * that, the least recently seen lose their bucket and start again full: under such a flood the
 * limit is looser, never the memory. Per process: N instances behind a balancer allow up to N
 * times the limit.
 */
export class RateLimiter {
  private readonly buckets: LRUCache<string, Bucket> | undefined;
  private readonly capacity: number;
  private readonly tokensPerMs: number;

  constructor(options: { perMinute: number; maxAddresses: number }) {
    this.capacity = options.perMinute;
    this.tokensPerMs = options.perMinute / 60_000;
    this.buckets = options.perMinute > 0 ? new LRUCache({ max: Math.max(1, options.maxAddresses) }) : undefined;
  }

  /** Takes one visit from the address's allowance, or says how long until one is available. */
  take(address: string, now = Date.now()): RateDecision {
    if (!this.buckets) return { allowed: true };
    const key = rateLimitKey(address);
    const tokens = this.tokensOf(key, now);
    if (tokens < 1) return this.refusal(tokens);
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return { allowed: true };
  }

  /** What take() would answer, taking nothing (a bucket charged only by what happens later). */
  peek(address: string, now = Date.now()): RateDecision {
    if (!this.buckets) return { allowed: true };
    const tokens = this.tokensOf(rateLimitKey(address), now);
    return tokens < 1 ? this.refusal(tokens) : { allowed: true };
  }

  private tokensOf(key: string, now: number): number {
    const bucket = this.buckets?.get(key);
    return bucket ? Math.min(this.capacity, bucket.tokens + Math.max(0, now - bucket.at) * this.tokensPerMs) : this.capacity;
  }

  private refusal(tokens: number): RateDecision {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.tokensPerMs / 1000)) };
  }

  /** Addresses currently remembered (for tests and metrics). */
  get size(): number {
    return this.buckets?.size ?? 0;
  }
}
