import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Expression, type Kysely, type SqlBool, sql } from "kysely";
import { EVERY_LOCATION, type LocationAccess } from "../access/location.js";
import {
  assertAdmin,
  assertCanContribute,
  assertCanEditPhoto,
  assertCanManageAlbum,
} from "../access/permissions.js";
import {
  albumViewable,
  photoColumns,
  photoVisible,
  photoVisibleInViewableAlbum,
} from "../access/visibility.js";
import { type Actor, actorUserId } from "../actor.js";
import type { DB, PhotoRow } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { PhotoFields } from "../hook-contexts.js";
import type { HookBus, PhotoCreateFields } from "../hooks.js";
import { newId } from "../ids.js";
import { extractMetadata } from "../ingest/metadata.js";
import { type ImageProbe, probeImage } from "../ingest/probe.js";
import { spoolToTemp } from "../ingest/spool.js";
import type { Logger } from "../logger.js";
import { errorFields } from "../logger.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { DatabaseAdapter } from "../ports/database.js";
import type { StorageAdapter } from "../ports/storage.js";
import type { Page, PageInput, Photo, PhotoMetadata, PhotoOrder } from "../types.js";
import { recordEvent } from "./events.js";
import { toPhoto, withLocationFor } from "./mappers.js";
import { type PurgeDeps, purgePhotos, releaseContent } from "./photo-purge.js";
import { createSearchIndex } from "./search-index.js";
import { ensureTags } from "./tags.js";

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

/** Input of {@link PhotoService.update}: only the given fields change. */
export interface UpdatePhotoInput {
  title?: string | undefined;
  description?: string | undefined;
  author?: string | undefined;
  /** Capture time (epoch ms), or null when unknown. */
  takenAt?: number | null | undefined;
  privacyLevel?: number | undefined;
}

/** Filters of {@link PhotoService.list}. */
export interface ListPhotosInput extends PageInput {
  /** Only photos in this album or any of its sub-albums. */
  albumId?: string | undefined;
  /** Only photos with this tag. */
  tagId?: string | undefined;
  /** Capture time range (epoch ms, inclusive). */
  takenFrom?: number | undefined;
  takenTo?: number | undefined;
  /** Upload time range (epoch ms, inclusive). */
  addedFrom?: number | undefined;
  addedTo?: number | undefined;
  /** `added` (default, newest first) or `taken` (newest capture first; photos without a date last). */
  sort?: "added" | "taken" | undefined;
  /**
   * Full-text filter over title, description, file name, tags and album names: every word must match (as a
   * prefix). See {@link SearchService}.
   */
  text?: string | undefined;
  /** Only these photos (how plugin search keys restrict a search, see `search:query:before`); at most 10,000. */
  ids?: readonly string[] | undefined;
}

/** Split a user query into safe search words (letters and digits only; at most 16). */
export function searchWords(text: string): string[] {
  return (text.normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16);
}

