import type { AlbumRow, PhotoRow } from "../db/schema.js";
import type { Album, Photo } from "../types.js";

/** Map a photo row to the public shape. */
export function toPhoto(row: PhotoRow): Photo {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    author: row.author,
    originalFilename: row.original_filename,
    mimeType: row.mime_type,
    byteSize: row.byte_size,
    width: row.width,
    height: row.height,
    orientation: row.orientation,
    sha256: row.sha256,
    takenAt: row.taken_at,
    addedAt: row.added_at,
    updatedAt: row.updated_at,
    privacyLevel: row.privacy_level,
    uploaderId: row.uploader_id,
    thumbhash: row.thumbhash,
  };
}

/** Map an album row plus the actor-specific aggregates to the public shape. */
export function toAlbum(
  row: AlbumRow & { visible_cover_id: string | null; visible_count: number | string | null },
): Album {
  return {
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    visibility: row.visibility,
    rank: row.rank,
    coverPhotoId: row.visible_cover_id,
    photoCount: Number(row.visible_count ?? 0),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A URL-friendly slug of `name` (ASCII, lower case, dashes). */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return slug || "album";
}
