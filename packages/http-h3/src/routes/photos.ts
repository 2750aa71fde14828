import { photoJson } from "../links.js";
import { handleMultipartUpload } from "../multipart.js";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { IdParams, PageQuery, PhotoSchema, pageOf, UploadBody, UploadResultSchema } from "../schemas.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";

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
      query: PageQuery,
      response: pageOf(PhotoSchema),
      errors: [...READ_ERRORS],
      async handler(ctx) {
        const page = await ctx.gallery.photos.list(ctx.actor, ctx.query);
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
  ];
}
