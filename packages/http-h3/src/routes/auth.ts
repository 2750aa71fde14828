import { z } from "zod";
import { parseCookieHeader } from "../cookies.js";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { LoginBody, SessionSchema } from "../schemas.js";
import { SESSION_COOKIE, sessionCookie } from "../session.js";
import type { ApiRouteOptions } from "./common.js";
import { clientIp, RegisterBody, UserSchema } from "./identity-schemas.js";
import { userJson } from "./users.js";

/** Auth routes. */
export function authRoutes(options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "POST",
      path: "/auth/login",
      operationId: "login",
      summary: "Sign in with a username and password",
      description:
        "Opens a fresh session and sets the session cookie (a session the client already held is ended: no " +
        "fixation). Unknown user and wrong password answer the same; repeated failures per account and per IP " +
        "answer 429 with Retry-After.",
      tags: ["auth"],
      scope: "public",
      auth: "optional",
      rateClass: "login",
      body: LoginBody,
      response: SessionSchema,
      errors: ["VALIDATION_FAILED", "INVALID_CREDENTIALS", "CSRF_REJECTED", "RATE_LIMITED", "INTERNAL"],
      async handler(ctx) {
        const info = await ctx.gallery.auth.login(ctx.body.username, ctx.body.password, {
          userAgent: ctx.request.headers.get("user-agent") ?? undefined,
          ip: clientIp(ctx.request),
          previousToken: parseCookieHeader(ctx.request.headers.get("cookie")).get(SESSION_COOKIE),
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
      summary: "End the current session (`?everywhere=true`: every session of the user)",
      description:
        "Ends the browser session and clears its cookie; with `everywhere=true`, every session of the user " +
        "ends (other devices are signed out too). Calling it without a session still answers 204.",
      tags: ["auth"],
      scope: "session",
      auth: "optional",
      rateClass: "write",
      query: z.object({ everywhere: z.enum(["true", "false"]).optional() }),
      response: null,
      status: 204,
      errors: ["VALIDATION_FAILED", "CSRF_REJECTED", "INSUFFICIENT_SCOPE", "INTERNAL"],
      async handler(ctx) {
        if (ctx.session && ctx.query.everywhere === "true") {
          await ctx.gallery.auth.logoutEverywhere(ctx.session.user.id);
        } else if (ctx.session) {
          await ctx.gallery.auth.endSession(ctx.session.sessionId);
        }
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
      description:
        "Tells whether the caller has a session and who they are; guests get `authenticated: false`. " +
        "Cheap: use it to decide whether to show a sign-in form.",
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
    defineApiRoute({
      method: "POST",
      path: "/auth/register",
      operationId: "register",
      summary: "Create an account (when the gallery allows self-registration)",
      description:
        "Off by default (`403 REGISTRATION_CLOSED`). With admin approval the account waits (`status: pending`) and " +
        "no session is opened; otherwise the session cookie is set. New accounts join the default groups.",
      tags: ["auth"],
      scope: "public",
      auth: "optional",
      rateClass: "login",
      // Its response carries a secret shown once: storing it for replays would keep the secret.
      idempotent: false,
      body: RegisterBody,
      response: UserSchema,
      status: 201,
      errors: [
        "VALIDATION_FAILED",
        "REGISTRATION_CLOSED",
        "ALREADY_EXISTS",
        "CSRF_REJECTED",
        "RATE_LIMITED",
        "INTERNAL",
      ],
      async handler(ctx) {
        const { user, session } = await ctx.gallery.auth.register(ctx.body, {
          ip: clientIp(ctx.request),
          userAgent: ctx.request.headers.get("user-agent") ?? undefined,
        });
        if (session)
          ctx.responseHeaders.append(
            "set-cookie",
            sessionCookie(
              ctx.links.base,
              session.token,
              session.expiresAt,
              options.secureCookies(ctx.request),
            ),
          );
        return userJson(user);
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/auth/password-reset",
      operationId: "requestPasswordReset",
      summary: "Ask for a password-reset link by e-mail",
      description:
        "Always answers 202, whether or not the account exists. The link (built from the configured public URL, " +
        "never from the Host header) goes through the `mail:send:before` hook, or to the log without a mailer.",
      tags: ["auth"],
      scope: "public",
      auth: "optional",
      rateClass: "login",
      body: z.object({ username: z.string().min(1).max(320) }).strict(),
      response: null,
      status: 202,
      errors: ["VALIDATION_FAILED", "CSRF_REJECTED", "RATE_LIMITED", "INTERNAL"],
      async handler(ctx) {
        await ctx.gallery.auth.requestPasswordReset(ctx.body.username, { ip: clientIp(ctx.request) });
        return null;
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/auth/password-reset/confirm",
      operationId: "resetPassword",
      summary: "Set a new password with a one-time reset token",
      description: "The token works once and expires; every session of the account ends.",
      tags: ["auth"],
      scope: "public",
      auth: "optional",
      rateClass: "login",
      body: z
        .object({ token: z.string().min(1).max(200), newPassword: z.string().min(8).max(1024) })
        .strict(),
      response: null,
      status: 204,
      errors: ["VALIDATION_FAILED", "INVALID_TOKEN", "CSRF_REJECTED", "RATE_LIMITED", "INTERNAL"],
      async handler(ctx) {
        await ctx.gallery.auth.resetPassword(ctx.body.token, ctx.body.newPassword, {
          ip: clientIp(ctx.request),
        });
        return null;
      },
    }),
  ];
}
