import {
  type Gallery,
  GalleryError,
  type ImageSource,
  isAdminActor,
  type PageContext,
  type PageMeta,
} from "@vernissage/core";
import { translate } from "@vernissage/theme-default";
import { getRouterParams, type H3, type H3Event } from "h3";
import { createAccountPageRoutes } from "./account-pages.js";
import type { Wrap } from "./admin-common.js";
import { createAdminLibraryPageRoutes } from "./admin-library-pages.js";
import { createAdminPageRoutes } from "./admin-pages.js";
import { createAdminPeoplePageRoutes } from "./admin-people-pages.js";
import { parseCookieHeader } from "./cookies.js";
import { renderAtomFeed } from "./feed.js";
import { readPostedForm } from "./forms.js";
import type { Links } from "./links.js";
import { type createPageRenderer, feedHref, htmlResponse, preferredLanguage } from "./pages.js";
import { clientIp } from "./routes/identity-schemas.js";
import {
  assertSameOrigin,
  csrfToken,
  type RequestIdentity,
  SESSION_COOKIE,
  sessionCookie,
} from "./session.js";
import { createSharePageRoutes } from "./share-pages.js";

/** Dependencies of the page routes. */
export interface PageRouteDeps {
  app: H3;
  base: string;
  gallery: Gallery;
  links: Links;
  renderer: ReturnType<typeof createPageRenderer>;
  wrap: Wrap;
  secureCookies: (request: Request) => boolean;
  /** Extra origins the same-origin check of session-less forms (login, registration, share links) accepts. */
  allowedOrigins?: readonly string[];
  /** Largest upload the admin form fallback accepts. @default 200 MiB */
  maxUploadBytes?: number;
  /** Files at least this large use resumable uploads on the admin upload page. @default 8 MiB */
  resumableUploadThreshold?: number | undefined;
}

const PHOTOS_PER_PAGE = 60;
/** Search calls one results page may make before it links to the rest (each scans a bounded candidate set). */
const SEARCH_SCANS_PER_PAGE = 4;
const FEED_SIZE = 30;
const DESCRIPTION_CHARS = 200;
const TAG_LIMIT = 200;

/** A `YYYY-MM-DD` date from a form field, or "" when absent or not a real date. */
function dayOrEmpty(value: string | null): string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return "";
  return Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? "" : value;
}

/** Only same-site relative paths are accepted as a post-login destination (no open redirect). */
function safeNext(next: string | null | undefined, base: string): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.includes("\\")) return `${base}/`;
  return next;
}

