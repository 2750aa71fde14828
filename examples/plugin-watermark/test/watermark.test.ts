import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { createGallery, type Gallery, SYSTEM } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { fsStorage } from "@vernissage/storage-fs";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { placeMark, watermark } from "../src/index.js";

const GREY = 128;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A gallery with one flat grey 1600×1200 photo and a solid red PNG watermark on disk. */
async function setup(config: Record<string, unknown>) {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-watermark-"));
  const markPath = join(dir, "mark.png");
  await writeFile(
    markPath,
    await sharp({
      create: { width: 200, height: 100, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } },
    })
      .png()
      .toBuffer(),
  );
  const gallery: Gallery = await createGallery({
    database: sqliteDatabase({ filename: join(dir, "gallery.db") }),
    storage: fsStorage({ root: join(dir, "files") }),
    jobs: { run: false },
    derivatives: { eager: [] },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    plugins: [{ plugin: watermark, config: { image: markPath, ...config } }],
  });
  cleanups.push(async () => {
    await gallery.close();
    await rm(dir, { recursive: true, force: true });
  });
  const album = await gallery.albums.create(SYSTEM, { name: "Wall" });
  const original = await sharp({
    create: { width: 1600, height: 1200, channels: 3, background: { r: GREY, g: GREY, b: GREY } },
  })
    .jpeg({ quality: 95 })
    .toBuffer();
  const { photo } = await gallery.photos.upload(SYSTEM, {
    albumId: album.id,
    file: original,
    filename: "grey.jpg",
  });
  /** Decoded RGB pixels of a derivative. */
  const pixels = async (preset: string) => {
    const file = await gallery.derivatives.get(SYSTEM, photo.id, preset, { accept: "image/jpeg" });
    const bytes = await readAll((await file.open()).body);
    const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => {
      const i = (y * info.width + x) * info.channels;
      return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
    };
    return { width: info.width, height: info.height, at };
  };
  const rows = () =>
    gallery.db
      .selectFrom("derivatives")
      .select(["preset", "storage_key", "created_at"])
      .orderBy("storage_key")
      .execute();
  return { gallery, photo, pixels, rows };
}

/** Colours within JPEG noise of each other. */
function near(actual: number[], expected: number[], tolerance = 12) {
  expect(actual.map((v, i) => Math.abs(v - (expected[i] ?? 0)) <= tolerance)).toEqual([true, true, true]);
}

describe("plugin-watermark", () => {
  it("marks the chosen presets at the chosen corner, opaque at opacity 1 (checked by pixels)", async () => {
    const t = await setup({
      presets: ["medium"],
      position: "bottom-right",
      opacity: 1,
      scale: 0.25,
      margin: 0,
    });
    const medium = await t.pixels("medium");
    expect([medium.width, medium.height]).toEqual([792, 594]);
    // The mark is 198×99 (a quarter of 792 wide), flush in the bottom-right corner.
    near(medium.at(medium.width - 20, medium.height - 20), [255, 0, 0]);
    near(medium.at(medium.width - 190, medium.height - 90), [255, 0, 0]);
    near(medium.at(medium.width - 220, medium.height - 20), [GREY, GREY, GREY]);
    near(medium.at(20, 20), [GREY, GREY, GREY]);
    near(medium.at(medium.width - 20, 20), [GREY, GREY, GREY]);
    // Presets not chosen stay clean.
    const large = await t.pixels("large");
    near(large.at(large.width - 20, large.height - 20), [GREY, GREY, GREY]);
  });

  it("blends at the configured opacity and position, and leaves derivatives below the minimum size clean", async () => {
    const t = await setup({
      presets: ["medium", "thumb"],
      position: "top-left",
      opacity: 0.5,
      margin: 0,
      minSize: 300,
    });
    const medium = await t.pixels("medium");
    near(medium.at(10, 10), [Math.round((255 + GREY) / 2), Math.round(GREY / 2), Math.round(GREY / 2)]);
    near(medium.at(medium.width - 10, medium.height - 10), [GREY, GREY, GREY]);
    const thumb = await t.pixels("thumb");
    expect(Math.min(thumb.width, thumb.height)).toBeLessThan(300);
    near(thumb.at(3, 3), [GREY, GREY, GREY]);
  });

  it("turning it off, or changing its settings, regenerates exactly the watermarked presets", async () => {
    const t = await setup({ presets: ["medium"], opacity: 1, margin: 0 });
    await t.pixels("medium");
    await t.pixels("small");
    const before = await t.rows();
    expect(before.map((r) => r.preset).sort()).toEqual(["medium", "small"]);
    const versions = () =>
      Object.fromEntries(t.gallery.derivatives.describe(t.photo).map((d) => [d.preset, d.version]));
    const on = versions();

    await t.gallery.plugins.disable(SYSTEM, "watermark");
    const off = versions();
    for (const preset of Object.keys(on)) {
      if (preset === "medium") expect(off[preset]).not.toBe(on[preset]);
      else expect(off[preset]).toBe(on[preset]);
    }
    const clean = await t.pixels("medium");
    near(clean.at(clean.width - 20, clean.height - 20), [GREY, GREY, GREY]);
    await t.pixels("small");
    const after = await t.rows();
    // One new medium file; the small one was reused, not regenerated.
    expect(after.length).toBe(3);
    const small = (rows: typeof after) => rows.filter((r) => r.preset === "small");
    expect(small(after)).toEqual(small(before));
    expect(after.filter((r) => r.preset === "medium").length).toBe(2);

    // Enabling it again finds the first watermarked file: same recipe, same key.
    await t.gallery.plugins.enable(SYSTEM, "watermark");
    expect(versions()).toEqual(on);
    await t.pixels("medium");
    expect((await t.rows()).length).toBe(3);

    // New settings: a new recipe for medium only.
    await t.gallery.plugins.configure(SYSTEM, "watermark", { opacity: 0.3 });
    const changed = versions();
    expect(changed.medium).not.toBe(on.medium);
    expect(changed.small).toBe(on.small);
  });

  it("refuses a watermark that is not a PNG; the plugin reports the error and stays off", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vernissage-watermark-"));
    const jpegPath = join(dir, "mark.jpg");
    await writeFile(
      jpegPath,
      await sharp({ create: { width: 8, height: 8, channels: 3, background: "#fff" } })
        .jpeg()
        .toBuffer(),
    );
    const gallery = await createGallery({
      database: sqliteDatabase({ filename: join(dir, "gallery.db") }),
      storage: fsStorage({ root: join(dir, "files") }),
      jobs: { run: false },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      plugins: [{ plugin: watermark, config: { image: jpegPath } }],
    });
    cleanups.push(async () => {
      await gallery.close();
      await rm(dir, { recursive: true, force: true });
    });
    const info = await gallery.plugins.get(SYSTEM, "watermark");
    expect(info.error).toBeTruthy();
    expect(gallery.plugins.isActive("watermark")).toBe(false);
  });

  it("places the mark in each corner and the centre", () => {
    const size = { width: 100, height: 80, w: 20, h: 10 };
    const at = (position: "top-left" | "top-right" | "bottom-left" | "bottom-right" | "center") =>
      placeMark({ position, margin: 0.1 }, size);
    expect(at("top-left")).toEqual({ left: 10, top: 10 });
    expect(at("top-right")).toEqual({ left: 70, top: 10 });
    expect(at("bottom-left")).toEqual({ left: 10, top: 60 });
    expect(at("bottom-right")).toEqual({ left: 70, top: 60 });
    expect(at("center")).toEqual({ left: 40, top: 35 });
  });
});
