import { html, type PageContext, type SafeHtml } from "@vernissage/core";

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
  const links = trail[0]?.href === home ? trail : [{ label: "Home", href: home }, ...trail];
  return html`<nav class="breadcrumbs" aria-label="Breadcrumb">
  <ol>
    ${links.map((crumb) => html`<li><a href="${crumb.href}">${crumb.label}</a></li>`)}
    ${current === undefined ? null : html`<li><span aria-current="page">${current}</span></li>`}
  </ol>
</nav>`;
}

/** A "next page" link inside a pagination landmark, or nothing on the last page. */
export function nextPageLink(nextHref: string | null): SafeHtml | null {
  if (nextHref === null) return null;
  return html`<nav class="pagination" aria-label="Pagination">
  <a class="button" rel="next" href="${nextHref}">Next page <span aria-hidden="true">→</span></a>
</nav>`;
}
