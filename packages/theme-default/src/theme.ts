import { defineTheme, type Theme } from "@vernissage/core";
import { styleCss } from "./assets/style.css.js";
import { album } from "./templates/album.js";
import { error } from "./templates/error.js";
import { home } from "./templates/home.js";
import { layout } from "./templates/layout.js";
import { login } from "./templates/login.js";
import { photo } from "./templates/photo.js";

/**
 * The default Vernissage theme: server-rendered, accessible pages that need no JavaScript, light and dark
 * schemes, and a single stylesheet asset (`style.css`).
 *
 * `layout` renders the whole document; every other template renders the content of `<main>`, so the HTTP
 * layer composes `layout(ctx, { title, main: album(ctx, data) })`.
 *
 * @example
 * import { defineTheme, html } from "@vernissage/core";
 * import { defaultTheme } from "@vernissage/theme-default";
 *
 * // Override one template; everything else comes from the default theme.
 * export const myTheme = defineTheme({
 *   name: "my-theme",
 *   extends: defaultTheme,
 *   templates: { home: (ctx, data) => html`<h1>Welcome to ${ctx.title}</h1>${defaultTheme.templates.home(ctx, data)}` },
 * });
 */
export const defaultTheme: Theme = defineTheme({
  name: "default",
  templates: { layout, home, album, photo, error, login },
  assets: { "style.css": { contentType: "text/css; charset=utf-8", body: styleCss } },
});
