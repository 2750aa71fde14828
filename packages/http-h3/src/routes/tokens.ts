import type { ApiToken, TokenScope } from "@vernissage/core";
import { z } from "zod";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { IdParams } from "../schemas.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";
import { ApiTokenSchema, CreateApiTokenBody, CreatedApiTokenSchema, iso } from "./identity-schemas.js";

const tokenJson = (t: ApiToken) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  scopes: t.scopes,
  albumIds: t.albumIds,
  expiresAt: iso(t.expiresAt),
  lastUsedAt: iso(t.lastUsedAt),
  createdAt: new Date(t.createdAt).toISOString(),
  revokedAt: iso(t.revokedAt),
});

/** API tokens of the signed-in user. A token may create a narrower token, never a wider one. */
export function tokenRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/tokens",
      operationId: "listApiTokens",
      summary: "The signed-in user's API tokens",
      description:
        "The caller's API tokens with their scopes, album limits, expiry and last use; secrets are never " +
        "shown again.",
      tags: ["tokens"],
      scope: "user",
      auth: "required",
      rateClass: "read",
      response: z.object({ items: z.array(ApiTokenSchema) }),
      errors: [...READ_ERRORS, "UNAUTHENTICATED"],
      async handler(ctx) {
        return { items: (await ctx.gallery.tokens.list(ctx.actor)).map(tokenJson) };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/tokens",
      operationId: "createApiToken",
      summary: "Create an API token (its secret is shown once)",
      description:
        "Scopes, album limits and expiry can never exceed the creator's: a token creating a token is narrowed to " +
        "its own scopes, albums and expiry.",
      tags: ["tokens"],
      scope: "user",
      auth: "required",
      rateClass: "write",
      // Its response carries a secret shown once: storing it for replays would keep the secret.
      idempotent: false,
      body: CreateApiTokenBody,
      response: CreatedApiTokenSchema,
      status: 201,
      errors: [...WRITE_ERRORS, "INSUFFICIENT_SCOPE", "NOT_FOUND"],
      async handler(ctx) {
        const { token, secret } = await ctx.gallery.tokens.create(ctx.actor, {
          name: ctx.body.name,
          scopes: ctx.body.scopes as TokenScope[],
          albumIds: ctx.body.albumIds,
          expiresAt: ctx.body.expiresAt ? Date.parse(ctx.body.expiresAt) : null,
        });
        return { token: tokenJson(token), secret };
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/tokens/{id}",
      operationId: "revokeApiToken",
      summary: "Revoke an API token (its owner, or an admin)",
      description:
        "Revokes a token at once; requests with it answer 401 afterwards. Owners revoke their own tokens; " +
        "admins any token.",
      tags: ["tokens"],
      scope: "user",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      response: null,
      status: 204,
      errors: [...WRITE_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        await ctx.gallery.tokens.revoke(ctx.actor, ctx.params.id);
        return null;
      },
    }),
  ];
}
