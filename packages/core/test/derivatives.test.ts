import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { createGallery, DEFAULT_PRESETS, definePlugin, type Gallery, GUEST, SYSTEM } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { fsStorage } from "@vernissage/storage-fs";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { renderDerivatives } from "../src/derivatives/render.js";
import { jpeg, openGallery } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});
const open = openGallery;

async function addPhoto(gallery: Gallery, file: Buffer, options: { visibility?: "public" | "private" } = {}) {
  const album = await gallery.albums.create(SYSTEM, {
    name: "A",
    visibility: options.visibility ?? "public",
  });
  const { photo } = await gallery.photos.upload(SYSTEM, { albumId: album.id, file, filename: "p.jpg" });
  return photo;
}

/** Read a media file's whole body. */
async function bytesOf(file: { open(): Promise<{ body: NodeJS.ReadableStream }> }): Promise<Buffer> {
  const { body } = await file.open();
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function pixelAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (Math.round(y) * info.width + Math.round(x)) * info.channels;
  return [data[i] ?? -1, data[i + 1] ?? -1, data[i + 2] ?? -1];
}

function near(actual: number[], expected: readonly number[], tolerance = 40): boolean {
  return actual.every((v, i) => Math.abs(v - (expected[i] ?? 0)) <= tolerance);
}

const RED = [255, 0, 0] as const;
const GREEN = [0, 255, 0] as const;
const BLUE = [0, 0, 255] as const;
const YELLOW = [255, 255, 0] as const;

/**
 * A JPEG whose DISPLAYED image (after applying EXIF `orientation`) is `width`×`height` with four coloured
 * quadrants: red top-left, green top-right, blue bottom-left, yellow bottom-right. The stored pixels are the
 * inverse transform of that picture, computed here by coordinates (not by sharp), so the test is independent
 * of the code under test.
 */
async function orientedQuadrants(width: number, height: number, orientation: number): Promise<Buffer> {
  const swap = orientation >= 5;
  const sw = swap ? height : width;
  const sh = swap ? width : height;
  const stored = Buffer.alloc(sw * sh * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = y < height / 2 ? (x < width / 2 ? RED : GREEN) : x < width / 2 ? BLUE : YELLOW;
      const [sx, sy] = (
        {
          1: [x, y],
          2: [width - 1 - x, y],
          3: [width - 1 - x, height - 1 - y],
          4: [x, height - 1 - y],
          5: [y, x],
          6: [y, width - 1 - x],
          7: [height - 1 - y, width - 1 - x],
          8: [height - 1 - y, x],
        } as Record<number, [number, number]>
      )[orientation] ?? [x, y];
      stored.set(colour, (sy * sw + sx) * 3);
    }
  }
  return sharp(stored, { raw: { width: sw, height: sh, channels: 3 } })
    .withMetadata({ orientation })
    .jpeg({ quality: 95 })
    .toBuffer();
}

