import { AsyncLocalStorage } from "node:async_hooks";
import { type Actor, chooseTheme, type Gallery, getGalleryTheme, type Theme } from "@vernissage/core";
import type { Links } from "./links.js";
import { createPageRenderer, prepareAssets, type ThemeAssets } from "./pages.js";

type Renderer = ReturnType<typeof createPageRenderer>;

/** The themes an app can render, and which one a request uses. */
export interface ThemeSelection {
  /** A renderer that renders with the current request's theme (the fallback outside a page request). */
  renderer: Renderer;
  /** Fingerprinted assets of every available theme (URLs of the fallback; every theme's files are served). */
  assets: ThemeAssets;
  /** Run a page handler with the theme this request should see. */
  run<T>(url: URL, actor: Actor, fn: () => Promise<T>): Promise<T>;
}

/**
 * Prepare every available theme (renderer and fingerprinted assets) and pick one per page request: an admin's
 * `?theme=<name>` preview, else the gallery's chosen theme (`setGalleryTheme`), else `fallback`.
 */
export function createThemeSelection(input: {
  gallery: Gallery;
  links: Links;
  fallback: Theme;
  themes: readonly Theme[];
}): ThemeSelection {
  const { gallery, links, fallback } = input;
  const themes = [fallback, ...input.themes.filter((t) => t.name !== fallback.name)];
  const renderers = new Map<string, Renderer>();
  const byPath: ThemeAssets["byPath"] = new Map();
  let fallbackAssets: ThemeAssets | undefined;
  for (const theme of themes) {
    const assets = prepareAssets(theme, links);
    fallbackAssets ??= assets;
    for (const [path, asset] of assets.byPath) byPath.set(path, asset);
    renderers.set(theme.name, createPageRenderer({ gallery, theme, links, assets }));
  }
  const fallbackRenderer = renderers.get(fallback.name) as Renderer;
  const current = new AsyncLocalStorage<Renderer>();
  const renderer = new Proxy(fallbackRenderer, {
    get(_target, key) {
      return Reflect.get(current.getStore() ?? fallbackRenderer, key);
    },
  });
  return {
    renderer,
    assets: { urls: fallbackAssets?.urls ?? {}, byPath },
    async run(url, actor, fn) {
      if (themes.length === 1) return fn();
      const theme = chooseTheme({
        themes,
        fallback,
        galleryTheme: await getGalleryTheme(gallery),
        preview: url.searchParams.get("theme"),
        actor,
      });
      return current.run(renderers.get(theme.name) ?? fallbackRenderer, fn);
    },
  };
}
