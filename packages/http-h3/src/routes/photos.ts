import { photoJson } from "../links.js";
import { handleMultipartUpload } from "../multipart.js";
import { streamMultipartFile } from "../multipart-file.js";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { IdParams, PhotoSchema, pageOf, UploadBody, UploadResultSchema } from "../schemas.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";
import {
  BatchBody,
  BatchResultSchema,
  ListPhotosQuery,
  ms,
  ReplaceFileBody,
  UpdatePhotoBody,
} from "./library-schemas.js";

const INGEST_ERRORS = [
  "UNSUPPORTED_MEDIA_TYPE",
  "CORRUPT_IMAGE",
  "EMPTY_FILE",
  "FILE_TOO_LARGE",
  "IMAGE_TOO_LARGE",
  "DUPLICATE_PHOTO",
  "INVALID_FILENAME",
] as const;

/** Photos routes. */
export function photoRoutes(options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/photos",
      operationId: "listPhotos",
      summary: "List every photo the caller may see, newest first",
      tags: ["photos"],
      scope: "photos:read",
      auth: "optional",
      rateClass: "read",
      description:
        "Filterable by album subtree, tag, capture and upload dates; `sort=taken` orders by capture time.",
      query: ListPhotosQuery,
      response: pageOf(PhotoSchema),
      errors: [...READ_ERRORS],
      async handler(ctx) {
        const q = ctx.query;
        const page = await ctx.gallery.photos.list(ctx.actor, {
          limit: q.limit,
          cursor: q.cursor,
          albumId: q.albumId,
          tagId: q.tagId,
          takenFrom: ms(q.takenFrom),
          takenTo: ms(q.takenTo),
          addedFrom: ms(q.addedFrom),
          addedTo: ms(q.addedTo),
          sort: q.sort,
        });
        return {
          items: page.items.map((p) => photoJson(ctx.gallery, ctx.links, p)),
          nextCursor: page.nextCursor,
        };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/photos",
      operationId: "uploadPhoto",
      summary: "Upload a photo into an album",
      description:
        "multipart/form-data with `albumId` (before the file), optional `title`, `description`, `privacyLevel`, and `file`. " +
        "The content is sniffed; the file name and client MIME type are never trusted. A file whose content already " +
        "exists is linked into the album instead (`duplicate: true`).",
      tags: ["photos"],
      scope: "photos:write",
      auth: "required",
      rateClass: "upload",
      multipart: UploadBody,
      response: UploadResultSchema,
      status: 201,
      errors: [
        ...WRITE_ERRORS,
        "NOT_FOUND",
        "UNSUPPORTED_MEDIA_TYPE",
        "CORRUPT_IMAGE",
        "EMPTY_FILE",
        "FILE_TOO_LARGE",
        "IMAGE_TOO_LARGE",
        "DUPLICATE_PHOTO",
        "INVALID_FILENAME",
        "HOOK_VETOED",
      ],
      async handler(ctx) {
        const result = await handleMultipartUpload(ctx.request, ctx.gallery, ctx.actor, {
          maxFileBytes: options.maxUploadBytes,
        });
        if (result.duplicate) ctx.setStatus(200);
        ctx.responseHeaders.set("location", ctx.links.api(`/photos/${result.photo.id}`));
        return { photo: photoJson(ctx.gallery, ctx.links, result.photo), duplicate: result.duplicate };
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/photos/{id}",
      operationId: "getPhoto",
      summary: "Get a photo",
      description: "A photo the caller may not see answers 404 exactly like a missing one.",
      tags: ["photos"],
      scope: "photos:read",
      auth: "optional",
      rateClass: "read",
      params: IdParams,
      response: PhotoSchema,
      errors: [...READ_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        return photoJson(ctx.gallery, ctx.links, await ctx.gallery.photos.get(ctx.actor, ctx.params.id));
      },
    }),
    defineApiRoute({
      method: "PATCH",
      path: "/photos/{id}",
      operationId: "updatePhoto",
      summary: "Change a photo's title, description, author, date taken or privacy level",
      description:
        "Only the fields given change; `takenAt: null` clears the capture time. The privacy level (0, 1, " +
        "2, 4, 8) decides which users may see the photo.",
      tags: ["photos"],
      scope: "photos:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: UpdatePhotoBody,
      response: PhotoSchema,
      errors: [...WRITE_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        const { takenAt, ...rest } = ctx.body;
        const photo = await ctx.gallery.photos.update(ctx.actor, ctx.params.id, {
          ...rest,
          takenAt: takenAt === undefined ? undefined : takenAt === null ? null : Date.parse(takenAt),
        });
        return photoJson(ctx.gallery, ctx.links, photo);
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/photos/{id}",
      operationId: "deletePhoto",
      summary: "Delete a photo with its original file and derivatives",
      description:
        "Deletes the photo from every album, with its original file and all its derivatives. Cannot be " +
        "undone.",
      tags: ["photos"],
      scope: "photos:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      response: null,
      status: 204,
      errors: [...WRITE_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        await ctx.gallery.photos.delete(ctx.actor, [ctx.params.id]);
        return null;
      },
    }),
    defineApiRoute({
      method: "PUT",
      path: "/photos/{id}/file",
      operationId: "replacePhotoFile",
      summary: "Replace a photo's original file",
      description:
        "multipart/form-data with `file`. The photo keeps its id, albums, tags and fields; size, format and " +
        "metadata come from the new file; the old file and its derivatives are removed and new ones generated.",
      tags: ["photos"],
      scope: "photos:write",
      auth: "required",
      rateClass: "upload",
      params: IdParams,
      multipart: ReplaceFileBody,
      response: PhotoSchema,
      errors: [...WRITE_ERRORS, "NOT_FOUND", ...INGEST_ERRORS],
      async handler(ctx) {
        const photo = await streamMultipartFile(ctx.request, options.maxUploadBytes, (file, filename) =>
          ctx.gallery.photos.replaceFile(ctx.actor, ctx.params.id, { file, filename }),
        );
        return photoJson(ctx.gallery, ctx.links, photo);
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/photos/{id}/metadata/resync",
      operationId: "resyncPhotoMetadata",
      summary: "Read the original file's metadata again",
      description:
        "Reads EXIF, IPTC, XMP and GPS from the stored original again (after a plugin or extractor " +
        "changed) and updates the photo's metadata (camera, exposure, GPS, capture time).",
      tags: ["photos"],
      scope: "photos:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      response: PhotoSchema,
      errors: [...WRITE_ERRORS, "NOT_FOUND", "STORAGE_ERROR"],
      async handler(ctx) {
        return photoJson(
          ctx.gallery,
          ctx.links,
          await ctx.gallery.photos.resyncMetadata(ctx.actor, ctx.params.id),
        );
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/photos/batch",
      operationId: "batchUpdatePhotos",
      summary: "Apply actions to a set of photos (batch manager)",
      description:
        "Add/remove tags, copy/move/remove between albums, set privacy level, author or date, regenerate " +
        "derivatives, or delete. Every photo must be visible to and editable by the caller.",
      tags: ["photos"],
      scope: "photos:write",
      auth: "required",
      rateClass: "write",
      body: BatchBody,
      response: BatchResultSchema,
      errors: [...WRITE_ERRORS, "NOT_FOUND", "ALREADY_EXISTS"],
      async handler(ctx) {
        const { takenAt, ...rest } = ctx.body;
        return ctx.gallery.batch.photos(ctx.actor, {
          ...rest,
          takenAt: takenAt === undefined ? undefined : takenAt === null ? null : Date.parse(takenAt),
        });
      },
    }),
  ];
}
