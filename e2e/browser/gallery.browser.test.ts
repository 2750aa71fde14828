import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type Gallery, SYSTEM } from "@vernissage/core";
import { createGalleryApp } from "@vernissage/http-h3";
import pino from "pino";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type CorpusPhoto, loadCorpus } from "../corpus.js";
import { type StackAdapters, stackAdapters } from "../support/stack.js";
import {
  browserUnavailable,
  launchBrowser,
  type PageProblems,
  screenshot,
  seriousAxeViolations,
  serveFetch,
  watchProblems,
} from "./harness.js";

const unavailable = browserUnavailable();
const corpus = loadCorpus();
if (unavailable) console.warn(`Skipping the browser suite: ${unavailable}`);
if (!corpus) console.warn("Skipping the browser suite: the real-photo corpus is missing");

const WIDTHS = [375, 1440] as const;
const TITLES = ["First light", "Second look", "Third time"];

/** Three real photos, small enough to keep the suite quick: the smallest plain JPEGs of the corpus. */
function pickPhotos(all: CorpusPhoto[]): CorpusPhoto[] {
  return all
    .filter((p) => /\.jpe?g$/i.test(p.file) && p.width >= 800 && p.height >= 600 && p.orientation <= 1)
    .map((p) => ({ p, size: p.width * p.height }))
    .sort((a, b) => a.size - b.size)
    .slice(0, 3)
    .map(({ p }) => p);
}

