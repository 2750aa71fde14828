import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { type Kysely, sql } from "kysely";
import { albumViewable, photoColumns, photoVisible } from "../access/visibility.js";
import { type Actor, isAdminActor } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { HookBus, PhotoCreateFields } from "../hooks.js";
import { newId } from "../ids.js";
import { probeImage } from "../ingest/probe.js";
import { spoolToTemp } from "../ingest/spool.js";
import type { Logger } from "../logger.js";
import { errorFields } from "../logger.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { DatabaseAdapter } from "../ports/database.js";
import type { StorageAdapter } from "../ports/storage.js";
import type { Page, PageInput, Photo } from "../types.js";
import { toPhoto } from "./mappers.js";

/** Input of {@link PhotoService.upload}. */
export interface UploadPhotoInput {
  /** Album to put the photo in. */
  albumId: string;
  /** The file: a stream (preferred, never buffered whole) or bytes. */
  file: Readable | Uint8Array;
  /** The client's file name (kept as metadata only; never used as a path). */
  filename: string;
  title?: string | undefined;
  description?: string | undefined;
  privacyLevel?: number | undefined;
}

/** Result of an upload. */
export interface UploadResult {
  photo: Photo;
  /** True when the content already existed and the existing photo was linked into the album instead. */
  duplicate: boolean;
}

/** Photos: upload, read, list. */
export interface PhotoService {
  /** Ingest a photo into an album (owners and admins). */
  upload(actor: Actor, input: UploadPhotoInput): Promise<UploadResult>;
  /** One photo the actor may see, or `NOT_FOUND` (also when it exists but is not visible). */
  get(actor: Actor, id: string): Promise<Photo>;
  /** Several photos by id: those the actor may see, in no particular order (missing or hidden ones are left out). */
  getMany(actor: Actor, ids: readonly string[]): Promise<Photo[]>;
  /** Photos of an album the actor may view, visible to the actor, in the album's order. */
  listInAlbum(actor: Actor, albumId: string, input?: PageInput): Promise<Page<Photo>>;
  /** Every photo the actor may see, newest first. */
  list(actor: Actor, input?: PageInput): Promise<Page<Photo>>;
}

/** @internal */
export interface PhotoServiceDeps {
  db: Kysely<DB>;
  adapter: DatabaseAdapter;
  originals: StorageAdapter;
  hooks: HookBus;
  logger: Logger;
  maxBytes: number;
  maxPixels: number;
  /** Called after a new photo is committed (schedules eager derivatives). */
  onCreated(photoId: string): Promise<void>;
}

const EXT: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/avif": "avif",
  "image/heif": "heic",
  "image/tiff": "tif",
};

