import { html, type ThemeTemplates } from "@vernissage/core";
import { translate } from "../i18n/i18n.js";
import { photoCount } from "../parts/text.js";

/** Size class (1–5) of a tag in the cloud: logarithmic in its count relative to the largest. */
export function tagSize(count: number, max: number): number {
  if (max <= 1 || count <= 1) return 1;
  return 1 + Math.round((4 * Math.log(count)) / Math.log(max));
}

/**
 * Tag cloud content: every tag as a link sized by its visible photo count (a class, `tag-size-1` … `-5`, not
 * an inline style), with the count spelled out for screen readers and on hover. Wrap it with `layout`.
 */
export const tags: ThemeTemplates["tags"] = (ctx, data) => {
  const max = data.tags.reduce((m, tag) => Math.max(m, tag.count), 0);
  return html`<h1 class="page-title">${translate(ctx.lang, "tags.title")}</h1>
${
  data.tags.length === 0
    ? html`<p class="empty-state">${translate(ctx.lang, "tags.empty")}</p>`
    : html`<ul class="tag-cloud" role="list">
  ${data.tags.map(
    (tag) =>
      html`<li><a class="tag-size-${tagSize(tag.count, max)}" href="${tag.href}" data-testid="tag-link">${tag.label}<span class="visually-hidden"> (${photoCount(tag.count, ctx.lang)})</span></a></li>`,
  )}
</ul>`
}`;
};
