import { html, type ThemeTemplates } from "@vernissage/core";
import { translate } from "../i18n/i18n.js";
import { albumGrid, photoGrid } from "../parts/cards.js";
import { breadcrumbs, nextPageLink } from "../parts/navigation.js";
import { paragraphs, photoCount } from "../parts/text.js";

/**
 * Album page content: its own breadcrumb trail (home, `parents`, then the album), the name, the visible photo
 * count, the description (escaped, one paragraph per line), sub-album cards, then the justified photo grid
 * (`srcset`/`sizes`, ThumbHash placeholders, lazy loading), a "next page" link and an empty state. Wrap it
 * with `layout` (without `breadcrumbs`: this template has them).
 */
export const album: ThemeTemplates["album"] = (ctx, data) => {
  const { album: current, children, photos } = data;
  const t = (key: Parameters<typeof translate>[1]) => translate(ctx.lang, key);
  const empty = children.length === 0 && photos.length === 0 && data.nextHref === null;
  return html`${breadcrumbs(ctx, data.parents, current.name)}
<header class="page-header">
  <h1 class="page-title">${current.name}</h1>
  <p class="page-meta">${photoCount(current.photoCount, ctx.lang)}</p>
  ${paragraphs(current.description)}
</header>
${
  children.length === 0
    ? null
    : html`<section aria-labelledby="sub-albums-heading">
  <h2 id="sub-albums-heading">${t("album.albums")}</h2>
  ${albumGrid(ctx, children)}
</section>`
}
${
  photos.length === 0
    ? null
    : html`<section aria-labelledby="photos-heading">
  <h2 id="photos-heading">${t("album.photos")}</h2>
  ${photoGrid(ctx, photos)}
</section>`
}
${empty ? html`<p class="empty-state">${t("album.empty")}</p>` : null}
${nextPageLink(ctx, data.nextHref)}`;
};
