import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import type { Kysely } from "kysely";
import { assertAdmin, assertCanContribute } from "../access/permissions.js";
import { type Actor, actorUserId } from "../actor.js";
import type { DB, UploadsTable } from "../db/schema.js";
import { GalleryError, type GalleryErrorCode, isGalleryError } from "../errors.js";
import { newId } from "../ids.js";
import type { Logger } from "../logger.js";
import { errorFields } from "../logger.js";
import type { StorageAdapter } from "../ports/storage.js";
import { assertSafeFilename, type UploadPhotoInput, type UploadResult } from "./photos.js";

/** What a resumable upload becomes once its last byte arrives (the fields of a multipart upload). */
export interface ResumableUploadMetadata {
  /** The client's file name (metadata only, never a path). */
  filename: string;
  /** Album the photo goes into. */
  albumId: string;
  title?: string | undefined;
  description?: string | undefined;
  privacyLevel?: number | undefined;
}

/** A resumable upload as its owner sees it. */
export interface ResumableUpload {
  id: string;
  /** Declared size in bytes (`Upload-Length`). */
  length: number;
  /** Bytes received and stored so far (`Upload-Offset`). */
  offset: number;
  metadata: ResumableUploadMetadata;
  /**
   * `open` while bytes are expected; `completing` while the file goes through ingest; `done` when it became
   * (or was linked to) a photo; `failed` when ingest refused it (`errorCode` says why; its bytes are gone).
   */
  state: "open" | "completing" | "done" | "failed";
  /** The photo the upload became (`done` only). */
  photoId: string | null;
  /** True when the content already existed and the existing photo was linked into the album. */
  duplicate: boolean;
  /** The ingest error of a `failed` upload (e.g. `UNSUPPORTED_MEDIA_TYPE`). */
  errorCode: GalleryErrorCode | null;
  /** When the upload (or, once done, its record) is swept, epoch ms; each append moves it forward. */
  expiresAt: number;
  createdAt: number;
}

/** Input of {@link UploadService.create}. */
export interface CreateUploadInput extends ResumableUploadMetadata {
  /** Declared size in bytes, at least 1. */
  length: number;
  /** A lower cap than the gallery's `ingest.maxBytes` (e.g. the HTTP app's `maxUploadBytes`). */
  maxBytes?: number | undefined;
}

/** A chunk checksum (tus checksum extension). */
export interface ChunkChecksum {
  algorithm: "sha1" | "sha256" | "md5";
  /** The expected digest. */
  digest: Uint8Array;
}

/** Input of {@link UploadService.append}. */
export interface AppendUploadInput {
  /** Where the bytes start; must equal the upload's current offset (`UPLOAD_OFFSET_MISMATCH` otherwise). */
  offset: number;
  /** The bytes. A stream that fails half-way keeps what arrived (unless a checksum was given). */
  body: AsyncIterable<Uint8Array> | Uint8Array;
  /** The sender's declared byte count, when known: refused at once when it goes past the declared length. */
  contentLength?: number | undefined;
  /** Verify the chunk before keeping it (`CHECKSUM_MISMATCH`). */
  checksum?: ChunkChecksum | undefined;
}

/**
 * Resumable uploads (the service behind the tus endpoints): create an upload, append bytes from an exact
 * offset, read its state, cancel it. Only its creator (the same user) sees an upload; anyone else gets
 * `NOT_FOUND`. State lives in the database and bytes in the originals store under `uploads/<id>/`, so any
 * process may take the next chunk. One request at a time holds an upload's lease: a concurrent append gets
 * `UPLOAD_BUSY`. When the last byte arrives, the file goes through `photos.upload` — the same ingest as a
 * multipart upload (sniffing, limits, duplicates, album, hooks, eager derivatives) — exactly once.
 */