describe("rendering", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("applies EXIF orientation %i (pixels, not only sizes)", async (o) => {
    const { gallery } = await open();
    const photo = await addPhoto(gallery, await orientedQuadrants(400, 200, o));
    expect([photo.width, photo.height]).toEqual([400, 200]);
    const file = await gallery.derivatives.get(SYSTEM, photo.id, "thumb");
    const out = await bytesOf(file);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([144, 72]);
    expect(meta.orientation ?? 1).toBe(1);
    expect(near(await pixelAt(out, 36, 18), RED)).toBe(true);
    expect(near(await pixelAt(out, 108, 18), GREEN)).toBe(true);
    expect(near(await pixelAt(out, 36, 54), BLUE)).toBe(true);
    expect(near(await pixelAt(out, 108, 54), YELLOW)).toBe(true);
  });

  it("turns CMYK and 16-bit originals into 8-bit sRGB", async () => {
    const { gallery } = await open();
    const cmyk = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#3366cc" } })
      .toColourspace("cmyk")
      .jpeg()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe("cmyk");
    const deep = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#cc6633" } })
      .toColourspace("rgb16")
      .png()
      .toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe("ushort");

    // CMYK cannot hold every sRGB colour: the reference is libvips' own CMYK→sRGB conversion of the file.
    const cmykAsSrgb = [...(await sharp(cmyk).toColourspace("srgb").raw().toBuffer()).subarray(0, 3)];
    expect(near(cmykAsSrgb, [0x33, 0x66, 0xcc], 60)).toBe(true);
    for (const [input, colour] of [
      [cmyk, cmykAsSrgb],
      [deep, [0xcc, 0x66, 0x33]],
    ] as const) {
      const photo = await addPhoto(gallery, input);
      for (const format of ["jpeg", "webp"] as const) {
        const out = await bytesOf(
          await gallery.derivatives.get(SYSTEM, photo.id, "medium", { accept: `image/${format}` }),
        );
        const meta = await sharp(out).metadata();
        expect(meta.space).toBe("srgb");
        expect(meta.depth).toBe("uchar");
        expect(meta.channels).toBe(3);
        expect(near(await pixelAt(out, 150, 100), colour, 12)).toBe(true);
      }
    }
  }, 60_000);

  it("honours an embedded ICC profile (Display P3 pixels come out as the same sRGB colour)", async () => {
    const { gallery } = await open();
    const srgb = [200, 120, 60];
    const p3 = await sharp({
      create: { width: 200, height: 200, channels: 3, background: { r: 200, g: 120, b: 60 } },
    })
      .withIccProfile("p3")
      .png()
      .toBuffer();
    // The stored numbers really differ from the sRGB ones: ignoring the profile would be visible.
    const stored = await sharp(p3, { ignoreIcc: true }).raw().toBuffer();
    expect(near([stored[0] ?? 0, stored[1] ?? 0, stored[2] ?? 0], srgb, 8)).toBe(false);
    const photo = await addPhoto(gallery, p3);
    const out = await bytesOf(await gallery.derivatives.get(SYSTEM, photo.id, "thumb"));
    expect(near(await pixelAt(out, 50, 50), srgb, 6)).toBe(true);
  });

  it("writes no EXIF, GPS, XMP, IPTC or ICC into any output format", async () => {
    const { gallery } = await open({ derivatives: { formats: ["avif", "webp", "jpeg"] } });
    const input = await sharp({ create: { width: 320, height: 240, channels: 3, background: "#808080" } })
      .withExif({
        IFD0: { Make: "LeakCam", Copyright: "secret" },
        IFD3: {
          GPSLatitudeRef: "N",
          GPSLatitude: "48/1 51/1 24/1",
          GPSLongitudeRef: "E",
          GPSLongitude: "2/1 21/1 3/1",
        },
      })
      .withXmp(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="LeakXmp"/></rdf:RDF></x:xmpmeta>',
      )
      .jpeg()
      .toBuffer();
    const inMeta = await sharp(input).metadata();
    expect(inMeta.exif).toBeDefined();
    expect(inMeta.xmp).toBeDefined();
    const photo = await addPhoto(gallery, input);
    for (const accept of ["image/avif", "image/webp", "image/jpeg"]) {
      for (const preset of ["square", "medium"]) {
        const out = await bytesOf(await gallery.derivatives.get(SYSTEM, photo.id, preset, { accept }));
        const meta = await sharp(out).metadata();
        expect(meta.exif).toBeUndefined();
        expect(meta.xmp).toBeUndefined();
        expect(meta.iptc).toBeUndefined();
        expect(meta.icc).toBeUndefined();
        expect(out.includes("LeakCam")).toBe(false);
        expect(out.includes("LeakXmp")).toBe(false);
      }
    }
  }, 60_000);

  it("crops squares around the centre", async () => {
    const { gallery } = await open();
    // Thirds: red | green | blue; the centred square shows only green.
    const thirds = await sharp({ create: { width: 600, height: 200, channels: 3, background: "#00ff00" } })
      .composite([
        {
          input: { create: { width: 200, height: 200, channels: 3, background: "#ff0000" } },
          left: 0,
          top: 0,
        },
        {
          input: { create: { width: 200, height: 200, channels: 3, background: "#0000ff" } },
          left: 400,
          top: 0,
        },
      ])
      .jpeg({ quality: 95 })
      .toBuffer();
    const photo = await addPhoto(gallery, thirds);
    const out = await bytesOf(await gallery.derivatives.get(SYSTEM, photo.id, "square"));
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([120, 120]);
    expect(near(await pixelAt(out, 5, 60), GREEN)).toBe(true);
    expect(near(await pixelAt(out, 114, 60), GREEN)).toBe(true);
  });

  it("crops around a centre of interest, clamped inside the image", async () => {
    const thirds = await sharp({ create: { width: 600, height: 200, channels: 3, background: "#00ff00" } })
      .composite([
        {
          input: { create: { width: 200, height: 200, channels: 3, background: "#ff0000" } },
          left: 0,
          top: 0,
        },
      ])
      .png()
      .toBuffer();
    const source = thirds;
    const square = DEFAULT_PRESETS.find((p) => p.name === "square");
    if (!square) throw new Error("square");
    const base = { source, width: 600, height: 200, sha256: "x", limitInputPixels: 1e8 };
    const [left] = (
      await renderDerivatives({ ...base, focus: { x: 0.05, y: 0.5 } }, [{ preset: square, format: "jpeg" }])
    ).outputs;
    const [right] = (
      await renderDerivatives({ ...base, focus: { x: 0.9, y: 0.5 } }, [{ preset: square, format: "jpeg" }])
    ).outputs;
    expect(near(await pixelAt(left?.data ?? Buffer.alloc(0), 60, 60), RED)).toBe(true);
    expect(near(await pixelAt(right?.data ?? Buffer.alloc(0), 60, 60), GREEN)).toBe(true);
  });

  it("cuts squares around a photo's stored centre of interest; the URL and only the crops change", async () => {
    const { gallery } = await open();
    const thirds = await sharp({ create: { width: 600, height: 200, channels: 3, background: "#00ff00" } })
      .composite([
        {
          input: { create: { width: 200, height: 200, channels: 3, background: "#ff0000" } },
          left: 0,
          top: 0,
        },
      ])
      .jpeg({ quality: 95 })
      .toBuffer();
    const photo = await addPhoto(gallery, thirds);
    const centred = await bytesOf(await gallery.derivatives.get(SYSTEM, photo.id, "square"));
    expect(near(await pixelAt(centred, 60, 60), GREEN)).toBe(true);
    await gallery.derivatives.get(SYSTEM, photo.id, "thumb");
    const versions = (p: typeof photo) =>
      Object.fromEntries(gallery.derivatives.describe(p).map((d) => [d.preset, d.version]));
    const before = versions(photo);

    await expect(gallery.derivatives.setFocus(GUEST, photo.id, { x: 0.1, y: 0.5 })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(gallery.derivatives.setFocus(SYSTEM, photo.id, { x: 1.5, y: 0.5 })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    const keysBefore = (
      await gallery.db.selectFrom("derivatives").select(["preset", "storage_key"]).execute()
    ).sort((a, b) => a.preset.localeCompare(b.preset));
    await gallery.derivatives.setFocus(SYSTEM, photo.id, { x: 0.1, y: 0.5 });
    const moved = await gallery.photos.get(SYSTEM, photo.id);
    expect(moved.focus).toEqual({ x: 0.1, y: 0.5 });
    const after = versions(moved);
    expect(after.square).not.toBe(before.square);
    expect(after.thumb).toBe(before.thumb);
    // The old square is gone, the thumb kept.
    const keysAfter = await gallery.db.selectFrom("derivatives").select(["preset", "storage_key"]).execute();
    expect(keysAfter).toEqual(keysBefore.filter((k) => k.preset === "thumb"));
    const left = await bytesOf(await gallery.derivatives.get(SYSTEM, photo.id, "square"));
    expect(near(await pixelAt(left, 60, 60), RED)).toBe(true);
  });

  it("computes the ThumbHash in the same pass when a photo has none", async () => {
    const { gallery } = await open();
    const photo = await addPhoto(gallery, await jpeg(400, 300, "#aa3311"));
    const before = photo.thumbhash;
    expect(before).toBeTruthy();
    await gallery.db.updateTable("photos").set({ thumbhash: null }).where("id", "=", photo.id).execute();
    await gallery.derivatives.generate(photo.id, ["thumb"]);
    const row = await gallery.db
      .selectFrom("photos")
      .select("thumbhash")
      .where("id", "=", photo.id)
      .executeTakeFirstOrThrow();
    expect(typeof row.thumbhash).toBe("string");
    expect(Buffer.from(row.thumbhash ?? "", "base64").length).toBeGreaterThan(4);
  });

  it("keeps an animated source's animation in WebP when set, a still otherwise", async () => {
    const frame = (colour: string) =>
      sharp({ create: { width: 300, height: 200, channels: 3, background: colour } })
        .png()
        .toBuffer();
    const gif = await sharp([await frame("#ff0000"), await frame("#00ff00"), await frame("#0000ff")], {
      join: { animated: true },
    })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(3);
    for (const [animation, pages] of [
      ["keep", 3],
      ["still", 1],
    ] as const) {
      const { gallery } = await open({ derivatives: { formats: ["webp", "jpeg"], animation } });
      const photo = await addPhoto(gallery, gif);
      const webp = await bytesOf(
        await gallery.derivatives.get(SYSTEM, photo.id, "thumb", { accept: "image/webp" }),
      );
      const meta = await sharp(webp, { animated: true }).metadata();
      expect(meta.format).toBe("webp");
      expect(meta.pages ?? 1).toBe(pages);
      expect(meta.pageHeight ?? meta.height).toBe(96);
      const still = await bytesOf(
        await gallery.derivatives.get(SYSTEM, photo.id, "thumb", { accept: "image/jpeg" }),
      );
      expect((await sharp(still).metadata()).format).toBe("jpeg");
    }
  });
});

describe("presets", () => {
  it("applies per-preset quality and formats; JPEG stays the fallback", async () => {
    const { gallery } = await open({
      derivatives: {
        formats: ["jpeg"],
        presets: { small: { quality: 20 }, thumb: { formats: ["avif", "webp"] } },
      },
    });
    const noisy = await sharp(
      Buffer.from(Array.from({ length: 600 * 400 * 3 }, (_, i) => (i * 7919) % 251)),
      {
        raw: { width: 600, height: 400, channels: 3 },
      },
    )
      .jpeg({ quality: 95 })
      .toBuffer();
    const photo = await addPhoto(gallery, noisy);
    const low = await gallery.derivatives.get(SYSTEM, photo.id, "small");
    const normal = await gallery.derivatives.get(SYSTEM, photo.id, "xsmall");
    // small (576×384) at q20 is smaller than xsmall (432×288) at the default q82.
    expect(low.size).toBeLessThan(normal.size);
    expect(
      (await gallery.derivatives.get(SYSTEM, photo.id, "thumb", { accept: "image/avif,image/webp" }))
        .contentType,
    ).toBe("image/avif");
    expect(
      (await gallery.derivatives.get(SYSTEM, photo.id, "thumb", { accept: "image/webp" })).contentType,
    ).toBe("image/webp");
    expect((await gallery.derivatives.get(SYSTEM, photo.id, "thumb", { accept: "*/*" })).contentType).toBe(
      "image/jpeg",
    );
    // Presets without their own formats follow the gallery's (JPEG only here).
    expect(
      (await gallery.derivatives.get(SYSTEM, photo.id, "medium", { accept: "image/avif" })).contentType,
    ).toBe("image/jpeg");
  });

  it("serves a disabled preset as the next smaller enabled one, never an unknown size", async () => {
    const { gallery } = await open({ derivatives: { presets: { large: { enabled: false } } } });
    const photo = await addPhoto(gallery, await jpeg(4000, 3000));
    const xl3 = await bytesOf(await gallery.derivatives.get(SYSTEM, photo.id, "3xlarge"));
    expect((await sharp(xl3).metadata()).width).toBe(1656);
    const large = await bytesOf(await gallery.derivatives.get(SYSTEM, photo.id, "large"));
    expect((await sharp(large).metadata()).width).toBe(792);
    await expect(gallery.derivatives.get(SYSTEM, photo.id, "800x600")).rejects.toMatchObject({
      code: "PRESET_NOT_FOUND",
    });
    expect(gallery.derivatives.presets().map((p) => p.name)).not.toContain("large");
  });

  it("refuses invalid presets and eager presets that are not enabled", async () => {
    await expect(open({ derivatives: { presets: { medium: { quality: 0 } } } })).rejects.toMatchObject({
      code: "INVALID_CONFIGURATION",
    });
    await expect(
      open({ derivatives: { presets: { wide: { width: 9000, height: 10 } } } }),
    ).rejects.toMatchObject({
      code: "INVALID_CONFIGURATION",
    });
    await expect(
      open({ derivatives: { presets: { medium: { enabled: false } }, eager: ["medium"] } }),
    ).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
  });

  it("takes presets from plugins through derivative:presets:extend and validates them", async () => {
    const banner = definePlugin({
      name: "banner",
      version: "1.0.0",
      setup(ctx) {
        ctx.hook("derivative:presets:extend", (c) => {
          c.presets.push({
            name: "banner",
            width: 600,
            height: 150,
            crop: true,
            quality: 80,
            sharpen: 0,
            enabled: true,
          });
        });
      },
    });
    const { gallery } = await open({ plugins: [banner] });
    const photo = await addPhoto(gallery, await jpeg(1200, 900));
    const out = await bytesOf(await gallery.derivatives.get(SYSTEM, photo.id, "banner"));
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([600, 150]);

    const broken = definePlugin({
      name: "broken",
      version: "1.0.0",
      setup(ctx) {
        ctx.hook("derivative:presets:extend", (c) => {
          c.presets.push({
            name: "bad",
            width: -5,
            height: 10,
            crop: false,
            quality: 80,
            sharpen: 0,
            enabled: true,
          });
        });
      },
    });
    await expect(open({ plugins: [broken] })).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
  });

  it("regenerates exactly the files of a changed preset", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vernissage-recipe-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const make = (presets?: Record<string, { quality: number }>) =>
      createGallery({
        database: sqliteDatabase({ filename: join(dir, "g.db") }),
        storage: fsStorage({ root: join(dir, "files") }),
        jobs: { run: false },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
        derivatives: { presets },
      });
    const first = await make();
    const photo = await addPhoto(first, await jpeg(1000, 800));
    expect((await first.derivatives.rebuild(SYSTEM)).generated).toBe(3);
    const before = await first.db.selectFrom("derivatives").select(["storage_key", "preset"]).execute();
    const url = (g: Gallery) =>
      Object.fromEntries(g.derivatives.describe(photo).map((d) => [d.preset, d.version]));
    const versionsBefore = url(first);
    await first.close();

    const second = await make({ medium: { quality: 60 } });
    cleanups.push(() => second.close());
    let renders = 0;
    second.hooks.hook("derivative:encode:before", () => {
      renders++;
    });
    const result = await second.derivatives.rebuild(SYSTEM);
    expect(result).toMatchObject({ photos: 1, generated: 1, removed: 1, failed: [] });
    expect(renders).toBe(1);
    const after = await second.db.selectFrom("derivatives").select(["storage_key", "preset"]).execute();
    const keys = (rows: typeof before, preset: string) =>
      rows.filter((r) => r.preset === preset).map((r) => r.storage_key);
    expect(keys(after, "thumb")).toEqual(keys(before, "thumb"));
    expect(keys(after, "square")).toEqual(keys(before, "square"));
    expect(keys(after, "medium")).not.toEqual(keys(before, "medium"));
    expect(after).toHaveLength(3);
    const versionsAfter = url(second);
    expect(versionsAfter.thumb).toBe(versionsBefore.thumb);
    expect(versionsAfter.medium).not.toBe(versionsBefore.medium);
  });
});

