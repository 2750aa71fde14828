import { html, type ThemeTemplates } from "@vernissage/core";
import { breadcrumbs, homeHref } from "../parts/navigation.js";

/**
 * The page shell: doctype, head (charset, viewport, title, stylesheet), a skip link, the site header with the
 * account area, optional breadcrumbs, `<main id="main">` holding `page.main`, and the footer.
 *
 * It emits no script, no inline style and no event-handler attribute, so it runs under a strict CSP
 * (`script-src 'none'; style-src 'self'`), and it makes no third-party request.
 */
export const layout: ThemeTemplates["layout"] = (ctx, page) => {
  const stylesheet = ctx.assets["style.css"];
  const title = page.title && page.title !== ctx.title ? `${page.title} · ${ctx.title}` : ctx.title;
  const account =
    ctx.userName === null
      ? html`<a href="${ctx.basePath}/login">Log in</a>`
      : html`<span class="account-name">Signed in as <strong>${ctx.userName}</strong></span>
      <form class="logout-form" method="post" action="${ctx.basePath}/logout">
        <button type="submit" class="link-button">Log out</button>
      </form>`;
  return html`<!doctype html>
<html lang="${ctx.lang || "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
${stylesheet === undefined ? null : html`<link rel="stylesheet" href="${stylesheet}">`}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap site-header-inner">
    <a class="site-title" href="${homeHref(ctx)}">${ctx.title}</a>
    <nav class="account" aria-label="Account">
      ${account}
    </nav>
  </div>
</header>
${page.breadcrumbs && page.breadcrumbs.length > 0 ? html`<div class="wrap">${breadcrumbs(ctx, page.breadcrumbs)}</div>` : null}
<main id="main" class="wrap" tabindex="-1">
${page.main}
</main>
<footer class="site-footer">
  <div class="wrap"><p>${ctx.title} · Powered by Vernissage</p></div>
</footer>
</body>
</html>
`;
};