export interface UploadService {
  /** Start an upload into an album the actor may contribute to. */
  create(actor: Actor, input: CreateUploadInput): Promise<ResumableUpload>;
  /** The upload's state (its owner only). */
  get(actor: Actor, id: string): Promise<ResumableUpload>;
  /**
   * Append bytes at `offset`. The append that brings the upload to its length runs ingest and answers with
   * `state: "done"` and `photoId`; ingest refusals throw their code and leave the upload `failed`, its bytes
   * removed. Repeating the final append with no bytes answers the finished upload again (no second photo).
   */
  append(actor: Actor, id: string, input: AppendUploadInput): Promise<ResumableUpload>;
  /** Cancel (tus termination): removes the upload and its bytes; a finished upload's photo stays. */
  cancel(actor: Actor, id: string): Promise<void>;
  /**
   * Remove expired uploads with their bytes, and any stored chunk whose upload no longer exists. Runs
   * periodically in every gallery that runs jobs; admins and the system may call it. Returns how many uploads
   * were removed.
   */
  sweep(actor: Actor, now?: number): Promise<{ removed: number }>;
}

/** @internal */
export interface UploadServiceDeps {
  db: Kysely<DB>;
  /** The originals store: chunks are kept under `uploads/<id>/`. */
  storage: StorageAdapter;
  logger: Logger;
  /** The gallery's largest accepted file. */
  maxBytes: number;
  /** How long an upload lives after its last append (and a finished upload's record). @default 24 h */
  ttlMs?: number | undefined;
  /** Lease of an append, renewed while bytes flow; a crashed holder's lease ends after it. @default 60 s */
  leaseMs?: number | undefined;
  /** The multipart upload's ingest (`photos.upload`). */
  ingest(actor: Actor, input: UploadPhotoInput): Promise<UploadResult>;
}

const PRIVACY = [0, 1, 2, 4, 8];
const PREFIX = "uploads/";
const ID = /^[A-Za-z0-9_-]{1,64}$/;

type UploadRow = UploadsTable;

function toUpload(row: UploadRow): ResumableUpload {
  return {
    id: row.id,
    length: Number(row.byte_length),
    offset: Number(row.byte_offset),
    metadata: JSON.parse(row.metadata) as ResumableUploadMetadata,
    state: row.state,
    photoId: row.photo_id,
    duplicate: Number(row.duplicate) === 1,
    errorCode: (row.error_code as GalleryErrorCode | null) ?? null,
    expiresAt: Number(row.expires_at),
    createdAt: Number(row.created_at),
  };
}

function checkByteCount(value: number, path: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new GalleryError("VALIDATION_FAILED", { errors: [{ path, message: "a non-negative integer" }] });
  }
}

/** A chunk of the request body kept in a private temporary file while it arrives. */
interface SpooledChunk {
  path: string;
  size: number;
  /** The stream failed before its end (client gone): what arrived is still usable. */
  interrupted: boolean;
  digest: Buffer | null;
  dispose(): Promise<void>;
}

/**
 * Spool `body` to a temporary file, stopping with `FILE_TOO_LARGE` past `maxBytes`. A failing source (the client
 * went away) ends the chunk where it broke instead of failing: tus lets the client resume from there.
 */
async function spoolChunk(
  body: AsyncIterable<Uint8Array> | Uint8Array,
  maxBytes: number,
  algorithm: ChunkChecksum["algorithm"] | undefined,
  onProgress: () => void,
): Promise<SpooledChunk> {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-chunk-"));
  const path = join(dir, "chunk");
  const dispose = () => rm(dir, { recursive: true, force: true });
  const hash = algorithm ? createHash(algorithm) : null;
  let size = 0;
  let interrupted = false;
  const out = createWriteStream(path, { flags: "wx", mode: 0o600 });
  const closed = finished(out);
  // Swallow the rejection here; it is awaited below.
  closed.catch(() => {});
  try {
    const source = body instanceof Uint8Array ? [body] : body;
    try {
      for await (const piece of source) {
        const chunk = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        size += chunk.length;
        if (size > maxBytes) {
          throw new GalleryError("FILE_TOO_LARGE", {
            detail: "The chunk goes past the upload's declared length.",
          });
        }
        hash?.update(chunk);
        onProgress();
        if (!out.write(chunk)) await once(out, "drain");
      }
    } catch (error) {
      if (error instanceof GalleryError) throw error;
      interrupted = true;
    }
    out.end();
    await closed;
  } catch (error) {
    out.destroy();
    await dispose();
    if (error instanceof GalleryError) throw error;
    throw new GalleryError("STORAGE_ERROR", { detail: "The chunk could not be spooled.", cause: error });
  }
  return { path, size, interrupted, digest: hash ? hash.digest() : null, dispose };
}

