import { openDatabase } from "../src/db/client.js";
import { adminConnection, postgresUrl, TEMPLATE_DATABASE, withDatabase } from "./helpers/postgres.js";

/**
 * On PostgreSQL, migrate one template database once; every test file then clones it
 * (CREATE DATABASE … TEMPLATE), which takes milliseconds instead of re-running migrations.
 */
export default async function setup() {
  const url = postgresUrl();
  if (!url) return;
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
