import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

// The rules of .dependency-cruiser.cjs (npm run check runs them on src/): on src/ itself, and on
// a fixture tree that breaks them on purpose, to show that they catch what they claim to.

const root = (file: string) => fileURLToPath(new URL(`../../${file}`, import.meta.url));

async function violations(baseDir: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(root(".dependency-cruiser.cjs"));
  const result = await cruise(["src"], { ...options, baseDir: root(baseDir) }, {}, { tsConfig: extractTSConfig(root("tsconfig.json")) });
  const { summary } = result.output as ICruiseResult;
  return summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

describe("the architecture rules", () => {
  it("hold in src/: no import cycle (type imports included), no layer violation", async () => {
    expect(await violations(".")).toEqual([]);
  });

  it("catch a bottom layer importing a domain, a type-only cycle, a domain importing the server, a resolver reading a table, and db/schema importing more than enums", async () => {
    expect(await violations("test/fixtures/architecture")).toEqual([
      "foundation-imports-no-domain: src/common/clock.ts → src/customers/customer.service.ts",
      // One violation per cycle, reported at its first edge.
      "no-circular: src/customers/customer.model.ts → src/customers/customer.view.ts",
      "only-server-imports-server: src/customers/customer.resolver.ts → src/server/context.ts",
      "resolvers-issue-no-sql: src/customers/customer.resolver.ts → src/db/schema/customers.ts",
      "schema-imports-only-enums: src/db/schema/customers.ts → src/customers/customer.service.ts",
    ]);
  });
});
