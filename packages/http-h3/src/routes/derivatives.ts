import { z } from "zod";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { type ApiRouteOptions, WRITE_ERRORS } from "./common.js";

const PresetName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/);

/** Body of `rebuildDerivatives`. */
export const RebuildBody = z
  .object({
    photoIds: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(1000)
      .optional()
      .describe("Only these photos; omit for every photo."),
    presets: z
      .array(PresetName)
      .min(1)
      .max(32)
      .optional()
      .describe("Presets to make; omit for the eager presets."),
    formats: z
      .array(z.enum(["jpeg", "webp", "avif"]))
      .min(1)
      .optional()
      .describe("Formats to make (default JPEG; others are made on first request)."),
    force: z.boolean().optional().describe("Remake files that already exist."),
  })
  .strict();

/** Response of `rebuildDerivatives`. */
export const RebuildAccepted = z.object({
  jobId: z.string().describe("The durable job doing the work."),
});

/** Body of `setPhotoFocus`. */
export const FocusBody = z
  .object({
    focus: z
      .object({
        x: z.number().min(0).max(1).describe("Fraction of the displayed width, 0 = left."),
        y: z.number().min(0).max(1).describe("Fraction of the displayed height, 0 = top."),
      })
      .strict()
      .nullable()
      .describe("Centre of interest, or null for the centre."),
  })
  .strict();

const PhotoIdParams = z.object({ id: z.string().min(1).max(64) });

/** Derivative routes: rebuilding, and a photo's centre of interest for cropped sizes. */
export function derivativeRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "POST",
      path: "/derivatives/rebuild",
      operationId: "rebuildDerivatives",
      summary: "Pre-generate or rebuild derivatives (admins)",
      description:
        "Queues a durable job that makes the given presets of the given photos (default: the eager presets of " +
        "every photo) from one decode per photo, and removes files of presets whose recipe changed. With " +
        "`force`, existing files are remade.",
      tags: ["derivatives"],
      scope: "photos:write",
      auth: "required",
      rateClass: "write",
      body: RebuildBody,
      response: RebuildAccepted,
      status: 202,
      errors: [...WRITE_ERRORS, "PRESET_NOT_FOUND"],
      async handler(ctx) {
        const jobId = await ctx.gallery.derivatives.scheduleRebuild(ctx.actor, ctx.body);
        return { jobId };
      },
    }),
    defineApiRoute({
      method: "PUT",
      path: "/photos/{id}/focus",
      operationId: "setPhotoFocus",
      summary: "Set the centre of interest cropped sizes are cut around",
      description:
        "Cropped presets (`square`…) are cut around this point instead of the centre. Their URLs change, so " +
        "fetch the photo again for the new ones.",
      tags: ["derivatives"],
      scope: "photos:write",
      auth: "required",
      rateClass: "write",
      params: PhotoIdParams,
      body: FocusBody,
      response: null,
      status: 204,
      errors: [...WRITE_ERRORS, "NOT_FOUND"],
      async handler(ctx) {
        await ctx.gallery.derivatives.setFocus(ctx.actor, ctx.params.id, ctx.body.focus);
        return null;
      },
    }),
  ];
}
