import express from "express";
import { readFileSync } from "node:fs";

// An example marketing page that uses the tracking snippet (/advocate.js) for its visit and
// content, served by the API itself so the browser test and a newcomer can see the public
// contract rendered end to end.

const asset = (name: string) => readFileSync(new URL(`./demo/${name}`, import.meta.url));

// Read once: the files are part of the release, not content that changes while we run.
const HTML = asset("landing.html").toString("utf8");
const STATIC = {
  "/demo/landing.js": { body: asset("landing.js"), type: "text/javascript; charset=utf-8" },
  "/demo/landing.css": { body: asset("landing.css"), type: "text/css; charset=utf-8" },
} as const;

// Nothing inline and nothing from elsewhere: the scripts may only talk to this origin (/visits).
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Serves the example landing page at /demo/landing (public, read-only). `snippetVersion` makes
 * its script tag the versioned, immutable /advocate.js?v=… URL.
 */
export function demoLandingRouter(snippetVersion: string): express.Router {
  const router = express.Router();
  const files = {
    "/demo/landing": { body: Buffer.from(HTML.replace("{{ADVOCATE_VERSION}}", encodeURIComponent(snippetVersion))), type: "text/html; charset=utf-8" },
    ...STATIC,
  };
  for (const [path, file] of Object.entries(files)) {
    router.get(path, (_req, res) => {
      res
        .status(200)
        .set({
          "Content-Type": file.type,
          "Content-Security-Policy": CONTENT_SECURITY_POLICY,
          "X-Content-Type-Options": "nosniff",
          "Referrer-Policy": "no-referrer",
          "Cache-Control": "public, max-age=300",
        })
        .send(file.body);
    });
  }
  return router;
}
