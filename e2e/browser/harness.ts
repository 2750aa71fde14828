import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { GalleryOptions } from "@vernissage/core";
import { createGalleryApp, type GalleryAppOptions } from "@vernissage/http-h3";
import pino from "pino";
import type { BrowserContext, Page } from "playwright-core";
import { openStackGallery, type StackGallery } from "../support/stack.js";

/** Where Chromium is: `VERNISSAGE_CHROMIUM`, else Debian's `/usr/bin/chromium` (never a downloaded browser). */
export const CHROMIUM = process.env.VERNISSAGE_CHROMIUM ?? "/usr/bin/chromium";

/** Screenshots go here (git-ignored through `.vitest-artifacts/`). */
export const ARTIFACTS = resolve(import.meta.dirname, "../.vitest-artifacts/browser");

/**
 * Why the browser suite cannot run here, or null when it can. Under `VERNISSAGE_TEST_STRICT=1` a missing
 * browser is an error instead of a skip.
 */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set VERNISSAGE_CHROMIUM)`;
  if (process.env.VERNISSAGE_TEST_STRICT === "1") throw new Error(reason);
  return reason;
}

/** Launch options from TOOLCHAIN.md: headless Debian Chromium with no background traffic. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const { chromium } = await import("playwright-core");
  const profile = await mkdtemp(join(tmpdir(), "vernissage-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Serve a fetch-style handler over real HTTP on 127.0.0.1 and an ephemeral port. */
export async function serveFetch(
  handler: (request: Request) => Promise<Response>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    try {
      const url = `http://${req.headers.host}${req.url ?? "/"}`;
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) for (const v of value) headers.append(key, v);
        else if (value !== undefined) headers.set(key, value);
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body =
        chunks.length > 0 && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : null;
      const response = await handler(new Request(url, { method: req.method, headers, body }));
      const outHeaders: Record<string, string | string[]> = {};
      response.headers.forEach((value, key) => {
        if (key !== "set-cookie") outHeaders[key] = value;
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) outHeaders["set-cookie"] = cookies;
      res.writeHead(response.status, outHeaders);
      if (response.body && req.method !== "HEAD") {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      }
      res.end();
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Problems a page reported: console errors, uncaught exceptions, failed or refused requests. */
export interface PageProblems {
  list: string[];
}

/** Record every console error, page error, failed request and HTTP error response of `page`. */
export function watchProblems(page: Page): PageProblems {
  const problems: PageProblems = { list: [] };
  page.on("console", (message) => {
    if (message.type() === "error") problems.list.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.list.push(`pageerror: ${error.message}`));
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText ?? "";
    // An image the page stopped wanting (the lightbox moved on before a large size arrived) is cancelled by the
    // browser itself: not a failure of the server. Any other cancelled or failed request still counts.
    if (reason === "net::ERR_ABORTED" && request.resourceType() === "image") return;
    problems.list.push(`requestfailed: ${request.url()} ${reason}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.list.push(`http ${response.status()}: ${response.url()}`);
  });
  return problems;
}

/** Axe results reduced to what the suite checks. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Run axe-core inside the page (evaluated through the DevTools protocol, so the page's CSP needs no
 * exception) and return the serious and critical violations.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  const require = createRequire(import.meta.url);
  const source = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run();
    return result.violations as {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: unknown[] }[];
    }[];
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
}

/** Save a screenshot of the page at a width into the artefacts folder. */
export async function screenshot(page: Page, name: string, width: number, fullPage = true): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.setViewportSize({ width, height: width < 600 ? 812 : 900 });
  const path = join(ARTIFACTS, `${name}-${width}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** What {@link openBrowserGallery} starts. */
export interface BrowserGallery extends StackGallery {
  server: { url: string; close(): Promise<void> };
  browser: { context: BrowserContext; close(): Promise<void> };
  /** The browser's first page, watched by `problems`. */
  page: Page;
  problems: PageProblems;
  /** Stop the browser, the server and the gallery, and remove its files. */
  close(): Promise<void>;
}

/**
 * A gallery on the test stack (jobs off unless `gallery` says otherwise) with the owner `admin` /
 * `correct horse battery`, served over HTTP on loopback, and Chromium with its first page watched for problems.
 */
export async function openBrowserGallery(options: {
  /** Names the temporary folder. */
  name: string;
  gallery?: Partial<GalleryOptions>;
  app?: GalleryAppOptions;
}): Promise<BrowserGallery> {
  const stack = await openStackGallery({ name: `browser-${options.name}`, gallery: options.gallery });
  const { dir, adapters, gallery } = stack;
  const app = createGalleryApp(gallery, { logger: pino({ level: "silent" }), ...options.app });
  const server = await serveFetch((request) => Promise.resolve(app.fetch(request)));
  const browser = await launchBrowser();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  return {
    dir,
    gallery,
    adapters,
    server,
    browser,
    page,
    problems: watchProblems(page),
    async close() {
      await browser.close();
      await server.close();
      await stack.close();
    },
  };
}
