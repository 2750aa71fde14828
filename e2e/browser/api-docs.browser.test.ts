import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type Gallery } from "@vernissage/core";
import { createGalleryApp } from "@vernissage/http-h3";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StackAdapters, stackAdapters } from "../support/stack.js";
import { browserUnavailable, launchBrowser, screenshot, serveFetch, watchProblems } from "./harness.js";

const unavailable = browserUnavailable();
if (unavailable) console.warn(`Skipping the API reference browser test: ${unavailable}`);

describe.skipIf(unavailable !== null)("the API reference page in Chromium", () => {
  let dir: string;
  let adapters: StackAdapters;
  let gallery: Gallery;
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vernissage-api-docs-"));
    adapters = await stackAdapters(dir);
    gallery = await createGallery({
      database: adapters.database,
      storage: adapters.storage,
      jobs: { run: false },
    });
    const app = createGalleryApp(gallery, { logger: pino({ level: "silent" }), basePath: "/g" });
    server = await serveFetch((request) => Promise.resolve(app.fetch(request)));
  });
  afterAll(async () => {
    await server?.close();
    await gallery?.close();
    await adapters?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("renders the operations under its CSP, with no third-party request and no CSP violation", {
    timeout: 180_000,
  }, async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const problems = watchProblems(page);
      const foreign: string[] = [];
      page.on("request", (request) => {
        const url = request.url();
        if (!url.startsWith(server.url) && !url.startsWith("data:") && !url.startsWith("blob:"))
          foreign.push(url);
      });
      const violations: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      const response = await page.goto(`${server.url}/g/api/docs`, { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      // The renderer fetched the document and rendered operations from it (visible text, so innerText).
      await page.waitForFunction(
        // biome-ignore lint/performance/useDomNodeTextContent: what is rendered, not hidden nodes
        () => document.body.innerText.includes("Create an album"),
        undefined,
        { timeout: 60_000 },
      );
      // biome-ignore lint/performance/useDomNodeTextContent: what is rendered, not hidden nodes
      const text = await page.evaluate(() => document.body.innerText);
      expect(text).toContain("The Vernissage REST API");
      expect(text).toContain("List the photos of an album");
      await screenshot(page, "api-docs", 1440, false);
      expect(foreign).toEqual([]);
      expect(violations).toEqual([]);
      expect(problems.list).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
