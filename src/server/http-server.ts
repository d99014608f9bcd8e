import { createServer, type RequestListener, type Server } from "node:http";

/**
 * The HTTP server around the app, with time limits: a client that sends its headers slower than
 * `min(timeout, 10 s)` or its whole request slower than `timeout` is cut off (slowloris), checked
 * every second instead of Node's default 30.
 */
export function createHttpServer(handler: RequestListener, requestTimeoutMs: number): Server {
  return createServer(
    { requestTimeout: requestTimeoutMs, headersTimeout: Math.min(requestTimeoutMs, 10_000), connectionsCheckingInterval: 1_000 },
    handler,
  );
}
