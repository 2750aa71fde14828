import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type Gallery, type GalleryOptions } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { fsStorage } from "@vernissage/storage-fs";
import sharp from "sharp";

/** A gallery on a temporary SQLite file and folder; jobs run only when a test asks. */
export async function tempGallery(
  options: Partial<GalleryOptions> = {},
): Promise<{ gallery: Gallery; dir: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-core-"));
  const gallery = await createGallery({
    database: sqliteDatabase({ filename: join(dir, "gallery.db") }),
    storage: fsStorage({ root: join(dir, "files") }),
    jobs: { run: false },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...options,
  });
  return {
    gallery,
    dir,
    async close() {
      await gallery.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A small solid JPEG. */
export function jpeg(width = 64, height = 48, colour = "#336699"): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();
}