/** Photos: upload, read, list, edit, album membership, replace, delete. */
export interface PhotoService {
  /**
   * Ingest a photo into an album. Content already in the library is linked into the album
   * (`duplicate: true`) or refused with `DUPLICATE_PHOTO`, per the `ingest.duplicates` setting.
   */
  upload(actor: Actor, input: UploadPhotoInput): Promise<UploadResult>;
  /** One photo the actor may see, or `NOT_FOUND` (also when it exists but is not visible). */
  get(actor: Actor, id: string): Promise<Photo>;
  /** Several photos by id: those the actor may see, in no particular order (missing or hidden ones are left out). */
  getMany(actor: Actor, ids: readonly string[]): Promise<Photo[]>;
  /** Photos of an album the actor may view, visible to the actor, in the album's photo order. */
  listInAlbum(actor: Actor, albumId: string, input?: PageInput): Promise<Page<Photo>>;
  /** Every photo the actor may see, newest first, optionally filtered. */
  list(actor: Actor, input?: ListPhotosInput): Promise<Page<Photo>>;
  /** Change a photo's fields. */
  update(actor: Actor, id: string, input: UpdatePhotoInput): Promise<Photo>;
  /** Delete photos with their original files and derivatives (nothing is left in storage). */
  delete(actor: Actor, ids: readonly string[]): Promise<number>;
  /**
   * Put photos into an album (copy: they stay where they were), at the end of its manual order or at
   * `position` (0-based). Photos already in the album keep their place. Returns how many were added.
   */
  addToAlbum(
    actor: Actor,
    input: { albumId: string; photoIds: readonly string[]; position?: number | undefined },
  ): Promise<number>;
  /** Take photos out of an album (they stay in their other albums, or become orphans). Returns how many. */
  removeFromAlbum(actor: Actor, input: { albumId: string; photoIds: readonly string[] }): Promise<number>;
  /** Move photos from one album to another. */
  moveToAlbum(
    actor: Actor,
    input: { fromAlbumId: string; toAlbumId: string; photoIds: readonly string[] },
  ): Promise<number>;
  /** Set the manual order of an album: `photoIds` first, in that order; the rest keep their order after them. */
  reorderInAlbum(actor: Actor, input: { albumId: string; photoIds: readonly string[] }): Promise<void>;
  /** Replace a photo's original file; derivatives of the old content are removed and regenerate. */
  replaceFile(
    actor: Actor,
    id: string,
    input: { file: Readable | Uint8Array; filename: string },
  ): Promise<Photo>;
  /** Read the metadata of the stored original again and update the columns. */
  resyncMetadata(actor: Actor, id: string): Promise<Photo>;
  /** The ids of photos with the given content hashes (for importers; admins and the system only). */
  findByHashes(actor: Actor, sha256s: readonly string[]): Promise<Map<string, string>>;
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
  /** What an upload of existing content does. @default "link" */
  duplicates?: "link" | "refuse" | undefined;
  /** Turn file keywords into tags. @default true */
  keywordsAsTags?: boolean | undefined;
  /** Deleting photos with their files. */
  purge: PurgeDeps;
  /** Called after a new photo (or new content) is committed (schedules eager derivatives). */
  onCreated(photoId: string): Promise<void>;
  /** Whether an actor may read photos' coordinates (the gallery's location setting). */
  location(actor: Actor): LocationAccess;
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

const PRIVACY = [0, 1, 2, 4, 8];

/**
 * Refuse a client file name that tries to be a path (`..` segments) or carries control characters, with
 * `INVALID_FILENAME`. Plain directory parts (`photos/a.jpg`) are allowed and dropped by {@link cleanFilename}.
 */
export function assertSafeFilename(name: string): void {
  const control = [...name].some((c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0);
  });
  const traversal = name.split(/[\\/]/).some((part) => part === "..");
  if (control || traversal || name.length > 1024) {
    throw new GalleryError("INVALID_FILENAME", {
      errors: [{ path: "filename", message: "no path, no control characters" }],
    });
  }
}

/** Keep a client file name as harmless metadata: no path, no control characters, bounded length. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = [...base]
    .filter((c) => {
      const code = c.charCodeAt(0);
      return code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0);
    })
    .join("")
    .trim()
    .slice(0, 255);
  return cleaned === "" || cleaned === "." || cleaned === ".." ? "upload" : cleaned;
}

function metadataColumns(m: PhotoMetadata) {
  return {
    taken_at_offset: m.takenAtOffset,
    camera_make: m.cameraMake,
    camera_model: m.cameraModel,
    lens: m.lens,
    exposure_time: m.exposureTime,
    aperture: m.aperture,
    iso: m.iso,
    focal_length: m.focalLength,
    gps_latitude: m.latitude,
    gps_longitude: m.longitude,
    gps_altitude: m.altitude,
    meta_title: m.title,
    meta_description: m.description,
    keywords: m.keywords.length > 0 ? JSON.stringify(m.keywords) : null,
    rating: m.rating,
  };
}

function checkPrivacy(level: number): void {
  if (!PRIVACY.includes(level)) {
    throw new GalleryError("VALIDATION_FAILED", {
      errors: [{ path: "privacyLevel", message: "0, 1, 2, 4 or 8" }],
    });
  }
}

function checkIds(ids: readonly string[], path = "photoIds"): string[] {
  const unique = [...new Set(ids)];
  if (unique.length === 0 || unique.length > 1000) {
    throw new GalleryError("VALIDATION_FAILED", { errors: [{ path, message: "1–1000 ids" }] });
  }
  return unique;
}

/** Sort key of an album's photos per order: the SQL expression and the cursor kind. */
function orderKey(order: PhotoOrder): { expr: Expression<unknown>; kind: "n" | "s"; dir: "asc" | "desc" } {
  switch (order) {
    case "takenAt":
      return { expr: sql`coalesce(p.taken_at, p.added_at)`, kind: "n", dir: "asc" };
    case "addedAt":
      return { expr: sql.ref("ap.added_at"), kind: "n", dir: "asc" };
    case "title":
      return { expr: sql`lower(p.title)`, kind: "s", dir: "asc" };
    default:
      return { expr: sql.ref("ap.rank"), kind: "n", dir: "asc" };
  }
}

