import { z } from "zod";
import { IdParams, PageQuery } from "../schemas.js";

const Id = IdParams.shape.id;
const Ids = z.array(Id).min(1).max(1000);
const Time = z.iso.datetime({ offset: true }).describe("ISO 8601 time.");

/** Photo sort orders of an album. */
export const PhotoOrderSchema = z
  .enum(["manual", "takenAt", "addedAt", "title"])
  .describe("How the album's photos are ordered.");

/** Input of updateAlbum. */
export const UpdateAlbumBody = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .optional()
      .describe("New name; the slug follows, old URLs redirect."),
    description: z.string().max(10_000).optional(),
    visibility: z.enum(["public", "private", "hidden"]).optional(),
    photoOrder: PhotoOrderSchema.optional(),
    coverPhotoId: Id.nullable()
      .optional()
      .describe("Explicit cover (a photo of the album tree), or null for automatic."),
    parentId: Id.nullable()
      .optional()
      .describe("Move under this album (null: to the root). Under itself or a descendant: 409 ALBUM_CYCLE."),
  })
  .strict()
  .meta({ id: "UpdateAlbum" });

/** Query of deleteAlbum. */
export const DeleteAlbumQuery = z.object({
  orphans: z
    .enum(["keep", "delete"])
    .describe(
      "Photos left in no album: keep them (admins and uploaders still see them) or delete them with their files.",
    ),
});

/** Result of deleteAlbum. */
export const DeleteAlbumResultSchema = z
  .object({
    albumIds: z.array(z.string()),
    deletedPhotoIds: z.array(z.string()),
    orphanedPhotoIds: z.array(z.string()),
  })
  .meta({ id: "DeleteAlbumResult" });

/** Input of reorderAlbums. */
export const ReorderAlbumsBody = z
  .object({
    parentId: Id.nullable().describe("Whose sub-albums (null: root albums)."),
    albumIds: z
      .array(Id)
      .min(1)
      .max(1000)
      .describe("These first, in this order; the others keep their order after."),
  })
  .strict()
  .meta({ id: "ReorderAlbums" });

/** Input of addPhotosToAlbum. */
export const AddPhotosBody = z
  .object({
    photoIds: Ids,
    position: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("0-based place in the manual order; default at the end."),
    moveFromAlbumId: Id.optional().describe("Move from this album instead of copying."),
  })
  .strict()
  .meta({ id: "AddPhotosToAlbum" });

/** Input of removePhotosFromAlbum and reorderAlbumPhotos. */
export const PhotoIdsBody = z.object({ photoIds: Ids }).strict().meta({ id: "PhotoIds" });

/** A count of affected items. */
export const CountSchema = z.object({ count: z.number().int() }).meta({ id: "Count" });

/** Query of listPhotos. */
export const ListPhotosQuery = PageQuery.extend({
  albumId: Id.optional().describe("Only photos in this album or its sub-albums."),
  tagId: Id.optional().describe("Only photos with this tag."),
  takenFrom: Time.optional(),
  takenTo: Time.optional(),
  addedFrom: Time.optional(),
  addedTo: Time.optional(),
  sort: z
    .enum(["added", "taken"])
    .optional()
    .describe("Newest first by upload (default) or by capture time."),
});

/** Query of searchPhotos. */
export const SearchQuery = ListPhotosQuery.omit({ sort: true }).extend({
  q: z.string().trim().min(1).max(200).describe("Words to find (prefix match, all must match)."),
});

/** Input of updatePhoto. */
export const UpdatePhotoBody = z
  .object({
    title: z.string().max(255).optional(),
    description: z.string().max(10_000).optional(),
    author: z.string().max(255).optional(),
    takenAt: Time.nullable().optional(),
    privacyLevel: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(4), z.literal(8)]).optional(),
  })
  .strict()
  .meta({ id: "UpdatePhoto" });

/** Input of batchUpdatePhotos. */
export const BatchBody = z
  .object({
    photoIds: Ids,
    addTags: z.array(z.string().min(1).max(100)).max(100).optional(),
    removeTagIds: z.array(Id).max(100).optional(),
    addToAlbumId: Id.optional(),
    move: z.object({ fromAlbumId: Id, toAlbumId: Id }).strict().optional(),
    removeFromAlbumId: Id.optional(),
    privacyLevel: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(4), z.literal(8)]).optional(),
    author: z.string().max(255).optional(),
    takenAt: Time.nullable().optional(),
    regenerateDerivatives: z.boolean().optional(),
    delete: z.boolean().optional().describe("Delete the photos with their files; cannot be combined."),
  })
  .strict()
  .meta({ id: "BatchUpdatePhotos" });

/** Result of batchUpdatePhotos. */
export const BatchResultSchema = z
  .object({ photoIds: z.array(z.string()), applied: z.array(z.string()), deleted: z.number().int() })
  .meta({ id: "BatchResult" });

/** Multipart body of replacePhotoFile (documentation only; the body is streamed). */
export const ReplaceFileBody = z
  .object({ file: z.string().meta({ format: "binary" }) })
  .meta({ id: "ReplacePhotoFile" });

/** A tag. */
export const TagSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    photoCount: z.number().int().describe("Photos with this tag that the caller may see."),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Tag" });

/** Input of createTag and updateTag. */
export const TagBody = z
  .object({ name: z.string().trim().min(1).max(100) })
  .strict()
  .meta({ id: "TagInput" });

/** Input of mergeTags. */
export const MergeTagsBody = z
  .object({
    sourceIds: z.array(Id).min(1).max(100).describe("Tags merged into the path's tag, then deleted."),
  })
  .strict()
  .meta({ id: "MergeTags" });

/** Query of listTags. */
export const ListTagsQuery = PageQuery.extend({
  q: z.string().max(100).optional().describe("Name prefix."),
});

/** Epoch ms of an ISO time, or undefined. */
export function ms(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Date.parse(value);
}
