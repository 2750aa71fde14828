import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Gallery, SYSTEM } from "@vernissage/core";
import type { Page, Route } from "playwright-core";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../corpus.js";
import { type BrowserGallery, browserUnavailable, openBrowserGallery, type PageProblems } from "./harness.js";

const unavailable = browserUnavailable();
const corpus = loadCorpus();
const THRESHOLD = 64 * 1024;
/** The page's chunk size for this threshold (the threshold, at least 256 KiB). */
const CHUNK = 256 * 1024;

/** The smallest corpus JPEG of more than four chunks (a few are sent, one dropped, the rest resumed). */
function largeJpeg(): { path: string } {
  const found = (corpus ?? [])
    .filter((p) => /\.jpe?g$/i.test(p.file))
    .map((p) => ({ path: p.path, size: statSync(p.path).size }))
    .filter((p) => p.size > CHUNK * 4)
    .sort((a, b) => a.size - b.size)[0];
  if (!found) throw new Error("the corpus has no JPEG over 1 MiB");
  return found;
}

/**
 * The admin upload page sends files above the resumable threshold through tus in chunks: a dropped PATCH is
 * resumed from the server's offset, and Cancel terminates the upload on the server.
 */
describe.skipIf(unavailable !== null || corpus === null)("resumable uploads on the admin upload page", () => {
  let env: BrowserGallery | undefined;
  let dir: string;
  let adapters: BrowserGallery["adapters"];
  let gallery: Gallery;
  let server: BrowserGallery["server"];
  let page: Page;
  let problems: PageProblems;
  let albumId = "";

  beforeAll(async () => {
    env = await openBrowserGallery({ name: "tus", app: { resumableUploadThreshold: THRESHOLD } });
    ({ gallery, server, page, problems, dir, adapters } = env);
    albumId = (await gallery.albums.create(SYSTEM, { name: "Big files", visibility: "public" })).id;
    await page.goto(`${server.url}/login`);
    await page.fill("#login-username", "admin");
    await page.fill("#login-password", "correct horse battery");
    await Promise.all([page.waitForURL(`${server.url}/`), page.click("button[type=submit]")]);
  }, 120_000);

  afterEach(async () => {
    await page.unrouteAll({ behavior: "ignoreErrors" });
  });

  afterAll(async () => {
    await env?.close();
  });

  it("uploads a large file in chunks, resumes after a dropped PATCH, and a small one whole", async () => {
    const large = largeJpeg();
    const largeBytes = await readFile(large.path);
    expect(largeBytes.length).toBeGreaterThan(CHUNK * 3);
    const smallPath = join(dir, "small.jpg");
    const small = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#336699" } })
      .jpeg()
      .toBuffer();
    expect(small.length).toBeLessThan(THRESHOLD);
    await writeFile(smallPath, small);

    const seen: string[] = [];
    let dropped = "";
    await page.route("**/api/v1/**", async (route: Route) => {
      const request = route.request();
      const path = new URL(request.url()).pathname;
      seen.push(`${request.method()} ${path.replace(/uploads\/[^/]+$/, "uploads/{id}")}`);
      // The second chunk's connection drops, as a flaky network would do.
      if (
        request.method() === "PATCH" &&
        !dropped &&
        seen.filter((s) => s.startsWith("PATCH")).length === 2
      ) {
        dropped = request.url();
        await route.abort("connectionreset");
        return;
      }
      await route.continue();
    });

    await page.goto(`${server.url}/admin/upload?album=${albumId}`);
    await page.setInputFiles("#upload-files", [large.path, smallPath]);
    await page.click("[data-testid=upload-form] button[type=submit]");
    await page.getByTestId("upload-finished").waitFor({ timeout: 60_000 });
    const states = await page.$$eval("[data-testid=upload-item]", (items) =>
      items.map((li) => [
        li.getAttribute("data-state"),
        (li.querySelector("progress") as HTMLProgressElement).value,
      ]),
    );
    expect(states).toEqual([
      ["done", 100],
      ["done", 100],
    ]);
    // The large file: created, several chunks, one dropped then HEAD for the offset; the small one posted whole.
    expect(seen.filter((s) => s === "POST /api/v1/uploads").length).toBe(1);
    expect(seen.filter((s) => s === "PATCH /api/v1/uploads/{id}").length).toBeGreaterThan(3);
    expect(seen).toContain("HEAD /api/v1/uploads/{id}");
    expect(seen.filter((s) => s === "POST /api/v1/photos").length).toBe(1);
    // The dropped request is the only failure the page saw.
    const unexpected = problems.list
      .splice(0)
      .filter((p) => !p.includes(dropped) && !p.endsWith("net::ERR_CONNECTION_RESET"));
    expect(unexpected).toEqual([]);

    const photos = await gallery.photos.listInAlbum(SYSTEM, albumId);
    const hashes = photos.items.map((p) => p.sha256).sort();
    expect(hashes).toEqual(
      [
        createHash("sha256").update(largeBytes).digest("hex"),
        createHash("sha256").update(small).digest("hex"),
      ].sort(),
    );
    const keys = await adapters?.listKeys();
    expect(keys?.filter((k) => k.includes("uploads/"))).toEqual([]);
  }, 120_000);

  it("cancels a resumable upload: the server forgets it and its chunks", async () => {
    const large = largeJpeg();
    let held: Route | undefined;
    let patches = 0;
    await page.route("**/api/v1/uploads/*", async (route: Route) => {
      if (route.request().method() === "PATCH" && ++patches === 2) {
        // Hold the second chunk until the user cancels.
        held = route;
        return;
      }
      await route.continue();
    });
    await page.goto(`${server.url}/admin/upload?album=${albumId}`);
    await page.setInputFiles("#upload-files", [large.path]);
    await page.click("[data-testid=upload-form] button[type=submit]");
    await page.waitForFunction(() => document.querySelector("[data-resumable-location]") !== null);
    await expect.poll(() => patches, { timeout: 30_000 }).toBe(2);
    const location = await page.getAttribute("[data-resumable-location]", "data-resumable-location");
    const id = location?.split("/").pop() ?? "";
    expect(
      await gallery.db.selectFrom("uploads").select("id").where("id", "=", id).executeTakeFirst(),
    ).toBeTruthy();
    await page.getByTestId("upload-cancel").click();
    await page.getByTestId("upload-finished").waitFor({ timeout: 30_000 });
    await held?.abort().catch(() => undefined);
    expect(await page.getAttribute("[data-testid=upload-item]", "data-state")).toBe("cancelled");
    expect(
      await gallery.db.selectFrom("uploads").select("id").where("id", "=", id).executeTakeFirst(),
    ).toBeUndefined();
    const keys = await adapters?.listKeys();
    expect(keys?.filter((k) => k.includes("uploads/"))).toEqual([]);
    // Only the request the user aborted failed.
    const unexpected = problems.list.splice(0).filter((p) => !p.includes(id));
    expect(unexpected).toEqual([]);
  }, 120_000);
});