/** Keep a client file name as harmless metadata: no path, no control characters, bounded length. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = [...base]
    .filter((c) => {
      const code = c.charCodeAt(0);
      return code >= 0x20 && code !== 0x7f;
    })
    .join("")
    .trim()
    .slice(0, 255);
  return cleaned === "" || cleaned === "." || cleaned === ".." ? "upload" : cleaned;
}

/** @internal */
export function createPhotoService(deps: PhotoServiceDeps): PhotoService {
  const { db, hooks, originals, logger } = deps;
  async function get(actor: Actor, id: string): Promise<Photo> {
    const row = await db
      .selectFrom("photos as p")
      .selectAll("p")
      .where("p.id", "=", id)
      .where(photoVisible(actor, photoColumns("p")))
      .executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such photo." });
    return toPhoto(row);
  }

  async function linkIntoAlbum(albumId: string, photoId: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const exists = await trx
        .selectFrom("album_photos")
        .select("photo_id")
        .where("album_id", "=", albumId)
        .where("photo_id", "=", photoId)
        .executeTakeFirst();
      if (exists) return;
      const max = await trx
        .selectFrom("album_photos")
        .select((eb) => eb.fn.max<number>("rank").as("r"))
        .where("album_id", "=", albumId)
        .executeTakeFirst();
      await trx
        .insertInto("album_photos")
        .values({ album_id: albumId, photo_id: photoId, rank: (max?.r ?? -1) + 1, added_at: Date.now() })
        .execute();
    });
  }

  return {
    async upload(actor, input) {
      if (!isAdminActor(actor)) throw new GalleryError("FORBIDDEN", { detail: "Only admins may upload." });
      const album = await db
        .selectFrom("albums")
        .select("id")
        .where("id", "=", input.albumId)
        .executeTakeFirst();
      if (!album) throw new GalleryError("NOT_FOUND", { detail: "No such album." });
      const privacyLevel = input.privacyLevel ?? 0;
      if (![0, 1, 2, 4, 8].includes(privacyLevel)) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "privacyLevel", message: "0, 1, 2, 4 or 8" }],
        });
      }

      const spooled = await spoolToTemp(input.file, deps.maxBytes);
      try {
        const probe = await probeImage(spooled.path, spooled.head, deps.maxPixels);
        const existing = await db
          .selectFrom("photos")
          .selectAll()
          .where("sha256", "=", spooled.sha256)
          .executeTakeFirst();
        if (existing) {
          await linkIntoAlbum(input.albumId, existing.id);
          return { photo: toPhoto(existing), duplicate: true };
        }

        const originalFilename = cleanFilename(input.filename);
        const fields: PhotoCreateFields = {
          title: input.title ?? "",
          description: input.description ?? "",
          author: "",
          privacyLevel,
          takenAt: probe.takenAt,
        };
        await hooks.before("photo:create:before", {
          actor,
          albumId: input.albumId,
          file: {
            sha256: spooled.sha256,
            mimeType: probe.mimeType,
            width: probe.width,
            height: probe.height,
            byteSize: spooled.byteSize,
            originalFilename,
          },
          fields,
        });

        const id = newId();
        const now = Date.now();
        const key = `originals/${spooled.sha256.slice(0, 2)}/${spooled.sha256}.${EXT[probe.mimeType] ?? "bin"}`;
        await originals.put(key, createReadStream(spooled.path), { contentType: probe.mimeType });
        try {
          await db.transaction().execute(async (trx) => {
            await trx
              .insertInto("photos")
              .values({
                id,
                sha256: spooled.sha256,
                storage_key: key,
                original_filename: originalFilename,
                mime_type: probe.mimeType,
                byte_size: spooled.byteSize,
                width: probe.width,
                height: probe.height,
                orientation: probe.orientation,
                title: fields.title,
                description: fields.description,
                author: fields.author,
                taken_at: fields.takenAt,
                added_at: now,
                privacy_level: fields.privacyLevel,
                uploader_id: actor.kind === "user" ? actor.userId : null,
                thumbhash: probe.thumbhash,
                metadata: probe.metadata ? JSON.stringify(probe.metadata) : null,
                updated_at: now,
              })
              .execute();
            const max = await trx
              .selectFrom("album_photos")
              .select((eb) => eb.fn.max<number>("rank").as("r"))
              .where("album_id", "=", input.albumId)
              .executeTakeFirst();
            await trx
              .insertInto("album_photos")
              .values({ album_id: input.albumId, photo_id: id, rank: (max?.r ?? -1) + 1, added_at: now })
              .execute();
          });
        } catch (error) {
          // No row was written: remove the file unless another photo shares its content.
          const shared = await db
            .selectFrom("photos")
            .select("id")
            .where("storage_key", "=", key)
            .executeTakeFirst();
          if (!shared)
            await originals
              .delete(key)
              .catch((e) => logger.error({ key, ...errorFields(e) }, "cleanup failed"));
          throw error;
        }
        const photo = await get(actor, id);
        await deps.onCreated(id);
        await hooks.after("photo:create:after", { actor, photo, albumId: input.albumId });
        return { photo, duplicate: false };
      } finally {
        await spooled.dispose();
      }
    },

    get,

    async getMany(actor, ids) {
      const unique = [...new Set(ids)].slice(0, 500);
      if (unique.length === 0) return [];
      const rows = await db
        .selectFrom("photos as p")
        .selectAll("p")
        .where("p.id", "in", unique)
        .where(photoVisible(actor, photoColumns("p")))
        .execute();
      return rows.map(toPhoto);
    },

    async listInAlbum(actor, albumId, input = {}) {
      const limit = pageLimit(input.limit);
      const album = await db
        .selectFrom("albums as a")
        .select("a.id")
        .where("a.id", "=", albumId)
        .where(albumViewable(actor, sql.ref("a.id")))
        .executeTakeFirst();
      if (!album) throw new GalleryError("NOT_FOUND", { detail: "No such album." });
      let query = db
        .selectFrom("album_photos as ap")
        .innerJoin("photos as p", "p.id", "ap.photo_id")
        .selectAll("p")
        .select("ap.rank as album_rank")
        .where("ap.album_id", "=", albumId)
        .where(photoVisible(actor, photoColumns("p")))
        .orderBy("ap.rank")
        .orderBy("ap.photo_id")
        .limit(limit + 1);
      if (input.cursor) {
        const [rank, id] = decodeCursor(input.cursor, ["n", "s"]) as [number, string];
        query = query.where((eb) =>
          eb.or([eb("ap.rank", ">", rank), eb.and([eb("ap.rank", "=", rank), eb("ap.photo_id", ">", id)])]),
        );
      }
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toPhoto),
        nextCursor: rows.length > limit && last ? encodeCursor([last.album_rank, last.id]) : null,
      };
    },

    async list(actor, input = {}) {
      const limit = pageLimit(input.limit);
      let query = db
        .selectFrom("photos as p")
        .selectAll("p")
        .where(photoVisible(actor, photoColumns("p")))
        .orderBy("p.added_at", "desc")
        .orderBy("p.id", "desc")
        .limit(limit + 1);
      if (input.cursor) {
        const [addedAt, id] = decodeCursor(input.cursor, ["n", "s"]) as [number, string];
        query = query.where((eb) =>
          eb.or([
            eb("p.added_at", "<", addedAt),
            eb.and([eb("p.added_at", "=", addedAt), eb("p.id", "<", id)]),
          ]),
        );
      }
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toPhoto),
        nextCursor: rows.length > limit && last ? encodeCursor([last.added_at, last.id]) : null,
      };
    },
  };
}
