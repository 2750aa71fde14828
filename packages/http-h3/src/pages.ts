import { createHash } from "node:crypto";
import {
  type Actor,
  type Album,
  type AlbumView,
  type Gallery,
  htmlBytes,
  type PageContext,
  type PageMeta,
  type Photo,
  type PhotoView,
  type SafeHtml,
  type Theme,
  type ThemeTemplates,
} from "@vernissage/core";
import { errorTitle, negotiateLanguage, translate } from "@vernissage/theme-default";
import { FastResponse } from "srvx";
import { derivativeSources, type Links } from "./links.js";

/** Content-Security-Policy of every page: no inline scripts or styles, nothing from other origins. */
export const PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; " +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** A theme's assets with fingerprints, ready to serve. */
export interface ThemeAssets {
  urls: Record<string, string>;
  byPath: Map<string, { contentType: string; body: Uint8Array; etag: string }>;
}

/** Fingerprint a theme's assets so their URLs can be cached forever. */
export function prepareAssets(theme: Theme, links: Links): ThemeAssets {
  const urls: Record<string, string> = {};
  const byPath = new Map<string, { contentType: string; body: Uint8Array; etag: string }>();
  for (const [name, asset] of Object.entries(theme.assets)) {
    const body = typeof asset.body === "string" ? new TextEncoder().encode(asset.body) : asset.body;
    const fingerprint = createHash("sha256").update(body).digest("hex").slice(0, 12);
    urls[name] = links.asset(name, fingerprint);
    byPath.set(`${fingerprint}/${name}`, { contentType: asset.contentType, body, etag: `"${fingerprint}"` });
  }
  return { urls, byPath };
}

/** URL of the Atom feed of recent photos. */
export function feedHref(links: Links): string {
  return `${links.base}/feed.atom`;
}

/** The caller's preferred interface language, when their account records one (`locale` on the session user). */
export function preferredLanguage(session: { user: object } | null | undefined): string | null {
  const user = session?.user;
  if (user && "locale" in user && typeof user.locale === "string") return user.locale;
  return null;
}

/** Render helpers for the gallery pages. */
export function createPageRenderer(deps: {
  gallery: Gallery;
  theme: Theme;
  links: Links;
  assets: ThemeAssets;
}) {
  const { gallery, theme, links, assets } = deps;

  /**
   * The context of one page: the language comes from the user's preference, else `Accept-Language`, else
   * English; the origin (for permalinks and Open Graph) from the request.
   */
  function context(userName: string | null, request?: Request, preferred?: string | null): PageContext {
    // The gallery's default language joins the browser's list with the lowest weight: it wins only when the
    // browser asks for no language the theme has.
    const fallback = gallery.settings.snapshot().defaultLanguage;
    const accept = request?.headers.get("accept-language") ?? "";
    const lang = negotiateLanguage(
      fallback ? `${accept.slice(0, 480)},${fallback};q=0.001` : accept,
      preferred,
    );
    const origin = request ? new URL(request.url).origin : undefined;
    return {
      title: gallery.title,
      basePath: links.base,
      userName,
      assets: assets.urls,
      lang,
      origin,
      // Template slots show what enabled plugins render (core's theme contract; see docs/themes.md).
      slot: (name, data) => gallery.plugins.renderSlot(name, data),
    };
  }

  /** A photo as pages show it; `albumId` keeps the album being browsed in the photo link (for previous/next). */
  function photoView(photo: Photo, albumId?: string): PhotoView {
    const href = albumId ? `${links.photo(photo)}?album=${encodeURIComponent(albumId)}` : links.photo(photo);
    return { photo, images: derivativeSources(gallery, links, photo), href };
  }

  async function albumViews(actor: Actor, albums: Album[]): Promise<AlbumView[]> {
    const covers = await gallery.photos.getMany(
      actor,
      albums.map((a) => a.coverPhotoId).filter((id): id is string => id !== null),
    );
    const byId = new Map(covers.map((p) => [p.id, p]));
    return albums.map((album) => {
      const cover = album.coverPhotoId ? byId.get(album.coverPhotoId) : undefined;
      const images = cover ? photoView(cover).images : undefined;
      return {
        album,
        href: links.album(album),
        cover: images?.small ?? images?.xsmall ?? images?.thumb ?? images?.square ?? null,
      };
    });
  }

  /** Links every page's head carries: the Atom feed of recent photos. */
  function defaultMeta(ctx: PageContext): PageMeta {
    return {
      alternates: [
        { href: feedHref(links), type: "application/atom+xml", title: translate(ctx.lang, "feed.title") },
      ],
    };
  }

  function page(
    ctx: PageContext,
    title: string,
    main: SafeHtml,
    breadcrumbs?: { label: string; href: string }[],
    meta?: PageMeta,
  ): SafeHtml {
    const full: PageMeta = { ...defaultMeta(ctx), ...meta };
    return theme.templates.layout(ctx, { title, main, breadcrumbs, meta: full });
  }

  /**
   * Render a page template after `theme:render:before`: hooks may change the template's data in place (or replace
   * it) and veto by throwing (the error page is rendered instead).
   */
  async function render<N extends PageTemplate>(
    name: N,
    ctx: PageContext,
    data: Parameters<ThemeTemplates[N]>[1],
  ): Promise<SafeHtml> {
    let input: unknown = data;
    if (gallery.hooks.has("theme:render:before")) {
      const hookCtx = { theme: theme.name, template: name, data: input };
      await gallery.hooks.before("theme:render:before", hookCtx);
      input = hookCtx.data;
    }
    const template = theme.templates[name] as (c: PageContext, d: unknown) => SafeHtml;
    return template(ctx, input);
  }

  return {
    templates: theme.templates,
    render,
    context,
    photoView,
    albumViews,
    page,
    error(ctx: PageContext, status: number, code: string, message: string): SafeHtml {
      const title = errorTitle(ctx.lang, status, message);
      return page(ctx, title, theme.templates.error(ctx, { status, code, message: title }));
    },
  };
}

/** The page templates a request renders (layout and error wrap them and are not hooked). */
export type PageTemplate = Exclude<keyof ThemeTemplates, "layout" | "error">;

/** An HTML response with the page security headers. */
export function htmlResponse(
  body: string | SafeHtml,
  init: { status?: number; headers?: Headers } = {},
): Response {
  const headers = init.headers ?? new Headers();
  headers.set("content-type", "text/html; charset=utf-8");
  headers.set("content-security-policy", PAGE_CSP);
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "same-origin");
  if (!headers.has("cache-control")) headers.set("cache-control", "private, no-cache");
  // srvx's FastResponse (h3's own response class) hands the body to node:http as it is when served through
  // `toNodeHandler`, instead of undici's USV check, encoding and web stream of a 100 KiB page. A rendered page
  // is encoded from its pieces (`htmlBytes`), never joined into one large string first.
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : htmlBytes(body);
  return new FastResponse(bytes, { status: init.status ?? 200, headers });
}
