import { type Gallery, SYSTEM } from "@vernissage/core";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserGallery,
  browserUnavailable,
  launchBrowser,
  openBrowserGallery,
  type PageProblems,
  screenshot,
  seriousAxeViolations,
  watchProblems,
} from "./harness.js";

const unavailable = browserUnavailable();
if (unavailable) console.warn(`Skipping the admin people browser suite: ${unavailable}`);

const WIDTHS = [375, 1440] as const;

/**
 * The people, sharing and token admin pages in Chromium: create a group and a user, add the user to the group,
 * create a password share link and open it in a fresh browser, create an API token and call the API with it,
 * change the gallery title in the settings, edit the share link, and set image sizes and formats.
 * axe-core on every page; screenshots at 375 and 1440 px.
 */
describe.skipIf(unavailable !== null)("admin people pages in Chromium", () => {
  let env: BrowserGallery | undefined;
  let gallery: Gallery;
  let server: BrowserGallery["server"];
  let page: Page;
  let problems: PageProblems;
  let groupId = "";
  let albumId = "";

  async function check(name: string): Promise<void> {
    for (const width of WIDTHS) await screenshot(page, name, width);
    await page.setViewportSize({ width: 1440, height: 900 });
    const violations = await seriousAxeViolations(page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
  }

  beforeAll(async () => {
    env = await openBrowserGallery({ name: "people" });
    ({ gallery, server, page, problems } = env);
    const album = await gallery.albums.create(SYSTEM, { name: "Summer", visibility: "private" });
    albumId = album.id;
  });

  afterEach(() => {
    const seen = problems.list.splice(0);
    expect(seen).toEqual([]);
  });

  afterAll(async () => {
    await env?.close();
  });

  it("logs in", async () => {
    await page.goto(`${server.url}/login?next=%2Fadmin%2Fgroups`);
    await page.fill("#login-username", "admin");
    await page.fill("#login-password", "correct horse battery");
    await Promise.all([page.waitForURL(`${server.url}/admin/groups`), page.click("button[type=submit]")]);
  });

  it("creates a group", async () => {
    await page.fill("#group-name", "Friends");
    await Promise.all([
      page.waitForURL(/\/admin\/groups\?done=group-created$/),
      page.click("[data-testid=create-group] button"),
    ]);
    await expect(page.locator(".notice").textContent()).resolves.toBe("The group was created.");
    await expect(page.getByTestId("group-row").count()).resolves.toBe(1);
    await check("admin-groups");
    groupId = (await gallery.groups.list(SYSTEM)).items[0]?.id ?? "";
  });

  it("creates a user", async () => {
    await page.goto(`${server.url}/admin/users`);
    await page.fill("#new-username", "lea");
    await page.fill("#new-display", "Léa");
    await page.fill("#new-password", "lea's long password");
    await page.selectOption("#new-level", "2");
    await Promise.all([
      page.waitForURL(/\/admin\/users\?done=user-created$/),
      page.click("[data-testid=create-user] button[type=submit]"),
    ]);
    await expect(page.getByTestId("user-row").count()).resolves.toBe(2);
    await check("admin-users");
    await page.click("text=lea");
    await page.waitForURL(/\/admin\/users\/[A-Za-z0-9_-]+$/);
    await check("admin-user");
  });

  it("adds the user to the group", async () => {
    await page.goto(`${server.url}/admin/groups/${groupId}`);
    const lea = await gallery.users.findByUsername(SYSTEM, "lea");
    await page.selectOption("#member-add", lea?.id ?? "");
    await Promise.all([page.waitForURL(/done=members$/), page.click("[data-testid=add-member] button")]);
    await expect(page.getByTestId("member-list").textContent()).resolves.toContain("Léa (lea)");
    expect(await gallery.groups.members(SYSTEM, groupId)).toEqual([lea?.id]);
    await check("admin-group");
  });

  it("creates a share link with a password and opens it in a fresh browser", async () => {
    await page.goto(`${server.url}/account/shares`);
    await page.selectOption("#share-album", albumId);
    await page.fill("#share-password", "sea breeze");
    await page.click("[data-testid=create-share] button[type=submit]");
    await page.getByTestId("share-url").waitFor();
    const url = await page.getByTestId("share-url").inputValue();
    expect(url).toMatch(new RegExp(`^${server.url}/s/[a-z0-9]+$`));
    // The script reveals the copy button.
    await expect(page.locator("button[data-copy-target=share-url]").isVisible()).resolves.toBe(true);
    await expect(page.getByTestId("share-row").count()).resolves.toBe(1);
    await check("admin-shares");

    const fresh = await launchBrowser();
    try {
      const visitor = fresh.context.pages()[0] ?? (await fresh.context.newPage());
      const seen = watchProblems(visitor);
      await visitor.goto(url);
      await visitor.fill("#share-password", "sea breeze");
      await Promise.all([
        visitor.waitForURL(new RegExp(`/albums/${albumId}/`)),
        visitor.click("[data-testid=share-unlock] button"),
      ]);
      await expect(visitor.locator("h1").first().textContent()).resolves.toContain("Summer");
      expect(seen.list).toEqual([]);
    } finally {
      await fresh.close();
    }
    // The list now shows one opening; reloading never shows the URL again.
    await page.goto(`${server.url}/account/shares`);
    await expect(page.getByTestId("share-url").count()).resolves.toBe(0);
    expect(await page.content()).not.toContain(url);
    expect((await gallery.shares.list(SYSTEM))[0]?.useCount).toBe(1);
  });

  it("edits the share link: removes its password, allows downloads, sets an expiry", async () => {
    await page.goto(`${server.url}/account/shares`);
    await Promise.all([
      page.waitForURL(/\/account\/shares\/[A-Za-z0-9_-]+\/edit$/),
      page.getByTestId("share-edit").first().click(),
    ]);
    await expect(page.locator("#share-edit-download").isChecked()).resolves.toBe(false);
    await check("admin-share-edit");
    // Keyboard only: tick the boxes and save from the keyboard.
    await page.focus("#share-edit-clear");
    await page.keyboard.press("Space");
    await page.focus("#share-edit-download");
    await page.keyboard.press("Space");
    await page.fill("#share-edit-expires", "2999-12-31");
    await Promise.all([
      page.waitForURL(/\/account\/shares\?done=share-saved$/),
      page.click("[data-testid=edit-share] button[type=submit]"),
    ]);
    await expect(page.locator(".notice").textContent()).resolves.toBe("The share link was saved.");
    const [link] = await gallery.shares.list(SYSTEM);
    expect(link).toMatchObject({
      hasPassword: false,
      canDownload: true,
      expiresAt: Date.UTC(2999, 11, 31, 23, 59, 59, 999),
    });
  });

  it("creates an API token and calls the API with it", async () => {
    await page.goto(`${server.url}/account/tokens`);
    await page.fill("#token-name", "Script");
    await page.check("#scope-albums-read");
    await page.click("[data-testid=create-token] button[type=submit]");
    await page.getByTestId("token-secret").waitFor();
    const secret = await page.getByTestId("token-secret").inputValue();
    expect(secret).toMatch(/^vrn_/);
    await check("admin-tokens");

    const res = await fetch(`${server.url}/api/v1/albums/${albumId}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name: string }).name).toBe("Summer");

    await page.goto(`${server.url}/account/tokens`);
    expect(await page.content()).not.toContain(secret);
    await expect(page.getByTestId("token-row").count()).resolves.toBe(1);
  });

  it("shows the plugins and failed jobs pages accessibly", async () => {
    await page.goto(`${server.url}/admin/plugins`);
    await check("admin-plugins");
    await page.goto(`${server.url}/admin/jobs`);
    await check("admin-jobs");
  });

  it("changes the gallery title and who sees photo locations in the settings", async () => {
    await page.goto(`${server.url}/admin/settings`);
    await page.fill("#settings-title", "Family album");
    await page.selectOption("#settings-registration", "approval");
    await page.selectOption("#settings-location", { label: "The photo's uploader and admins only" });
    await Promise.all([
      page.waitForURL(/\/admin\/settings\?done=settings$/),
      page.click("[data-testid=gallery-settings] button[type=submit]"),
    ]);
    await expect(page.locator(".site-title").textContent()).resolves.toBe("Family album");
    await check("admin-settings");
    expect(await gallery.settings.get()).toMatchObject({ registration: "approval", location: "owners" });
  });

  it("turns an optional image size on, changes a quality and the format order", async () => {
    await page.goto(`${server.url}/admin/settings`);
    await expect(page.locator("#preset-enabled-thumb").isDisabled()).resolves.toBe(true);
    await page.check("#preset-enabled-3xlarge");
    await page.fill("#preset-quality-medium", "70");
    await page.selectOption("#settings-formats", "webp,jpeg");
    await Promise.all([
      page.waitForURL(/\/admin\/settings\?done=derivatives$/),
      page.click("[data-testid=derivative-settings] button[type=submit]:not([name])"),
    ]);
    await expect(page.locator(".notice").textContent()).resolves.toBe("The image settings were saved.");
    await expect(page.locator("#preset-enabled-3xlarge").isChecked()).resolves.toBe(true);
    expect(await gallery.settings.derivatives()).toEqual({
      presets: { medium: { quality: 70 }, "3xlarge": { enabled: true } },
      formats: ["webp", "jpeg"],
    });
    expect(gallery.derivatives.presets().map((p) => p.name)).toContain("3xlarge");
    await check("admin-settings-derivatives");
    // Back to the configured values.
    await Promise.all([
      page.waitForURL(/\/admin\/settings\?done=derivatives$/),
      page.click("[data-testid=derivative-settings] button[name=reset]"),
    ]);
    expect(await gallery.settings.derivatives()).toEqual({ presets: {}, formats: null });
  });
});
