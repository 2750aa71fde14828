import type { AlbumGrant } from "@vernissage/core";
import { z } from "zod";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { IdParams } from "../schemas.js";
import { type ApiRouteOptions, WRITE_ERRORS } from "./common.js";
import { GrantBody, GrantParams, GrantSchema } from "./identity-schemas.js";

const grantJson = (g: AlbumGrant) => ({ ...g, createdAt: new Date(g.createdAt).toISOString() });
const ERRORS = [...WRITE_ERRORS, "INSUFFICIENT_SCOPE", "NOT_FOUND"] as const;

/** Album grants (managers of the album and admins; tokens need `albums:write`). */
export function grantRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/albums/{id}/grants",
      operationId: "listAlbumGrants",
      summary: "Grants made directly on an album",
      description:
        "The grants made on this album itself (not those inherited from its ancestors), to users and " +
        "groups, with their roles. Needs the right to manage the album.",
      tags: ["grants"],
      scope: "albums:write",
      auth: "required",
      rateClass: "read",
      params: IdParams,
      response: z.object({ items: z.array(GrantSchema) }),
      errors: [...ERRORS],
      async handler(ctx) {
        return { items: (await ctx.gallery.access.listAlbumGrants(ctx.actor, ctx.params.id)).map(grantJson) };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/albums/{id}/grants",
      operationId: "grantAlbumAccess",
      summary: "Grant a role on an album (and its subtree) to a user or a group",
      description:
        "Nobody grants a role stronger than their own on the album. Granting again changes the role.",
      tags: ["grants"],
      scope: "albums:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: GrantBody,
      response: GrantSchema,
      status: 201,
      errors: [...ERRORS],
      async handler(ctx) {
        return grantJson(await ctx.gallery.access.grant(ctx.actor, ctx.params.id, ctx.body));
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/albums/{id}/grants/{grantId}",
      operationId: "revokeAlbumAccess",
      summary: "Revoke a grant",
      description:
        "Removes one grant of the album. What the grantee still sees depends on other grants (on " +
        "ancestors, or through groups).",
      tags: ["grants"],
      scope: "albums:write",
      auth: "required",
      rateClass: "write",
      params: GrantParams,
      response: null,
      status: 204,
      errors: [...ERRORS],
      async handler(ctx) {
        await ctx.gallery.access.revoke(ctx.actor, ctx.params.id, ctx.params.grantId);
        return null;
      },
    }),
  ];
}
