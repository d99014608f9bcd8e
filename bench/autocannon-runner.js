/**
 * The load generator of bench/landing.bench.ts, in a process of its own so that it shares no
 * event loop with the servers it measures. Plain JavaScript: autocannon ships no types.
 *
 * Started with child_process.fork(); it takes one message, runs a warm-up then the measured
 * run, and sends back the result:
 *   { url, connections, warmupSeconds, durationSeconds, method?, headers?, body?,
 *     variants?: [{ path?, body? }] }
 * With variants, each request takes the next variant (one counter across all connections), so
 * concurrent requests ask for different things.
 *
 * Latency percentiles come from every response's own time (autocannon's `response` event, in
 * fractional milliseconds), not from autocannon's histogram, which rounds to whole milliseconds.
 */
import autocannon from "autocannon";
import process from "node:process";

function withVariants({ variants, ...options }) {
  if (!variants?.length) return options;
  let next = 0;
  const setupRequest = (request) => ({ ...request, ...variants[next++ % variants.length] });
  return { ...options, requests: [{ setupRequest }] };
}

function run(options, onResponse) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    if (onResponse) instance.on("response", onResponse);
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function measure(spec) {
  const base = withVariants({
    url: spec.url,
    connections: spec.connections,
    method: spec.method ?? "GET",
    headers: spec.headers,
    body: spec.body,
    variants: spec.variants,
  });
  if (spec.warmupSeconds > 0) await run({ ...base, duration: spec.warmupSeconds });

  let times = new Float64Array(1 << 16);
  let count = 0;
  const result = await run({ ...base, duration: spec.durationSeconds }, (_client, statusCode, _bytes, responseTime) => {
    if (statusCode < 200 || statusCode >= 300) return;
    if (count === times.length) {
      const grown = new Float64Array(times.length * 2);
      grown.set(times);
      times = grown;
    }
    times[count++] = responseTime;
  });
  const sorted = times.subarray(0, count).sort();
  let sum = 0;
  for (const t of sorted) sum += t;
  return {
    requests: count,
    seconds: result.duration,
    rps: count / result.duration,
    latency: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), mean: sum / count, max: sorted[count - 1] },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
  };
}

process.once("message", (spec) => {
  measure(spec).then(
    (result) => process.send({ ok: true, result }, () => process.exit(0)),
    (error) => process.send({ ok: false, error: String(error?.stack ?? error) }, () => process.exit(1)),
  );
});
