import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
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
  /** Called once the files are listed, before the first upload. */
  onStart?: (info: { total: number; album: Album; albumCreated: boolean }) => void;
  /** Called after each file, whatever its outcome. */
  onFile?: (result: ImportFileResult, progress: { done: number; total: number }) => void;
  /** Stop after the current file when aborted; the summary then has `aborted: true`. */
  signal?: AbortSignal;
}

/** What happened to one file. */
export type ImportFileResult =
  | { path: string; status: "imported" | "duplicate"; photoId: string }
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
  /** Files found (dotfiles excluded). */
  total: number;
  /** New photos. */
  imported: number;
  /** Files whose content was already in the gallery (linked into the album, not stored twice). */
  duplicates: number;
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

async function findRootAlbum(gallery: Gallery, name: string): Promise<Album | undefined> {
  let cursor: string | undefined;
  do {
    const page = await gallery.albums.list(SYSTEM, {
      parentId: null,
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
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

/**
 * Import every file under a directory into one album, as the system actor, streaming each file from disk.
 * A bad file (not an image, corrupt, unreadable) is recorded in `failures` and the import goes on. Derivatives
 * are queued as jobs: run `gallery.jobs.runUntilIdle()` afterwards unless a worker is running.
 *
 * @example
 * const summary = await importDirectory(gallery, "./holidays", { album: "Holidays 2026" });
 * console.log(`${summary.imported} new, ${summary.duplicates} duplicates, ${summary.failed} failed`);
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

  const files = await listImportFiles(root);
  const existing = await findRootAlbum(gallery, name);
  const album = existing ?? (await gallery.albums.create(SYSTEM, { name }));
  const summary: ImportSummary = {
    albumId: album.id,
    albumCreated: !existing,
    total: files.length,
    imported: 0,
    duplicates: 0,
    failed: 0,
    failures: [],
    aborted: false,
  };
  options.onStart?.({ total: files.length, album, albumCreated: !existing });

  let done = 0;
  for (const file of files) {
    if (options.signal?.aborted) {
      summary.aborted = true;
      break;
    }
    const path = relative(root, file);
    let result: ImportFileResult;
    try {
      const { photo, duplicate } = await gallery.photos.upload(SYSTEM, {
        albumId: album.id,
        file: createReadStream(file),
        filename: basename(file),
      });
      result = { path, status: duplicate ? "duplicate" : "imported", photoId: photo.id };
      if (duplicate) summary.duplicates++;
      else summary.imported++;
    } catch (error) {
      const { code, message } = describeError(error);
      result = { path, status: "failed", code, message };
      summary.failed++;
      summary.failures.push({ path, code, message });
    }
    done++;
    options.onFile?.(result, { done, total: files.length });
  }
  return summary;
}
