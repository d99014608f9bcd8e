import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** GET /advocate.js's bytes, plain and gzipped, and the version that names them. */
export interface SnippetBundle {
  body: Buffer;
  gzipped: Buffer;
  /** A hash of the content: the `v` of the versioned URL /advocate.js?v=…, cacheable for ever. */
  version: string;
  /** Strong ETags, one per encoding (they are different bytes). */
  etag: string;
  gzipEtag: string;
}

export interface SnippetSettings {
  /** ATTRIBUTION_WINDOW_DAYS: how long the cookie keeps the affiliate. */
  attributionWindowDays: number;
}

const ENTRY = fileURLToPath(new URL("./snippet/advocate.ts", import.meta.url));

// The bundle depends on the settings alone: built once per process and settings, not per app.
const bundles = new Map<string, Promise<SnippetBundle>>();

/**
 * Bundles src/tracking/snippet/advocate.ts with esbuild (minified ES2018, one IIFE, no
 * dependencies), with the settings written in, at start-up: a few milliseconds, and the source
 * ships with the server, so no build step can be forgotten.
 */
export function bundleSnippet(settings: SnippetSettings): Promise<SnippetBundle> {
  const key = JSON.stringify(settings);
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = build({
      entryPoints: [ENTRY],
      bundle: true,
      write: false,
      minify: true,
      target: "es2018",
      format: "iife",
      legalComments: "none",
      logLevel: "silent",
      define: { __ADVOCATE_WINDOW_DAYS__: String(settings.attributionWindowDays) },
    }).then((result) => {
      const body = Buffer.from(result.outputFiles[0]!.contents);
      const version = createHash("sha256").update(body).digest("base64url").slice(0, 16);
      return { body, gzipped: gzipSync(body, { level: 9 }), version, etag: `"${version}"`, gzipEtag: `"${version}-gz"` };
    });
    bundle.catch(() => bundles.delete(key));
    bundles.set(key, bundle);
  }
  return bundle;
}
