import type { User } from "@vernissage/core";
import { z } from "zod";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { IdParams, PageQuery, pageOf } from "../schemas.js";
import { sessionCookie } from "../session.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";
import {
  ActivityEntrySchema,
  CreateUserBody,
  clientIp,
  iso,
  UpdateMeBody,
  UpdateUserBody,
  UserSchema,
} from "./identity-schemas.js";

/** A user as JSON. */
export function userJson(u: User) {
  return { ...u, createdAt: new Date(u.createdAt).toISOString() };
}

const ADMIN_ERRORS = [...WRITE_ERRORS, "INSUFFICIENT_SCOPE", "NOT_FOUND"] as const;

/** Users, the signed-in user's profile, and the activity log. */
export function userRoutes(options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/me",
      operationId: "getMe",
      summary: "The signed-in user",
      description: "The account behind the session or token: name, e-mail, role, privacy level and status.",
      tags: ["users"],
      scope: "user",
      auth: "required",
      rateClass: "read",
      response: UserSchema,
      errors: [...READ_ERRORS, "UNAUTHENTICATED"],
      async handler(ctx) {
        return userJson(await ctx.gallery.users.me(ctx.actor));
      },
    }),
    defineApiRoute({
      method: "PATCH",
      path: "/me",
      operationId: "updateMe",
      summary: "Change one's own profile or password",
      description:
        "Shared accounts may not. A password change needs `currentPassword`, ends every session of the user and " +
        "sets a fresh session cookie.",
      tags: ["users"],
      scope: "session",
      auth: "required",
      rateClass: "write",
      body: UpdateMeBody,
      response: UserSchema,
      errors: [...WRITE_ERRORS, "INVALID_CREDENTIALS", "INSUFFICIENT_SCOPE"],
      async handler(ctx) {
        const user = await ctx.gallery.users.updateMe(ctx.actor, ctx.body);
        if (ctx.body.newPassword !== undefined) {
          // Every session ended with the password change; this client gets a fresh one (rotation).
          const info = await ctx.gallery.auth.openSession(user.id, {
            ip: clientIp(ctx.request),
            userAgent: ctx.request.headers.get("user-agent") ?? undefined,
          });
          ctx.responseHeaders.append(
            "set-cookie",
            sessionCookie(ctx.links.base, info.token, info.expiresAt, options.secureCookies(ctx.request)),
          );
        }
        return userJson(user);
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/users",
      operationId: "listUsers",
      summary: "List users (admins)",
      description:
        "Every account with its role, status and privacy level, optionally only those whose username or name " +
        "contains `search`, or of one `status` (`pending`: registrations waiting for approval). Cursor-paginated. " +
        "Admins only.",
      tags: ["users"],
      scope: "users:admin",
      auth: "required",
      rateClass: "read",
      query: PageQuery.extend({
        search: z.string().max(100).optional().describe("Part of the username or display name."),
        status: z.enum(["active", "disabled", "pending"]).optional().describe("Only users in this state."),
      }),
      response: pageOf(UserSchema),
      errors: [...READ_ERRORS, "UNAUTHENTICATED", "FORBIDDEN", "INSUFFICIENT_SCOPE"],
      async handler(ctx) {
        const page = await ctx.gallery.users.list(ctx.actor, ctx.query);
        return { items: page.items.map(userJson), nextCursor: page.nextCursor };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/users",
      operationId: "createUser",
      summary: "Create a user (admins; admins and owners by the owner)",
      description:
        "Creates an account (admins create members; only the owner creates admins). Usernames are unique " +
        "(`ALREADY_EXISTS`).",
      tags: ["users"],
      scope: "users:admin",
      auth: "required",
      rateClass: "write",
      body: CreateUserBody,
      response: UserSchema,
      status: 201,
      errors: [...ADMIN_ERRORS, "ALREADY_EXISTS"],
      async handler(ctx) {
        return userJson(await ctx.gallery.users.create(ctx.actor, ctx.body));
      },
    }),
    defineApiRoute({
      method: "PATCH",
      path: "/users/{id}",
      operationId: "updateUser",
      summary: "Change a user (admins)",
      description: "A change of role, privacy level, status or password ends the user's sessions.",
      tags: ["users"],
      scope: "users:admin",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: UpdateUserBody,
      response: UserSchema,
      errors: [...ADMIN_ERRORS, "CONFLICT"],
      async handler(ctx) {
        return userJson(await ctx.gallery.users.update(ctx.actor, ctx.params.id, ctx.body));
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/users/{id}",
      operationId: "deleteUser",
      summary: "Delete a user (admins)",
      description:
        "Deletes an account with its sessions and tokens; its photos stay. The last owner cannot be deleted " +
        "(`CONFLICT`).",
      tags: ["users"],
      scope: "users:admin",
      auth: "required",
      rateClass: "write",
      params: IdParams,
      response: null,
      status: 204,
      errors: [...ADMIN_ERRORS, "CONFLICT"],
      async handler(ctx) {
        await ctx.gallery.users.delete(ctx.actor, ctx.params.id);
        return null;
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/activity",
      operationId: "listActivity",
      summary: "The activity log of security-relevant actions (admins), newest first",
      description:
        "Sign-ins, failed sign-ins, token and share-link changes, role changes\u2026, newest first, " +
        "optionally filtered by `action`. Cursor-paginated. Admins only.",
      tags: ["users"],
      scope: "admin",
      auth: "required",
      rateClass: "read",
      query: PageQuery.extend({
        action: z
          .string()
          .max(64)
          .regex(/^[a-z_.]+$/)
          .optional(),
      }),
      response: pageOf(ActivityEntrySchema),
      errors: [...READ_ERRORS, "UNAUTHENTICATED", "FORBIDDEN", "INSUFFICIENT_SCOPE"],
      async handler(ctx) {
        const page = await ctx.gallery.activity.list(ctx.actor, {
          limit: ctx.query.limit,
          cursor: ctx.query.cursor,
          action: ctx.query.action as never,
        });
        return { items: page.items.map((e) => ({ ...e, at: iso(e.at) })), nextCursor: page.nextCursor };
      },
    }),
  ];
}
