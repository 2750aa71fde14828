import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { GalleryError } from "@vernissage/core";
import { getRouterParams, type H3 } from "h3";
import type { Wrap } from "./session.js";

/** One fingerprinted script of the reference page. */
interface DocsAsset {
  name: string;
  body: Uint8Array;
  gzip: Uint8Array;
  etag: string;
}

/** The scripts of the reference page, read once per process. */
interface DocsAssets {
  renderer: DocsAsset | null;
  init: DocsAsset;
}

const RENDERER_PACKAGE = "@scalar/api-reference";
const RENDERER_FILE = "dist/browser/standalone.js";

/**
 * Calls the renderer with what the page says (the document URL in a data attribute) and nothing third-party:
 * no hosted fonts, no telemetry, no agent chat, no request proxy, no MCP button.
 */
const INIT_SCRIPT = `"use strict";
(function () {
  var el = document.getElementById("vernissage-api-reference");
  if (!el || !window.Scalar) return;
  window.Scalar.createApiReference(el, {
    url: el.getAttribute("data-openapi-url"),
    withDefaultFonts: false,
    telemetry: false,
    hideClientButton: false,
    showDeveloperTools: "never",
    agent: { disabled: true },
    mcp: { disabled: true },
    documentDownloadType: "json",
    persistAuth: false
  });
})();
`;

/** Find a file of an installed package by walking up `node_modules` folders from this module. */
function findPackageFile(pkg: string, file: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "node_modules", pkg, file);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function asset(base: string, ext: string, body: Uint8Array): DocsAsset {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  return { name: `${base}.${hash}.${ext}`, body, gzip: gzipSync(body, { level: 9 }), etag: `"${hash}"` };
}

let loading: Promise<DocsAssets> | undefined;

/** Read (once per process) the renderer's standalone bundle from node_modules; null when it is not installed. */
function loadAssets(): Promise<DocsAssets> {
  loading ??= (async () => {
    const init = asset("init", "js", new TextEncoder().encode(INIT_SCRIPT));
    const path = findPackageFile(RENDERER_PACKAGE, RENDERER_FILE);
    if (!path) return { renderer: null, init };
    // The source map is not shipped to browsers; drop the comment that points at it.
    const text = (await readFile(path, "utf8")).replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
    return { renderer: asset("scalar", "js", new TextEncoder().encode(text)), init };
  })();
  return loading;
}

/**
 * The reference page's Content-Security-Policy. Scripts: only this origin's two files (no inline script, no
 * `eval`). Styles: the renderer (Vue) injects `<style>` elements and style attributes at run time, some without a
 * nonce (tried in Chromium: a nonce policy blocks them), so `style-src` needs `'unsafe-inline'`; no remote
 * stylesheet or font. Connections:
 * this origin only (the document, and "try it" requests to this API). Images: this origin, `data:` and
 * `blob:` (icons, and previews of responses). Workers: `blob:` (the renderer's search and highlighting).
 */
export function apiDocsCsp(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function html(input: { title: string; specUrl: string; scripts: string[] }): string {
  const scripts = input.scripts
    .map((src) => `<script src="${escapeAttribute(src)}" defer></script>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${escapeAttribute(input.title)}</title>
</head>
<body>
<noscript><p>The API reference needs JavaScript. The OpenAPI document is at <a href="${escapeAttribute(
    input.specUrl,
  )}">${escapeAttribute(input.specUrl)}</a>.</p></noscript>
<div id="vernissage-api-reference" data-openapi-url="${escapeAttribute(input.specUrl)}"></div>
${scripts}
</body>
</html>
`;
}

/**
 * Serve the API reference at `<base>/api/docs`: an HTML page that renders `<base>/api/v1/openapi.json` with
 * Scalar's standalone bundle, read from node_modules (never a CDN) and served fingerprinted and immutable under
 * `<base>/api/docs/assets/`. Without the renderer installed, the page links to the document instead.
 */
export function mountApiDocs(input: { app: H3; base: string; title: string; wrap: Wrap }): void {
  const { app, base, title, wrap } = input;
  const assetPath = (name: string) => `${base}/api/docs/assets/${name}`;
  app.get(
    `${base}/api/docs`,
    wrap("media", async (_event, _id, _rid, headers) => {
      const assets = await loadAssets();
      const scripts = assets.renderer ? [assetPath(assets.renderer.name), assetPath(assets.init.name)] : [];
      headers.set("content-type", "text/html; charset=utf-8");
      headers.set("cache-control", "no-cache");
      headers.set("content-security-policy", apiDocsCsp());
      headers.set("x-content-type-options", "nosniff");
      headers.set("referrer-policy", "no-referrer");
      return new Response(
        html({ title: `${title} API reference`, specUrl: `${base}/api/v1/openapi.json`, scripts }),
        { headers },
      );
    }),
  );
  app.get(
    `${base}/api/docs/assets/:name`,
    wrap("media", async (event, _id, _rid, headers) => {
      const { name = "" } = getRouterParams(event, { decode: true });
      const assets = await loadAssets();
      const found = [assets.renderer, assets.init].find((a) => a?.name === name);
      if (!found) throw new GalleryError("NOT_FOUND");
      headers.set("content-type", "text/javascript; charset=utf-8");
      headers.set("cache-control", "public, max-age=31536000, immutable");
      headers.set("etag", found.etag);
      headers.set("x-content-type-options", "nosniff");
      headers.set("vary", "Accept-Encoding");
      if (event.req.headers.get("if-none-match") === found.etag)
        return new Response(null, { status: 304, headers });
      const gzip = /\bgzip\b/.test(event.req.headers.get("accept-encoding") ?? "");
      if (gzip) headers.set("content-encoding", "gzip");
      return new Response((gzip ? found.gzip : found.body) as BodyInit, { headers });
    }),
  );
}