/** A plain-text description for meta tags: whitespace collapsed, cut at a word boundary. */
function shortText(text: string): string | undefined {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return undefined;
  if (flat.length <= DESCRIPTION_CHARS) return flat;
  const cut = flat.slice(0, DESCRIPTION_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), DESCRIPTION_CHARS / 2))}…`;
}

/** The image link previews use: a large-ish derivative, as an absolute URL. */
function previewImage(
  ctx: PageContext,
  images: Record<string, ImageSource>,
  alt: string,
): PageMeta["image"] | undefined {
  const source = images.large ?? images.medium ?? images.small ?? Object.values(images)[0];
  if (!source || !ctx.origin) return undefined;
  return { url: `${ctx.origin}${source.url}`, width: source.width, height: source.height, alt };
}

/** Register the server-rendered gallery pages and the Atom feed. */
export function createPageRoutes(deps: PageRouteDeps): void {
  const { app, base, gallery, links, renderer, wrap } = deps;
  const allowedOrigins = deps.allowedOrigins ?? [];
  const theme = renderer;
  const userName = (id: RequestIdentity) => id.session?.user.displayName ?? null;
  const contextFor = (event: H3Event, identity: RequestIdentity): PageContext => {
    const ctx = theme.context(userName(identity), event.req, preferredLanguage(identity.session));
    const session = parseCookieHeader(event.req.headers.get("cookie")).get(SESSION_COOKIE);
    return {
      ...ctx,
      isAdmin: isAdminActor(identity.actor),
      ...(identity.session && session ? { csrfToken: csrfToken(session) } : {}),
    };
  };
  const absolute = (ctx: PageContext, path: string) => (ctx.origin ? `${ctx.origin}${path}` : undefined);
  const tagHref = (tag: { id: string }) => `${base}/tags/${encodeURIComponent(tag.id)}`;

  const home = wrap("page", async (event, identity, _rid, headers) => {
    const cursor = event.url.searchParams.get("cursor") ?? undefined;
    const page = await gallery.albums.list(identity.actor, { parentId: null, cursor, limit: 48 });
    const ctx = contextFor(event, identity);
    const albums = await theme.albumViews(identity.actor, page.items);
    const nextHref = page.nextCursor ? `${links.home()}?cursor=${encodeURIComponent(page.nextCursor)}` : null;
    const main = await theme.render("home", ctx, { albums, nextHref });
    const cover = albums.find((a) => a.cover !== null)?.cover;
    const { description } = gallery.settings.snapshot();
    const meta: PageMeta = {
      canonical: absolute(ctx, links.home()),
      ...(description ? { description: shortText(description) } : {}),
      ...(cover && ctx.origin
        ? { image: { url: `${ctx.origin}${cover.url}`, width: cover.width, height: cover.height, alt: "" } }
        : {}),
    };
    return htmlResponse(theme.page(ctx, gallery.title, main, undefined, meta), { headers });
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
      // A root album has no ancestors: skip the query.
      album.parentId === null ? [] : gallery.albums.ancestors(identity.actor, album.id),
      gallery.albums.list(identity.actor, { parentId: album.id, limit: 200 }),
      gallery.photos.listInAlbum(identity.actor, album.id, { cursor, limit: PHOTOS_PER_PAGE }),
    ]);
    const ctx = contextFor(event, identity);
    const crumbs = [
      { label: gallery.title, href: links.home() },
      ...parents.map((p) => ({ label: p.name, href: links.album(p) })),
    ];
    const photoViews = photos.items.map((p) => theme.photoView(p, album.id));
    const main = await theme.render("album", ctx, {
      album,
      parents: crumbs,
      children: await theme.albumViews(identity.actor, children.items),
      photos: photoViews,
      nextHref: photos.nextCursor
        ? `${links.album(album)}?cursor=${encodeURIComponent(photos.nextCursor)}`
        : null,
    });
    const first = photoViews[0];
    const meta: PageMeta = {
      canonical: absolute(ctx, links.album(album)),
      description: shortText(album.description),
      image: first ? previewImage(ctx, first.images, album.name) : undefined,
    };
    return htmlResponse(theme.page(ctx, album.name, main, undefined, meta), { headers });
  });
  app.get(`${base}/albums/:id`, albumPage);
  app.get(`${base}/albums/:id/:slug`, albumPage);

  app.get(
    `${base}/photos/:id`,
    wrap("page", async (event, identity, _rid, headers) => {
      const { id = "" } = getRouterParams(event, { decode: true });
      const albumId = event.url.searchParams.get("album") ?? undefined;
      const [context, photoTags, downloadable] = await Promise.all([
        gallery.browse.photoContext(identity.actor, id, { albumId }),
        gallery.tags.ofPhoto(identity.actor, id),
        // Whether the original would be given (originals setting, share link rights, a location the visitor may
        // not see in a file that cannot be scrubbed): the download link shows only then.
        gallery.derivatives.originalAvailable(identity.actor, id),
      ]);
      const { photo } = context;
      const ctx = contextFor(event, identity);
      const walked = context.album;
      const ancestors =
        walked && walked.parentId !== null ? await gallery.albums.ancestors(identity.actor, walked.id) : [];
      const label = (p: typeof photo) => p.title.trim() || p.originalFilename;
      const neighbour = (p: typeof photo | null) =>
        p === null ? null : { label: label(p), href: theme.photoView(p, walked?.id).href };
      const view = theme.photoView(photo, walked?.id);
      const main = await theme.render("photo", ctx, {
        photo: view,
        albumHref: walked ? links.album(walked) : null,
        albums: context.albums.map((a) => ({ label: a.name, href: links.album(a) })),
        previous: neighbour(context.previous),
        next: neighbour(context.next),
        originalHref: downloadable ? links.original(photo) : null,
        tags: photoTags.map((tag) => ({ label: tag.name, href: tagHref(tag) })),
      });
      const crumbs = [
        { label: gallery.title, href: links.home() },
        ...ancestors.map((a) => ({ label: a.name, href: links.album(a) })),
        ...(walked ? [{ label: walked.name, href: links.album(walked) }] : []),
      ];
      const title = label(photo);
      const meta: PageMeta = {
        canonical: absolute(ctx, links.photo(photo)),
        description: shortText(photo.description),
        type: "article",
        image: previewImage(ctx, view.images, title),
      };
      return htmlResponse(theme.page(ctx, title, main, crumbs, meta), { headers });
    }),
  );

  app.get(
    `${base}/tags`,
    wrap("page", async (event, identity, _rid, headers) => {
      const ctx = contextFor(event, identity);
      const page = await gallery.tags.list(identity.actor, { limit: TAG_LIMIT });
      const main = await theme.render("tags", ctx, {
        tags: page.items
          .filter((tag) => tag.photoCount > 0)
          .map((tag) => ({ label: tag.name, href: tagHref(tag), count: tag.photoCount })),
      });
      const meta: PageMeta = { canonical: absolute(ctx, `${base}/tags`) };
      return htmlResponse(theme.page(ctx, translate(ctx.lang, "tags.title"), main, undefined, meta), {
        headers,
      });
    }),
  );

  app.get(
    `${base}/tags/:id`,
    wrap("page", async (event, identity, _rid, headers) => {
      const { id = "" } = getRouterParams(event, { decode: true });
      const tag = await gallery.tags.get(identity.actor, id);
      const cursor = event.url.searchParams.get("cursor") ?? undefined;
      const photos = await gallery.photos.list(identity.actor, {
        tagId: tag.id,
        cursor,
        limit: PHOTOS_PER_PAGE,
      });
      const ctx = contextFor(event, identity);
      const main = await theme.render("tag", ctx, {
        tag: { label: tag.name, count: tag.photoCount },
        photos: photos.items.map((p) => theme.photoView(p)),
        nextHref: photos.nextCursor
          ? `${tagHref(tag)}?cursor=${encodeURIComponent(photos.nextCursor)}`
          : null,
      });
      const title = translate(ctx.lang, "tag.title", { name: tag.name });
      const meta: PageMeta = { canonical: absolute(ctx, tagHref(tag)) };
      return htmlResponse(theme.page(ctx, title, main, undefined, meta), { headers });
    }),
  );

  app.get(
    `${base}/search`,
    wrap("page", async (event, identity, _rid, headers) => {
      const params = event.url.searchParams;
      const query = {
        q: (params.get("q") ?? "").slice(0, 200),
        tagId: (params.get("tag") ?? "").slice(0, 64),
        takenFrom: dayOrEmpty(params.get("from")),
        takenTo: dayOrEmpty(params.get("to")),
      };
      const cursor = params.get("cursor") ?? undefined;
      const ctx = contextFor(event, identity);
      const tagPage = await gallery.tags.list(identity.actor, { limit: TAG_LIMIT });
      const tagOptions = tagPage.items
        .filter((tag) => tag.photoCount > 0)
        .map((tag) => ({ id: tag.id, label: tag.name }));
      const filters = {
        tagId: query.tagId || undefined,
        takenFrom: query.takenFrom ? Date.parse(`${query.takenFrom}T00:00:00Z`) : undefined,
        takenTo: query.takenTo ? Date.parse(`${query.takenTo}T23:59:59.999Z`) : undefined,
        cursor,
        limit: PHOTOS_PER_PAGE,
      };
      const asked = query.q.trim() !== "" || filters.tagId || filters.takenFrom || filters.takenTo;
      let results = null;
      let nextCursor: string | null = null;
      let error: string | null = null;
      if (asked) {
        try {
          if (query.q.trim() === "") {
            const page = await gallery.photos.list(identity.actor, filters);
            results = page.items.map((p) => theme.photoView(p));
            nextCursor = page.nextCursor;
          } else {
            // A text search scans a bounded number of candidates per call, so one call may return a short (even
            // empty) page with more to come; a few continuations fill the visitor's page.
            const found = [];
            let scanCursor = cursor;
            for (let scan = 0; scan < SEARCH_SCANS_PER_PAGE; scan++) {
              const page = await gallery.search.photos(identity.actor, {
                ...filters,
                q: query.q,
                cursor: scanCursor,
                limit: PHOTOS_PER_PAGE - found.length,
              });
              found.push(...page.items);
              nextCursor = page.nextCursor;
              if (nextCursor === null || found.length >= PHOTOS_PER_PAGE) break;
              scanCursor = nextCursor;
            }
            results = found.map((p) => theme.photoView(p));
          }
        } catch (thrown) {
          if (!(thrown instanceof GalleryError) || thrown.code !== "VALIDATION_FAILED") throw thrown;
          error = translate(ctx.lang, "search.invalid");
        }
      }
      const next = new URLSearchParams();
      for (const [key, value] of [
        ["q", query.q],
        ["tag", query.tagId],
        ["from", query.takenFrom],
        ["to", query.takenTo],
      ] as const)
        if (value) next.set(key, value);
      if (nextCursor) next.set("cursor", nextCursor);
      const main = await theme.render("search", ctx, {
        query,
        tagOptions,
        results,
        nextHref: nextCursor ? `${base}/search?${next.toString()}` : null,
        error,
      });
      return htmlResponse(theme.page(ctx, translate(ctx.lang, "search.title"), main), {
        status: error ? 400 : 200,
        headers,
      });
    }),
  );

  const calendarPage = wrap("page", async (event, identity, _rid, headers) => {
    const { year: rawYear } = getRouterParams(event, { decode: true });
    const year = rawYear === undefined ? undefined : Number(rawYear);
    if (year !== undefined && !(/^\d{4}$/.test(rawYear ?? "") && year >= 1))
      throw new GalleryError("NOT_FOUND");
    const buckets = await gallery.browse.calendar(identity.actor, { year });
    const ctx = contextFor(event, identity);
    const pad = (n: number) => String(n).padStart(2, "0");
    const entries = buckets.map((bucket) => {
      if (year === undefined) return { ...bucket, href: `${base}/calendar/${bucket.key}` };
      // A month links to the search page filtered on that month's dates.
      const last = new Date(Date.UTC(year, bucket.key, 0)).getUTCDate();
      const from = `${year}-${pad(bucket.key)}-01`;
      const to = `${year}-${pad(bucket.key)}-${pad(last)}`;
      return { ...bucket, href: `${base}/search?from=${from}&to=${to}` };
    });
    const main = await theme.render("calendar", ctx, { year: year ?? null, entries });
    const title =
      year === undefined
        ? translate(ctx.lang, "calendar.title")
        : translate(ctx.lang, "calendar.year", { year: String(year) });
    return htmlResponse(theme.page(ctx, title, main), { headers });
  });
  app.get(`${base}/calendar`, calendarPage);
  app.get(`${base}/calendar/:year`, calendarPage);

  app.get(
    `${base}/feed.atom`,
    wrap("page", async (event, identity, _rid, headers) => {
      const ctx = contextFor(event, identity);
      const page = await gallery.photos.list(identity.actor, { limit: FEED_SIZE });
      const body = renderAtomFeed({
        gallery,
        links,
        origin: event.url.origin,
        selfHref: feedHref(links),
        title: `${gallery.title} · ${translate(ctx.lang, "feed.title")}`,
        lang: ctx.lang,
        photos: page.items,
      });
      headers.set("content-type", "application/atom+xml; charset=utf-8");
      headers.set("x-content-type-options", "nosniff");
      // What the feed holds depends on who asks.
      headers.set("cache-control", "private, no-cache");
      headers.set("vary", "Cookie, Authorization, Accept-Language");
      return new Response(body, { headers });
    }),
  );

  app.get(
    `${base}/login`,
    wrap("page", async (event, identity, _rid, headers) => {
      const ctx = contextFor(event, identity);
      const next = safeNext(event.url.searchParams.get("next"), base);
      return htmlResponse(
        theme.page(
          ctx,
          translate(ctx.lang, "login.title"),
          await theme.render("login", ctx, { error: null, next }),
        ),
        { headers },
      );
    }),
  );

  app.post(
    `${base}/login`,
    wrap("page", async (event, identity, _rid, headers) => {
      // Login forms get the same-origin check even without a session (login CSRF).
      assertSameOrigin(event.req, event.url, allowedOrigins);
      const { field } = await readPostedForm(event.req);
      const username = field("username", 64);
      const password = field("password", 1024);
      const next = safeNext(field("next", 2048), base);
      try {
        const info = await gallery.auth.login(username, password, {
          userAgent: event.req.headers.get("user-agent") ?? undefined,
          ip: clientIp(event.req),
          // No session fixation: a session the browser already held is ended.
          previousToken: parseCookieHeader(event.req.headers.get("cookie")).get(SESSION_COOKIE),
        });
        headers.append(
          "set-cookie",
          sessionCookie(base, info.token, info.expiresAt, deps.secureCookies(event.req)),
        );
        headers.set("location", next);
        return new Response(null, { status: 303, headers });
      } catch (error) {
        if (!(error instanceof GalleryError) || error.code !== "INVALID_CREDENTIALS") throw error;
        const ctx = contextFor(event, identity);
        const main = await theme.render("login", ctx, { error: translate(ctx.lang, "login.failed"), next });
        return htmlResponse(theme.page(ctx, translate(ctx.lang, "login.title"), main), {
          status: 401,
          headers,
        });
      }
    }),
  );

  createAccountPageRoutes({
    app,
    base,
    gallery,
    renderer,
    wrap,
    contextFor,
    secureCookies: deps.secureCookies,
    allowedOrigins,
  });

  createSharePageRoutes({
    app,
    base,
    gallery,
    links,
    renderer,
    wrap,
    contextFor,
    secureCookies: deps.secureCookies,
    allowedOrigins,
  });

  createAdminPageRoutes({
    app,
    base,
    gallery,
    links,
    renderer,
    wrap,
    contextFor,
    maxUploadBytes: deps.maxUploadBytes ?? 200 * 1024 * 1024,
    resumableUploadThreshold: deps.resumableUploadThreshold,
  });
  createAdminPeoplePageRoutes({ app, base, gallery, renderer, wrap, contextFor });
  createAdminLibraryPageRoutes({ app, base, gallery, links, renderer, wrap, contextFor });

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
