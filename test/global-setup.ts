import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/client.js";
import { PGLITE_TEMPLATE_ENV } from "./helpers/pglite-template.js";
import { adminConnection, postgresUrl, TEMPLATE_DATABASE, withDatabase } from "./helpers/postgres.js";

/**
 * On PostgreSQL, migrate one template database once; every test file then clones it
 * (CREATE DATABASE … TEMPLATE), which takes milliseconds instead of re-running migrations.
 */
export default async function setup() {
  const url = postgresUrl();
  if (!url) return pgliteTemplate();
  const admin = adminConnection(url);
  try {
    await admin.unsafe(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.unsafe(`create database ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const template = await openDatabase({ kind: "postgres", url: withDatabase(url, TEMPLATE_DATABASE), poolMax: 1 });
  await template.migrate();
  await template.close();
}

/**
 * On PGlite, the same idea: one migrated database dumped once (PGlite's dumpDataDir), each test
 * file opening a copy (loadDataDir) instead of running initdb and the migrations, which took
 * seconds a file. The forked workers inherit the dump's path.
 */
async function pgliteTemplate() {
  const template = await openDatabase({ kind: "pglite", dataDir: undefined });
  await template.migrate();
  const dump = await template.dumpDataDir!();
  await template.close();
  const file = join(tmpdir(), `advocate-pglite-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  process.env[PGLITE_TEMPLATE_ENV] = file;
  return () => rmSync(file, { force: true });
}
