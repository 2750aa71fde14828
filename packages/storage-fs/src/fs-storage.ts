import { randomUUID } from "node:crypto";
import type { Dirent } from "node:fs";
import {
  type FileHandle,
  lstat,
  mkdir,
  open,
  readdir,
  realpath,
  rename,
  rmdir,
  stat,
  unlink,
} from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import {
  GalleryError,
  type StorageAdapter,
  type StorageHead,
  type StorageListPage,
  type StorageObject,
} from "@vernissage/core";

/** Options for {@link fsStorage}. */
export interface FsStorageOptions {
  /**
   * Directory that holds the objects. Created (with its parents) on first use; a relative path is resolved
   * against the working directory when `fsStorage` is called. Keys map to paths below it (`a/b.jpg` →
   * `<root>/a/b.jpg`).
   * @example "/var/lib/vernissage/originals"
   */
  root: string;
}

/** Folder inside the root that holds in-progress writes; never listed, and not usable as a key. */
const TEMP_DIR = ".tmp";
/** Page size of `list` when no limit is given, and the largest one allowed (as S3). */
const MAX_LIST_LIMIT = 1000;
/** Same alphabet as core's key rules: names outside it are not keys, so `list` does not report them. */
const KEY_SEGMENT = /^[A-Za-z0-9._-]+$/;

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Errors that mean "no object at this path". */
function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === "ENOENT" || code === "ENOTDIR" || code === "ENAMETOOLONG";
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function outsideRoot(key: string): GalleryError {
  return new GalleryError("INVALID_STORAGE_KEY", {
    detail: "Storage key resolves outside the storage root (symbolic link).",
    data: { key },
  });
}

function assertNotReserved(key: string): void {
  if (key === TEMP_DIR || key.startsWith(`${TEMP_DIR}/`)) {
    throw new GalleryError("INVALID_STORAGE_KEY", {
      detail: `Keys under "${TEMP_DIR}/" are reserved by the filesystem storage.`,
      data: { key },
    });
  }
}

function listLimit(limit: number | undefined): number {
  if (limit === undefined) return MAX_LIST_LIMIT;
  if (!Number.isFinite(limit)) return MAX_LIST_LIMIT;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(limit)));
}

async function writeFully(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Makes a rename durable; best effort, as some platforms cannot open a folder. */
async function syncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
    await handle.sync();
  } catch {
    // Durability of the folder entry is an extra; the object itself was fsynced before the rename.
  } finally {
    await handle?.close().catch(() => {});
  }
}

interface WalkEntry {
  name: string;
  key: string;
  /** A folder sorts as `name/`: that makes a depth-first walk yield keys in plain lexicographic order. */
  sortKey: string;
  folder: boolean;
}

/**
 * Stores objects as files below a root directory: the embedded default.
 *
 * - `put` is atomic: bytes go to a temporary file in `<root>/.tmp` (same filesystem), which is fsynced and
 *   then renamed over the target; a failed `put` removes its temporary file and leaves the previous object.
 * - `get` reads byte ranges straight from the file; `list` walks the tree in lexicographic key order and
 *   pages with the last returned key as cursor.
 * - Content types are not kept: `head` and `get` report `size` and `lastModified` only. Serve files with a
 *   type derived from the key's extension or from your database.
 * - Symbolic links that resolve outside the root are refused (`INVALID_STORAGE_KEY`); `list` reports
 *   symbolic links to files inside the root and does not descend into linked folders.
 * - A key cannot be both an object and a folder (`a` and `a/b`): such a `put` fails with `CONFLICT`.
 *
 * @example
 * import { fsStorage } from "@vernissage/storage-fs";
 * const storage = fsStorage({ root: "./data/originals" });
 * await storage.put("2024/06/beach.jpg", fileStream, { contentType: "image/jpeg" });
 */
