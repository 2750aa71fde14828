import { type Gallery, SYSTEM } from "@vernissage/core";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserGallery,
  browserUnavailable,
  openBrowserGallery,
  type PageProblems,
  screenshot,
  seriousAxeViolations,
} from "./harness.js";

/**
 * The album and photo admin pages in Chromium: nested albums created through the album manager, one moved by
 * drag and drop and one placed before its sibling (and back with the keyboard), a cover chosen in the picker
 * and one from a sub-album, three photos tagged with the batch manager (shift-click range
 * selection) and one made private; axe-core on every page, screenshots of the album manager.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`Skipping the admin library browser suite: ${unavailable}`);

const WIDTHS = [375, 1440] as const;

describe.skipIf(unavailable !== null)("the album and photo admin in Chromium", () => {
  let env: BrowserGallery | undefined;
  let gallery: Gallery;
  let server: BrowserGallery["server"];
  let page: Page;
  let problems: PageProblems;
  const albums: Record<string, string> = {};
  const photoIds: string[] = [];

  async function expectAccessible(): Promise<void> {
    await page.setViewportSize({ width: 1440, height: 900 });
    const violations = await seriousAxeViolations(page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
  }

  async function albumId(name: string): Promise<string> {
    const tree = await gallery.dashboard.albumTree(SYSTEM);
    const found = tree.find((a) => a.name === name);
    if (!found) throw new Error(`no album ${name}`);
    return found.id;
  }

  beforeAll(async () => {
    env = await openBrowserGallery({ name: "lib" });
    ({ gallery, server, page, problems } = env);
  });

  afterEach(() => {
    const seen = problems.list.splice(0);
    expect(seen).toEqual([]);
  });

  afterAll(async () => {
    await env?.close();
  });

  it("logs in and creates nested albums", async () => {
    await page.goto(`${server.url}/login?next=%2Fadmin%2Falbums`);
    await page.fill("#login-username", "admin");
    await page.fill("#login-password", "correct horse battery");
    await Promise.all([page.waitForURL(`${server.url}/admin/albums`), page.click("button[type=submit]")]);
    for (const [name, parent] of [
      ["Trips", ""],
      ["Rome", "Trips"],
      ["Naples", ""],
    ] as const) {
      await page.fill("#album-name", name);
      if (parent) await page.selectOption("#album-parent", { label: parent });
      await Promise.all([
        page.waitForURL(/\/admin\/albums\?done=created$/),
        page.click("[data-testid=create-album] button"),
      ]);
      albums[name] = await albumId(name);
    }
    await expect(page.locator(`li[data-album-id="${albums.Rome}"]`).getAttribute("class")).resolves.toBe(
      "depth-1",
    );
    await expect(page.getByTestId("album-item").count()).resolves.toBe(3);
    await expectAccessible();
  });

  it("moves an album under another by dragging it", async () => {
    const handle = page.locator(`li[data-album-id="${albums.Naples}"] [data-drag-handle]`);
    await expect(handle.isVisible()).resolves.toBe(true);
    await Promise.all([
      page.waitForURL(/\/admin\/albums\?done=moved$/),
      handle.dragTo(page.locator(`li[data-album-id="${albums.Trips}"] [data-drag-handle]`)),
    ]);
    expect((await gallery.albums.get(SYSTEM, albums.Naples ?? "")).parentId).toBe(albums.Trips);
    await expect(page.locator(`li[data-album-id="${albums.Naples}"]`).getAttribute("class")).resolves.toBe(
      "depth-1",
    );
    await expect(page.locator(".notice").textContent()).resolves.toBe("The album was moved.");
    for (const width of WIDTHS) await screenshot(page, "admin-library-albums", width);
    await expectAccessible();
  });

  it("places an album before its sibling by dropping it on the sibling's upper edge", async () => {
    const order = async () =>
      (await gallery.albums.list(SYSTEM, { parentId: albums.Trips ?? null })).items.map((a) => a.id);
    // Rome and Naples share a rank after the move; whichever comes first, drop the second above it.
    const [first, second] = await order();
    expect(new Set([first, second])).toEqual(new Set([albums.Rome, albums.Naples]));
    const handle = page.locator(`li[data-album-id="${second}"] [data-drag-handle]`);
    await Promise.all([
      page.waitForURL(/\/admin\/albums\?done=ordered$/),
      handle.dragTo(page.locator(`li[data-album-id="${first}"] .admin-tree-item`), {
        targetPosition: { x: 40, y: 2 },
      }),
    ]);
    await expect.poll(order).toEqual([second, first]);
    // The keyboard alternative: the arrow button puts it back.
    await page.locator(`li[data-album-id="${second}"] form[action$="/order"] button`).first().focus();
    // The page is already at ?done=ordered, so the URL cannot tell: wait for the next page load (the form's POST,
    // its redirect, then the page), so nothing below runs in a page that is being replaced.
    await Promise.all([page.waitForEvent("load"), page.keyboard.press("Enter")]);
    await expect.poll(order).toEqual([first, second]);
    await expectAccessible();
  });

  it("chooses an album cover in the picker", async () => {
    for (const [i, colour] of ["#a33", "#3a3", "#33a"].entries()) {
      const file = await sharp({ create: { width: 320, height: 240, channels: 3, background: colour } })
        .jpeg()
        .toBuffer();
      const { photo } = await gallery.photos.upload(SYSTEM, {
        albumId: albums.Rome ?? "",
        file,
        filename: `photo-${i + 1}.jpg`,
        title: `Photo ${i + 1}`,
      });
      photoIds.push(photo.id);
    }
    await page.goto(`${server.url}/admin/albums/${albums.Rome}`);
    await expectAccessible();
    await Promise.all([page.waitForURL(/\/cover$/), page.click("text=Choose the cover")]);
    await expect(page.getByTestId("cover-choice").count()).resolves.toBe(3);
    await expectAccessible();
    await Promise.all([
      page.waitForURL(/\?done=cover$/),
      page.locator("[data-testid=cover-choice] button").nth(1).click(),
    ]);
    expect((await gallery.albums.get(SYSTEM, albums.Rome ?? "")).coverPhotoId).toBe(photoIds[1]);
    await expect(page.locator(".notice").textContent()).resolves.toBe("The cover was saved.");
  });

  it("offers the photos of sub-albums in the cover picker", async () => {
    await page.goto(`${server.url}/admin/albums/${albums.Trips}/cover`);
    await expect(page.getByTestId("cover-choice").count()).resolves.toBe(0);
    await Promise.all([page.waitForURL(/\/cover\?scope=subtree$/), page.getByTestId("cover-scope").click()]);
    await expect(page.getByTestId("cover-choice").count()).resolves.toBe(3);
    await expectAccessible();
    await Promise.all([
      page.waitForURL(/\?done=cover$/),
      page.locator("[data-testid=cover-choice] button").first().click(),
    ]);
    const cover = (await gallery.albums.get(SYSTEM, albums.Trips ?? "")).coverPhotoId;
    expect(photoIds).toContain(cover);
  });

  it("tags three photos with the batch manager and makes one private", async () => {
    await page.goto(`${server.url}/admin/albums/${albums.Rome}/photos`);
    await expectAccessible();
    const picks = page.getByTestId("photo-pick");
    await expect(picks.count()).resolves.toBe(3);
    await picks.nth(0).click();
    await picks.nth(2).click({ modifiers: ["Shift"] });
    await expect(page.locator("[data-selected-count]").textContent()).resolves.toBe("3 selected");
    await page.selectOption("#batch-action", "addTags");
    await expect(page.locator("#batch-level").isVisible()).resolves.toBe(false);
    await page.fill("#batch-tags", "seaside, summer");
    await Promise.all([page.waitForURL(/\/admin\/batch$/), page.click("#batch-form button[type=submit]")]);
    await expect(page.getByTestId("batch-result").textContent()).resolves.toBe("3 photos changed.");
    await expectAccessible();
    for (const id of photoIds) {
      const names = (await gallery.tags.ofPhoto(SYSTEM, id)).map((t) => t.name).sort();
      expect(names).toEqual(["seaside", "summer"]);
    }

    await Promise.all([page.waitForURL(/\/photos$/), page.click("text=Back to the photos")]);
    await page.getByTestId("photo-pick").nth(0).check();
    await page.selectOption("#batch-action", "privacy");
    await page.selectOption("#batch-level", "8");
    await Promise.all([page.waitForURL(/\/admin\/batch$/), page.click("#batch-form button[type=submit]")]);
    await expect(page.getByTestId("batch-result").textContent()).resolves.toBe("1 photos changed.");
    const levels = (await gallery.photos.getMany(SYSTEM, photoIds)).map((p) => [p.id, p.privacyLevel]);
    expect(levels.filter(([, level]) => level === 8)).toHaveLength(1);
    // A guest no longer sees it.
    const guest = await fetch(`${server.url}/api/v1/albums/${albums.Rome}/photos`);
    expect(((await guest.json()) as { items: unknown[] }).items).toHaveLength(2);
  });

  it("opens the photo editor with the photo's albums", async () => {
    await page.goto(`${server.url}/admin/photos/${photoIds[2]}`);
    await expect(page.getByTestId("photo-albums").textContent()).resolves.toContain("Rome");
    await expectAccessible();
  });
});
