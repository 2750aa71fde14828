import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Kysely } from "kysely";
import { photoColumns, photoVisible } from "../access/visibility.js";
import { type Actor, GUEST } from "../actor.js";
import type { DB, PhotoRow } from "../db/schema.js";
import { createLimiter, createSingleFlight } from "../derivatives/limiter.js";
import { negotiateFormat } from "../derivatives/negotiate.js";
import {
  type DerivativeFormat,
  type DerivativePreset,
  derivativeKey,
  FORMAT_MIME,
  outputSize,
  recipeHash,
} from "../derivatives/presets.js";
import { renderDerivatives } from "../derivatives/render.js";
import { GalleryError } from "../errors.js";
import type { HookBus } from "../hooks.js";
import type { ByteRange, StorageAdapter, StorageObject } from "../ports/storage.js";
import type { Photo } from "../types.js";

/** A derivative's size and URL version for one photo. */
export interface DerivativeDescriptor {
  preset: string;
  width: number;
  height: number;
  /** Changes when the content or the recipe changes; put it in URLs so they can be cached forever. */
  version: string;
}

/** A media file ready to be sent. */
export interface MediaFile {
  contentType: string;
  size: number;
  /** Strong validator. */
  etag: string;
  /** `public` when a guest could see the photo (cacheable by anyone), `private` otherwise. */
  cache: "public" | "private";
  /** Open the bytes (optionally a range). */
  open(range?: ByteRange): Promise<StorageObject>;
}

/** Derivatives: sizes, generation and delivery. */
export interface DerivativeService {
  /** Enabled presets, smallest first. */
  presets(): readonly DerivativePreset[];
  /** Sizes and URL versions of every enabled preset for a photo (no generation). */
  describe(photo: Pick<Photo, "sha256" | "width" | "height">): DerivativeDescriptor[];
  /** Get (generating on first request) a derivative the actor may see; `accept` picks the format. */
  get(
    actor: Actor,
    photoId: string,
    presetName: string,
    options?: { accept?: string | null },
  ): Promise<MediaFile>;
  /** The original file of a photo the actor may see. */
  original(actor: Actor, photoId: string): Promise<MediaFile>;
  /** Generate (if missing) the given presets of a photo from one decode. Returns how many files were made. */
  generate(
    photoId: string,
    presetNames: readonly string[],
    formats?: readonly DerivativeFormat[],
  ): Promise<number>;
}

/** @internal */
export interface DerivativeServiceDeps {
  db: Kysely<DB>;
  originals: StorageAdapter;
  store: StorageAdapter;
  hooks: HookBus;
  presets: readonly DerivativePreset[];
  formats: readonly DerivativeFormat[];
  concurrency: number;
  maxPixels: number;
}

