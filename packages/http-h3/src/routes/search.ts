import { photoJson } from "../links.js";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { PhotoSchema, pageOf } from "../schemas.js";
import { type ApiRouteOptions, READ_ERRORS } from "./common.js";
import { ms, SearchQuery } from "./library-schemas.js";

/** Search routes. */
export function searchRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/search/photos",
      operationId: "searchPhotos",
      summary: "Find photos by text",
      description:
        "Words match title, description, file name, file keywords, tags and album names (as prefixes; all must " +
        "match). Filterable by album subtree, tag and dates; newest first; only photos the caller may see.",
      tags: ["photos", "search"],
      scope: "photos:read",
      auth: "optional",
      rateClass: "search",
      query: SearchQuery,
      response: pageOf(PhotoSchema),
      errors: [...READ_ERRORS],
      async handler(ctx) {
        const q = ctx.query;
        const page = await ctx.gallery.search.photos(ctx.actor, {
          q: q.q,
          limit: q.limit,
          cursor: q.cursor,
          albumId: q.albumId,
          tagId: q.tagId,
          takenFrom: ms(q.takenFrom),
          takenTo: ms(q.takenTo),
          addedFrom: ms(q.addedFrom),
          addedTo: ms(q.addedTo),
        });
        return {
          items: page.items.map((p) => photoJson(ctx.gallery, ctx.links, p)),
          nextCursor: page.nextCursor,
        };
      },
    }),
  ];
}
