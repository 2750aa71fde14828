import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type Gallery, SYSTEM } from "@vernissage/core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORPUS_DIR, loadCorpus } from "./corpus.js";
import { type StackAdapters, stackAdapters } from "./support/stack.js";

const corpus = loadCorpus();

/** Corpus files that stress the pipeline: EXIF orientation, GPS, greyscale, 16 bits, alpha, PNG/WebP/TIFF. */
const CASES = [
  "phone/IMG_20200124_231153.jpg", // orientation 3 with GPS
  "phone/gdk-pixbuf-bug143608-comment.jpg", // orientation 6
  "codec/jpeg-decoder-tower_grayscale.jpg", // 1 channel with GPS
  "codec/x-image-video-001-16bit.tiff", // 16-bit RGB
  "codec/x-image-video-001-gray-16bit.tiff", // 16-bit grey
  "codec/x-image-yellow_rose.lossy-with-alpha.webp", // alpha
  "lxqt/Valendas.png", // PNG with alpha
];

describe.skipIf(corpus === null)("derivatives of real photos", () => {
  let dir: string;
  let adapters: StackAdapters | undefined;
  let gallery: Gallery;
  let albumId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vernissage-e2e-derivatives-"));
    adapters = await stackAdapters(dir);
    gallery = await createGallery({
      database: adapters.database,
      storage: adapters.storage,
      jobs: { run: false },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      derivatives: { formats: ["webp", "jpeg"] },
    });
    albumId = (await gallery.albums.create(SYSTEM, { name: "Corpus" })).id;
  });
  afterAll(async () => {
    await gallery?.close();
    await adapters?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(CASES)("%s: displayed size, 8-bit sRGB, no metadata, in JPEG and WebP", async (file) => {
    const entry = corpus?.find((p) => p.file === file);
    expect(entry, `${file} in ${CORPUS_DIR}`).toBeDefined();
    if (!entry) return;
    const { photo } = await gallery.photos.upload(SYSTEM, {
      albumId,
      file: createReadStream(entry.path),
      filename: file.split("/").pop() ?? "photo",
    });
    const swap = entry.orientation >= 5 && entry.orientation <= 8;
    expect([photo.width, photo.height]).toEqual(
      swap ? [entry.height, entry.width] : [entry.width, entry.height],
    );
    const described = Object.fromEntries(gallery.derivatives.describe(photo).map((d) => [d.preset, d]));
    for (const accept of ["image/jpeg", "image/webp"]) {
      for (const preset of ["square", "medium"]) {
        const media = await gallery.derivatives.get(SYSTEM, photo.id, preset, { accept });
        const { body } = await media.open();
        const chunks: Buffer[] = [];
        for await (const chunk of body) chunks.push(chunk as Buffer);
        const out = Buffer.concat(chunks);
        expect(out.length).toBe(media.size);
        const meta = await sharp(out).metadata();
        expect(meta.format).toBe(accept === "image/webp" ? "webp" : "jpeg");
        expect([meta.width, meta.height]).toEqual([described[preset]?.width, described[preset]?.height]);
        expect(meta.depth).toBe("uchar");
        expect(meta.space).toBe("srgb");
        expect(meta.exif).toBeUndefined();
        expect(meta.xmp).toBeUndefined();
        expect(meta.icc).toBeUndefined();
        expect(meta.orientation ?? 1).toBe(1);
      }
    }
  });
});