/** @internal */
export function createDerivativeService(deps: DerivativeServiceDeps): DerivativeService {
  const { db, store, originals } = deps;
  const enabled = deps.presets.filter((p) => p.enabled && p.width > 0 && p.height > 0);
  const byName = new Map(enabled.map((p) => [p.name, p]));
  const limit = createLimiter(deps.concurrency);
  const once = createSingleFlight<number>();

  async function visibleRow(actor: Actor, photoId: string): Promise<PhotoRow> {
    const row = await db
      .selectFrom("photos as p")
      .selectAll("p")
      .where("p.id", "=", photoId)
      .where(photoVisible(actor, photoColumns("p")))
      .executeTakeFirst();
    // A forbidden photo and a missing photo get the same answer.
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such photo." });
    return row;
  }

  async function isPublic(photoId: string): Promise<boolean> {
    const row = await db
      .selectFrom("photos as p")
      .select("p.id")
      .where("p.id", "=", photoId)
      .where(photoVisible(GUEST, photoColumns("p")))
      .executeTakeFirst();
    return row !== undefined;
  }

  async function generateRows(
    row: PhotoRow,
    wanted: readonly DerivativePreset[],
    formats: readonly DerivativeFormat[],
  ) {
    const requests = wanted.flatMap((preset) =>
      formats.map((format) => ({ preset, format, key: derivativeKey(row.sha256, preset, format) })),
    );
    if (requests.length === 0) return 0;
    const existing = new Set(
      (
        await db
          .selectFrom("derivatives")
          .select("storage_key")
          .where(
            "storage_key",
            "in",
            requests.map((r) => r.key),
          )
          .execute()
      ).map((r) => r.storage_key),
    );
    const missing = requests.filter((r) => !existing.has(r.key));
    if (missing.length === 0) return 0;
    return limit(async () => {
      const source = await originals.get(row.storage_key);
      if (!source)
        throw new GalleryError("STORAGE_ERROR", {
          detail: "The original file is missing.",
          data: { photoId: row.id },
        });
      // Spool to a local file: the decoder reads it with random access and shrink-on-load.
      const dir = await mkdtemp(join(tmpdir(), "vernissage-derive-"));
      try {
        const path = join(dir, "original");
        await pipeline(source.body, createWriteStream(path));
        const rendered = await renderDerivatives(
          {
            source: path,
            width: row.width,
            height: row.height,
            sha256: row.sha256,
            photoId: row.id,
            limitInputPixels: deps.maxPixels,
            hooks: deps.hooks,
          },
          missing,
        );
        for (const out of rendered) {
          const key = derivativeKey(row.sha256, out.preset, out.format);
          await store.put(key, out.data, { contentType: FORMAT_MIME[out.format] });
          await db
            .insertInto("derivatives")
            .values({
              storage_key: key,
              source_sha256: row.sha256,
              preset: out.preset.name,
              recipe_hash: recipeHash(out.preset, out.format),
              format: out.format,
              width: out.width,
              height: out.height,
              byte_size: out.data.length,
              created_at: Date.now(),
            })
            .onConflict((oc) => oc.column("storage_key").doNothing())
            .execute();
        }
        return rendered.length;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  function presetOrThrow(name: string): DerivativePreset {
    const preset = byName.get(name);
    if (!preset) throw new GalleryError("PRESET_NOT_FOUND", { data: { preset: name } });
    return preset;
  }

  return {
    presets: () => enabled,

    describe(photo) {
      return enabled.map((preset) => ({
        preset: preset.name,
        ...outputSize(preset, photo.width, photo.height),
        version: `${photo.sha256.slice(0, 10)}${recipeHash(preset, "jpeg").slice(0, 6)}`,
      }));
    },

    async get(actor, photoId, presetName, options = {}) {
      const preset = presetOrThrow(presetName);
      const row = await visibleRow(actor, photoId);
      const format = negotiateFormat(options.accept, deps.formats);
      const key = derivativeKey(row.sha256, preset, format);
      let record = await db
        .selectFrom("derivatives")
        .selectAll()
        .where("storage_key", "=", key)
        .executeTakeFirst();
      if (!record) {
        await once(key, () => generateRows(row, [preset], [format]));
        record = await db
          .selectFrom("derivatives")
          .selectAll()
          .where("storage_key", "=", key)
          .executeTakeFirst();
        if (!record)
          throw new GalleryError("INTERNAL", { detail: "Derivative generation produced nothing." });
      }
      const found = record;
      return {
        contentType: FORMAT_MIME[format],
        size: found.byte_size,
        etag: `"${createHash("sha256").update(key).digest("base64url").slice(0, 22)}"`,
        cache: (await isPublic(photoId)) ? "public" : "private",
        async open(range) {
          const object = await store.get(key, { range });
          if (!object) {
            // The file vanished from storage: forget the record so the next request regenerates it.
            await db.deleteFrom("derivatives").where("storage_key", "=", key).execute();
            throw new GalleryError("STORAGE_ERROR", {
              detail: "Derivative file missing; it will be regenerated.",
            });
          }
          return object;
        },
      };
    },

    async original(actor, photoId) {
      const row = await visibleRow(actor, photoId);
      return {
        contentType: row.mime_type,
        size: row.byte_size,
        etag: `"${row.sha256.slice(0, 32)}"`,
        cache: (await isPublic(photoId)) ? "public" : "private",
        async open(range) {
          const object = await originals.get(row.storage_key, { range });
          if (!object) throw new GalleryError("STORAGE_ERROR", { detail: "The original file is missing." });
          return object;
        },
      };
    },

    async generate(photoId, presetNames, formats = ["jpeg"]) {
      const row = await db.selectFrom("photos").selectAll().where("id", "=", photoId).executeTakeFirst();
      if (!row) return 0;
      const wanted = presetNames
        .map((n) => byName.get(n))
        .filter((p): p is DerivativePreset => p !== undefined);
      return once(`photo:${photoId}:${presetNames.join(",")}:${formats.join(",")}`, () =>
        generateRows(row, wanted, formats),
      );
    },
  };
}
