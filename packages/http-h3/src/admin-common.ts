import {
  type Actor,
  type AdminAlbumOption,
  type AdminPage,
  type AlbumTreeEntry,
  GalleryError,
  isAdminActor,
  type PageContext,
} from "@vernissage/core";
import { translate } from "@vernissage/theme-default";
import { getRouterParams, type H3Event } from "h3";
import { type createPageRenderer, htmlResponse } from "./pages.js";

/** The plumbing shared by the admin page modules (dashboard and upload, albums and photos, people and settings). */

export type { Wrap } from "./session.js";

/** Ids are ULIDs: anything longer or with other characters is refused before it reaches a query. */
export const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A `303 See Other` to `location` (after a form post, or to the login page). */
export function seeOther(headers: Headers, location: string): Response {
  headers.set("location", location);
  return new Response(null, { status: 303, headers });
}

/** Send a guest to the login page, which comes back to this URL afterwards. */
export function toLogin(event: H3Event, base: string, headers: Headers): Response {
  return seeOther(headers, `${base}/login?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
}

/** Admins only: a guest is sent to log in (the response returned), anyone else gets `FORBIDDEN`. */
export function guardAdmin(event: H3Event, base: string, actor: Actor, headers: Headers): Response | null {
  if (actor.kind === "guest") return toLogin(event, base, headers);
  if (!isAdminActor(actor)) throw new GalleryError("FORBIDDEN");
  return null;
}

/** A route parameter that must be an id (`NOT_FOUND` otherwise, as for an unknown id). */
export function idParam(event: H3Event, name = "id"): string {
  const value = getRouterParams(event, { decode: true })[name] ?? "";
  if (!ID.test(value)) throw new GalleryError("NOT_FOUND");
  return value;
}

/** Albums as the choices of a select: names indented by depth, minus the `exclude`d ones. */
export function albumOptions(
  tree: readonly AlbumTreeEntry[],
  exclude?: ReadonlySet<string>,
): AdminAlbumOption[] {
  return tree
    .filter((a) => !exclude?.has(a.id))
    .map((a) => ({ id: a.id, label: `${"\u2003".repeat(a.depth)}${a.name}` }));
}

/**
 * Render an admin page inside the layout: never cached, never indexed, titled "Administration". `noReferrer`
 * for pages that may show a secret once (a new share link or API token).
 */
export async function renderAdminPage(
  renderer: ReturnType<typeof createPageRenderer>,
  ctx: PageContext,
  data: AdminPage,
  headers: Headers,
  options: { status?: number; scripts?: string[]; templateCtx?: PageContext; noReferrer?: boolean } = {},
): Promise<Response> {
  const main = await renderer.render("admin", options.templateCtx ?? ctx, data);
  headers.set("cache-control", "no-store");
  const title = translate(ctx.lang, "admin.nav");
  const response = htmlResponse(
    renderer.page(ctx, title, main, undefined, { scripts: options.scripts ?? [], noindex: true }),
    { status: options.status ?? 200, headers },
  );
  if (options.noReferrer) response.headers.set("referrer-policy", "no-referrer");
  return response;
}
