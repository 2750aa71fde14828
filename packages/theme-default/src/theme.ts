import { defineTheme, type Theme } from "@vernissage/core";
import { accountJs } from "./assets/account.js.js";
import { adminJs } from "./assets/admin.js.js";
import { adminLibraryJs } from "./assets/admin-library.js.js";
import { adminPeopleJs } from "./assets/admin-people.js.js";
import { faviconSvg } from "./assets/favicon.svg.js";
import { lightboxJs } from "./assets/lightbox.js.js";
import { styleCss } from "./assets/style.css.js";
import { account } from "./templates/account.js";
import { admin } from "./templates/admin.js";
import { album } from "./templates/album.js";
import { calendar } from "./templates/calendar.js";
import { error } from "./templates/error.js";
import { home } from "./templates/home.js";
import { layout } from "./templates/layout.js";
import { login } from "./templates/login.js";
import { photo } from "./templates/photo.js";
import { search } from "./templates/search.js";
import { share } from "./templates/share.js";
import { tag } from "./templates/tag.js";
import { tags } from "./templates/tags.js";

/**
 * The default Vernissage theme: server-rendered, accessible pages that need no JavaScript, light and dark
 * schemes, English and French interface text, a stylesheet asset (`style.css`) and a small optional
 * lightbox script (`lightbox.js`, progressive enhancement).
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
  templates: { layout, home, album, photo, tags, tag, search, calendar, account, share, admin, error, login },
  assets: {
    "style.css": { contentType: "text/css; charset=utf-8", body: styleCss },
    "lightbox.js": { contentType: "text/javascript; charset=utf-8", body: lightboxJs },
    "favicon.svg": { contentType: "image/svg+xml", body: faviconSvg },
    "admin.js": { contentType: "text/javascript; charset=utf-8", body: adminJs },
    "admin-library.js": { contentType: "text/javascript; charset=utf-8", body: adminLibraryJs },
    "admin-people.js": { contentType: "text/javascript; charset=utf-8", body: adminPeopleJs },
    "account.js": { contentType: "text/javascript; charset=utf-8", body: accountJs },
  },
});
