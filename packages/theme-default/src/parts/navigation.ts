import { html, type PageContext, type SafeHtml } from "@vernissage/core";
import { translate } from "../i18n/i18n.js";

/** One link of a breadcrumb trail. */
export interface Crumb {
  label: string;
  href: string;
}

/** The URL of the gallery's home page. */
export function homeHref(ctx: PageContext): string {
  return `${ctx.basePath}/`;
}

/**
 * A breadcrumb trail as `<nav aria-label="Breadcrumb">`. It starts at the gallery home (unless the trail
 * already does) and ends with `current`, marked `aria-current="page"` and not linked.
 */
export function breadcrumbs(ctx: PageContext, trail: readonly Crumb[], current?: string): SafeHtml | null {
  if (current === undefined && trail.length === 0) return null;
  const home = homeHref(ctx);
  const links =
    trail[0]?.href === home
      ? trail
      : [{ label: translate(ctx.lang, "breadcrumbs.home"), href: home }, ...trail];
  return html`<nav class="breadcrumbs" aria-label="${translate(ctx.lang, "breadcrumbs.label")}">
  <ol>
    ${links.map((crumb) => html`<li><a href="${crumb.href}">${crumb.label}</a></li>`)}
    ${current === undefined ? null : html`<li><span aria-current="page">${current}</span></li>`}
  </ol>
</nav>`;
}

/**
 * Pagination links: "next page" when there is one and "back to the first page" when this is not the first
 * page (cursor pagination has no numbered pages). Nothing when neither applies.
 */
export function nextPageLink(
  ctx: PageContext,
  nextHref: string | null,
  firstHref?: string | null,
): SafeHtml | null {
  if (nextHref === null && !firstHref) return null;
  return html`<nav class="pagination" aria-label="${translate(ctx.lang, "pagination.label")}">
  ${firstHref ? html`<a class="button button-secondary" href="${firstHref}">${translate(ctx.lang, "pagination.first")}</a>` : null}
  ${nextHref === null ? null : html`<a class="button" rel="next" href="${nextHref}">${translate(ctx.lang, "pagination.next")} <span aria-hidden="true">&rarr;</span></a>`}
</nav>`;
}
