import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { type Album, type Gallery, isGalleryError, SYSTEM } from "@vernissage/core";
import { CliError } from "./errors.js";

/** Options of {@link importDirectory}. */
export interface ImportDirectoryOptions {
  /**
   * Name of the root album the photos go into. An existing root album with exactly this name is reused (so
   * running an import again adds only what is new); otherwise it is created.
   * @default the directory's base name
   */
  album?: string;
  /**
   * Mirror the folder tree: each sub-folder becomes a sub-album (found by name, or created) and its files go
   * there. Otherwise every file goes into the root album.
   * @default false
   */
  albumPerFolder?: boolean;
  /** Files hashed and looked up together (one database query per batch). @default 200 */
  batchSize?: number;
  /** Called once the files are listed, before the first upload. */
  onStart?: (info: { total: number; album: Album; albumCreated: boolean }) => void;
  /** Called after each file, whatever its outcome. */
  onFile?: (result: ImportFileResult, progress: { done: number; total: number }) => void;
  /** Stop after the current file when aborted; the summary then has `aborted: true`. */
  signal?: AbortSignal;
}

/**
 * What happened to one file: `imported` (new photo), `duplicate` (content already in the gallery, linked into
 * this album), `skipped` (already in this album: nothing to do; what makes a re-run or a resumed run cheap),
 * or `failed`.
 */
export type ImportFileResult =
  | { path: string; status: "imported" | "duplicate" | "skipped"; photoId: string }
  | { path: string; status: "failed"; code: string; message: string };

/** A failed file in {@link ImportSummary}. */
export interface ImportFailure {
  /** Path relative to the imported directory. */
  path: string;
  /** Stable error code: a Vernissage code (`UNSUPPORTED_MEDIA_TYPE`, `CORRUPT_IMAGE`…) or a system one (`EACCES`). */
  code: string;
  message: string;
}

/** Result of {@link importDirectory}. */
export interface ImportSummary {
  /** The album the photos were put in. */
  albumId: string;
  /** True when the album was created by this import. */
  albumCreated: boolean;
  /** Albums created for sub-folders (with `albumPerFolder`). */
  albumsCreated: number;
  /** Files found (dotfiles excluded). */
  total: number;
  /** New photos. */
  imported: number;
  /** Files whose content was already in the gallery (linked into the album, not stored twice). */
  duplicates: number;
  /** Files already in their album (an earlier or interrupted run imported them). */
  skipped: number;
  /** Files that could not be imported. */
  failed: number;
  failures: ImportFailure[];
  /** True when the signal stopped the import early. */
  aborted: boolean;
}

/**
 * Every regular file under `dir`, recursively, as absolute paths in a stable (sorted) order. Names starting
 * with a dot (files and folders) are skipped, and symbolic links are not followed.
 */
export async function listImportFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  await walk(dir);
  return out;
}

