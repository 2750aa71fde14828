import { EVENT_TYPES, type GalleryEvent } from "@vernissage/core";
import { z } from "zod";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { PageQuery } from "../schemas.js";
import { type ApiRouteOptions, READ_ERRORS } from "./common.js";

/** One event of the feed. */
export const EventSchema = z
  .object({
    id: z.string().describe("Event id (a ULID); also the `webhook-id` of its webhook deliveries."),
    type: z.enum(EVENT_TYPES),
    occurredAt: z.string().describe("ISO 8601 time of the change."),
    actor: z.object({
      kind: z.enum(["guest", "user", "token", "share", "system"]),
      userId: z.string().nullable(),
    }),
    subjectType: z.enum(["photo", "album", "tag", "share", "user", "group", "grant"]),
    subjectId: z.string(),
    photoId: z.string().nullable(),
    albumId: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).describe("Ids and changed fields; never secrets."),
  })
  .meta({ id: "Event" });

/** The event as JSON. */
export const eventJson = (e: GalleryEvent) => ({
  id: e.id,
  type: e.type,
  occurredAt: new Date(e.occurredAt).toISOString(),
  actor: e.actor,
  subjectType: e.subjectType,
  subjectId: e.subjectId,
  photoId: e.photoId,
  albumId: e.albumId,
  data: e.data,
});

const EventsQuery = PageQuery.extend({
  types: z
    .string()
    .max(2000)
    .optional()
    .describe("Comma-separated event types or `prefix.*` patterns, e.g. `photo.*,album.created`."),
});

/** The event feed. */
export function eventRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/events",
      operationId: "listEvents",
      summary: "The event feed (domain changes, oldest first)",
      description:
        "Every change to photos, albums, tags, shares, users, groups and grants, in commit order, filtered by " +
        "what the caller may see now: an event about a photo or album the caller cannot see is left out; user, " +
        "group, grant, tag and share events are for admins. Poll with the returned `pollCursor` to get what " +
        "happened since; `nextCursor` is set while more events are available right away. Tokens need " +
        "`events:read`.",
      tags: ["events"],
      scope: "events:read",
      auth: "optional",
      rateClass: "read",
      query: EventsQuery,
      response: z.object({
        items: z.array(EventSchema),
        nextCursor: z.string().nullable().describe("Null when nothing more is available now."),
        pollCursor: z.string().describe("Where to resume polling later; always set."),
      }),
      errors: [...READ_ERRORS, "UNAUTHENTICATED", "FORBIDDEN", "INSUFFICIENT_SCOPE"],
      async handler(ctx) {
        const types = ctx.query.types
          ?.split(",")
          .map((t) => t.trim())
          .filter((t) => t !== "");
        const page = await ctx.gallery.events.list(ctx.actor, {
          cursor: ctx.query.cursor,
          limit: ctx.query.limit,
          types,
        });
        return { items: page.items.map(eventJson), nextCursor: page.nextCursor, pollCursor: page.pollCursor };
      },
    }),
  ];
}
