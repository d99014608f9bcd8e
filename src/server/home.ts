import express from "express";
import type { LandingExample } from "../seed/demo.js";

// What a newcomer opens first: GET / (JSON for programs, HTML for browsers) and the start-up
// guide printed by main.ts list the same links, made here once.

export interface ServiceLink {
  href: string;
  description: string;
}

/** The server's entry points, paths relative to its root; with an example, links that show it. */
export function serviceLinks(example: LandingExample | null): ServiceLink[] {
  const query = example ? `?affiliate=${encodeURIComponent(example.affiliateCode)}&niche=${encodeURIComponent(example.niche)}` : "";
  return [
    { href: "/console/", description: "the console, in a browser: sign in with the admin key (customers, affiliates, content, journeys, segments)" },
    { href: "/portal/", description: "the affiliate portal, in a browser: an affiliate signs in with its key or a link mailed to its contact" },
    { href: "/graphql", description: "GraphQL (POST; in a browser, the GraphiQL IDE): dashboards with the admin key, affiliates with their own key (myAffiliate), marketing sites without a key (landingPage)" },
    { href: `/demo/landing${query}`, description: "an example marketing page, with the tracking snippet recording the visit and rendering the content" },
    { href: `/landing${query}`, description: "what a landing page shows, as JSON (public)" },
    { href: "/advocate.js", description: "the tracking snippet for marketing sites (README, \"Tracking snippet\")" },
    { href: "/healthz", description: "liveness" },
    { href: "/readyz", description: "readiness (database and jobs)" },
    { href: "/metrics", description: "Prometheus metrics" },
  ];
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function indexHtml(links: readonly ServiceLink[], example: LandingExample | null): string {
  const items = links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.href)}</a>: ${escapeHtml(l.description)}</li>`).join("\n");
  const demo = example
    ? `<p>Demo affiliate <code>${escapeHtml(example.affiliateCode)}</code>, niche <code>${escapeHtml(example.niche)}</code>.</p>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Advocate</title></head>
<body><h1>Advocate</h1>
<p>A GraphQL API that turns customer-success data into a better affiliate program. README.md, "First five minutes", walks through its three clients.</p>
${demo}
<ul>
${items}
</ul>
</body></html>
`;
}

/** GET /: an index of the entry points, as HTML when the client prefers it, else JSON. */
export function homeRouter(example: LandingExample | null): express.Router {
  const links = serviceLinks(example);
  const json = { service: "advocate", links, demo: example, docs: 'README.md, "First five minutes"' };
  const html = indexHtml(links, example);
  const router = express.Router();
  router.get("/", (req, res) => {
    res.vary("Accept").set("Cache-Control", "no-cache");
    if (req.accepts(["json", "html"]) === "html") res.type("html").set("Content-Security-Policy", "default-src 'none'").send(html);
    else res.json(json);
  });
  return router;
}

/** The lines main.ts prints once listening: where to go, with the demo affiliate and niche. */
export function startupGuide(baseUrl: string, example: LandingExample | null): string {
  const lines = serviceLinks(example).map((l) => `  ${baseUrl}${l.href}\n      ${l.description}`);
  const demo = example ? `Demo affiliate "${example.affiliateCode}", niche "${example.niche}".\n` : "";
  return `\nOpen ${baseUrl}/ for an index, or:\n\n${lines.join("\n")}\n\n${demo}README.md, "First five minutes", walks through the dashboard, the marketing site and an affiliate.\n\n`;
}
