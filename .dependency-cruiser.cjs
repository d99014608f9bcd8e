// The architecture of src/, checked by `npm run check` (README, "Architecture"). Paths are
// relative to the folder cruised from, so test/unit/architecture.test.ts runs the same rules on
// a fixture tree. Type-only imports count: a cycle through types is still a cycle.

/** The bottom layers: they import no domain, no seed and no server. */
const FOUNDATION = "^src/(common|config|db|auth|jobs)/";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Import cycles, type imports included, make modules impossible to read or load alone.",
      from: {},
      to: { circular: true },
    },
    {
      name: "config-is-a-leaf",
      severity: "error",
      comment: "config/ declares every option and default and imports nothing else from src (modules import their option types from it).",
      from: { path: "^src/config/" },
      to: { path: "^src/", pathNot: "^src/config/" },
    },
    {
      name: "enums-are-leaves",
      severity: "error",
      comment: "A domain's *.enums.ts imports nothing, so db/schema, services and GraphQL types can all use it.",
      from: { path: "\\.enums\\.ts$" },
      to: {},
    },
    {
      name: "foundation-imports-no-domain",
      severity: "error",
      comment: "common, config, db, auth and jobs are the bottom layers: they import only each other (db/schema may read a domain's *.enums.ts).",
      from: { path: FOUNDATION, pathNot: "^src/db/schema/" },
      to: { path: "^src/", pathNot: FOUNDATION },
    },
    {
      name: "schema-imports-only-enums",
      severity: "error",
      comment: "db/schema builds tables from the bottom layers and the domains' enums, nothing else of theirs.",
      from: { path: "^src/db/schema/" },
      to: { path: "^src/", pathNot: [FOUNDATION, "^src/[^/]+/[^/]+\\.enums\\.ts$"] },
    },
    {
      name: "only-server-imports-server",
      severity: "error",
      comment: "server/ is the top: it wires the domains (resolvers, job handlers, routes); nothing below may reach up into it.",
      from: { path: "^src/", pathNot: "^src/server/" },
      to: { path: "^src/server/" },
    },
    {
      name: "seed-is-above-the-domains",
      severity: "error",
      comment: "seed/ loads demo and scale data through the domains; only the server and the seed CLI use it.",
      from: { path: "^src/", pathNot: "^src/(server|seed)/" },
      to: { path: "^src/seed/" },
    },
    {
      name: "request-context-only-in-resolvers",
      severity: "error",
      comment: "The GraphQL request context (graphql/) is for resolvers; services take a ServiceContext, so jobs and CLIs can call them.",
      from: { path: "^src/", pathNot: ["^src/(server|graphql)/", "\\.resolver\\.ts$"] },
      to: { path: "^src/graphql/" },
    },
    {
      name: "resolvers-issue-no-sql",
      severity: "error",
      comment: "Resolvers read through repositories and loaders and write through services: SQL (drizzle, db/schema tables) stays below them; naming a stored type is fine.",
      from: { path: "\\.resolver\\.ts$" },
      to: { path: ["^src/db/schema/", "node_modules/drizzle-orm/"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "graphql-types-only-as-types",
      severity: "error",
      comment: "Services, repositories, rules and loaders may name a GraphQL type or input, never load one (enums come from *.enums.ts).",
      from: { path: "^src/[^/]+/[^/]+\\.(service|repository|sql|rules|loaders)\\.ts$" },
      to: { path: "\\.(type|inputs)\\.ts$", dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/landing/demo/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
