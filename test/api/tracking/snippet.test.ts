import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../helpers/app.js";

// GET /advocate.js: the bundled tracking snippet and its caching (the browser behaviour is in
// test/process/snippet-browser.test.ts).

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const plain = (path: string) => t.http.get(path).set("accept-encoding", "identity").buffer(true).parse((res, done) => {
  const chunks: Buffer[] = [];
  res.on("data", (chunk: Buffer) => chunks.push(chunk));
  res.on("end", () => done(null, Buffer.concat(chunks)));
});

describe("GET /advocate.js", () => {
  it("serves one minified script of at most 3 kB gzipped, with no dependencies", async () => {
    const res = await plain("/advocate.js");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    const body = res.body as Buffer;
    expect(body.length).toBeGreaterThan(500);
    expect(gzipSync(body).length).toBeLessThanOrEqual(3 * 1024);
    const source = body.toString("utf8");
    expect(source).not.toMatch(/\brequire\(|\bimport\s*[({"']|\n\s*\n/);
    expect(source).toContain("/visits");
  });

  it("is cached 5 minutes at /advocate.js, a year (immutable) at its versioned URL, and revalidates with a strong ETag", async () => {
    const res = await plain("/advocate.js");
    const etag = res.headers["etag"]!;
    const version = res.headers["x-advocate-snippet-version"]!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(res.headers["cache-control"]).toBe("public, max-age=300");

    const versioned = await plain(`/advocate.js?v=${version}`);
    expect(versioned.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(versioned.body).toEqual(res.body);
    const wrong = await plain("/advocate.js?v=someothercontent");
    expect(wrong.status).toBe(200);
    expect(wrong.headers["cache-control"]).toBe("public, max-age=300");

    const revalidated = await t.http.get("/advocate.js").set("accept-encoding", "identity").set("if-none-match", etag);
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers["etag"]).toBe(etag);
    expect((await t.http.get("/advocate.js").set("accept-encoding", "identity").set("if-none-match", '"stale"')).status).toBe(200);
  });

  it("sends the same script gzipped to browsers that accept it, under its own ETag", async () => {
    const res = await t.http.get("/advocate.js").set("accept-encoding", "gzip, br");
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(res.headers["vary"]).toMatch(/Accept-Encoding/);
    expect(res.text).toBe(((await plain("/advocate.js")).body as Buffer).toString("utf8"));
    expect(res.headers["etag"]).not.toBe((await plain("/advocate.js")).headers["etag"]);
    expect((await t.http.get("/advocate.js").set("accept-encoding", "gzip").set("if-none-match", res.headers["etag"]!)).status).toBe(304);
  });

  it("writes ATTRIBUTION_WINDOW_DAYS in: another window is another version", async () => {
    const week = await startTestApp({ attributionWindowDays: 7 });
    try {
      const a = (await plain("/advocate.js")).headers["x-advocate-snippet-version"];
      const b = (await week.http.get("/advocate.js")).headers["x-advocate-snippet-version"];
      expect(a).toBeTruthy();
      expect(b).toBeTruthy();
      expect(b).not.toBe(a);
    } finally {
      await week.close();
    }
  });

  it("is what the demo page loads, at its versioned URL", async () => {
    const version = (await plain("/advocate.js")).headers["x-advocate-snippet-version"]!;
    const page = await t.http.get("/demo/landing");
    expect(page.text).toContain(`src="/advocate.js?v=${version}"`);
    expect(page.text).toMatch(/<a [^>]*data-advocate-checkout[^>]*href="\/demo\/checkout\?plan=/);
  });
});
