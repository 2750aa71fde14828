import type { Album, Gallery, Photo, ShareLink, Tag } from "@vernissage/core";
import { z } from "zod";
import type { McpLinks } from "./links.js";

/** The JSON shapes tools return, with their zod schemas (the tools' output schemas). */

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** An album id (as the core makes them: lowercase letters and digits). */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9a-z]+$/, "an id")
  .describe("An id, as returned by other tools.");

/** A privacy level: 0 everyone, 1 contacts, 2 friends, 4 family, 8 admins. */
export const PrivacyLevelSchema = z
  .union([z.literal(0), z.literal(1), z.literal(2), z.literal(4), z.literal(8)])
  .describe("Privacy level: 0 everyone, 1 contacts, 2 friends, 4 family, 8 admins.");

/** Page-size and cursor arguments. */
export const pageArgs = {
  limit: z.number().int().min(1).max(200).optional().describe("Page size (1–200, default 50)."),
  cursor: z.string().max(512).optional().describe("The `nextCursor` of the previous page."),
};

export const AlbumOut = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  visibility: z.enum(["public", "private", "hidden"]),
  coverPhotoId: z.string().nullable(),
  photoCount: z.number().int().describe("Photos directly in the album that the caller may see."),
  photoOrder: z.enum(["manual", "takenAt", "addedAt", "title"]),
  createdAt: z.string(),
  updatedAt: z.string(),
  url: z.string().optional().describe("The album's gallery page."),
  resourceUri: z.string().describe("The album as an MCP resource."),
});

const DerivativeOut = z.object({
  width: z.number().int(),
  height: z.number().int(),
  url: z.string().optional(),
});

export const PhotoOut = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  author: z.string(),
  originalFilename: z.string(),
  mimeType: z.string(),
  byteSize: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  sha256: z.string(),
  takenAt: z.string().nullable(),
  addedAt: z.string(),
  updatedAt: z.string(),
  privacyLevel: z.number().int(),
  metadata: z
    .object({
      cameraMake: z.string().nullable(),
      cameraModel: z.string().nullable(),
      lens: z.string().nullable(),
      exposureTime: z.number().nullable(),
      aperture: z.number().nullable(),
      iso: z.number().nullable(),
      focalLength: z.number().nullable(),
      latitude: z.number().nullable(),
      longitude: z.number().nullable(),
      altitude: z.number().nullable(),
      keywords: z.array(z.string()),
      rating: z.number().nullable(),
    })
    .describe(
      "Capture metadata read from the file; null when the file did not say (coordinates also when the gallery's location setting withholds them).",
    ),
  derivatives: z.record(z.string(), DerivativeOut).describe("Sizes by preset name (`thumb`, `medium`…)."),
  originalUrl: z.string().optional(),
  url: z.string().optional().describe("The photo's gallery page."),
  resourceUri: z.string().describe("The photo as an MCP resource."),
});

export const TagOut = z.object({ id: z.string(), name: z.string() });

export const ShareOut = z.object({
  id: z.string(),
  prefix: z.string(),
  albumId: z.string().nullable(),
  photoIds: z.array(z.string()),
  privacyLevel: z.number().int(),
  hasPassword: z.boolean(),
  expiresAt: z.string().nullable(),
  maxUses: z.number().int().nullable(),
  useCount: z.number().int(),
  canDownload: z.boolean(),
  canUpload: z.boolean(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

/** `vernissage://albums/{id}` */
export const albumUri = (id: string) => `vernissage://albums/${id}`;
/** `vernissage://photos/{id}` */
export const photoUri = (id: string) => `vernissage://photos/${id}`;

export function albumOut(links: McpLinks | undefined, album: Album): z.output<typeof AlbumOut> {
  return {
    id: album.id,
    parentId: album.parentId,
    name: album.name,
    slug: album.slug,
    description: album.description,
    visibility: album.visibility,
    coverPhotoId: album.coverPhotoId,
    photoCount: album.photoCount,
    photoOrder: album.photoOrder,
    createdAt: iso(album.createdAt) as string,
    updatedAt: iso(album.updatedAt) as string,
    ...(links ? { url: links.album(album) } : {}),
    resourceUri: albumUri(album.id),
  };
}

export function photoOut(
  gallery: Gallery,
  links: McpLinks | undefined,
  photo: Photo,
): z.output<typeof PhotoOut> {
  const derivatives: Record<string, z.output<typeof DerivativeOut>> = {};
  for (const d of gallery.derivatives.describe(photo)) {
    derivatives[d.preset] = {
      width: d.width,
      height: d.height,
      ...(links ? { url: links.derivative(photo.id, d) } : {}),
    };
  }
  const m = photo.metadata;
  return {
    id: photo.id,
    title: photo.title,
    description: photo.description,
    author: photo.author,
    originalFilename: photo.originalFilename,
    mimeType: photo.mimeType,
    byteSize: photo.byteSize,
    width: photo.width,
    height: photo.height,
    sha256: photo.sha256,
    takenAt: iso(photo.takenAt),
    addedAt: iso(photo.addedAt) as string,
    updatedAt: iso(photo.updatedAt) as string,
    privacyLevel: photo.privacyLevel,
    metadata: {
      cameraMake: m.cameraMake,
      cameraModel: m.cameraModel,
      lens: m.lens,
      exposureTime: m.exposureTime,
      aperture: m.aperture,
      iso: m.iso,
      focalLength: m.focalLength,
      latitude: m.latitude,
      longitude: m.longitude,
      altitude: m.altitude,
      keywords: m.keywords,
      rating: m.rating,
    },
    derivatives,
    ...(links ? { originalUrl: links.original(photo), url: links.photo(photo) } : {}),
    resourceUri: photoUri(photo.id),
  };
}

export const tagOut = (tag: Tag): z.output<typeof TagOut> => ({ id: tag.id, name: tag.name });

export function shareOut(share: ShareLink): z.output<typeof ShareOut> {
  return {
    id: share.id,
    prefix: share.prefix,
    albumId: share.albumId,
    photoIds: share.photoIds,
    privacyLevel: share.privacyLevel,
    hasPassword: share.hasPassword,
    expiresAt: iso(share.expiresAt),
    maxUses: share.maxUses,
    useCount: share.useCount,
    canDownload: share.canDownload,
    canUpload: share.canUpload,
    createdAt: iso(share.createdAt) as string,
    revokedAt: iso(share.revokedAt),
  };
}
