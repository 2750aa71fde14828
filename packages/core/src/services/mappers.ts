import type { LocationAccess } from "../access/location.js";
import type { AlbumRow, PhotoRow, TagsTable } from "../db/schema.js";
import type { Album, Photo, PhotoMetadata, PhotoOrder, Tag } from "../types.js";

const num = (value: number | string | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

function parseKeywords(value: string | null): string[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

/** Map the typed metadata columns of a photo row to {@link PhotoMetadata}. */
export function toPhotoMetadata(row: PhotoRow): PhotoMetadata {
  return {
    takenAtOffset: num(row.taken_at_offset),
    cameraMake: row.camera_make,
    cameraModel: row.camera_model,
    lens: row.lens,
    exposureTime: num(row.exposure_time),
    aperture: num(row.aperture),
    iso: num(row.iso),
    focalLength: num(row.focal_length),
    latitude: num(row.gps_latitude),
    longitude: num(row.gps_longitude),
    altitude: num(row.gps_altitude),
    title: row.meta_title,
    description: row.meta_description,
    keywords: parseKeywords(row.keywords),
    rating: num(row.rating),
  };
}

/**
 * Map a photo row to the public shape, as one actor sees it: `location` says whether the actor may read the
 * photo's coordinates (else latitude, longitude and altitude are null, as for a file without GPS).
 */
export function toPhoto(row: PhotoRow, location: LocationAccess): Photo {
  return withLocationFor(fullPhoto(row), location);
}

/** A photo as one actor sees it: itself, or a copy without coordinates when `location` refuses them. */
export function withLocationFor(photo: Photo, location: LocationAccess): Photo {
  const m = photo.metadata;
  if (location(photo.uploaderId) || (m.latitude === null && m.longitude === null && m.altitude === null))
    return photo;
  return { ...photo, metadata: { ...m, latitude: null, longitude: null, altitude: null } };
}

function fullPhoto(row: PhotoRow): Photo {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    author: row.author,
    originalFilename: row.original_filename,
    mimeType: row.mime_type,
    byteSize: Number(row.byte_size),
    width: row.width,
    height: row.height,
    orientation: row.orientation,
    sha256: row.sha256,
    takenAt: num(row.taken_at),
    addedAt: Number(row.added_at),
    updatedAt: Number(row.updated_at),
    privacyLevel: row.privacy_level,
    uploaderId: row.uploader_id,
    thumbhash: row.thumbhash,
    metadata: toPhotoMetadata(row),
    focus:
      row.focus_x === null || row.focus_x === undefined || row.focus_y === null || row.focus_y === undefined
        ? null
        : { x: Number(row.focus_x) / 1000, y: Number(row.focus_y) / 1000 },
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
    photoOrder: (row.photo_order ?? "manual") as PhotoOrder,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Map a tag row plus its visible count to the public shape. */
export function toTag(row: TagsTable & { visible_count: number | string | null }): Tag {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    photoCount: Number(row.visible_count ?? 0),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** A URL-friendly slug of `name` (ASCII, lower case, dashes). */
export function slugify(name: string, fallback = "album"): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return slug || fallback;
}
