import { readFile } from "node:fs/promises";
import { buildSchema, findBreakingChanges } from "graphql";
import { describe, expect, it } from "vitest";
import { getSchema, printSortedSchema } from "../src/server/schema.js";

const contractSdl = () => readFile(new URL("../../shared/contract.graphql", import.meta.url), "utf8");
const emittedSdl = () => readFile(new URL("../schema/schema.graphql", import.meta.url), "utf8");

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

  it("names the date scalar DateTime, as the contract does", async () => {
    const schema = await getSchema();
    expect(schema.getType("DateTime")).toBeDefined();
    expect(schema.getType("DateTimeISO")).toBeUndefined();
  });
});
