import type { Album, Photo } from "../types.js";
import type { SafeHtml } from "./html.js";

/** A derivative URL with its size, for `srcset`. */
export interface ImageSource {
  url: string;
  width: number;
  height: number;
}

/** A photo as pages show it. */
export interface PhotoView {
  photo: Photo;
  /** Sources per preset name. */
  images: Record<string, ImageSource>;
  /** Link to the photo page. */
  href: string;
}

/** An album as pages show it. */
export interface AlbumView {
  album: Album;
  href: string;
  cover: ImageSource | null;
}

/** Data every page gets. */
export interface PageContext {
  /** Gallery title. */
  title: string;
  /** Base path the gallery is mounted under (no trailing slash), for links. */
  basePath: string;
  /** Signed-in user's display name, if any. */
  userName: string | null;
  /** Fingerprinted asset URLs by logical name (e.g. `style.css`). */
  assets: Record<string, string>;
  /** Request language. */
  lang: string;
}

/** Render functions a theme provides. Every one returns escaped HTML. */
export interface ThemeTemplates {
  /** The page shell around every page's main content. */
  layout(
    ctx: PageContext,
    page: { title: string; main: SafeHtml; breadcrumbs?: { label: string; href: string }[] },
  ): SafeHtml;
  /** Home page: root albums. */
  home(ctx: PageContext, data: { albums: AlbumView[]; nextHref: string | null }): SafeHtml;
  /** Album page: sub-albums, then photos. */
  album(
    ctx: PageContext,
    data: {
      album: Album;
      parents: { label: string; href: string }[];
      children: AlbumView[];
      photos: PhotoView[];
      nextHref: string | null;
    },
  ): SafeHtml;
  /** Photo page. */
  photo(ctx: PageContext, data: { photo: PhotoView; albumHref: string | null }): SafeHtml;
  /** Error page (404, 403, 500…). */
  error(ctx: PageContext, data: { status: number; code: string; message: string }): SafeHtml;
  /** Login form. */
  login(ctx: PageContext, data: { error: string | null; next: string }): SafeHtml;
}

/** A static asset shipped by a theme. */
export interface ThemeAsset {
  /** MIME type. */
  contentType: string;
  /** The bytes or text. */
  body: string | Uint8Array;
}

/** A theme: templates and assets; it may extend another and override only what it changes. */
export interface Theme {
  name: string;
  templates: ThemeTemplates;
  assets: Record<string, ThemeAsset>;
}

/** Input of {@link defineTheme}. */
export interface ThemeDefinition {
  /** Unique theme name. */
  name: string;
  /** Parent theme; templates and assets not given here come from it. */
  extends?: Theme;
  /** Templates (all of them unless `extends` is set). */
  templates: Partial<ThemeTemplates>;
  /** Assets by logical name (e.g. `style.css`). */
  assets?: Record<string, ThemeAsset>;
}

/**
 * Define a theme. With `extends`, the parent's templates and assets fill in whatever this theme does not give.
 *
 * @example
 * export const dark = defineTheme({ name: "dark", extends: defaultTheme, templates: {}, assets: { "style.css": … } });
 */
export function defineTheme(definition: ThemeDefinition): Theme {
  const parent = definition.extends;
  const templates = { ...parent?.templates, ...definition.templates } as Partial<ThemeTemplates>;
  const required: (keyof ThemeTemplates)[] = ["layout", "home", "album", "photo", "error", "login"];
  const missing = required.filter((name) => typeof templates[name] !== "function");
  if (missing.length > 0) {
    throw new TypeError(`Theme "${definition.name}" lacks templates: ${missing.join(", ")}`);
  }
  return {
    name: definition.name,
    templates: templates as ThemeTemplates,
    assets: { ...parent?.assets, ...definition.assets },
  };
}
