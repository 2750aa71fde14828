import { type Gallery, GalleryError, type PageContext } from "@vernissage/core";
import { translate } from "@vernissage/theme-default";
import { getRouterParams, type H3, type H3Event } from "h3";
import { readPostedForm } from "./forms.js";
import type { Links } from "./links.js";
import { type createPageRenderer, htmlResponse } from "./pages.js";
import { clientIp } from "./routes/identity-schemas.js";
import type { Wrap } from "./session.js";
import { assertSameOrigin, type RequestIdentity, shareCookie } from "./session.js";

/** Dependencies of the share-link pages. */
export interface SharePageDeps {
  app: H3;
  base: string;
  gallery: Gallery;
  links: Links;
  renderer: ReturnType<typeof createPageRenderer>;
  wrap: Wrap;
  contextFor: (event: H3Event, identity: RequestIdentity) => PageContext;
  secureCookies: (request: Request) => boolean;
  /** Extra origins the same-origin check of session-less forms accepts. */
  allowedOrigins: readonly string[];
}

const TOKEN = /^[a-z0-9]{16,64}$/;
const PER_PAGE = 60;

/**
 * Register the share-link pages. `GET /s/{token}` shows a form and never unlocks by itself (so link previews
 * neither use up a limited link nor count as wrong passwords); `POST /s/{token}` unlocks with the password when
 * the link has one, sets the share cookie and goes to the shared album, or to `/shared` for a photo-set link.
 */
export function createSharePageRoutes(deps: SharePageDeps): void {
  const { app, base, gallery, links, renderer, wrap, contextFor } = deps;

  const landing = async (
    ctx: PageContext,
    token: string,
    error: string | null,
    status: number,
    headers: Headers,
  ) => {
    headers.set("cache-control", "no-store");
    // The token is a secret: keep it out of Referer headers and search engines.
    headers.set("referrer-policy", "no-referrer");
    const main = await renderer.render("share", ctx, { view: "unlock", action: `${base}/s/${token}`, error });
    const page = renderer.page(ctx, translate(ctx.lang, "share.title"), main, undefined, { noindex: true });
    const response = htmlResponse(page, { status, headers });
    response.headers.set("referrer-policy", "no-referrer");
    return response;
  };

  app.get(
    `${base}/s/:token`,
    wrap("page", async (event, identity, _rid, headers) => {
      const { token = "" } = getRouterParams(event, { decode: true });
      if (!TOKEN.test(token)) throw new GalleryError("NOT_FOUND");
      return landing(contextFor(event, identity), token, null, 200, headers);
    }),
  );

  app.post(
    `${base}/s/:token`,
    wrap("page", async (event, identity, _rid, headers) => {
      // Like the login form: the same-origin check applies even without a session.
      assertSameOrigin(event.req, event.url, deps.allowedOrigins);
      const { token = "" } = getRouterParams(event, { decode: true });
      if (!TOKEN.test(token)) throw new GalleryError("NOT_FOUND");
      const { field } = await readPostedForm(event.req);
      const password = field("password", 1024);
      const ctx = contextFor(event, identity);
      try {
        const session = await gallery.shares.unlock(token, password || undefined, {
          ip: clientIp(event.req),
        });
        headers.append(
          "set-cookie",
          shareCookie(base, session.token, session.expiresAt, deps.secureCookies(event.req)),
        );
        let location = `${base}/shared`;
        if (session.actor.albumId) {
          const album = await gallery.albums.get(session.actor, session.actor.albumId);
          location = links.album(album);
        }
        headers.set("location", location);
        headers.set("referrer-policy", "no-referrer");
        return new Response(null, { status: 303, headers });
      } catch (error) {
        if (!(error instanceof GalleryError)) throw error;
        if (error.code === "INVALID_CREDENTIALS")
          return landing(ctx, token, translate(ctx.lang, "share.wrong"), 401, headers);
        if (error.code === "RATE_LIMITED")
          return landing(ctx, token, translate(ctx.lang, "share.locked"), 429, headers);
        throw error;
      }
    }),
  );

  app.get(
    `${base}/shared`,
    wrap("page", async (event, identity, _rid, headers) => {
      // The photos of the share link this browser opened (only its photos are visible to a share actor).
      if (identity.actor.kind !== "share") throw new GalleryError("NOT_FOUND");
      const cursor = event.url.searchParams.get("cursor") ?? undefined;
      const page = await gallery.photos.list(identity.actor, { cursor, limit: PER_PAGE });
      const ctx = contextFor(event, identity);
      const main = await renderer.render("share", ctx, {
        view: "photos",
        photos: page.items.map((p) => renderer.photoView(p)),
        nextHref: page.nextCursor ? `${base}/shared?cursor=${encodeURIComponent(page.nextCursor)}` : null,
      });
      headers.set("cache-control", "private, no-store");
      return htmlResponse(
        renderer.page(ctx, translate(ctx.lang, "share.photos"), main, undefined, { noindex: true }),
        {
          headers,
        },
      );
    }),
  );
}
