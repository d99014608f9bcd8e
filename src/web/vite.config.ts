import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Two single-page apps, the console (/console/) and the affiliate portal (/portal/), built into
// dist/web/ by `npm run build:web` (npm install runs it) and served by the Advocate server itself
// (src/server/web.route.ts): no CDN, no second server. Shared code (React, charts) is one chunk.
export default defineConfig({
  root: here("."),
  base: "/",
  plugins: [react()],
  logLevel: "warn",
  build: {
    outDir: here("../../dist/web"),
    emptyOutDir: true,
    assetsDir: "web-assets",
    target: "es2022",
    reportCompressedSize: false,
    rollupOptions: { input: { console: here("console/index.html"), portal: here("portal/index.html") } },
  },
});
