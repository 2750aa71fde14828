import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type Gallery, SYSTEM } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { createGalleryApp } from "@vernissage/http-h3";
import { fsStorage } from "@vernissage/storage-fs";
import pino from "pino";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { exifPanelPlugin } from "../src/index.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** A JPEG whose EXIF names a camera (with markup in the model, to check escaping) and GPS coordinates. */
function cameraJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: "#446688" } })
    .withExif({
      IFD0: { Make: "Canon", Model: "EOS <b>R5</b>" },
      IFD2: { ISOSpeedRatings: "400", FNumber: "28/10", ExposureTime: "1/250", FocalLength: "50/1" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "48/1 51/1 0/1",
        GPSLongitudeRef: "E",
        GPSLongitude: "2/1 21/1 0/1",
      },
    })
    .jpeg()
    .toBuffer();
}

async function setup(config: Record<string, unknown> = {}) {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-exif-"));
  const gallery: Gallery = await createGallery({
    database: sqliteDatabase({ filename: join(dir, "gallery.db") }),
    storage: fsStorage({ root: join(dir, "files") }),
    jobs: { run: false },
    derivatives: { eager: [] },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    plugins: [{ plugin: exifPanelPlugin, config }],
  });
  cleanups.push(async () => {
    await gallery.close();
    await rm(dir, { recursive: true, force: true });
  });
  const album = await gallery.albums.create(SYSTEM, { name: "Trips", visibility: "public" });
  const { photo } = await gallery.photos.upload(SYSTEM, {
    albumId: album.id,
    file: await cameraJpeg(),
    filename: "paris.jpg",
  });
  const app = createGalleryApp(gallery, { logger: pino({ level: "silent" }) });
  const page = async (path: string) => (await app.fetch(new Request(`http://gallery.test${path}`))).text();
  return { gallery, photo, page };
}

describe("plugin-exif-panel", () => {
  it("shows the camera data in the photo page's slot, escaped, without the location by default", async () => {
    const t = await setup({ heading: "Shot with" });
    const view = { photo: t.photo, images: {}, href: "" };
    const fragment = t.gallery.plugins.renderSlot("photo.after-image", { photo: view }).toString();
    expect(fragment).toContain("<h2>Shot with</h2>");
    expect(fragment).toContain("<dt>Camera</dt><dd>Canon EOS &lt;b&gt;R5&lt;/b&gt;</dd>");
    expect(fragment).toContain("<dd>ƒ/2.8</dd>");
    expect(fragment).toContain("<dd>1/250 s</dd>");
    expect(fragment).toContain("<dd>400</dd>");
    expect(fragment).not.toContain("Location");

    const html = await t.page(`/photos/${t.photo.id}`);
    expect(html).toContain('data-testid="exif-panel"');
    expect(html).toContain("Canon EOS &lt;b&gt;R5&lt;/b&gt;");
    expect(html).not.toContain("<b>R5</b>");
  });

  it("shows the location when enabled, and nothing once the plugin is disabled", async () => {
    const t = await setup({ showLocation: true });
    const view = { photo: t.photo, images: {}, href: "" };
    expect(t.gallery.plugins.renderSlot("photo.after-image", { photo: view }).toString()).toMatch(
      /<dt>Location<\/dt><dd>48\.85\d+, 2\.35\d+<\/dd>/,
    );
    await t.gallery.plugins.disable(SYSTEM, "exif-panel");
    expect(t.gallery.plugins.renderSlot("photo.after-image", { photo: view }).toString()).toBe("");
    expect(await t.page(`/photos/${t.photo.id}`)).not.toContain("exif-panel");
  });
});
