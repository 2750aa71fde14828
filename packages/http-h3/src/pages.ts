import { createHash } from "node:crypto";
import type {
  Actor,
  Album,
  AlbumView,
  Gallery,
  PageContext,
  Photo,
  PhotoView,
  SafeHtml,
  Theme,
} from "@vernissage/core";
import { type Links, photoJson } from "./links.js";

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

/** Render helpers for the gallery pages. */
export function createPageRenderer(deps: {
  gallery: Gallery;
  theme: Theme;
  links: Links;
  assets: ThemeAssets;
}) {
  const { gallery, theme, links, assets } = deps;

  function context(userName: string | null): PageContext {
    return { title: gallery.title, basePath: links.base, userName, assets: assets.urls, lang: "en" };
  }

  function photoView(photo: Photo): PhotoView {
    const json = photoJson(gallery, links, photo);
    return { photo, images: json.derivatives, href: links.photo(photo) };
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
      return { album, href: links.album(album), cover: images?.thumb ?? images?.square ?? null };
    });
  }

  function page(
    ctx: PageContext,
    title: string,
    main: SafeHtml,
    breadcrumbs?: { label: string; href: string }[],
  ): string {
    return theme.templates.layout(ctx, { title, main, breadcrumbs }).toString();
  }

  return {
    templates: theme.templates,
    context,
    photoView,
    albumViews,
    page,
    error(ctx: PageContext, status: number, code: string, message: string): string {
      return page(ctx, message, theme.templates.error(ctx, { status, code, message }));
    },
  };
}

/** An HTML response with the page security headers. */
export function htmlResponse(body: string, init: { status?: number; headers?: Headers } = {}): Response {
  const headers = init.headers ?? new Headers();
  headers.set("content-type", "text/html; charset=utf-8");
  headers.set("content-security-policy", PAGE_CSP);
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "same-origin");
  if (!headers.has("cache-control")) headers.set("cache-control", "private, no-cache");
  return new Response(body, { status: init.status ?? 200, headers });
}