describe("generation", () => {
  it("runs sharp once for concurrent requests of an ungenerated derivative", async () => {
    const { gallery } = await open();
    const photo = await addPhoto(gallery, await jpeg(2000, 1500));
    let renders = 0;
    gallery.hooks.hook("derivative:encode:before", () => {
      renders++;
    });
    const [a, b, c] = await Promise.all([
      gallery.derivatives.get(SYSTEM, photo.id, "medium"),
      gallery.derivatives.get(GUEST, photo.id, "medium"),
      gallery.derivatives.generate(photo.id, ["medium", "thumb"]),
    ]);
    expect(renders).toBe(2); // medium once, thumb once
    expect(c).toBeGreaterThanOrEqual(1);
    expect(a.etag).toBe(b.etag);
    expect((await bytesOf(a)).equals(await bytesOf(b))).toBe(true);
    await gallery.derivatives.get(GUEST, photo.id, "medium");
    expect(renders).toBe(2);
  });

  it("lets derivative:encode:before change the pixels (a watermark) before encoding", async () => {
    const stamp = definePlugin({
      name: "stamp",
      version: "1.0.0",
      setup(ctx) {
        ctx.hook("derivative:encode:before", (c) => {
          // Paint the top-left quarter black.
          for (let y = 0; y < c.height / 2; y++) {
            for (let x = 0; x < c.width / 2; x++)
              c.pixels.fill(0, (y * c.width + x) * c.channels, (y * c.width + x + 1) * c.channels);
          }
        });
      },
    });
    const { gallery } = await open({ plugins: [stamp] });
    const photo = await addPhoto(gallery, await jpeg(800, 600, "#ffffff"));
    const out = await bytesOf(await gallery.derivatives.get(SYSTEM, photo.id, "medium"));
    expect(near(await pixelAt(out, 100, 100), [0, 0, 0], 30)).toBe(true);
    expect(near(await pixelAt(out, 700, 500), [255, 255, 255], 30)).toBe(true);
  });

  it("makes the eager presets with the durable job after upload", async () => {
    const { gallery } = await open();
    const photo = await addPhoto(gallery, await jpeg(1000, 800));
    expect(await gallery.db.selectFrom("derivatives").select("preset").execute()).toHaveLength(0);
    await gallery.jobs.runUntilIdle();
    const rows = await gallery.db
      .selectFrom("derivatives")
      .select(["preset", "format"])
      .where("source_sha256", "=", photo.sha256)
      .execute();
    expect(rows.map((r) => `${r.preset}.${r.format}`).sort()).toEqual([
      "medium.jpeg",
      "square.jpeg",
      "thumb.jpeg",
    ]);
  });

  it("rebuilds for admins only, by job or at once, and deletes a source's files", async () => {
    const t = await open();
    const { gallery } = t;
    const photo = await addPhoto(gallery, await jpeg(800, 600));
    await expect(gallery.derivatives.rebuild(GUEST)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(gallery.derivatives.scheduleRebuild(GUEST)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(gallery.derivatives.rebuild(SYSTEM, { presets: ["nope"] })).rejects.toMatchObject({
      code: "PRESET_NOT_FOUND",
    });
    await gallery.derivatives.scheduleRebuild(SYSTEM, { presets: ["small"], photoIds: [photo.id] });
    await gallery.jobs.runUntilIdle();
    const rows = await gallery.db.selectFrom("derivatives").select("preset").execute();
    expect(rows.map((r) => r.preset)).toContain("small");
    const forced = await gallery.derivatives.rebuild(SYSTEM, { presets: ["small"], force: true });
    expect(forced).toMatchObject({ generated: 1, removed: 1 });
    const missing = await gallery.derivatives.rebuild(SYSTEM, { photoIds: ["no-such-photo"] });
    expect(missing.failed).toEqual([{ photoId: "no-such-photo", code: "NOT_FOUND" }]);

    const count = await gallery.derivatives.deleteForSource(photo.sha256);
    expect(count).toBeGreaterThanOrEqual(4);
    expect(await gallery.db.selectFrom("derivatives").select("storage_key").execute()).toHaveLength(0);
    expect((await t.listKeys()).filter((k) => k.startsWith("derivatives/"))).toEqual([]);
  });
});

describe("delivery rules", () => {
  it("answers NOT_FOUND for a private photo exactly like a missing one, and marks caching", async () => {
    const { gallery } = await open();
    const hidden = await addPhoto(gallery, await jpeg(), { visibility: "private" });
    const shown = await addPhoto(gallery, await jpeg(64, 48, "#112233"));
    await expect(gallery.derivatives.get(GUEST, hidden.id, "thumb")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(gallery.derivatives.get(GUEST, "missing", "thumb")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(gallery.derivatives.original(GUEST, hidden.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Nothing was generated for the guest's refused request.
    const rows = await gallery.db.selectFrom("derivatives").select("source_sha256").execute();
    expect(rows.filter((r) => r.source_sha256 === hidden.sha256)).toEqual([]);
    expect((await gallery.derivatives.get(SYSTEM, hidden.id, "thumb")).cache).toBe("private");
    expect((await gallery.derivatives.get(GUEST, shown.id, "thumb")).cache).toBe("public");
  });

  it("restricts originals by setting (Piwigo's enabled_high)", async () => {
    const { gallery } = await open({ derivatives: { originals: "admins" } });
    const photo = await addPhoto(gallery, await jpeg());
    await expect(gallery.derivatives.original(GUEST, photo.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const file = await gallery.derivatives.original(SYSTEM, photo.id);
    expect(file.contentType).toBe("image/jpeg");
    expect((await bytesOf(file)).length).toBe(photo.byteSize);
  });

  it("redirects to a signed URL when the storage signs and the setting asks", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vernissage-sign-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const base = fsStorage({ root: join(dir, "files") });
    const signing = {
      ...base,
      name: "signing",
      async signedUrl(key: string, options: { expiresInSeconds: number }) {
        return `https://cdn.test/${key}?exp=${options.expiresInSeconds}`;
      },
    };
    const gallery = await createGallery({
      database: sqliteDatabase({ filename: join(dir, "g.db") }),
      storage: signing,
      jobs: { run: false },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      derivatives: { delivery: "redirect", signedUrlSeconds: 60 },
    });
    cleanups.push(() => gallery.close());
    const hidden = await addPhoto(gallery, await jpeg(), { visibility: "private" });
    const file = await gallery.derivatives.get(SYSTEM, hidden.id, "thumb");
    expect(file.redirect).toMatch(/^https:\/\/cdn\.test\/derivatives\/.+\?exp=60$/);
    // The permission check comes first: no URL for someone who may not see the photo.
    await expect(gallery.derivatives.get(GUEST, hidden.id, "thumb")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await gallery.derivatives.original(SYSTEM, hidden.id)).redirect).toMatch(
      /^https:\/\/cdn\.test\//,
    );
    expect(await text((await file.open()).body)).not.toBe("");
  });
});
