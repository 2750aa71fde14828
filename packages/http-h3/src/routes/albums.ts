import { z } from "zod";
import { albumJson, photoJson } from "../links.js";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { AlbumSchema, CreateAlbumBody, IdParams, PageQuery, PhotoSchema, pageOf } from "../schemas.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";
import {
  AddPhotosBody,
  CountSchema,
  DeleteAlbumQuery,
  DeleteAlbumResultSchema,
  PhotoIdsBody,
  ReorderAlbumsBody,
  UpdateAlbumBody,
} from "./library-schemas.js";

/** Albums routes. */
export function albumRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/albums",
      operationId: "listAlbums",
      summary: "List albums under a parent (root albums by default)",
      description:
        "The albums the caller may see directly under `parentId` (root albums when omitted), in their " +
        "manual order. Counts and covers only reflect photos the caller may see. Cursor-paginated.",
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
      description:
        "Creates an album at the root or under `parentId` (where the caller may manage albums). The " +
        "response's `Location` header is the new album's URL. Send an `Idempotency-Key` to make retries " +
        "safe.",
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
      description:
        "One album the caller may see. An album that exists but is not visible answers 404 `NOT_FOUND`, " +
        "exactly like one that does not exist.",
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
      description:
        "The photos directly in the album that the caller may see (privacy level and album access both " +
        "apply), in the album's photo order. Cursor-paginated with `limit` and `cursor`.",
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
    defineApiRoute({
      method: "PATCH",
      path: "/albums/{id}",
      operationId: "updateAlbum",
      summary: "Rename, describe, re-sort, set the cover of, or move an album",
      description:
        "Only the fields given change. Renaming changes the slug; album URLs carry the id, so old links redirect. " +
        "`parentId` moves the album with its sub-albums; moving under itself or a descendant answers 409 `ALBUM_CYCLE`.",
      tags: ["albums"],
      scope: "albums:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: UpdateAlbumBody,
      response: AlbumSchema,
      errors: [...WRITE_ERRORS, "NOT_FOUND", "ALBUM_CYCLE"],
      async handler(ctx) {
        const album = await ctx.gallery.albums.update(ctx.actor, ctx.params.id, ctx.body);
        return albumJson(ctx.links, album);
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/albums/{id}",
      operationId: "deleteAlbum",
      summary: "Delete an album and its sub-albums",
      description:
        "`orphans` says what happens to photos left in no album: `keep` them, or `delete` them with their original " +
        "files and derivatives. Photos that are also in other albums are never deleted.",
      tags: ["albums"],
      scope: "albums:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      query: DeleteAlbumQuery,
      response: DeleteAlbumResultSchema,
      errors: [...WRITE_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        return ctx.gallery.albums.delete(ctx.actor, ctx.params.id, { orphans: ctx.query.orphans });
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/albums/reorder",
      operationId: "reorderAlbums",
      summary: "Set the manual order of sub-albums (or root albums)",
      description:
        "Sets the manual order of the sub-albums of `parentId` (root albums when null): `albumIds` must " +
        "list every sibling exactly once.",
      tags: ["albums"],
      scope: "albums:write",
      auth: "required",
      rateClass: "write",
      body: ReorderAlbumsBody,
      response: z.object({ items: z.array(AlbumSchema) }),
      errors: [...WRITE_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        const items = await ctx.gallery.albums.reorder(ctx.actor, ctx.body.parentId, ctx.body.albumIds);
        return { items: items.map((a) => albumJson(ctx.links, a)) };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/albums/{id}/photos",
      operationId: "addPhotosToAlbum",
      summary: "Put existing photos into an album (copy, or move with `moveFromAlbumId`)",
      description:
        "Links photos the caller may see into this album (a photo can be in several albums). With " +
        "`moveFromAlbumId`, the photos leave that album at the same time. Answers how many photos were " +
        "added.",
      tags: ["albums", "photos"],
      scope: "albums:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: AddPhotosBody,
      response: CountSchema,
      errors: [...WRITE_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        const { photoIds, position, moveFromAlbumId } = ctx.body;
        const count =
          moveFromAlbumId === undefined
            ? await ctx.gallery.photos.addToAlbum(ctx.actor, { albumId: ctx.params.id, photoIds, position })
            : await ctx.gallery.photos.moveToAlbum(ctx.actor, {
                fromAlbumId: moveFromAlbumId,
                toAlbumId: ctx.params.id,
                photoIds,
              });
        return { count };
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/albums/{id}/photos",
      operationId: "removePhotosFromAlbum",
      summary: "Take photos out of an album",
      description:
        "The photos stay in their other albums; a photo left in no album is kept (admins and its uploader see it).",
      tags: ["albums", "photos"],
      scope: "albums:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: PhotoIdsBody,
      response: CountSchema,
      errors: [...WRITE_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        return {
          count: await ctx.gallery.photos.removeFromAlbum(ctx.actor, {
            albumId: ctx.params.id,
            photoIds: ctx.body.photoIds,
          }),
        };
      },
    }),
    defineApiRoute({
      method: "PUT",
      path: "/albums/{id}/photos/order",
      operationId: "reorderAlbumPhotos",
      summary: "Set the manual order of an album's photos",
      description:
        "Sets the manual order of the album's photos; `photoIds` must list every photo of the album " +
        "exactly once. The album's `photoOrder` should be `manual` for the order to show.",
      tags: ["albums", "photos"],
      scope: "albums:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: PhotoIdsBody,
      response: null,
      status: 204,
      errors: [...WRITE_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        await ctx.gallery.photos.reorderInAlbum(ctx.actor, {
          albumId: ctx.params.id,
          photoIds: ctx.body.photoIds,
        });
        return null;
      },
    }),
  ];
}
