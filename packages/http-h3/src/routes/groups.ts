import type { Group } from "@vernissage/core";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { IdParams, PageQuery, pageOf } from "../schemas.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";
import { CreateGroupBody, GroupSchema, MembersBody, UpdateGroupBody } from "./identity-schemas.js";

const groupJson = (g: Group) => ({ ...g, createdAt: new Date(g.createdAt).toISOString() });
const ERRORS = [...WRITE_ERRORS, "INSUFFICIENT_SCOPE", "NOT_FOUND"] as const;

/** Groups and their members (admins; tokens need `users:admin`). */
export function groupRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/groups",
      operationId: "listGroups",
      summary: "List groups",
      description: "Every group with its member count. Cursor-paginated. Admins only.",
      tags: ["groups"],
      scope: "users:admin",
      auth: "required",
      rateClass: "read",
      query: PageQuery,
      response: pageOf(GroupSchema),
      errors: [...READ_ERRORS, "UNAUTHENTICATED", "FORBIDDEN", "INSUFFICIENT_SCOPE"],
      async handler(ctx) {
        const page = await ctx.gallery.groups.list(ctx.actor, ctx.query);
        return { items: page.items.map(groupJson), nextCursor: page.nextCursor };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/groups",
      operationId: "createGroup",
      summary: "Create a group",
      description:
        "Creates a group; names are unique (`ALREADY_EXISTS`). Groups receive album grants like users do.",
      tags: ["groups"],
      scope: "users:admin",
      auth: "required",
      rateClass: "write",
      body: CreateGroupBody,
      response: GroupSchema,
      status: 201,
      errors: [...ERRORS, "ALREADY_EXISTS"],
      async handler(ctx) {
        return groupJson(await ctx.gallery.groups.create(ctx.actor, ctx.body));
      },
    }),
    defineApiRoute({
      method: "PATCH",
      path: "/groups/{id}",
      operationId: "updateGroup",
      summary: "Rename a group or change whether new users join it",
      description:
        "Renames a group or changes whether new users join it automatically; only the fields given change.",
      tags: ["groups"],
      scope: "users:admin",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: UpdateGroupBody,
      response: GroupSchema,
      errors: [...ERRORS, "ALREADY_EXISTS"],
      async handler(ctx) {
        return groupJson(await ctx.gallery.groups.update(ctx.actor, ctx.params.id, ctx.body));
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/groups/{id}",
      operationId: "deleteGroup",
      summary: "Delete a group (its grants and memberships go with it)",
      description:
        "Deletes the group with its memberships and the album grants made to it; its members keep their " +
        "own grants.",
      tags: ["groups"],
      scope: "users:admin",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      response: null,
      status: 204,
      errors: [...ERRORS],
      async handler(ctx) {
        await ctx.gallery.groups.delete(ctx.actor, ctx.params.id);
        return null;
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/groups/{id}/members",
      operationId: "addGroupMembers",
      summary: "Add users to a group",
      description: "Adds users to the group (users already in it are ignored) and answers the group.",
      tags: ["groups"],
      scope: "users:admin",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: MembersBody,
      response: GroupSchema,
      errors: [...ERRORS],
      async handler(ctx) {
        return groupJson(await ctx.gallery.groups.addMembers(ctx.actor, ctx.params.id, ctx.body.userIds));
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/groups/{id}/members",
      operationId: "removeGroupMembers",
      summary: "Remove users from a group",
      description: "Removes users from the group (users not in it are ignored) and answers the group.",
      tags: ["groups"],
      scope: "users:admin",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: MembersBody,
      response: GroupSchema,
      errors: [...ERRORS],
      async handler(ctx) {
        return groupJson(await ctx.gallery.groups.removeMembers(ctx.actor, ctx.params.id, ctx.body.userIds));
      },
    }),
  ];
}
