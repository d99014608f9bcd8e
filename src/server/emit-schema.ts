import "reflect-metadata";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { getSchema, printSortedSchema } from "./schema.js";

// `npm run schema:emit` writes schema/schema.graphql; `--check` (in `npm run check`) fails
// when the committed file differs from what the code builds.
const target = fileURLToPath(new URL("../../schema/schema.graphql", import.meta.url));
const sdl = printSortedSchema(await getSchema());

if (process.argv.includes("--check")) {
  const committed = await readFile(target, "utf8").catch(() => "");
  if (committed !== sdl) {
    console.error("schema/schema.graphql is stale: run `npm run schema:emit` and commit it");
    process.exit(1);
  }
  console.log("schema/schema.graphql is up to date");
} else {
  await writeFile(target, sdl);
  console.log(`wrote ${target}`);
}