/** @internal */
export function createPhotoService(deps: PhotoServiceDeps): PhotoService {
  const { db, hooks, originals, logger } = deps;
  const index = createSearchIndex(db, deps.adapter.kind);
  const duplicates = deps.duplicates ?? "link";
  const keywordsAsTags = deps.keywordsAsTags ?? true;

  /**
   * A photo the actor may see (`NOT_FOUND` otherwise), with the coordinates `location` allows: the actor's rule for
   * answers, {@link EVERY_LOCATION} for hooks and internal checks.
   */
  async function get(actor: Actor, id: string, location: LocationAccess): Promise<Photo> {
    const row = await db
      .selectFrom("photos as p")
      .selectAll("p")
      .where("p.id", "=", id)
      .where(photoVisible(actor, photoColumns("p")))
      .executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such photo." });
    return toPhoto(row, location);
  }
  /** What the caller gets back: the photo as the actor sees it. */
  const view = (actor: Actor, photo: Photo): Photo => withLocationFor(photo, deps.location(actor));

  /** Record that a photo left an album (in the transaction of the change). */
  async function removedEvent(
    trx: Kysely<DB>,
    actor: Actor,
    albumId: string,
    photoId: string,
  ): Promise<void> {
    await recordEvent(trx, actor, {
      type: "album.photos.removed",
      subjectType: "album",
      subjectId: albumId,
      albumId,
      photoId,
      data: { albumId, photoId },
    });
  }

  async function requireAlbum(albumId: string): Promise<void> {
    const album = await db.selectFrom("albums").select("id").where("id", "=", albumId).executeTakeFirst();
    if (!album) throw new GalleryError("NOT_FOUND", { detail: "No such album." });
  }

  /** Every id must be a photo the actor may see; answers NOT_FOUND for the first one that is not. */
  async function requireVisible(actor: Actor, ids: readonly string[]): Promise<void> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db
        .selectFrom("photos as p")
        .select("p.id")
        .where("p.id", "in", ids.slice(i, i + 500))
        .where(photoVisible(actor, photoColumns("p")))
        .execute();
      for (const r of rows) found.add(r.id);
    }
    const missing = ids.find((id) => !found.has(id));
    if (missing !== undefined)
      throw new GalleryError("NOT_FOUND", { detail: "No such photo.", data: { id: missing } });
  }

  async function linkIntoAlbum(
    trx: Kysely<DB>,
    albumId: string,
    photoIds: readonly string[],
    position?: number,
    /** When given, an `album.photos.added` event is recorded per photo linked (in `trx`). */
    actor?: Actor,
  ): Promise<number> {
    const present = new Set(
      (
        await trx
          .selectFrom("album_photos")
          .select("photo_id")
          .where("album_id", "=", albumId)
          .where("photo_id", "in", [...photoIds])
          .execute()
      ).map((r) => r.photo_id),
    );
    const fresh = photoIds.filter((p) => !present.has(p));
    if (fresh.length === 0) return 0;
    const now = Date.now();
    let start: number;
    if (position === undefined) {
      const max = await trx
        .selectFrom("album_photos")
        .select((eb) => eb.fn.max<number>("rank").as("r"))
        .where("album_id", "=", albumId)
        .executeTakeFirst();
      start = Number(max?.r ?? -1) + 1;
    } else {
      // Make room: everything from `position` on moves down by the number inserted.
      const ranks = await trx
        .selectFrom("album_photos")
        .select(["photo_id", "rank"])
        .where("album_id", "=", albumId)
        .orderBy("rank")
        .orderBy("photo_id")
        .execute();
      const at = Math.max(0, Math.min(position, ranks.length));
      for (const [i, r] of ranks.entries()) {
        const rank = i < at ? i : i + fresh.length;
        if (rank !== r.rank)
          await trx
            .updateTable("album_photos")
            .set({ rank })
            .where("album_id", "=", albumId)
            .where("photo_id", "=", r.photo_id)
            .execute();
      }
      start = at;
    }
    for (let i = 0; i < fresh.length; i += 500) {
      await trx
        .insertInto("album_photos")
        .values(
          fresh
            .slice(i, i + 500)
            .map((photo_id, j) => ({ album_id: albumId, photo_id, rank: start + i + j, added_at: now })),
        )
        .execute();
    }
    if (actor) {
      for (const photoId of fresh) {
        await recordEvent(trx, actor, {
          type: "album.photos.added",
          subjectType: "album",
          subjectId: albumId,
          albumId,
          photoId,
          data: { albumId, photoId },
        });
      }
    }
    return fresh.length;
  }

  async function runMetadataHook(
    photoId: string | undefined,
    path: string,
    sha256: string,
    probe: Pick<ImageProbe, "metadata" | "raw">,
  ): Promise<{ metadata: PhotoMetadata; raw: Record<string, unknown> }> {
    if (!hooks.has("metadata:extract:after")) return { metadata: probe.metadata, raw: probe.raw };
    const ctx = { photoId, path, sha256, raw: probe.raw, metadata: { ...probe.metadata }, extra: {} };
    await hooks.before("metadata:extract:after", ctx);
    const raw = { ...probe.raw };
    for (const [k, v] of Object.entries(ctx.extra)) {
      try {
        raw[k] = JSON.parse(JSON.stringify(v));
      } catch {
        // Not JSON-safe: left out.
      }
    }
    return { metadata: ctx.metadata, raw };
  }

  function rawJson(raw: Record<string, unknown>): string | null {
    if (Object.keys(raw).length === 0) return null;
    const json = JSON.stringify(raw);
    return json.length > 256 * 1024 ? null : json;
  }

  async function storeOriginal(sha256: string, mimeType: string, path: string): Promise<string> {
    const key = `originals/${sha256.slice(0, 2)}/${sha256}.${EXT[mimeType] ?? "bin"}`;
    await originals.put(key, createReadStream(path), { contentType: mimeType });
    return key;
  }

  async function dropStoredIfUnused(key: string): Promise<void> {
    const shared = await db
      .selectFrom("photos")
      .select("id")
      .where("storage_key", "=", key)
      .executeTakeFirst();
    if (!shared)
      await originals.delete(key).catch((e) => logger.error({ key, ...errorFields(e) }, "cleanup failed"));
  }

  return {
    async upload(actor, input) {
      assertSafeFilename(input.filename);
      await requireAlbum(input.albumId);
      await assertCanContribute(db, actor, input.albumId);
      const privacyLevel = input.privacyLevel ?? 0;
      checkPrivacy(privacyLevel);

      const spooled = await spoolToTemp(input.file, deps.maxBytes);
      try {
        const probe = await probeImage(spooled.path, spooled.head, deps.maxPixels);
        await hooks.before("ingest:file:accepted", {
          actor,
          albumId: input.albumId,
          file: {
            sha256: spooled.sha256,
            mimeType: probe.mimeType,
            byteSize: spooled.byteSize,
            originalFilename: cleanFilename(input.filename),
          },
        });
        const existing = await db
          .selectFrom("photos")
          .selectAll()
          .where("sha256", "=", spooled.sha256)
          .executeTakeFirst();
        if (existing) {
          await hooks.after("ingest:duplicate:found", {
            actor,
            albumId: input.albumId,
            existingPhotoId: existing.id,
            sha256: spooled.sha256,
          });
          if (duplicates === "refuse") {
            throw new GalleryError("DUPLICATE_PHOTO", { data: { photoId: existing.id } });
          }
          await db
            .transaction()
            .execute((trx) => linkIntoAlbum(trx, input.albumId, [existing.id], undefined, actor));
          await index.reindex([existing.id]);
          return { photo: toPhoto(existing, deps.location(actor)), duplicate: true };
        }

        const originalFilename = cleanFilename(input.filename);
        const { metadata, raw } = await runMetadataHook(undefined, spooled.path, spooled.sha256, probe);
        const fields: PhotoCreateFields = {
          title: input.title ?? metadata.title ?? "",
          description: input.description ?? metadata.description ?? "",
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
        checkPrivacy(fields.privacyLevel);

        const id = newId();
        const now = Date.now();
        const key = await storeOriginal(spooled.sha256, probe.mimeType, spooled.path);
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
                title: fields.title.slice(0, 255),
                description: fields.description,
                author: fields.author,
                taken_at: fields.takenAt,
                added_at: now,
                privacy_level: fields.privacyLevel,
                uploader_id: actorUserId(actor) ?? null,
                thumbhash: probe.thumbhash,
                metadata: rawJson(raw),
                updated_at: now,
                ...metadataColumns(metadata),
              })
              .execute();
            await linkIntoAlbum(trx, input.albumId, [id]);
            await recordEvent(trx, actor, {
              type: "photo.created",
              subjectType: "photo",
              subjectId: id,
              photoId: id,
              ownerUserId: actorUserId(actor) ?? null,
              // No album id: a reader who sees the photo through another album must not learn of this one.
              data: { sha256: spooled.sha256, privacyLevel: fields.privacyLevel },
            });
            if (keywordsAsTags && metadata.keywords.length > 0) {
              const tagIds = await ensureTags(trx, metadata.keywords.slice(0, 100), actor);
              await trx
                .insertInto("photo_tags")
                .values([...new Set(tagIds)].map((tag_id) => ({ photo_id: id, tag_id, added_at: now })))
                .execute();
            }
          });
        } catch (error) {
          // No row was written: remove the file unless another photo shares its content.
          await dropStoredIfUnused(key);
          throw error;
        }
        await index.reindex([id]);
        const photo = await get(actor, id, EVERY_LOCATION);
        await deps.onCreated(id);
        await hooks.after("photo:create:after", { actor, photo, albumId: input.albumId });
        return { photo: view(actor, photo), duplicate: false };
      } finally {
        await spooled.dispose();
      }
    },

    get: (actor, id) => get(actor, id, deps.location(actor)),

    async getMany(actor, ids) {
      const unique = [...new Set(ids)].slice(0, 500);
      if (unique.length === 0) return [];
      const rows = await db
        .selectFrom("photos as p")
        .selectAll("p")
        .where("p.id", "in", unique)
        .where(photoVisible(actor, photoColumns("p")))
        .execute();
      const location = deps.location(actor);
      return rows.map((row) => toPhoto(row, location));
    },

    async listInAlbum(actor, albumId, input = {}) {
      const limit = pageLimit(input.limit);
      const album = await db
        .selectFrom("albums as a")
        .select(["a.id", "a.photo_order"])
        .where("a.id", "=", albumId)
        .where(albumViewable(actor, sql.ref("a.id")))
        .executeTakeFirst();
      if (!album) throw new GalleryError("NOT_FOUND", { detail: "No such album." });
      const key = orderKey(album.photo_order as PhotoOrder);
      let query = db
        .selectFrom("album_photos as ap")
        .innerJoin("photos as p", "p.id", "ap.photo_id")
        .selectAll("p")
        .select(sql<number | string>`${key.expr}`.as("sort_key"))
        .where("ap.album_id", "=", albumId)
        // The album was found viewable just above: a photo in it is visible when its level allows.
        .where(photoVisibleInViewableAlbum(actor, photoColumns("p")))
        .orderBy(key.expr, key.dir)
        .orderBy("ap.photo_id", key.dir)
        .limit(limit + 1);
      if (input.cursor) {
        const [value, id] = decodeCursor(input.cursor, [key.kind, "s"]) as [number | string, string];
        query = query.where(
          sql<SqlBool>`(${key.expr} > ${value} or (${key.expr} = ${value} and ap.photo_id > ${id}))`,
        );
      }
      const location = deps.location(actor);
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const lastKey = last ? (key.kind === "n" ? Number(last.sort_key) : String(last.sort_key)) : null;
      return {
        items: page.map((row) => toPhoto(row, location)),
        nextCursor: rows.length > limit && last && lastKey !== null ? encodeCursor([lastKey, last.id]) : null,
      };
    },

    async list(actor, input = {}) {
      const limit = pageLimit(input.limit);
      const byTaken = input.sort === "taken";
      const tagId = input.tagId;
      // A tag page walks the tag's own index in listing order (`photo_tags_added_idx` / `_taken_idx`, whose
      // `photo_added_at` / `photo_taken_key` copy the photo's sort key, kept by triggers, migration 0010) and stops
      // after a page of visible photos: its cost depends on the page and on how many of the tag's newest photos
      // the actor may not see, not on the size of the library or of the tag.
      // Photos without a capture date sort as the oldest.
      const sortExpr =
        tagId !== undefined
          ? sql<number>`${sql.ref(byTaken ? "pt.photo_taken_key" : "pt.photo_added_at")}`
          : byTaken
            ? sql<number>`coalesce(p.taken_at, -1)`
            : sql<number>`p.added_at`;
      const idExpr = sql<string>`${sql.ref(tagId !== undefined ? "pt.photo_id" : "p.id")}`;
      const plain = db.selectFrom("photos as p");
      const from =
        tagId === undefined
          ? plain
          : // Same output columns (the photo's); `pt` is only referenced by raw expressions below.
            (db
              .selectFrom("photo_tags as pt")
              .innerJoin("photos as p", "p.id", "pt.photo_id")
              .where("pt.tag_id", "=", tagId) as unknown as typeof plain);
      let query = from
        .selectAll("p")
        .select(sortExpr.as("sort_key"))
        .orderBy(sortExpr, "desc")
        .orderBy(idExpr, "desc")
        .limit(limit + 1);
      if (input.albumId !== undefined) {
        const albumId = input.albumId;
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom("album_photos as fap")
              .innerJoin("album_closure as fc", "fc.descendant_id", "fap.album_id")
              .select("fap.photo_id")
              .whereRef("fap.photo_id", "=", "p.id")
              .where("fc.ancestor_id", "=", albumId)
              .where(albumViewable(actor, sql.ref("fap.album_id"))),
          ),
        );
      }
      if (input.text !== undefined) {
        const words = searchWords(input.text);
        if (words.length === 0) return { items: [], nextCursor: null };
        if (deps.adapter.kind === "postgres") {
          const tsquery = words.map((w) => `${w}:*`).join(" & ");
          query = query.where(
            sql<SqlBool>`exists (select 1 from photo_search s where s.photo_id = p.id and s.tsv @@ to_tsquery('simple', ${tsquery}))`,
          );
        } else {
          const match = words.map((w) => `"${w}"*`).join(" ");
          query = query.where(
            sql<SqlBool>`p.id in (select photo_id from photo_search where photo_search match ${match})`,
          );
        }
      }
      if (input.ids !== undefined) {
        const ids = [...new Set(input.ids)];
        if (ids.length === 0) return { items: [], nextCursor: null };
        if (ids.length > 10_000 || ids.some((i) => typeof i !== "string"))
          throw new GalleryError("VALIDATION_FAILED", { errors: [{ path: "ids", message: "1–10,000 ids" }] });
        query = query.where("p.id", "in", ids);
      }
      if (input.takenFrom !== undefined) query = query.where("p.taken_at", ">=", input.takenFrom);
      if (input.takenTo !== undefined) query = query.where("p.taken_at", "<=", input.takenTo);
      if (input.addedFrom !== undefined) query = query.where("p.added_at", ">=", input.addedFrom);
      if (input.addedTo !== undefined) query = query.where("p.added_at", "<=", input.addedTo);
      if (input.cursor) {
        const [mode, key, lastId] = decodeCursor(input.cursor, ["n", "n", "s"]) as [number, number, string];
        // A cursor from the other sort order would skip or repeat photos.
        if (mode !== (byTaken ? 1 : 0)) throw new GalleryError("INVALID_CURSOR");
        query = query.where(
          tagId !== undefined
            ? sql<SqlBool>`(${sortExpr}, ${idExpr}) < (${key}, ${lastId})`
            : sql<SqlBool>`(${sortExpr} < ${key} or (${sortExpr} = ${key} and p.id < ${lastId}))`,
        );
      }
      // The visibility rule goes last: the cheap filters above (text match, tag, dates) then reject most
      // candidates before the rule's subqueries run, which is what keeps a filtered member listing close to the
      // unfiltered one (bench/permissions).
      query = query.where(photoVisible(actor, photoColumns("p")));
      const location = deps.location(actor);
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((row) => toPhoto(row, location)),
        nextCursor:
          rows.length > limit && last
            ? encodeCursor([byTaken ? 1 : 0, Number(last.sort_key), last.id])
            : null,
      };
    },

    async update(actor, id, rawInput) {
      const current = await get(actor, id, EVERY_LOCATION);
      await assertCanEditPhoto(db, actor, id);
      // `photo:update:before` sees (and may change) the fields about to change, before any validation.
      const input: Partial<PhotoFields> = {};
      if (rawInput.title !== undefined) input.title = rawInput.title;
      if (rawInput.description !== undefined) input.description = rawInput.description;
      if (rawInput.author !== undefined) input.author = rawInput.author;
      if (rawInput.takenAt !== undefined) input.takenAt = rawInput.takenAt;
      if (rawInput.privacyLevel !== undefined) input.privacyLevel = rawInput.privacyLevel;
      await hooks.before("photo:update:before", { actor, current, patch: input });
      const patch: Partial<
        Pick<PhotoRow, "title" | "description" | "author" | "taken_at" | "privacy_level">
      > = {};
      if (input.title !== undefined) {
        if (input.title.length > 255)
          throw new GalleryError("VALIDATION_FAILED", {
            errors: [{ path: "title", message: "at most 255 characters" }],
          });
        patch.title = input.title;
      }
      if (input.description !== undefined) patch.description = input.description;
      if (input.author !== undefined) patch.author = input.author.slice(0, 255);
      if (input.takenAt !== undefined) {
        if (input.takenAt !== null && !Number.isFinite(input.takenAt))
          throw new GalleryError("VALIDATION_FAILED", { errors: [{ path: "takenAt", message: "a time" }] });
        patch.taken_at = input.takenAt;
      }
      if (input.privacyLevel !== undefined) {
        checkPrivacy(input.privacyLevel);
        patch.privacy_level = input.privacyLevel;
      }
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable("photos")
          .set({ ...patch, updated_at: Date.now() })
          .where("id", "=", id)
          .execute();
        await recordEvent(trx, actor, {
          type: "photo.updated",
          subjectType: "photo",
          subjectId: id,
          photoId: id,
          ownerUserId: current.uploaderId,
          data: { changed: Object.keys(input), ...input },
        });
      });
      if (patch.title !== undefined || patch.description !== undefined) await index.reindex([id]);
      // The uploader may have lowered their own access (privacy level): answer with what they may now see.
      const photo = toPhoto(
        await db.selectFrom("photos").selectAll().where("id", "=", id).executeTakeFirstOrThrow(),
        EVERY_LOCATION,
      );
      await hooks.after("photo:update:after", { actor, photo });
      return view(actor, photo);
    },

    async delete(actor, ids) {
      const unique = checkIds(ids);
      await requireVisible(actor, unique);
      for (const id of unique) await assertCanEditPhoto(db, actor, id);
      if (hooks.has("photo:delete:before")) {
        // Every veto is heard before anything is deleted.
        for (const id of unique)
          await hooks.before("photo:delete:before", { actor, target: await get(actor, id, EVERY_LOCATION) });
      }
      const n = await purgePhotos(deps.purge, unique, actor);
      await hooks.after("photo:delete:after", { actor, photoIds: unique });
      return n;
    },

    async addToAlbum(actor, input) {
      const ids = checkIds(input.photoIds);
      await requireAlbum(input.albumId);
      await assertCanContribute(db, actor, input.albumId);
      await requireVisible(actor, ids);
      if (input.position !== undefined && (!Number.isInteger(input.position) || input.position < 0)) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "position", message: "an integer ≥ 0" }],
        });
      }
      const n = await db
        .transaction()
        .execute((trx) => linkIntoAlbum(trx, input.albumId, ids, input.position, actor));
      await index.reindex(ids);
      return n;
    },

    async removeFromAlbum(actor, input) {
      const ids = checkIds(input.photoIds);
      await requireAlbum(input.albumId);
      await assertCanManageAlbum(db, actor, input.albumId);
      let n = 0;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < ids.length; i += 500) {
          const chunk = ids.slice(i, i + 500);
          const linked = await trx
            .selectFrom("album_photos")
            .select("photo_id")
            .where("album_id", "=", input.albumId)
            .where("photo_id", "in", chunk)
            .execute();
          const result = await trx
            .deleteFrom("album_photos")
            .where("album_id", "=", input.albumId)
            .where("photo_id", "in", chunk)
            .executeTakeFirst();
          n += Number(result.numDeletedRows);
          for (const { photo_id } of linked) await removedEvent(trx, actor, input.albumId, photo_id);
        }
      });
      await index.reindex(ids);
      return n;
    },

    async moveToAlbum(actor, input) {
      const ids = checkIds(input.photoIds);
      await requireAlbum(input.fromAlbumId);
      await requireAlbum(input.toAlbumId);
      await assertCanManageAlbum(db, actor, input.fromAlbumId);
      await assertCanContribute(db, actor, input.toAlbumId);
      await requireVisible(actor, ids);
      const inSource = (
        await db
          .selectFrom("album_photos")
          .select("photo_id")
          .where("album_id", "=", input.fromAlbumId)
          .where("photo_id", "in", ids)
          .execute()
      ).map((r) => r.photo_id);
      if (inSource.length !== ids.length) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "photoIds", message: "every photo must be in the source album" }],
        });
      }
      if (input.fromAlbumId === input.toAlbumId) return 0;
      await db.transaction().execute(async (trx) => {
        await linkIntoAlbum(trx, input.toAlbumId, ids, undefined, actor);
        await trx
          .deleteFrom("album_photos")
          .where("album_id", "=", input.fromAlbumId)
          .where("photo_id", "in", ids)
          .execute();
        for (const photoId of ids) await removedEvent(trx, actor, input.fromAlbumId, photoId);
      });
      await index.reindex(ids);
      return ids.length;
    },

    async reorderInAlbum(actor, input) {
      await requireAlbum(input.albumId);
      await assertCanManageAlbum(db, actor, input.albumId);
      const current = await db
        .selectFrom("album_photos")
        .select(["photo_id", "rank"])
        .where("album_id", "=", input.albumId)
        .orderBy("rank")
        .orderBy("photo_id")
        .execute();
      const known = new Set(current.map((c) => c.photo_id));
      const wanted = [...new Set(input.photoIds)];
      const stranger = wanted.find((p) => !known.has(p));
      if (stranger !== undefined) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "photoIds", message: `${stranger} is not in this album` }],
        });
      }
      const listed = new Set(wanted);
      const order = [...wanted, ...current.map((c) => c.photo_id).filter((p) => !listed.has(p))];
      const rankOf = new Map(current.map((c) => [c.photo_id, c.rank]));
      await db.transaction().execute(async (trx) => {
        let moved = 0;
        for (const [rank, photoId] of order.entries()) {
          if (rankOf.get(photoId) === rank) continue;
          await trx
            .updateTable("album_photos")
            .set({ rank })
            .where("album_id", "=", input.albumId)
            .where("photo_id", "=", photoId)
            .execute();
          moved += 1;
        }
        // One event for the album; it names no photo (its readers may not see them all).
        if (moved > 0) {
          await recordEvent(trx, actor, {
            type: "album.updated",
            subjectType: "album",
            subjectId: input.albumId,
            albumId: input.albumId,
            data: { changed: ["photoRanks"] },
          });
        }
      });
    },

    async replaceFile(actor, id, input) {
      assertSafeFilename(input.filename);
      await get(actor, id, EVERY_LOCATION);
      await assertCanEditPhoto(db, actor, id);
      const old = await db.selectFrom("photos").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      const spooled = await spoolToTemp(input.file, deps.maxBytes);
      try {
        const probe = await probeImage(spooled.path, spooled.head, deps.maxPixels);
        if (spooled.sha256 === old.sha256) return toPhoto(old, deps.location(actor));
        const other = await db
          .selectFrom("photos")
          .select("id")
          .where("sha256", "=", spooled.sha256)
          .executeTakeFirst();
        if (other) throw new GalleryError("DUPLICATE_PHOTO", { data: { photoId: other.id } });
        const { metadata, raw } = await runMetadataHook(id, spooled.path, spooled.sha256, probe);
        const key = await storeOriginal(spooled.sha256, probe.mimeType, spooled.path);
        try {
          await db.transaction().execute(async (trx) => {
            await trx
              .updateTable("photos")
              .set({
                sha256: spooled.sha256,
                storage_key: key,
                original_filename: cleanFilename(input.filename),
                mime_type: probe.mimeType,
                byte_size: spooled.byteSize,
                width: probe.width,
                height: probe.height,
                orientation: probe.orientation,
                thumbhash: probe.thumbhash,
                taken_at: probe.takenAt ?? old.taken_at,
                metadata: rawJson(raw),
                updated_at: Date.now(),
                ...metadataColumns(metadata),
              })
              .where("id", "=", id)
              .execute();
            await recordEvent(trx, actor, {
              type: "photo.updated",
              subjectType: "photo",
              subjectId: id,
              photoId: id,
              ownerUserId: old.uploader_id,
              data: { changed: ["file"], sha256: spooled.sha256 },
            });
          });
        } catch (error) {
          await dropStoredIfUnused(key);
          throw error;
        }
        // The old content's file and derivatives go (unless shared); new derivatives are scheduled.
        await releaseContent(deps.purge, old.sha256, old.storage_key);
        await index.reindex([id]);
        await deps.onCreated(id);
        const photo = await get(actor, id, EVERY_LOCATION);
        await hooks.after("photo:update:after", { actor, photo });
        return view(actor, photo);
      } finally {
        await spooled.dispose();
      }
    },

    async resyncMetadata(actor, id) {
      await get(actor, id, EVERY_LOCATION);
      await assertCanEditPhoto(db, actor, id);
      const row = await db.selectFrom("photos").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      const object = await originals.get(row.storage_key);
      if (!object) throw new GalleryError("STORAGE_ERROR", { detail: "The original file is missing." });
      const dir = await mkdtemp(join(tmpdir(), "vernissage-resync-"));
      try {
        const path = join(dir, "original");
        await pipeline(object.body, createWriteStream(path, { flags: "wx", mode: 0o600 }));
        const extracted = await extractMetadata(path);
        const { metadata, raw } = await runMetadataHook(id, path, row.sha256, extracted);
        const now = Date.now();
        await db.transaction().execute(async (trx) => {
          await trx
            .updateTable("photos")
            .set({
              taken_at: extracted.takenAt ?? row.taken_at,
              metadata: rawJson(raw),
              updated_at: now,
              ...metadataColumns(metadata),
            })
            .where("id", "=", id)
            .execute();
          await recordEvent(trx, actor, {
            type: "photo.updated",
            subjectType: "photo",
            subjectId: id,
            photoId: id,
            ownerUserId: row.uploader_id,
            data: { changed: ["metadata"] },
          });
          if (keywordsAsTags && metadata.keywords.length > 0) {
            const tagIds = await ensureTags(trx, metadata.keywords.slice(0, 100), actor);
            await trx
              .insertInto("photo_tags")
              .values([...new Set(tagIds)].map((tag_id) => ({ photo_id: id, tag_id, added_at: now })))
              .onConflict((oc) => oc.columns(["photo_id", "tag_id"]).doNothing())
              .execute();
          }
        });
        await index.reindex([id]);
        const photo = await get(actor, id, EVERY_LOCATION);
        await hooks.after("photo:update:after", { actor, photo });
        return view(actor, photo);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    async findByHashes(actor, sha256s) {
      assertAdmin(actor);
      const out = new Map<string, string>();
      const unique = [...new Set(sha256s)];
      for (let i = 0; i < unique.length; i += 500) {
        const rows = await db
          .selectFrom("photos")
          .select(["id", "sha256"])
          .where("sha256", "in", unique.slice(i, i + 500))
          .execute();
        for (const r of rows) out.set(r.sha256, r.id);
      }
      return out;
    },
  };
}
