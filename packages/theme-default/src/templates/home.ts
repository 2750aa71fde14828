import { html, type ThemeTemplates } from "@vernissage/core";
import { albumGrid } from "../parts/cards.js";
import { nextPageLink } from "../parts/navigation.js";

/**
 * Home page content: the root albums as cards (cover or placeholder, name, photo count), a "next page" link
 * when there are more, and an empty-state message when there are none. Wrap it with `layout`.
 */
export const home: ThemeTemplates["home"] = (ctx, data) => html`<h1 class="page-title">${ctx.title}</h1>
${
  data.albums.length === 0
    ? html`<p class="empty-state">There are no albums to show yet.</p>`
    : html`<section aria-labelledby="albums-heading">
  <h2 id="albums-heading" class="visually-hidden">Albums</h2>
  ${albumGrid(data.albums)}
</section>`
}
${nextPageLink(data.nextHref)}`;
