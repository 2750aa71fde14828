import { albumJson, photoJson } from "../links.js";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { AlbumSchema, CreateAlbumBody, IdParams, PageQuery, PhotoSchema, pageOf } from "../schemas.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";

/** Albums routes. */
export function albumRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/albums",
      operationId: "listAlbums",
      summary: "List albums under a parent (root albums by default)",
      tags: ["albums"],
      scope: "albums:read",
      auth: "optional",
      rateClass: "read",
      query: PageQuery.extend({
        parentId: IdParams.shape.id.optional().describe("Parent album; omit for root albums."),
      }),
      response: pageOf(AlbumSchema),
      errors: [...READ_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        const page = await ctx.gallery.albums.list(ctx.actor, ctx.query);
        return { items: page.items.map((a) => albumJson(ctx.links, a)), nextCursor: page.nextCursor };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/albums",
      operationId: "createAlbum",
      summary: "Create an album",
      tags: ["albums"],
      scope: "albums:write",
      auth: "required",
      rateClass: "write",
      body: CreateAlbumBody,
      response: AlbumSchema,
      status: 201,
      errors: [...WRITE_ERRORS, "NOT_FOUND", "HOOK_VETOED"],
      async handler(ctx) {
        const album = await ctx.gallery.albums.create(ctx.actor, ctx.body);
        ctx.responseHeaders.set("location", ctx.links.api(`/albums/${album.id}`));
        return albumJson(ctx.links, album);
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/albums/{id}",
      operationId: "getAlbum",
      summary: "Get an album",
      tags: ["albums"],
      scope: "albums:read",
      auth: "optional",
      rateClass: "read",
      params: IdParams,
      response: AlbumSchema,
      errors: [...READ_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        return albumJson(ctx.links, await ctx.gallery.albums.get(ctx.actor, ctx.params.id));
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/albums/{id}/photos",
      operationId: "listAlbumPhotos",
      summary: "List the photos of an album",
      tags: ["albums", "photos"],
      scope: "photos:read",
      auth: "optional",
      rateClass: "read",
      params: IdParams,
      query: PageQuery,
      response: pageOf(PhotoSchema),
      errors: [...READ_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        const page = await ctx.gallery.photos.listInAlbum(ctx.actor, ctx.params.id, ctx.query);
        return {
          items: page.items.map((p) => photoJson(ctx.gallery, ctx.links, p)),
          nextCursor: page.nextCursor,
        };
      },
    }),
  ];
}
