import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { acceptsGzip, IMMUTABLE_CACHE, matchesEtag } from "../common/http-cache.js";
import { bundleGraphiql, IDE_ASSET_PATH, ideAssetUrl, type IdeAssets } from "./graphiql.bundle.js";

/** Everything the page loads comes from this server: a CDN could not be reached offline anyway. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  // Monaco and GraphiQL set styles from script; the icon font is a data: URL inside the CSS.
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join("; ");

const page = (assets: IdeAssets) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Advocate GraphQL IDE</title>
<link rel="stylesheet" href="${ideAssetUrl(assets, "graphiql.css")}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script type="module" src="${ideAssetUrl(assets, "graphiql.js")}"></script>
</body>
</html>
`;

/** A browser asking for a page: no operation in the query string, HTML before JSON. */
function wantsIde(req: Request): boolean {
  if (req.query.query !== undefined) return false;
  return req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html";
}

/**
 * GET /graphql from a browser: GraphiQL (bundled by graphiql.bundle.ts) with its files under
 * /graphql/ide/, immutable at their versioned URLs. Off (GRAPHIQL=false, the default when
 * introspection is off): the request goes on to Apollo, which answers it as an operation.
 */
export function graphiqlRouter(): Router {
  const router = express.Router();
  const sendFailure = (next: NextFunction) => (error: unknown) => next(error);
  router.get("/graphql", (req: Request, res: Response, next: NextFunction) => {
    if (!wantsIde(req)) return next();
    bundleGraphiql().then((assets) => {
      res.set({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache", "Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff", Vary: "Accept" });
      res.status(200).end(page(assets));
    }, sendFailure(next));
  });
  router.get(`${IDE_ASSET_PATH}/:file`, (req: Request, res: Response, next: NextFunction) => {
    bundleGraphiql().then((assets) => {
      const file = assets.get(String(req.params.file));
      if (!file) return void res.status(404).type("text/plain").end("Not found\n");
      const gzip = acceptsGzip(req.headers["accept-encoding"]);
      const etag = gzip ? `${file.etag.slice(0, -1)}-gz"` : file.etag;
      res.set({ "Content-Type": file.contentType, ETag: etag, "Cache-Control": IMMUTABLE_CACHE, Vary: "Accept-Encoding", "X-Content-Type-Options": "nosniff" });
      if (matchesEtag(req.headers["if-none-match"], etag)) return void res.status(304).end();
      if (gzip) res.set("Content-Encoding", "gzip");
      res.status(200).end(gzip ? file.gzipped : file.body);
    }, sendFailure(next));
  });
  return router;
}
