import { html, type ThemeTemplates } from "@vernissage/core";
import { translate } from "../i18n/i18n.js";
import { albumGrid } from "../parts/cards.js";
import { nextPageLink } from "../parts/navigation.js";

/**
 * Home page content: the root albums as cards (cover or placeholder, name, visible photo count), a "next page"
 * link when there are more, and an empty-state message when there are none. Wrap it with `layout`.
 */
export const home: ThemeTemplates["home"] = (ctx, data) => html`<h1 class="page-title">${ctx.title}</h1>
${
  data.albums.length === 0
    ? html`<p class="empty-state">${translate(ctx.lang, "home.empty")}</p>`
    : html`<section aria-labelledby="albums-heading">
  <h2 id="albums-heading" class="visually-hidden">${translate(ctx.lang, "home.albums")}</h2>
  ${albumGrid(ctx, data.albums)}
</section>`
}
${nextPageLink(ctx, data.nextHref)}`;
