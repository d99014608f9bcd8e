// esbuild bundles imported CSS into graphiql.css (graphiql.bundle.ts).
declare module "*.css";
