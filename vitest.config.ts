import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // graphql ships CJS (main) and ESM (module). Node loads the CJS copy for type-graphql and
    // Apollo; without this alias Vite would give our files the ESM copy: two graphql realms.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Each file gets its own database (a PGlite instance, or a PostgreSQL database cloned from
    // a migrated template), so files run in parallel without seeing each other's rows.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