/** @internal */
export function createUploadService(deps: UploadServiceDeps): UploadService {
  const { db, storage, logger } = deps;
  const ttlMs = deps.ttlMs ?? 24 * 3600 * 1000;
  const leaseMs = deps.leaseMs ?? 60_000;

  function ownerOf(actor: Actor): string {
    const userId = actorUserId(actor);
    if (!userId) {
      throw new GalleryError(actor.kind === "guest" ? "UNAUTHENTICATED" : "FORBIDDEN", {
        detail: "Resumable uploads need a signed-in user or an API token.",
      });
    }
    return userId;
  }

  /** The actor's own upload, or NOT_FOUND (another user's upload looks exactly like a missing one). */
  async function load(actor: Actor, id: string): Promise<UploadRow> {
    const owner = ownerOf(actor);
    if (!ID.test(id)) throw new GalleryError("NOT_FOUND", { detail: "No such upload." });
    const row = await db
      .selectFrom("uploads")
      .selectAll()
      .where("id", "=", id)
      .where("owner_id", "=", owner)
      .executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such upload." });
    return row;
  }

  function failureOf(row: UploadRow): GalleryError {
    const code = (row.error_code ?? "INTERNAL") as GalleryErrorCode;
    return new GalleryError(code, { data: { uploadId: row.id } });
  }

  async function deleteChunks(id: string): Promise<void> {
    const prefix = `${PREFIX}${id}/`;
    for (;;) {
      const page = await storage.list(prefix, { limit: 1000 });
      for (const key of page.keys) await storage.delete(key);
      if (!page.cursor || page.keys.length === 0) break;
    }
    await db.deleteFrom("upload_chunks").where("upload_id", "=", id).execute();
  }

  async function deleteChunksQuietly(id: string): Promise<void> {
    await deleteChunks(id).catch((error) =>
      logger.error({ uploadId: id, ...errorFields(error) }, "upload cleanup failed"),
    );
  }

  /** Take the lease of an upload at `offset`; on failure, say why with the right code. */
  async function claim(row: UploadRow, offset: number, lockId: string): Promise<void> {
    const now = Date.now();
    const result = await db
      .updateTable("uploads")
      .set({ lock_id: lockId, locked_until: now + leaseMs, updated_at: now, expires_at: now + ttlMs })
      .where("id", "=", row.id)
      .where("state", "=", "open")
      .where("byte_offset", "=", offset)
      .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return;
    const current = await db.selectFrom("uploads").selectAll().where("id", "=", row.id).executeTakeFirst();
    if (!current) throw new GalleryError("NOT_FOUND", { detail: "No such upload." });
    if (current.state === "failed") throw failureOf(current);
    if (Number(current.byte_offset) !== offset && current.state === "open") {
      throw new GalleryError("UPLOAD_OFFSET_MISMATCH", { data: { offset: Number(current.byte_offset) } });
    }
    throw new GalleryError("UPLOAD_BUSY");
  }

  async function release(id: string, lockId: string): Promise<void> {
    await db
      .updateTable("uploads")
      .set({ lock_id: null, locked_until: null })
      .where("id", "=", id)
      .where("lock_id", "=", lockId)
      .execute();
  }

  /** Run ingest over the stored chunks, in order; the upload's lease is held by `lockId`. */
  async function complete(actor: Actor, row: UploadRow, lockId: string): Promise<ResumableUpload> {
    const length = Number(row.byte_length);
    const chunks = await db
      .selectFrom("upload_chunks")
      .selectAll()
      .where("upload_id", "=", row.id)
      .orderBy("start")
      .execute();
    let expected = 0;
    for (const c of chunks) {
      if (Number(c.start) !== expected) break;
      expected += Number(c.size);
    }
    if (expected !== length) {
      // Never happens with a consistent database; refuse rather than ingest a file with a hole.
      throw new GalleryError("INTERNAL", { detail: "The upload's chunks do not cover its length." });
    }
    const metadata = JSON.parse(row.metadata) as ResumableUploadMetadata;
    const renew = setInterval(
      () => {
        void db
          .updateTable("uploads")
          .set({ locked_until: Date.now() + leaseMs })
          .where("id", "=", row.id)
          .where("lock_id", "=", lockId)
          .execute()
          .catch(() => {});
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    renew.unref?.();
    async function* bytes(): AsyncGenerator<Buffer> {
      for (const c of chunks) {
        const object = await storage.get(c.storage_key);
        if (!object) throw new GalleryError("STORAGE_ERROR", { detail: "A chunk of the upload is missing." });
        for await (const piece of object.body) yield piece as Buffer;
      }
    }
    let result: UploadResult;
    try {
      result = await deps.ingest(actor, {
        albumId: metadata.albumId,
        file: Readable.from(bytes()),
        filename: metadata.filename,
        title: metadata.title,
        description: metadata.description,
        privacyLevel: metadata.privacyLevel,
      });
    } catch (error) {
      clearInterval(renew);
      const gallery = isGalleryError(error) ? error : undefined;
      if (!gallery || gallery.retryable) {
        // A passing failure (storage, database): keep the bytes; the same final append may complete it later.
        await release(row.id, lockId);
        throw error;
      }
      const now = Date.now();
      await db
        .updateTable("uploads")
        .set({
          state: "failed",
          error_code: gallery.code,
          lock_id: null,
          locked_until: null,
          updated_at: now,
          expires_at: now + ttlMs,
        })
        .where("id", "=", row.id)
        .where("lock_id", "=", lockId)
        .execute();
      await deleteChunksQuietly(row.id);
      throw error;
    }
    clearInterval(renew);
    const now = Date.now();
    await db
      .updateTable("uploads")
      .set({
        state: "done",
        photo_id: result.photo.id,
        duplicate: result.duplicate ? 1 : 0,
        lock_id: null,
        locked_until: null,
        updated_at: now,
        expires_at: now + ttlMs,
      })
      .where("id", "=", row.id)
      .execute();
    await deleteChunksQuietly(row.id);
    return toUpload(await load(actor, row.id));
  }

  return {
    async create(actor, input) {
      const owner = ownerOf(actor);
      const maxBytes = Math.min(deps.maxBytes, input.maxBytes ?? Number.POSITIVE_INFINITY);
      checkByteCount(input.length, "length");
      if (input.length === 0) throw new GalleryError("EMPTY_FILE");
      if (input.length > maxBytes) throw new GalleryError("FILE_TOO_LARGE", { data: { maxBytes } });
      assertSafeFilename(input.filename);
      if (input.privacyLevel !== undefined && !PRIVACY.includes(input.privacyLevel)) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "privacyLevel", message: "0, 1, 2, 4 or 8" }],
        });
      }
      if (typeof input.albumId !== "string" || input.albumId === "") {
        throw new GalleryError("VALIDATION_FAILED", { errors: [{ path: "albumId", message: "required" }] });
      }
      const album = await db
        .selectFrom("albums")
        .select("id")
        .where("id", "=", input.albumId)
        .executeTakeFirst();
      if (!album) throw new GalleryError("NOT_FOUND", { detail: "No such album." });
      // Refuse at once what ingest would refuse at the end, before any byte is sent.
      await assertCanContribute(db, actor, input.albumId);
      const metadata: ResumableUploadMetadata = {
        filename: input.filename,
        albumId: input.albumId,
        ...(input.title === undefined ? {} : { title: input.title }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.privacyLevel === undefined ? {} : { privacyLevel: input.privacyLevel }),
      };
      const now = Date.now();
      const row: UploadRow = {
        id: newId(),
        owner_id: owner,
        actor_kind: actor.kind,
        byte_length: input.length,
        byte_offset: 0,
        metadata: JSON.stringify(metadata),
        state: "open",
        lock_id: null,
        locked_until: null,
        photo_id: null,
        duplicate: 0,
        error_code: null,
        expires_at: now + ttlMs,
        created_at: now,
        updated_at: now,
      };
      await db.insertInto("uploads").values(row).execute();
      return toUpload(row);
    },

    async get(actor, id) {
      return toUpload(await load(actor, id));
    },

    async append(actor, id, input) {
      checkByteCount(input.offset, "offset");
      if (input.contentLength !== undefined) checkByteCount(input.contentLength, "contentLength");
      const row = await load(actor, id);
      const length = Number(row.byte_length);
      const current = Number(row.byte_offset);
      const now = Date.now();
      // Whether the request carries bytes; a stream of unknown length counts as none for a finished upload.
      const empty =
        input.body instanceof Uint8Array ? input.body.length === 0 : (input.contentLength ?? 0) === 0;
      if (row.state === "failed") throw failureOf(row);
      if (row.state === "done") {
        // A repeated final append (the client missed the answer) finds the finished upload: no second photo.
        if (input.offset === length && empty) return toUpload(row);
        if (input.offset !== length)
          throw new GalleryError("UPLOAD_OFFSET_MISMATCH", { data: { offset: length } });
        throw new GalleryError("FILE_TOO_LARGE", { detail: "The upload is complete." });
      }
      if (Number(row.expires_at) < now) throw new GalleryError("UPLOAD_EXPIRED");
      if (row.state === "completing") {
        if (input.offset !== length)
          throw new GalleryError("UPLOAD_OFFSET_MISMATCH", { data: { offset: length } });
        if (!empty) throw new GalleryError("FILE_TOO_LARGE", { detail: "The upload is complete." });
        // Ingest holds the lease; when its holder died (lease over), this append completes the upload.
        const lockId = randomBytes(12).toString("base64url");
        const taken = await db
          .updateTable("uploads")
          .set({ lock_id: lockId, locked_until: now + leaseMs, updated_at: now })
          .where("id", "=", row.id)
          .where("state", "=", "completing")
          .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) !== 1) throw new GalleryError("UPLOAD_BUSY");
        return complete(actor, row, lockId);
      }
      if (input.offset !== current) {
        throw new GalleryError("UPLOAD_OFFSET_MISMATCH", { data: { offset: current } });
      }
      const remaining = length - current;
      if (input.contentLength !== undefined && input.contentLength > remaining) {
        throw new GalleryError("FILE_TOO_LARGE", {
          detail: "The chunk goes past the upload's declared length.",
          data: { remaining },
        });
      }
      const lockId = randomBytes(12).toString("base64url");
      await claim(row, current, lockId);
      let lastRenew = Date.now();
      const renew = () => {
        const at = Date.now();
        if (at - lastRenew < leaseMs / 3) return;
        lastRenew = at;
        void db
          .updateTable("uploads")
          .set({ locked_until: at + leaseMs })
          .where("id", "=", row.id)
          .where("lock_id", "=", lockId)
          .execute()
          .catch(() => {});
      };
      let spooled: SpooledChunk;
      try {
        spooled = await spoolChunk(input.body, remaining, input.checksum?.algorithm, renew);
      } catch (error) {
        await release(row.id, lockId);
        throw error;
      }
      let key: string | undefined;
      try {
        if (input.checksum && spooled.digest) {
          const expected = Buffer.from(input.checksum.digest);
          if (spooled.interrupted || !spooled.digest.equals(expected)) {
            throw new GalleryError("CHECKSUM_MISMATCH");
          }
        }
        if (spooled.size === 0) {
          await release(row.id, lockId);
          return toUpload(row);
        }
        key = `${PREFIX}${row.id}/${String(current).padStart(15, "0")}-${randomBytes(6).toString("hex")}`;
        await storage.put(key, createReadStream(spooled.path), { contentType: "application/octet-stream" });
        const offset = current + spooled.size;
        const finished = offset === length;
        const committed = await db.transaction().execute(async (trx) => {
          const at = Date.now();
          const update = await trx
            .updateTable("uploads")
            .set({
              byte_offset: offset,
              updated_at: at,
              expires_at: at + ttlMs,
              ...(finished
                ? { state: "completing" as const, locked_until: at + leaseMs }
                : { lock_id: null, locked_until: null }),
            })
            .where("id", "=", row.id)
            .where("lock_id", "=", lockId)
            .where("byte_offset", "=", current)
            .executeTakeFirst();
          if (Number(update.numUpdatedRows) !== 1) return false;
          await trx
            .insertInto("upload_chunks")
            .values({ upload_id: row.id, start: current, size: spooled.size, storage_key: key as string })
            .execute();
          return true;
        });
        if (!committed) {
          // The lease was lost (a crashed-looking stall) or the upload was cancelled meanwhile.
          await storage.delete(key).catch(() => {});
          const still = await db
            .selectFrom("uploads")
            .select("id")
            .where("id", "=", row.id)
            .executeTakeFirst();
          throw new GalleryError(still ? "UPLOAD_BUSY" : "NOT_FOUND");
        }
        const updated: UploadRow = { ...row, byte_offset: offset, state: finished ? "completing" : "open" };
        // Every byte came: finish (even when the client is gone and nobody waits for the answer).
        if (finished) return await complete(actor, updated, lockId);
        if (spooled.interrupted) {
          throw new GalleryError("BAD_REQUEST", {
            detail: "The request body ended early; the bytes received were kept.",
            data: { offset },
          });
        }
        return toUpload(updated);
      } catch (error) {
        // Free the lease whatever failed (a storage or database error included), so the client's retry is not
        // refused as UPLOAD_BUSY until the lease runs out. A lease already handed on (the chunk committed, or
        // ingest finished or released it) is not ours any more: `release` matches `lock_id` and does nothing.
        await release(row.id, lockId).catch(() => {});
        throw error;
      } finally {
        await spooled.dispose();
      }
    },

    async cancel(actor, id) {
      const row = await load(actor, id);
      if (row.state === "completing" && Number(row.locked_until ?? 0) >= Date.now()) {
        throw new GalleryError("UPLOAD_BUSY");
      }
      // The row goes first, so an append still running cannot commit its chunk; then the bytes.
      await db.deleteFrom("uploads").where("id", "=", row.id).execute();
      await deleteChunks(row.id);
    },

    async sweep(actor, now = Date.now()) {
      if (actor.kind !== "system") assertAdmin(actor);
      let removed = 0;
      for (;;) {
        const expired = await db
          .selectFrom("uploads")
          .select(["id", "state", "locked_until"])
          .where("expires_at", "<", now)
          .limit(200)
          .execute();
        const gone = expired.filter(
          (r) => !(r.state === "completing" && Number(r.locked_until ?? 0) >= Date.now()),
        );
        if (gone.length === 0) break;
        const ids = gone.map((r) => r.id);
        await db.deleteFrom("uploads").where("id", "in", ids).execute();
        for (const id of ids) await deleteChunks(id);
        removed += ids.length;
        if (expired.length < 200) break;
      }
      // Stored chunks whose upload is gone (a cancel or sweep interrupted half-way, a process that died).
      let cursor: string | undefined;
      const orphans = new Set<string>();
      do {
        const page = await storage.list(PREFIX, { cursor, limit: 1000 });
        const ids = [...new Set(page.keys.map((k) => k.split("/")[1] ?? ""))].filter((s) => s !== "");
        if (ids.length > 0) {
          const known = new Set(
            (await db.selectFrom("uploads").select("id").where("id", "in", ids).execute()).map((r) => r.id),
          );
          for (const id of ids) if (!known.has(id)) orphans.add(id);
        }
        cursor = page.cursor;
      } while (cursor);
      for (const id of orphans) await deleteChunks(id);
      return { removed };
    },
  };
}
