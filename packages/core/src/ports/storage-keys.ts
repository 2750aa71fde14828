import { GalleryError } from "../errors.js";

const MAX_KEY_LENGTH = 1024;
// Printable ASCII letters, digits and a small punctuation set; no backslash, no spaces, no control characters.
const SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Throws `INVALID_STORAGE_KEY` unless `key` is a safe relative key: segments separated by `/`, each made of
 * `A–Z a–z 0–9 . _ -`, no empty segment, no `.` or `..` segment, no leading slash, at most 1024 characters.
 */
export function assertValidStorageKey(key: string): void {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new GalleryError("INVALID_STORAGE_KEY", { detail: "Storage key is empty or too long." });
  }
  for (const segment of key.split("/")) {
    if (segment === "" || segment === "." || segment === ".." || !SEGMENT.test(segment)) {
      throw new GalleryError("INVALID_STORAGE_KEY", { detail: "Storage key has an unsafe segment." });
    }
  }
}

/** Like {@link assertValidStorageKey} for a list prefix: may be empty and may end with `/`. */
export function assertValidStoragePrefix(prefix: string): void {
  if (prefix === "") return;
  assertValidStorageKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
}
