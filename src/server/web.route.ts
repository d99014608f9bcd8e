import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { Router, type Request, type Response } from "express";
import { log } from "../common/log.js";

/** Where `npm run build:web` (run by npm install) writes the console and the portal. */
export const WEB_DIST = fileURLToPath(new URL("../../dist/web/", import.meta.url));

interface WebFile {
  body: Buffer;
  gzipped: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

function readTree(dir: string): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const body = readFileSync(path);
        files.set("/" + relative(dir, path).split(sep).join("/"), { body, gzipped: gzipSync(body, { level: 9 }), type: TYPES[extname(name)] ?? "application/octet-stream" });
      }
    }
  };
  walk(dir);
  return files;
}

// The pages talk to /graphql and /session of this origin only; charts draw inline SVG styles.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function send(req: Request, res: Response, file: WebFile, cache: string) {
  res.vary("Accept-Encoding").set("Cache-Control", cache).type(file.type);
  if (file.type.startsWith("text/html")) res.set({ "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer" });
  if (req.acceptsEncodings("gzip") === "gzip") res.set("Content-Encoding", "gzip").send(file.gzipped);
  else res.send(file.body);
}

/**
 * GET /console/ and /portal/: the built single-page apps (static files, read into memory once,
 * served gzipped), and their hashed assets under /web-assets/, cacheable for ever. Pages route by
 * the URL's #fragment, so each app is one index.html.
 */
export function webRouter(dist = WEB_DIST): Router {
  // Strict: /console (redirected) and /console/ (the page) are two routes.
  const router = Router({ strict: true });
  const files = existsSync(join(dist, "console", "index.html")) ? readTree(dist) : undefined;
  if (!files) log.warn("the console is not built (npm run build:web): /console and /portal answer 503", { dist });
  for (const app of ["console", "portal"]) {
    router.get(`/${app}`, (_req, res) => res.redirect(301, `/${app}/`));
    router.get(`/${app}/`, (req, res) => {
      const page = files?.get(`/${app}/index.html`);
      if (!page) return res.status(503).type("text").send(`The ${app} is not built: run npm run build:web (npm install does), then restart.\n`);
      send(req, res, page, "no-cache");
    });
  }
  router.get(/^\/web-assets\//, (req, res, next) => {
    const file = files?.get(req.path);
    if (!file) return next();
    send(req, res, file, "public, max-age=31536000, immutable");
  });
  return router;
}
