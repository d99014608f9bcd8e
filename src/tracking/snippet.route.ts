import express, { type Request, type Response, type Router } from "express";
import { acceptsGzip, IMMUTABLE_CACHE, matchesEtag } from "../common/http-cache.js";
import type { SnippetBundle } from "./snippet.bundle.js";

/** Long enough that repeat page views skip the request, short enough that a release reaches pages the same day. */
const SHORT_CACHE = "public, max-age=300";

/**
 * GET /advocate.js: the tracking snippet (README, "Tracking snippet"). `/advocate.js` is cached
 * for 5 minutes; `/advocate.js?v=<version>` (the version of the current content) for a year,
 * immutable; a `v` naming another version gets the short lifetime, so a stale tag never pins
 * old code. Strong ETag per encoding, 304 on If-None-Match, gzip when accepted.
 */
export function snippetRouter(bundle: SnippetBundle): Router {
  const router = express.Router();
  router.get("/advocate.js", (req: Request, res: Response) => {
    const gzip = acceptsGzip(req.headers["accept-encoding"]);
    const etag = gzip ? bundle.gzipEtag : bundle.etag;
    res.set({
      "Content-Type": "text/javascript; charset=utf-8",
      ETag: etag,
      "Cache-Control": req.query.v === bundle.version ? IMMUTABLE_CACHE : SHORT_CACHE,
      Vary: "Accept-Encoding",
      "X-Advocate-Snippet-Version": bundle.version,
      "X-Content-Type-Options": "nosniff",
      // Marketing sites on other origins load it, those with Cross-Origin-Embedder-Policy too.
      "Cross-Origin-Resource-Policy": "cross-origin",
    });
    if (matchesEtag(req.headers["if-none-match"], etag)) return void res.status(304).end();
    if (gzip) res.set("Content-Encoding", "gzip");
    res.status(200).end(gzip ? bundle.gzipped : bundle.body);
  });
  return router;
}
