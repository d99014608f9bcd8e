import { defineConfig } from "drizzle-kit";

// Migrations are generated from src/db/schema and applied by the app itself at start-up
// (src/db/migrate.ts), on PGlite and PostgreSQL alike; `push` is never used.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
});
