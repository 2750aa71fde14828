import { type Gallery, GalleryError } from "@vernissage/core";
import { getRouterParams, type H3, type H3Event } from "h3";
import type { Links } from "./links.js";
import { type createPageRenderer, htmlResponse } from "./pages.js";
import { type RequestIdentity, sessionCookie } from "./session.js";

type Wrap = (
  kind: "api" | "page" | "media",
  fn: (event: H3Event, id: RequestIdentity, requestId: string, headers: Headers) => Promise<Response>,
) => (event: H3Event) => Promise<Response>;

/** Dependencies of the page routes. */
export interface PageRouteDeps {
  app: H3;
  base: string;
  gallery: Gallery;
  links: Links;
  renderer: ReturnType<typeof createPageRenderer>;
  wrap: Wrap;
  secureCookies: (request: Request) => boolean;
}

const PHOTOS_PER_PAGE = 60;

/** Only same-site relative paths are accepted as a post-login destination (no open redirect). */
function safeNext(next: string | null | undefined, base: string): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.includes("\\")) return `${base}/`;
  return next;
}

/** Register the server-rendered gallery pages. */
export function createPageRoutes(deps: PageRouteDeps): void {
  const { app, base, gallery, links, renderer, wrap } = deps;
  const theme = renderer;
  const userName = (id: RequestIdentity) => id.session?.user.displayName ?? null;

  const home = wrap("page", async (event, identity, _rid, headers) => {
    const cursor = event.url.searchParams.get("cursor") ?? undefined;
    const page = await gallery.albums.list(identity.actor, { parentId: null, cursor, limit: 48 });
    const ctx = theme.context(userName(identity));
    const albums = await theme.albumViews(identity.actor, page.items);
    const nextHref = page.nextCursor ? `${links.home()}?cursor=${encodeURIComponent(page.nextCursor)}` : null;
    const main = renderTemplates(renderer).home(ctx, { albums, nextHref });
    return htmlResponse(theme.page(ctx, gallery.title, main), { headers });
  });
  app.get(`${base}/`, home);
  if (base !== "") app.get(base, home);

  const albumPage = wrap("page", async (event, identity, _rid, headers) => {
    const { id = "", slug } = getRouterParams(event, { decode: true });
    const album = await gallery.albums.get(identity.actor, id);
    if (slug !== album.slug) {
      return new Response(null, {
        status: 301,
        headers: { location: `${links.album(album)}${event.url.search}` },
      });
    }
    const cursor = event.url.searchParams.get("cursor") ?? undefined;
    const [parents, children, photos] = await Promise.all([
      gallery.albums.ancestors(identity.actor, album.id),
      gallery.albums.list(identity.actor, { parentId: album.id, limit: 200 }),
      gallery.photos.listInAlbum(identity.actor, album.id, { cursor, limit: PHOTOS_PER_PAGE }),
    ]);
    const ctx = theme.context(userName(identity));
    const crumbs = [
      { label: gallery.title, href: links.home() },
      ...parents.map((p) => ({ label: p.name, href: links.album(p) })),
    ];
    const main = renderTemplates(renderer).album(ctx, {
      album,
      parents: crumbs,
      children: await theme.albumViews(identity.actor, children.items),
      photos: photos.items.map((p) => theme.photoView(p)),
      nextHref: photos.nextCursor
        ? `${links.album(album)}?cursor=${encodeURIComponent(photos.nextCursor)}`
        : null,
    });
    return htmlResponse(
      theme.page(ctx, album.name, main, [...crumbs, { label: album.name, href: links.album(album) }]),
      {
        headers,
      },
    );
  });
  app.get(`${base}/albums/:id`, albumPage);
  app.get(`${base}/albums/:id/:slug`, albumPage);

  app.get(
    `${base}/photos/:id`,
    wrap("page", async (event, identity, _rid, headers) => {
      const { id = "" } = getRouterParams(event, { decode: true });
      const photo = await gallery.photos.get(identity.actor, id);
      const ctx = theme.context(userName(identity));
      const main = renderTemplates(renderer).photo(ctx, { photo: theme.photoView(photo), albumHref: null });
      return htmlResponse(theme.page(ctx, photo.title || photo.originalFilename, main), { headers });
    }),
  );

  app.get(
    `${base}/login`,
    wrap("page", async (event, identity, _rid, headers) => {
      const ctx = theme.context(userName(identity));
      const next = safeNext(event.url.searchParams.get("next"), base);
      return htmlResponse(
        theme.page(ctx, "Sign in", renderTemplates(renderer).login(ctx, { error: null, next })),
        { headers },
      );
    }),
  );

  app.post(
    `${base}/login`,
    wrap("page", async (event, identity, _rid, headers) => {
      // Login forms get the same-origin check even without a session (login CSRF).
      const site = event.req.headers.get("sec-fetch-site");
      const origin = event.req.headers.get("origin");
      if (!(site === "same-origin" || (site === null && origin === event.url.origin)))
        throw new GalleryError("CSRF_REJECTED");
      const form = await event.req.formData().catch(() => {
        throw new GalleryError("VALIDATION_FAILED");
      });
      const username = String(form.get("username") ?? "").slice(0, 64);
      const password = String(form.get("password") ?? "").slice(0, 1024);
      const next = safeNext(String(form.get("next") ?? ""), base);
      try {
        const info = await gallery.auth.login(username, password, {
          userAgent: event.req.headers.get("user-agent") ?? undefined,
        });
        headers.append(
          "set-cookie",
          sessionCookie(base, info.token, info.expiresAt, deps.secureCookies(event.req)),
        );
        headers.set("location", next);
        return new Response(null, { status: 303, headers });
      } catch (error) {
        if (!(error instanceof GalleryError) || error.code !== "INVALID_CREDENTIALS") throw error;
        const ctx = theme.context(userName(identity));
        const main = renderTemplates(renderer).login(ctx, { error: "Wrong username or password.", next });
        return htmlResponse(theme.page(ctx, "Sign in", main), { status: 401, headers });
      }
    }),
  );

  app.post(
    `${base}/logout`,
    wrap("page", async (event, identity, _rid, headers) => {
      if (identity.session) await gallery.auth.endSession(identity.session.sessionId);
      headers.append("set-cookie", sessionCookie(base, "", 0, deps.secureCookies(event.req)));
      headers.set("location", links.home());
      return new Response(null, { status: 303, headers });
    }),
  );
}

// The renderer exposes the theme's templates through page(); the page-specific ones are reached here.
function renderTemplates(renderer: ReturnType<typeof createPageRenderer>) {
  return renderer.templates;
}
