import express from "express";
import { readFileSync } from "node:fs";

// An example marketing page that calls GET /landing from the browser, served by the API itself
// so the browser test and a newcomer can see the public contract rendered end to end.

const asset = (name: string) => readFileSync(new URL(`./demo/${name}`, import.meta.url));

// Read once: the files are part of the release, not content that changes while we run.
const FILES = {
  "/demo/landing": { body: asset("landing.html"), type: "text/html; charset=utf-8" },
  "/demo/landing.js": { body: asset("landing.js"), type: "text/javascript; charset=utf-8" },
  "/demo/landing.css": { body: asset("landing.css"), type: "text/css; charset=utf-8" },
} as const;

// Nothing inline and nothing from elsewhere: the script may only talk to this origin's /landing.
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

/** Serves the example landing page at /demo/landing (public, read-only). */
export function demoLandingRouter(): express.Router {
  const router = express.Router();
  for (const [path, file] of Object.entries(FILES)) {
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
