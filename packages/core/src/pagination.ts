import { GalleryError } from "./errors.js";

/** Default and maximum page sizes. */
export const PAGE_DEFAULT = 50;
export const PAGE_MAX = 200;

/** Clamp a requested page size into 1..PAGE_MAX. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return PAGE_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new GalleryError("VALIDATION_FAILED", { detail: "limit must be ≥ 1" });
  return Math.min(limit, PAGE_MAX);
}

/** Encode keyset values into an opaque cursor. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

/** Decode a cursor made by {@link encodeCursor}, checking the shape (`kinds`: "s" string, "n" number). */
export function decodeCursor(cursor: string, kinds: readonly ("s" | "n")[]): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new GalleryError("INVALID_CURSOR");
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length) throw new GalleryError("INVALID_CURSOR");
  parsed.forEach((value, i) => {
    const ok =
      kinds[i] === "s" ? typeof value === "string" : typeof value === "number" && Number.isFinite(value);
    if (!ok) throw new GalleryError("INVALID_CURSOR");
  });
  return parsed as (string | number)[];
}
