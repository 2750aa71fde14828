import { type ApiRoute, defineApiRoute } from "../route.js";
import { LoginBody, SessionSchema } from "../schemas.js";
import { sessionCookie } from "../session.js";
import type { ApiRouteOptions } from "./common.js";

/** Auth routes. */
export function authRoutes(options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "POST",
      path: "/auth/login",
      operationId: "login",
      summary: "Sign in with a username and password",
      description:
        "Opens a session and sets the session cookie. Unknown user and wrong password answer the same.",
      tags: ["auth"],
      scope: "public",
      auth: "optional",
      rateClass: "login",
      body: LoginBody,
      response: SessionSchema,
      errors: ["VALIDATION_FAILED", "INVALID_CREDENTIALS", "CSRF_REJECTED", "RATE_LIMITED", "INTERNAL"],
      async handler(ctx) {
        const forwarded = ctx.request.headers.get("user-agent") ?? undefined;
        const info = await ctx.gallery.auth.login(ctx.body.username, ctx.body.password, {
          userAgent: forwarded,
        });
        ctx.responseHeaders.append(
          "set-cookie",
          sessionCookie(ctx.links.base, info.token, info.expiresAt, options.secureCookies(ctx.request)),
        );
        const resolved = await ctx.gallery.auth.resolveSession(info.token);
        return {
          authenticated: true,
          user: resolved
            ? {
                id: resolved.user.id,
                username: resolved.user.username,
                displayName: resolved.user.displayName,
                role: resolved.actor.role,
              }
            : null,
          expiresAt: new Date(info.expiresAt).toISOString(),
        };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/auth/logout",
      operationId: "logout",
      summary: "End the current session",
      tags: ["auth"],
      scope: "session",
      auth: "optional",
      rateClass: "write",
      response: null,
      status: 204,
      errors: ["CSRF_REJECTED", "INTERNAL"],
      async handler(ctx) {
        if (ctx.session) await ctx.gallery.auth.endSession(ctx.session.sessionId);
        ctx.responseHeaders.append(
          "set-cookie",
          sessionCookie(ctx.links.base, "", 0, options.secureCookies(ctx.request)),
        );
        return null;
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/auth/session",
      operationId: "getSession",
      summary: "Who the caller is",
      tags: ["auth"],
      scope: "public",
      auth: "optional",
      rateClass: "read",
      response: SessionSchema,
      errors: ["INTERNAL"],
      async handler(ctx) {
        const s = ctx.session;
        return {
          authenticated: s !== null,
          user: s
            ? {
                id: s.user.id,
                username: s.user.username,
                displayName: s.user.displayName,
                role: s.actor.role,
              }
            : null,
          expiresAt: s ? new Date(s.expiresAt).toISOString() : null,
        };
      },
    }),
  ];
}
