import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { buildSchema, findBreakingChanges } from "graphql";
import { describe, expect, it } from "vitest";
import { getSchema, printSortedSchema } from "../../../src/server/schema.js";

// The contract as published beside the repository (../shared), else the copy committed with it
// (schema/contract.graphql), so a bare clone checks it too; the copy must equal the original.
const SHARED = new URL("../../../../shared/contract.graphql", import.meta.url);
const COPY = new URL("../../../schema/contract.graphql", import.meta.url);
const contractSdl = () => readFile(existsSync(SHARED) ? SHARED : COPY, "utf8");
const emittedSdl = () => readFile(new URL("../../../schema/schema.graphql", import.meta.url), "utf8");

describe("the public contract", () => {
  it("is contained, with no breaking change, in the schema the server builds", async () => {
    const changes = findBreakingChanges(buildSchema(await contractSdl()), await getSchema());
    expect(changes).toEqual([]);
  });

  it("is contained in the committed schema/schema.graphql", async () => {
    const changes = findBreakingChanges(buildSchema(await contractSdl()), buildSchema(await emittedSdl()));
    expect(changes).toEqual([]);
  });

  it("schema/schema.graphql is what the code builds now (run `npm run schema:emit` when this fails)", async () => {
    expect(await emittedSdl()).toBe(printSortedSchema(await getSchema()));
  });

  it.skipIf(!existsSync(SHARED))("is committed unchanged as schema/contract.graphql", async () => {
    expect(await readFile(COPY, "utf8")).toBe(await readFile(SHARED, "utf8"));
  });

  it("names the date scalar DateTime, as the contract does", async () => {
    const schema = await getSchema();
    expect(schema.getType("DateTime")).toBeDefined();
    expect(schema.getType("DateTimeISO")).toBeUndefined();
  });
});
