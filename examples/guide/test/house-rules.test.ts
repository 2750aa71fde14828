import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type Gallery, SYSTEM } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { createGalleryApp } from "@vernissage/http-h3";
import { fsStorage } from "@vernissage/storage-fs";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { houseRules } from "../src/house-rules.js";

let dir: string;
let gallery: Gallery;

beforeEach(async () => {
  // A real gallery on a temporary SQLite file and folder, with the plugin and its configuration.
  dir = await mkdtemp(join(tmpdir(), "house-rules-"));
  gallery = await createGallery({
    database: sqliteDatabase({ filename: join(dir, "gallery.db") }),
    storage: fsStorage({ root: join(dir, "files") }),
    jobs: { run: false },
    plugins: [{ plugin: houseRules, config: { bannedWords: ["spam"], notice: "All rights <reserved>" } }],
  });
});

afterEach(async () => {
  await gallery.close();
  await rm(dir, { recursive: true, force: true });
});

describe("house-rules", () => {
  it("vetoes banned album names and logs the others", async () => {
    await expect(gallery.albums.create(SYSTEM, { name: "Cheap SPAM" })).rejects.toMatchObject({
      code: "HOOK_VETOED",
      data: { plugin: "house-rules", hook: "album:create:before" },
    });
    const album = await gallery.albums.create(SYSTEM, { name: "Holidays" });

    const app = createGalleryApp(gallery, { logger: pino({ level: "silent" }) });
    const guest = await app.fetch(new Request("http://gallery.test/api/v1/plugins/house-rules/log"));
    expect(guest.status).toBe(401);
    // Call the route as an admin would, without HTTP.
    const found = gallery.plugins.matchRoute("house-rules", "GET", "/log");
    const log = await found?.route.handler({ request: new Request("http://x/"), actor: SYSTEM, params: {} });
    expect(log).toEqual({ items: [{ albumId: album.id, name: "Holidays" }] });
  });

  it("renders its notice, escaped, in the photo page slot", () => {
    const photo = { photo: {} as never, images: {}, href: "" };
    expect(gallery.plugins.renderSlot("photo.details", { photo }).toString()).toBe(
      '<dt>Notice</dt><dd class="house-notice">All rights &lt;reserved&gt;</dd>',
    );
  });

  it("drops its table when uninstalled", async () => {
    const tables = async () => (await gallery.db.introspection.getTables()).map((t) => t.name);
    expect(await tables()).toContain("house_rules_log");
    await gallery.plugins.uninstall(SYSTEM, "house-rules");
    expect(await tables()).not.toContain("house_rules_log");
  });
});
