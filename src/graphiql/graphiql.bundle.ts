import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type BuildOptions } from "esbuild";

/** One file of the IDE, as served: bytes, gzipped bytes, type, and the hash that versions its URL. */
export interface IdeAsset {
  body: Buffer;
  gzipped: Buffer;
  contentType: string;
  etag: string;
}

/** GraphiQL's page script and style and Monaco's three workers, by the file name /graphql/ide/<name> serves. */
export type IdeAssets = ReadonlyMap<string, IdeAsset>;

/** Where the IDE's files are served from (the route mounts them here). */
export const IDE_ASSET_PATH = "/graphql/ide";

const PAGE = fileURLToPath(new URL("./ide/graphiql.page.ts", import.meta.url));
const resolvePackage = createRequire(import.meta.url).resolve;
// Monaco runs its language services in web workers, each a script of its own.
const WORKERS = {
  editor: "monaco-editor/esm/vs/editor/editor.worker.js",
  json: "monaco-editor/esm/vs/language/json/json.worker.js",
  graphql: "monaco-graphql/esm/graphql.worker.js",
} as const;

const COMMON: BuildOptions = {
  bundle: true,
  write: false,
  minify: true,
  target: "es2022",
  legalComments: "none",
  logLevel: "silent",
  define: { "process.env.NODE_ENV": '"production"' },
};

function asset(contents: Uint8Array, contentType: string): IdeAsset {
  const body = Buffer.from(contents);
  const hash = createHash("sha256").update(body).digest("base64url").slice(0, 16);
  return { body, gzipped: gzipSync(body), contentType, etag: `"${hash}"` };
}

const versioned = (name: string, file: IdeAsset) => `${IDE_ASSET_PATH}/${name}?v=${file.etag.slice(1, -1)}`;

async function bundleWorker(entry: string): Promise<IdeAsset> {
  const result = await build({ ...COMMON, entryPoints: [resolvePackage(entry)], format: "iife" });
  return asset(result.outputFiles![0]!.contents, "text/javascript; charset=utf-8");
}

async function bundleIde(): Promise<IdeAssets> {
  const [editor, json, graphql] = await Promise.all([bundleWorker(WORKERS.editor), bundleWorker(WORKERS.json), bundleWorker(WORKERS.graphql)]);
  const workers = { editor: versioned("editor.worker.js", editor), json: versioned("json.worker.js", json), graphql: versioned("graphql.worker.js", graphql) };
  const page = await build({
    ...COMMON,
    entryPoints: { graphiql: PAGE },
    outdir: "/ide",
    format: "esm",
    // Monaco's icon font travels inside the CSS: one file fewer to serve.
    loader: { ".ttf": "dataurl" },
    define: { ...COMMON.define, __ADVOCATE_WORKERS__: JSON.stringify(workers) },
  });
  const script = page.outputFiles!.find((file) => file.path.endsWith(".js"))!;
  const style = page.outputFiles!.find((file) => file.path.endsWith(".css"))!;
  return new Map([
    ["graphiql.js", asset(script.contents, "text/javascript; charset=utf-8")],
    ["graphiql.css", asset(style.contents, "text/css; charset=utf-8")],
    ["editor.worker.js", editor],
    ["json.worker.js", json],
    ["graphql.worker.js", graphql],
  ]);
}

let bundled: Promise<IdeAssets> | undefined;

/**
 * GraphiQL with React and Monaco, bundled by esbuild from node_modules on first use (a few
 * seconds, once per process: servers that never open the IDE never pay for it), so it ships
 * with the server, needs no build step and loads nothing from a CDN.
 */
export function bundleGraphiql(): Promise<IdeAssets> {
  if (!bundled) {
    bundled = bundleIde();
    bundled.catch(() => (bundled = undefined));
  }
  return bundled;
}

/** The URL (with its version) the page loads `name` from. */
export const ideAssetUrl = (assets: IdeAssets, name: string) => versioned(name, assets.get(name)!);
