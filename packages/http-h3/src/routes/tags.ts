import type { Tag } from "@vernissage/core";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { IdParams, pageOf } from "../schemas.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";
import { ListTagsQuery, MergeTagsBody, TagBody, TagSchema } from "./library-schemas.js";

const iso = (ms: number) => new Date(ms).toISOString();

/** The JSON shape of a tag. */
export function tagJson(tag: Tag) {
  return { ...tag, createdAt: iso(tag.createdAt), updatedAt: iso(tag.updatedAt) };
}

/** Tags routes. */
export function tagRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/tags",
      operationId: "listTags",
      summary: "List tags with the number of photos the caller may see",
      description: "Tags on no photo visible to the caller are not listed (admins see every tag).",
      tags: ["tags"],
      scope: "photos:read",
      auth: "optional",
      rateClass: "read",
      query: ListTagsQuery,
      response: pageOf(TagSchema),
      errors: [...READ_ERRORS],
      async handler(ctx) {
        const page = await ctx.gallery.tags.list(ctx.actor, ctx.query);
        return { items: page.items.map(tagJson), nextCursor: page.nextCursor };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/tags",
      operationId: "createTag",
      summary: "Create a tag",
      description:
        "Creates a tag; tag names are unique without regard to case (`ALREADY_EXISTS` otherwise). The " +
        "response's `Location` header is the tag's URL.",
      tags: ["tags"],
      scope: "photos:write",
      auth: "required",
      rateClass: "write",
      body: TagBody,
      response: TagSchema,
      status: 201,
      errors: [...WRITE_ERRORS, "ALREADY_EXISTS"],
      async handler(ctx) {
        const tag = await ctx.gallery.tags.create(ctx.actor, ctx.body);
        ctx.responseHeaders.set("location", ctx.links.api(`/tags/${tag.id}`));
        return tagJson(tag);
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/tags/{id}",
      operationId: "getTag",
      summary: "Get a tag",
      description: "One tag, with the number of its photos that the caller may see.",
      tags: ["tags"],
      scope: "photos:read",
      auth: "optional",
      rateClass: "read",
      params: IdParams,
      response: TagSchema,
      errors: [...READ_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        return tagJson(await ctx.gallery.tags.get(ctx.actor, ctx.params.id));
      },
    }),
    defineApiRoute({
      method: "PATCH",
      path: "/tags/{id}",
      operationId: "updateTag",
      summary: "Rename a tag",
      description: "Renames a tag; the new name must not belong to another tag (`ALREADY_EXISTS`).",
      tags: ["tags"],
      scope: "photos:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: TagBody,
      response: TagSchema,
      errors: [...WRITE_ERRORS, "NOT_FOUND", "ALREADY_EXISTS"],
      async handler(ctx) {
        return tagJson(await ctx.gallery.tags.update(ctx.actor, ctx.params.id, ctx.body));
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/tags/{id}",
      operationId: "deleteTag",
      summary: "Delete a tag (its photos stay)",
      description: "Deletes the tag and removes it from its photos; the photos themselves stay.",
      tags: ["tags"],
      scope: "photos:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      response: null,
      status: 204,
      errors: [...WRITE_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        await ctx.gallery.tags.delete(ctx.actor, ctx.params.id);
        return null;
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/tags/{id}/merge",
      operationId: "mergeTags",
      summary: "Merge other tags into this one",
      description: "Moves the photos of every tag in `sourceIds` to this tag and deletes the source tags.",
      tags: ["tags"],
      scope: "photos:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: MergeTagsBody,
      response: TagSchema,
      errors: [...WRITE_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        return tagJson(
          await ctx.gallery.tags.merge(ctx.actor, { targetId: ctx.params.id, sourceIds: ctx.body.sourceIds }),
        );
      },
    }),
  ];
}
