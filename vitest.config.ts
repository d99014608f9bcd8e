import { defineConfig } from "vitest/config";

// graphql ships CJS (main) and ESM (module). Node loads the CJS copy for type-graphql and
// Apollo; without this alias Vite would give our files the ESM copy: two graphql realms.
const resolve = { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] };

const shared = {
  setupFiles: ["test/setup.ts"],
  // Each file gets its own database (a PGlite instance, or a PostgreSQL database cloned from
  // a migrated template), so files run in parallel without seeing each other's rows.
  pool: "forks" as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  resolve,
  test: {
    // At the root only, so it runs once per run whichever projects run: the PostgreSQL template
    // database is migrated once, never by two projects at the same time. The projects below do
    // not extend this config (they would inherit it and run it again, concurrently).
    globalSetup: ["test/global-setup.ts"],
    // `npm test` runs both; `npm run test:fast` the API, HTTP and unit tests alone, without the
    // ones that start server processes, private PostgreSQL servers or a browser.
    projects: [
      { resolve, test: { ...shared, name: "fast", include: ["test/**/*.test.ts"], exclude: ["test/process/**"] } },
      { resolve, test: { ...shared, name: "process", include: ["test/process/**/*.test.ts"] } },
    ],
  },
});
