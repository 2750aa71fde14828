import type { Readable } from "node:stream";

/** Metadata of a stored object. */
export interface StorageHead {
  /** Size in bytes. */
  size: number;
  /** Content type recorded at `put`, when the store keeps it. */
  contentType?: string | undefined;
  /** Last modification time. */
  lastModified?: Date | undefined;
}

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  /** First byte (0-based). */
  start: number;
  /** Last byte, inclusive. Omitted means to the end. */
  end?: number | undefined;
}

/**
 * A stored object opened for reading. `size` is the size of the whole object, also when a range was read, so
 * a caller can answer `Content-Range: bytes start-end/size`.
 */
export interface StorageObject extends StorageHead {
  /** The bytes (the requested range only, when a range was given). */
  body: Readable;
}

/** Options for {@link StorageAdapter.put}. */
export interface PutOptions {
  /** Content type to record with the object. */
  contentType?: string | undefined;
}

/** One page of {@link StorageAdapter.list}. */
export interface StorageListPage {
  /** Keys in lexicographic order. */
  keys: string[];
  /** Pass back to get the next page; absent on the last page. */
  cursor?: string | undefined;
}

/**
 * The storage port: where originals and derivatives live. Implemented by `@vernissage/storage-fs`,
 * `@vernissage/storage-s3` and anyone else. Core validates every key before it reaches an adapter (see
 * {@link assertValidStorageKey}); adapters may assume keys are safe relative paths with `/` separators.
 *
 * Contract:
 * - `put` is atomic: a reader sees the old object or the complete new one, never a partial write; a failed or
 *   aborted `put` leaves no object behind.
 * - `get` and `head` resolve `null` for a missing key; `delete` of a missing key is not an error.
 * - `get` with a range returns exactly the bytes `start..end` (clamped to the object's end); a start beyond
 *   the end rejects with `GalleryError("RANGE_NOT_SATISFIABLE")`.
 */
export interface StorageAdapter {
  /** Short name used in logs and errors, e.g. `fs` or `s3`. */
  readonly name: string;
  /** Store `body` under `key`, replacing any previous object atomically. */
  put(key: string, body: Readable | Uint8Array, options?: PutOptions): Promise<StorageHead>;
  /** Open `key` for reading, or `null` when missing. */
  get(key: string, options?: { range?: ByteRange | undefined }): Promise<StorageObject | null>;
  /** Metadata of `key`, or `null` when missing. */
  head(key: string): Promise<StorageHead | null>;
  /** Remove `key`; missing keys are ignored. */
  delete(key: string): Promise<void>;
  /** List keys under `prefix` (a key prefix, not necessarily a folder), page by page. */
  list(
    prefix: string,
    options?: { cursor?: string | undefined; limit?: number | undefined },
  ): Promise<StorageListPage>;
  /** Optional: a short-lived URL that lets a client GET the object directly. */
  signedUrl?(
    key: string,
    options: { expiresInSeconds: number; contentType?: string | undefined },
  ): Promise<string>;
  /** Optional: release resources. */
  close?(): Promise<void>;
}
