import { z } from "zod";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";

/** The gallery settings as the API shows them. */
export const GallerySettingsSchema = z
  .object({
    title: z.string().describe("The gallery's title."),
    description: z.string().describe("A short description (the home page's meta description)."),
    registration: z
      .enum(["off", "open", "approval"])
      .describe("Self-registration: closed, open, or open with approval by an admin."),
    loginOnly: z.boolean().describe("Only signed-in users see anything."),
    defaultLanguage: z
      .string()
      .nullable()
      .describe(
        "Interface language for visitors whose browser asks for none the theme has; null for English.",
      ),
    location: z
      .enum(["everyone", "members", "owners"])
      .describe(
        "Who reads the GPS coordinates of the photos they can see: everyone, signed-in members (not guests or " +
          "share links), or the photo's owners (its uploader and admins). Others get null coordinates.",
      ),
  })
  .meta({ id: "GallerySettings" });

/** Body of `updateSettings`: only the given fields change. */
export const UpdateSettingsBody = z
  .object({
    title: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).optional(),
    registration: z.enum(["off", "open", "approval"]).optional(),
    loginOnly: z.boolean().optional(),
    defaultLanguage: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/)
      .nullable()
      .optional(),
    location: z.enum(["everyone", "members", "owners"]).optional(),
  })
  .strict();

/** Gallery settings routes (admins; the check lives in core's settings service). */
export function settingsRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/settings",
      operationId: "getSettings",
      summary: "Read the gallery settings (admins)",
      description: "The run-time settings: stored values an admin saved, else the server's configuration.",
      tags: ["settings"],
      scope: "admin",
      auth: "required",
      rateClass: "read",
      response: GallerySettingsSchema,
      errors: [...READ_ERRORS, "UNAUTHENTICATED", "FORBIDDEN", "INSUFFICIENT_SCOPE"],
      async handler(ctx) {
        return ctx.gallery.settings.read(ctx.actor);
      },
    }),
    defineApiRoute({
      method: "PATCH",
      path: "/settings",
      operationId: "updateSettings",
      summary: "Change the gallery settings (admins)",
      description:
        "Changes only the given fields. Other processes of the gallery apply the change within two seconds.",
      tags: ["settings"],
      scope: "admin",
      auth: "required",
      rateClass: "write",
      body: UpdateSettingsBody,
      response: GallerySettingsSchema,
      errors: [...WRITE_ERRORS],
      async handler(ctx) {
        return ctx.gallery.settings.update(ctx.actor, ctx.body ?? {});
      },
    }),
  ];
}