describe.skipIf(unavailable !== null || corpus === null)("the default theme in Chromium", () => {
  let dir: string;
  let adapters: StackAdapters | undefined;
  let gallery: Gallery;
  let server: Awaited<ReturnType<typeof serveFetch>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let albumUrl = "";
  const photoIds: string[] = [];

  /** A JSON API call with the browser's session cookie, from the page's own origin. */
  async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const cookies = await context.cookies(server.url);
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const init: RequestInit = { method, headers: { cookie, origin: server.url } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    const res = await fetch(`${server.url}/api/v1${path}`, init);
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** Wait until every image in the document has loaded (lazy ones are scrolled into view first). */
  async function imagesLoaded(): Promise<void> {
    await page.evaluate(async () => {
      window.scrollTo(0, document.body.scrollHeight);
      await Promise.all(
        [...document.images].map((img) =>
          img.complete ? null : new Promise((done) => img.addEventListener("load", done, { once: true })),
        ),
      );
      window.scrollTo(0, 0);
    });
  }

  async function expectAccessible(): Promise<void> {
    const violations = await seriousAxeViolations(page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vernissage-browser-"));
    adapters = await stackAdapters(dir);
    gallery = await createGallery({
      database: adapters.database,
      storage: adapters.storage,
      jobs: { run: false },
    });
    await gallery.users.create(SYSTEM, {
      username: "admin",
      password: "correct horse battery",
      role: "owner",
    });
    const app = createGalleryApp(gallery, { logger: pino({ level: "silent" }) });
    server = await serveFetch((request) => Promise.resolve(app.fetch(request)));
    browser = await launchBrowser();
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
    problems = watchProblems(page);
  });

  afterEach(() => {
    // Any console error, uncaught exception or failed request fails the step that caused it.
    const seen = problems.list.splice(0);
    expect(seen).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await gallery?.close();
    await adapters?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("logs in through the login page", async () => {
    await page.goto(`${server.url}/login`);
    await page.fill("#login-username", "admin");
    await page.fill("#login-password", "correct horse battery");
    await Promise.all([page.waitForURL(`${server.url}/`), page.click("button[type=submit]")]);
    await expect(page.locator(".account-name").textContent()).resolves.toContain("admin");
  });

  it("creates an album in the admin album manager", async () => {
    await page.goto(`${server.url}/admin/albums`);
    await page.fill("#album-name", "Seaside");
    await page.fill("#album-description", "Three real photographs.");
    await Promise.all([
      page.waitForURL(/\/admin\/albums\?done=created$/),
      page.click("[data-testid=create-album] button"),
    ]);
    await expect(page.locator(".notice").textContent()).resolves.toBe("The album was created.");
    await expect(page.getByTestId("album-row").count()).resolves.toBe(1);
    for (const width of WIDTHS) await screenshot(page, "admin-albums", width);
    await page.setViewportSize({ width: 1440, height: 900 });
    await expectAccessible();
    const [album] = (await gallery.albums.list(SYSTEM, { parentId: null })).items;
    albumUrl = `/albums/${album?.id}/${album?.slug}`;
  });

  it("uploads three real photos through the upload page, with progress per file", async () => {
    await page.goto(`${server.url}/admin/upload`);
    const files = pickPhotos(corpus ?? []);
    await page.setInputFiles(
      "#upload-files",
      files.map((f) => f.path),
    );
    await expect(page.getByTestId("upload-item").count()).resolves.toBe(3);
    await page.click("[data-testid=upload-form] button[type=submit]");
    await page.getByTestId("upload-finished").waitFor();
    const states = await page.$$eval("[data-testid=upload-item]", (items) =>
      items.map((li) => [
        li.getAttribute("data-state"),
        (li.querySelector("progress") as HTMLProgressElement).value,
      ]),
    );
    expect(states).toEqual([
      ["done", 100],
      ["done", 100],
      ["done", 100],
    ]);
    for (const width of WIDTHS) await screenshot(page, "admin-upload", width);
    await page.setViewportSize({ width: 1440, height: 900 });
    await expectAccessible();
    // Titles make the steps below readable; they are set through the API with the page's session.
    const album = (await gallery.albums.list(SYSTEM, { parentId: null })).items[0];
    const photos = await gallery.photos.listInAlbum(SYSTEM, album?.id ?? "");
    for (const [i, photo] of photos.items.entries()) {
      photoIds.push(photo.id);
      await api("PATCH", `/photos/${photo.id}`, { title: TITLES[i] });
    }
    expect(photoIds).toHaveLength(3);
  });

  it("shows the album on the home page and the photos in the album grid", async () => {
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId("album-card").count()).resolves.toBe(1);
    await imagesLoaded();
    for (const width of WIDTHS) await screenshot(page, "home", width);
    await page.setViewportSize({ width: 1440, height: 900 });
    await expectAccessible();

    await page.getByTestId("album-card").click();
    await page.waitForURL(`${server.url}${albumUrl}`);
    await expect(page.getByTestId("photo-thumb").count()).resolves.toBe(3);
    await imagesLoaded();
    const loaded = await page.$$eval(".thumb-img", (imgs) =>
      imgs.map((img) => (img as HTMLImageElement).naturalWidth > 0 && (img as HTMLImageElement).alt),
    );
    expect(loaded).toEqual(TITLES);
    for (const width of WIDTHS) await screenshot(page, "album", width);
    await page.setViewportSize({ width: 1440, height: 900 });
    await expectAccessible();
  });

  it("opens the lightbox and goes to the next photo with the keyboard", async () => {
    await page.getByTestId("photo-thumb").first().click();
    const dialog = page.locator("dialog[data-testid=lightbox][open]");
    await dialog.waitFor();
    await expect(page.getByTestId("lightbox-image").getAttribute("alt")).resolves.toBe(TITLES[0]);
    await page.keyboard.press("ArrowRight");
    await expect(page.getByTestId("lightbox-image").getAttribute("alt")).resolves.toBe(TITLES[1]);
    await expect(page.locator(".lightbox-counter").textContent()).resolves.toBe("2 of 3");
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>("[data-testid=lightbox-image]");
      return img?.complete && img.naturalWidth > 0;
    });
    for (const width of WIDTHS) await screenshot(page, "lightbox", width, false);
    await page.setViewportSize({ width: 1440, height: 900 });
    await expectAccessible();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" }).catch(() => undefined);
    await expect(
      page.locator("dialog[data-testid=lightbox]").evaluate((d) => (d as HTMLDialogElement).open),
    ).resolves.toBe(false);
    // Focus goes back to the thumbnail that opened it.
    await expect(page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).resolves.toBe(
      "photo-thumb",
    );
  });

  it("shows the photo page with its neighbours, and works without the lightbox", async () => {
    await page.goto(`${server.url}/photos/${photoIds[1]}`);
    await expect(page.locator("h1").textContent()).resolves.toBe(TITLES[1]);
    await expect(page.locator("a[rel=prev]").count()).resolves.toBe(1);
    await expect(page.locator("a[rel=next]").count()).resolves.toBe(1);
    await imagesLoaded();
    for (const width of WIDTHS) await screenshot(page, "photo", width);
    await page.setViewportSize({ width: 1440, height: 900 });
    await expectAccessible();
    await page.click("a[rel=next]");
    await expect(page.locator("h1").textContent()).resolves.toBe(TITLES[2]);
    // The admin's way from a photo to its editor.
    await page.getByTestId("edit-photo-link").click();
    await expect(page.locator("#photo-title").inputValue()).resolves.toBe(TITLES[2]);
    await expectAccessible();
  });

  it("finds photos by tag on the search page", async () => {
    await api("POST", "/photos/batch", { photoIds: [photoIds[0], photoIds[2]], addTags: ["Seashore"] });
    await page.goto(`${server.url}/search`);
    await page.selectOption("#search-tag", { label: "Seashore" });
    await Promise.all([page.waitForURL(/\/search\?/), page.click(".search-form button[type=submit]")]);
    const alts = await page.$$eval(".thumb-img", (imgs) =>
      imgs.map((img) => (img as HTMLImageElement).alt).sort(),
    );
    expect(alts).toEqual([TITLES[0], TITLES[2]].sort());
    await expectAccessible();
    await page.goto(`${server.url}/tags`);
    await page.getByTestId("tag-link").click();
    await expect(page.getByTestId("photo-thumb").count()).resolves.toBe(2);
    await expectAccessible();
  });

  it("hides a photo made private from a guest", async () => {
    await api("PATCH", `/photos/${photoIds[2]}`, { privacyLevel: 4 });
    await context.clearCookies();
    await page.goto(`${server.url}${albumUrl}`);
    await expect(page.getByTestId("photo-thumb").count()).resolves.toBe(2);
    await expect(page.locator("main").textContent()).resolves.not.toContain(TITLES[2]);
    await expect(page.locator(".account a").textContent()).resolves.toBe("Log in");
    // The photo page itself answers 404 to the guest (checked outside the page: a 404 would be a failed request).
    expect((await fetch(`${server.url}/photos/${photoIds[2]}`)).status).toBe(404);
    await expectAccessible();
  });

  it("opens a password-protected share link in a fresh browser", async () => {
    // The owner (logged in again through the API) shares the album with a password.
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ username: "admin", password: "correct horse battery" }),
    });
    const ownerCookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const album = (await gallery.albums.list(SYSTEM, { parentId: null })).items[0];
    const created = await fetch(`${server.url}/api/v1/shares`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url, cookie: ownerCookie },
      body: JSON.stringify({ albumId: album?.id, password: "sea breeze", privacyLevel: 4 }),
    });
    expect(created.status).toBe(201);
    const { url } = (await created.json()) as { url: string };

    const fresh = await launchBrowser();
    try {
      const visitor = fresh.context.pages()[0] ?? (await fresh.context.newPage());
      const seen = watchProblems(visitor);
      await visitor.goto(url);
      await visitor.fill("#share-password", "sea breeze");
      await Promise.all([
        visitor.waitForURL(`${server.url}${albumUrl}`),
        visitor.click("[data-testid=share-unlock] button"),
      ]);
      // The link reveals up to level 4, so the photo made private is visible through it.
      await expect(visitor.getByTestId("photo-thumb").count()).resolves.toBe(3);
      const violations = await seriousAxeViolations(visitor);
      expect(violations).toEqual([]);
      expect(seen.list).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