async function findChildAlbum(
  gallery: Gallery,
  parentId: string | null,
  name: string,
): Promise<Album | undefined> {
  let cursor: string | undefined;
  do {
    const page = await gallery.albums.list(SYSTEM, { parentId, limit: 200, ...(cursor ? { cursor } : {}) });
    const found = page.items.find((album) => album.name === name);
    if (found) return found;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return undefined;
}

function describeError(error: unknown): { code: string; message: string } {
  if (isGalleryError(error)) return { code: error.code, message: error.detail };
  const code = (error as { code?: unknown } | null)?.code;
  return {
    code: typeof code === "string" && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : "INTERNAL",
    message: error instanceof Error ? error.message : String(error),
  };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}

/**
 * Import every file under a directory, as the system actor, streaming each file from disk. Files are hashed
 * in batches and looked up with one query per batch, so a file already in its album is skipped without being
 * decoded: re-running an import, or resuming one that was killed, only does the remaining work, and the cost
 * per file does not grow with the library. A bad file (not an image, corrupt, unreadable) is recorded in
 * `failures` and the import goes on. Derivatives are queued as jobs: run `gallery.jobs.runUntilIdle()`
 * afterwards unless a worker is running.
 *
 * @example
 * const summary = await importDirectory(gallery, "./holidays", { album: "Holidays 2026", albumPerFolder: true });
 * console.log(`${summary.imported} new, ${summary.skipped} already there, ${summary.failed} failed`);
 */
export async function importDirectory(
  gallery: Gallery,
  dir: string,
  options: ImportDirectoryOptions = {},
): Promise<ImportSummary> {
  const root = resolve(dir);
  const info = await stat(root).catch((error: unknown) => {
    throw new CliError(`Cannot read ${dir}: ${describeError(error).code}`, { cause: error });
  });
  if (!info.isDirectory()) throw new CliError(`${dir} is not a directory.`);
  const name = (options.album ?? basename(root)).trim();
  if (name === "") throw new CliError("The album name is empty.");
  const batchSize = Math.max(1, options.batchSize ?? 200);

  const files = await listImportFiles(root);
  const existing = await findChildAlbum(gallery, null, name);
  const album = existing ?? (await gallery.albums.create(SYSTEM, { name }));
  const summary: ImportSummary = {
    albumId: album.id,
    albumCreated: !existing,
    albumsCreated: 0,
    total: files.length,
    imported: 0,
    duplicates: 0,
    skipped: 0,
    failed: 0,
    failures: [],
    aborted: false,
  };
  options.onStart?.({ total: files.length, album, albumCreated: !existing });

  // Folder (relative, "" for the root) → album id.
  const folderAlbums = new Map<string, string>([["", album.id]]);
  const albumFor = async (folder: string): Promise<string> => {
    if (!options.albumPerFolder) return album.id;
    const known = folderAlbums.get(folder);
    if (known) return known;
    const parentId = await albumFor(folder.includes(sep) ? dirname(folder) : "");
    const folderName = basename(folder);
    const found = await findChildAlbum(gallery, parentId, folderName);
    const created = found ?? (await gallery.albums.create(SYSTEM, { name: folderName, parentId }));
    if (!found) summary.albumsCreated++;
    folderAlbums.set(folder, created.id);
    return created.id;
  };
  // Which photos each album already holds, loaded once per album (keeps every lookup O(1)).
  const albumMembers = new Map<string, Set<string>>();
  const membersOf = async (albumId: string, photoIds: readonly string[]): Promise<Set<string>> => {
    let set = albumMembers.get(albumId);
    if (!set) {
      set = new Set<string>();
      albumMembers.set(albumId, set);
    }
    const unknown = photoIds.filter((id) => !set.has(id));
    if (unknown.length > 0) {
      const rows = await gallery.db
        .selectFrom("album_photos")
        .select("photo_id")
        .where("album_id", "=", albumId)
        .where("photo_id", "in", unknown)
        .execute();
      for (const r of rows) set.add(r.photo_id);
    }
    return set;
  };

  let done = 0;
  const report = (result: ImportFileResult) => {
    done++;
    options.onFile?.(result, { done, total: files.length });
  };
  const fail = (path: string, error: unknown) => {
    const { code, message } = describeError(error);
    summary.failed++;
    summary.failures.push({ path, code, message });
    report({ path, status: "failed", code, message });
  };

  outer: for (let start = 0; start < files.length; start += batchSize) {
    const batch = files.slice(start, start + batchSize);
    // Hash the batch, then one lookup for all of it.
    const hashes = new Map<string, string>();
    const hashErrors = new Map<string, unknown>();
    for (const file of batch) {
      try {
        hashes.set(file, await sha256File(file));
      } catch (error) {
        hashErrors.set(file, error);
      }
    }
    const known = await gallery.photos.findByHashes(SYSTEM, [...hashes.values()]);
    const byAlbum = new Map<string, string[]>();
    for (const file of batch) {
      const folder = relative(root, dirname(file));
      const target = await albumFor(folder);
      const photoId = known.get(hashes.get(file) ?? "");
      if (photoId) byAlbum.set(target, [...(byAlbum.get(target) ?? []), photoId]);
    }
    for (const [albumId, ids] of byAlbum) await membersOf(albumId, ids);

    for (const file of batch) {
      if (options.signal?.aborted) {
        summary.aborted = true;
        break outer;
      }
      const path = relative(root, file);
      const hashError = hashErrors.get(file);
      if (hashError !== undefined) {
        fail(path, hashError);
        continue;
      }
      const albumId = await albumFor(relative(root, dirname(file)));
      const members = albumMembers.get(albumId) ?? new Set<string>();
      albumMembers.set(albumId, members);
      const photoId = known.get(hashes.get(file) ?? "");
      try {
        if (photoId && members.has(photoId)) {
          summary.skipped++;
          report({ path, status: "skipped", photoId });
          continue;
        }
        if (photoId) {
          await gallery.photos.addToAlbum(SYSTEM, { albumId, photoIds: [photoId] });
          members.add(photoId);
          summary.duplicates++;
          report({ path, status: "duplicate", photoId });
          continue;
        }
        const result = await gallery.photos.upload(SYSTEM, {
          albumId,
          file: createReadStream(file),
          filename: basename(file),
        });
        members.add(result.photo.id);
        // Same content twice in one batch: the second copy is linked by the upload itself.
        if (result.duplicate) summary.duplicates++;
        else summary.imported++;
        report({ path, status: result.duplicate ? "duplicate" : "imported", photoId: result.photo.id });
      } catch (error) {
        fail(path, error);
      }
    }
  }
  return summary;
}
