import type { ShareLink } from "@vernissage/core";
import { z } from "zod";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { IdParams, PageQuery, pageOf } from "../schemas.js";
import { shareCookie } from "../session.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";
import {
  CreatedShareLinkSchema,
  CreateShareLinkBody,
  iso,
  ShareLinkSchema,
  ShareSessionSchema,
  UnlockShareBody,
  UpdateShareLinkBody,
} from "./identity-schemas.js";

const shareJson = (s: ShareLink) => ({
  id: s.id,
  prefix: s.prefix,
  albumId: s.albumId,
  photoIds: s.photoIds,
  privacyLevel: s.privacyLevel,
  hasPassword: s.hasPassword,
  expiresAt: iso(s.expiresAt),
  maxUses: s.maxUses,
  useCount: s.useCount,
  viewCount: s.viewCount,
  canDownload: s.canDownload,
  canUpload: s.canUpload,
  createdAt: new Date(s.createdAt).toISOString(),
  revokedAt: iso(s.revokedAt),
});

const ERRORS = [...WRITE_ERRORS, "INSUFFICIENT_SCOPE", "NOT_FOUND"] as const;

/** Share links: manage them (`shares:write`) and unlock them (anyone holding the link). */
export function shareRoutes(options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/shares",
      operationId: "listShareLinks",
      summary: "Share links the caller created (admins: all)",
      description:
        "The share links the caller created (admins: every link), newest first, optionally those of one " +
        "album, a page at a time (`?limit=&cursor=`). Tokens are never shown again.",
      tags: ["shares"],
      scope: "shares:write",
      auth: "required",
      rateClass: "read",
      query: PageQuery.extend({ albumId: IdParams.shape.id.optional() }),
      response: pageOf(ShareLinkSchema),
      errors: [...READ_ERRORS, "UNAUTHENTICATED", "INSUFFICIENT_SCOPE"],
      async handler(ctx) {
        const page = await ctx.gallery.shares.page(ctx.actor, ctx.query);
        return { items: page.items.map(shareJson), nextCursor: page.nextCursor };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/shares",
      operationId: "createShareLink",
      summary: "Create a share link for an album subtree or a set of photos (its token is shown once)",
      description:
        "Shares an album subtree (`albumId`) or a set of photos (`photoIds`), with an optional password, " +
        "expiry, use limit and download or upload rights. The token and URL are in this response only. Not " +
        "idempotent: its response carries a secret that is not stored for replays.",
      tags: ["shares"],
      scope: "shares:write",
      auth: "required",
      rateClass: "write",
      // Its response carries a secret shown once: storing it for replays would keep the secret.
      idempotent: false,
      body: CreateShareLinkBody,
      response: CreatedShareLinkSchema,
      status: 201,
      errors: [...ERRORS],
      async handler(ctx) {
        const { share, token } = await ctx.gallery.shares.create(ctx.actor, {
          ...ctx.body,
          expiresAt: ctx.body.expiresAt ? Date.parse(ctx.body.expiresAt) : null,
        });
        return { share: shareJson(share), token, url: `${ctx.url.origin}${ctx.links.share(token)}` };
      },
    }),
    defineApiRoute({
      method: "PATCH",
      path: "/shares/{id}",
      operationId: "updateShareLink",
      summary: "Change a share link (a new password ends its share sessions)",
      description:
        "Only the fields given change. Setting a new password ends every session opened with the old one.",
      tags: ["shares"],
      scope: "shares:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: UpdateShareLinkBody,
      response: ShareLinkSchema,
      errors: [...ERRORS],
      async handler(ctx) {
        const { expiresAt, ...rest } = ctx.body;
        const share = await ctx.gallery.shares.update(ctx.actor, ctx.params.id, {
          ...rest,
          ...(expiresAt === undefined
            ? {}
            : { expiresAt: expiresAt === null ? null : Date.parse(expiresAt) }),
        });
        return shareJson(share);
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/shares/{id}",
      operationId: "revokeShareLink",
      summary: "Revoke a share link at once (its sessions and media URLs stop working)",
      description: "Revokes the link at once: its sessions end and its media URLs stop working.",
      tags: ["shares"],
      scope: "shares:write",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      response: null,
      status: 204,
      errors: [...ERRORS],
      async handler(ctx) {
        await ctx.gallery.shares.revoke(ctx.actor, ctx.params.id);
        return null;
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/share-sessions",
      operationId: "unlockShareLink",
      summary: "Open a share session from a link's token (and its password, posted, never in a URL)",
      description:
        "Sets the share-session cookie. Revoked, expired, used-up and unknown links answer 404 alike; a wrong " +
        "password answers 401 and repeated wrong passwords 429.",
      tags: ["shares"],
      scope: "public",
      auth: "optional",
      rateClass: "login",
      // Its response carries a secret shown once: storing it for replays would keep the secret.
      idempotent: false,
      body: UnlockShareBody.extend({
        token: z
          .string()
          .min(16)
          .max(64)
          .regex(/^[a-z0-9]+$/),
      }),
      response: ShareSessionSchema,
      status: 201,
      errors: [
        "VALIDATION_FAILED",
        "NOT_FOUND",
        "INVALID_CREDENTIALS",
        "CSRF_REJECTED",
        "RATE_LIMITED",
        "INTERNAL",
      ],
      async handler(ctx) {
        const session = await ctx.gallery.shares.unlock(ctx.body.token, ctx.body.password);
        ctx.responseHeaders.append(
          "set-cookie",
          shareCookie(ctx.links.base, session.token, session.expiresAt, options.secureCookies(ctx.request)),
        );
        return {
          albumId: session.actor.albumId,
          canDownload: session.actor.canDownload,
          canUpload: session.actor.canUpload,
          expiresAt: new Date(session.expiresAt).toISOString(),
        };
      },
    }),
  ];
}
