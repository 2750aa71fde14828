import { html, type ThemeTemplates } from "@vernissage/core";
import { translate } from "../i18n/i18n.js";
import { photoGrid } from "../parts/cards.js";
import { breadcrumbs, nextPageLink } from "../parts/navigation.js";
import { photoCount } from "../parts/text.js";

/**
 * A tag's page: breadcrumbs (home, tags, the tag), the title with the visible photo count, the justified photo
 * grid and a "next page" link. Wrap it with `layout`.
 */
export const tag: ThemeTemplates["tag"] = (ctx, data) => html`${breadcrumbs(
  ctx,
  [{ label: translate(ctx.lang, "tags.title"), href: `${ctx.basePath}/tags` }],
  data.tag.label,
)}
<header class="page-header">
  <h1 class="page-title">${translate(ctx.lang, "tag.title", { name: data.tag.label })}</h1>
  <p class="page-meta">${photoCount(data.tag.count, ctx.lang)}</p>
</header>
${data.photos.length === 0 ? html`<p class="empty-state">${translate(ctx.lang, "tag.empty")}</p>` : photoGrid(ctx, data.photos)}
${nextPageLink(ctx, data.nextHref)}`;
