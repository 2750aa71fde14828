import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORIGIN, setup } from "./helpers.js";

describe("the API reference page at /api/docs", () => {
  let t: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    t = await setup({ app: { basePath: "/gallery" } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const scriptsOf = (html: string) => [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1] ?? "");

  it("answers an HTML page with a strict CSP and no third-party URL", async () => {
    const res = await t.request("/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:/);
    expect(csp).not.toContain("unsafe-eval");
    const html = await res.text();
    // Only same-origin references: nothing with a scheme or a protocol-relative host.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('data-openapi-url="/gallery/api/v1/openapi.json"');
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/); // no inline script
    const scripts = scriptsOf(html);
    expect(scripts).toHaveLength(2);
    for (const src of scripts)
      expect(src).toMatch(/^\/gallery\/api\/docs\/assets\/(scalar|init)\.[0-9a-f]{16}\.js$/);
  });

  it("serves the renderer from local files, fingerprinted, immutable and compressed", async () => {
    const html = await (await t.request("/api/docs")).text();
    const [renderer, init] = scriptsOf(html);
    expect(renderer).toContain("/scalar.");
    const res = await t.app.fetch(
      new Request(`${ORIGIN}${renderer}`, { headers: { "accept-encoding": "gzip" } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/javascript");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const gz = new Uint8Array(await res.arrayBuffer());
    const js = gunzipSync(gz).toString("utf8");
    expect(js).toContain("createApiReference");
    expect(js).not.toContain("sourceMappingURL");
    // The bundle is large: a few MB raw, about a quarter of that gzipped.
    expect(js.length).toBeGreaterThan(1_000_000);
    expect(gz.byteLength).toBeLessThan(js.length / 2);

    const plain = await t.app.fetch(new Request(`${ORIGIN}${init}`));
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-encoding")).toBeNull();
    const initJs = await plain.text();
    expect(initJs).toContain("telemetry: false");
    expect(initJs).toContain("withDefaultFonts: false");

    const etag = plain.headers.get("etag") ?? "";
    const again = await t.app.fetch(new Request(`${ORIGIN}${init}`, { headers: { "if-none-match": etag } }));
    expect(again.status).toBe(304);
  });

  it("answers 404 for an unknown or stale asset name", async () => {
    for (const name of ["scalar.0000000000000000.js", "..%2F..%2Fpackage.json", "init.js"]) {
      const res = await t.request(`/api/docs/assets/${name}`);
      expect(res.status).toBe(404);
    }
  });
});
