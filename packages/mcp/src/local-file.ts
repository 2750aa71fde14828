import { constants, type ReadStream } from "node:fs";
import { open, realpath } from "node:fs/promises";
import { basename, isAbsolute, resolve, sep } from "node:path";
import { GalleryError } from "@vernissage/core";

/** A local file opened for upload, inside the allowed folder. */
export interface LocalFile {
  stream: ReadStream;
  filename: string;
  size: number;
}

/**
 * Open `path` (relative to `root`, or absolute) for reading when it is a regular file inside `root` once every
 * symbolic link is resolved. Refuses with `FORBIDDEN` when local paths are off (`root` undefined) or the file
 * is outside the folder (`..`, absolute paths elsewhere, links pointing out), `NOT_FOUND` when it does not
 * exist, `VALIDATION_FAILED` when it is not a regular file, `FILE_TOO_LARGE` past `maxBytes`.
 */
export async function openLocalFile(
  root: string | undefined,
  path: string,
  maxBytes: number,
): Promise<LocalFile> {
  if (root === undefined)
    throw new GalleryError("FORBIDDEN", {
      detail: "Local file paths are off: start the server with --files-root <folder> to allow them.",
    });
  if (path.length === 0 || path.includes("\0"))
    throw new GalleryError("VALIDATION_FAILED", { errors: [{ path: "path", message: "a file path" }] });
  const rootReal = await realpath(root);
  const inside = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  const outside = () => new GalleryError("FORBIDDEN", { detail: "The file is outside the allowed folder." });
  // A path outside the folder as written is refused before the file system is asked, so whether a file
  // exists outside the folder is never told (FORBIDDEN either way).
  const requested = isAbsolute(path) ? resolve(path) : resolve(rootReal, path);
  if (!inside(requested, rootReal) && !inside(requested, resolve(root))) throw outside();
  let real: string;
  try {
    real = await realpath(requested);
  } catch {
    throw new GalleryError("NOT_FOUND", { detail: "No such file in the allowed folder." });
  }
  // Symbolic links are followed: where the file really is must be inside the folder too.
  if (!inside(real, rootReal)) throw outside();
  // O_NOFOLLOW: the resolved path must not have become a link since it was resolved.
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => {
    throw new GalleryError("NOT_FOUND", { detail: "No such file in the allowed folder." });
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile())
      throw new GalleryError("VALIDATION_FAILED", {
        errors: [{ path: "path", message: "not a regular file" }],
      });
    if (stat.size > maxBytes) throw new GalleryError("FILE_TOO_LARGE", { data: { maxBytes } });
    return {
      stream: handle.createReadStream({ autoClose: true }),
      filename: basename(real),
      size: stat.size,
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