export function fsStorage(options: FsStorageOptions): StorageAdapter {
  if (typeof options?.root !== "string" || options.root === "") {
    throw new GalleryError("INVALID_CONFIGURATION", { detail: "fsStorage needs a root directory." });
  }
  const root = resolve(options.root);
  let realRoot: Promise<string> | undefined;

  /** The root's real path, creating the root and its temporary folder on first use. */
  function ready(): Promise<string> {
    if (!realRoot) {
      realRoot = (async () => {
        await mkdir(root, { recursive: true });
        const real = await realpath(root);
        await mkdir(join(real, TEMP_DIR), { recursive: true });
        return real;
      })();
      // A failure (permissions, a missing mount) is retried on the next call instead of being cached.
      realRoot.catch(() => {
        realRoot = undefined;
      });
    }
    return realRoot;
  }

  const pathOf = (real: string, key: string) => join(real, ...key.split("/"));

  /** The real path of an existing object, or null; refuses links that leave the root. */
  async function resolveObject(key: string): Promise<{ real: string; path: string } | null> {
    assertNotReserved(key);
    const real = await ready();
    let path: string;
    try {
      path = await realpath(pathOf(real, key));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    if (!isInside(real, path)) throw outsideRoot(key);
    return { real, path };
  }

  async function openTemp(real: string): Promise<{ handle: FileHandle; path: string }> {
    const path = join(real, TEMP_DIR, `${randomUUID()}.part`);
    try {
      return { handle: await open(path, "wx"), path };
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw error;
      // Someone removed the temporary folder (or the whole root) since start-up.
      realRoot = undefined;
      const again = await ready();
      const retry = join(again, TEMP_DIR, `${randomUUID()}.part`);
      return { handle: await open(retry, "wx"), path: retry };
    }
  }

  /** Creates `folder` (below the root) without ever creating anything through a link that leaves the root. */
  async function ensureFolder(real: string, folder: string, key: string): Promise<void> {
    let existing = folder;
    for (;;) {
      try {
        const resolved = await realpath(existing);
        if (!isInside(real, resolved)) throw outsideRoot(key);
        break;
      } catch (error) {
        if (errorCode(error) !== "ENOENT" || dirname(existing) === existing) throw error;
        existing = dirname(existing);
      }
    }
    await mkdir(folder, { recursive: true });
    if (!isInside(real, await realpath(folder))) throw outsideRoot(key);
  }

  async function moveIntoPlace(real: string, temp: string, key: string): Promise<void> {
    const target = pathOf(real, key);
    const folder = dirname(target);
    for (let attempt = 0; ; attempt++) {
      try {
        await ensureFolder(real, folder, key);
        await rename(temp, target);
        break;
      } catch (error) {
        const code = errorCode(error);
        // A concurrent delete may prune the freshly created folder between mkdir and rename.
        if (code === "ENOENT" && attempt < 3) continue;
        if (code === "ENOTDIR" || code === "EISDIR" || code === "EEXIST" || code === "ENOTEMPTY") {
          throw new GalleryError("CONFLICT", {
            detail: "The key collides with an existing folder or object on the filesystem (a and a/b).",
            data: { key },
            cause: error,
          });
        }
        if (code === "ENAMETOOLONG") {
          throw new GalleryError("INVALID_STORAGE_KEY", {
            detail: "A key segment is too long for this filesystem.",
            data: { key },
            cause: error,
          });
        }
        throw error;
      }
    }
    await syncDirectory(folder);
  }

  /** Removes folders left empty by a delete, up to (not including) the root. */
  async function pruneEmptyFolders(real: string, folder: string): Promise<void> {
    let current = folder;
    while (current !== real && isInside(real, current)) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty, already gone, or busy: all fine
      }
      current = dirname(current);
    }
  }

  async function* walk(
    real: string,
    folder: string,
    base: string,
    prefix: string,
    after: string | undefined,
  ): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    const items: WalkEntry[] = [];
    for (const entry of entries) {
      if (base === "" && entry.name === TEMP_DIR) continue;
      if (!KEY_SEGMENT.test(entry.name) || entry.name === "." || entry.name === "..") continue;
      const key = base + entry.name;
      let isFolder: boolean;
      if (entry.isFile()) isFolder = false;
      else if (entry.isDirectory()) isFolder = true;
      else if (entry.isSymbolicLink()) {
        // Links to files inside the root are listed (get follows them); linked folders are not walked.
        try {
          const target = await realpath(join(folder, entry.name));
          if (!isInside(real, target) || !(await stat(target)).isFile()) continue;
        } catch {
          continue;
        }
        isFolder = false;
      } else continue;
      items.push({ name: entry.name, key, sortKey: isFolder ? `${key}/` : key, folder: isFolder });
    }
    items.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));

    for (const item of items) {
      if (!item.folder) {
        if (item.key.startsWith(prefix) && (after === undefined || item.key > after)) yield item.key;
        continue;
      }
      const sub = item.sortKey;
      // Skip folders that cannot hold a key under the prefix, or whose keys all sort before the cursor.
      if (!sub.startsWith(prefix) && !prefix.startsWith(sub)) continue;
      if (after !== undefined && after > sub && !after.startsWith(sub)) continue;
      yield* walk(real, join(folder, item.name), sub, prefix, after);
    }
  }

  return {
    name: "fs",

    async put(key, body): Promise<StorageHead> {
      assertNotReserved(key);
      let temp: { handle: FileHandle; path: string } | undefined;
      let handleOpen = false;
      try {
        const real = await ready();
        temp = await openTemp(real);
        handleOpen = true;
        if (body instanceof Uint8Array) {
          await writeFully(temp.handle, body);
        } else {
          for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
            await writeFully(temp.handle, typeof chunk === "string" ? Buffer.from(chunk) : chunk);
          }
        }
        await temp.handle.sync();
        const stats = await temp.handle.stat();
        handleOpen = false;
        await temp.handle.close();
        await moveIntoPlace(real, temp.path, key);
        return { size: stats.size, lastModified: stats.mtime };
      } catch (error) {
        if (temp) {
          if (handleOpen) await temp.handle.close().catch(() => {});
          await unlink(temp.path).catch(() => {});
        }
        // Release the caller's stream when we stopped before reading it to the end.
        if (!(body instanceof Uint8Array)) (body as Readable).destroy();
        throw error;
      }
    },

    async get(key, getOptions): Promise<StorageObject | null> {
      const found = await resolveObject(key);
      if (!found) return null;
      let handle: FileHandle;
      try {
        handle = await open(found.path, "r");
      } catch (error) {
        if (isMissing(error) || errorCode(error) === "EISDIR") return null;
        throw error;
      }
      try {
        // Size and bytes come from the same open file, so a concurrent rename cannot mix two versions.
        const stats = await handle.stat();
        if (!stats.isFile()) {
          await handle.close();
          return null;
        }
        const range = getOptions?.range;
        if (range && range.start >= stats.size) {
          throw new GalleryError("RANGE_NOT_SATISFIABLE", { data: { key, size: stats.size } });
        }
        const body = range
          ? handle.createReadStream({
              start: range.start,
              end: Math.min(range.end ?? stats.size - 1, stats.size - 1),
            })
          : handle.createReadStream();
        return { body, size: stats.size, lastModified: stats.mtime };
      } catch (error) {
        await handle.close().catch(() => {});
        throw error;
      }
    },

    async head(key): Promise<StorageHead | null> {
      const found = await resolveObject(key);
      if (!found) return null;
      try {
        const stats = await stat(found.path);
        return stats.isFile() ? { size: stats.size, lastModified: stats.mtime } : null;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async delete(key): Promise<void> {
      assertNotReserved(key);
      const real = await ready();
      const target = pathOf(real, key);
      let folder: string;
      try {
        folder = await realpath(dirname(target));
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      if (!isInside(real, folder)) throw outsideRoot(key);
      // Unlinking the entry itself (not its real path) removes a link, never the file it points to.
      const path = join(folder, basename(target));
      try {
        await unlink(path);
      } catch (error) {
        if (isMissing(error)) return;
        const code = errorCode(error);
        // Linux says EISDIR and macOS EPERM for a folder: a folder is not an object, so there is nothing to do.
        if ((code === "EISDIR" || code === "EPERM") && (await lstat(path).catch(() => null))?.isDirectory())
          return;
        throw error;
      }
      // Prune only along a path without links, so a linked folder is never removed behind its link.
      if (folder === dirname(target)) await pruneEmptyFolders(real, folder);
    },

    async list(prefix, listOptions): Promise<StorageListPage> {
      const real = await ready();
      const limit = listLimit(listOptions?.limit);
      const keys: string[] = [];
      for await (const key of walk(real, real, "", prefix, listOptions?.cursor)) {
        // One key past the page tells whether there is a next page.
        if (keys.length === limit) return { keys, cursor: keys[keys.length - 1] };
        keys.push(key);
      }
      return { keys };
    },
  };
}
