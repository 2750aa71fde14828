import { html, jsonForScript, type PageMeta, type SafeHtml, type ThemeTemplates } from "@vernissage/core";
import { type MessageKey, translate } from "../i18n/i18n.js";
import { csrfField } from "../parts/forms.js";
import { breadcrumbs, homeHref } from "../parts/navigation.js";

const LIGHTBOX_KEYS: MessageKey[] = [
  "lightbox.label",
  "lightbox.close",
  "lightbox.previous",
  "lightbox.next",
  "lightbox.play",
  "lightbox.pause",
  "lightbox.counter",
  "lightbox.open",
];

/** Canonical link, description, Open Graph and alternate links. */
function metaTags(title: string, siteName: string, meta: PageMeta | undefined, lang: string): SafeHtml {
  const m = meta ?? {};
  const locale = lang === "fr" ? "fr_FR" : "en_US";
  return html`${
    m.canonical
      ? html`<link rel="canonical" href="${m.canonical}">
<meta property="og:url" content="${m.canonical}">`
      : null
  }
${
  m.description
    ? html`<meta name="description" content="${m.description}">
<meta property="og:description" content="${m.description}">`
    : null
}
<meta property="og:title" content="${title}">
<meta property="og:site_name" content="${siteName}">
<meta property="og:type" content="${m.type ?? "website"}">
<meta property="og:locale" content="${locale}">
${
  m.image
    ? html`<meta property="og:image" content="${m.image.url}">
<meta property="og:image:width" content="${m.image.width}">
<meta property="og:image:height" content="${m.image.height}">
<meta property="og:image:alt" content="${m.image.alt}">
<meta name="twitter:card" content="summary_large_image">`
    : null
}
${(m.alternates ?? []).map((alt) => html`<link rel="alternate" type="${alt.type}" title="${alt.title}" href="${alt.href}">`)}`;
}

/**
 * The page shell: doctype, head (charset, viewport, title, canonical and Open Graph tags, stylesheet, the
 * deferred lightbox script), a skip link, the site header with the account area, optional breadcrumbs,
 * `<main id="main">` holding `page.main`, and the footer with the feed link.
 *
 * It emits no inline script, no inline style and no event-handler attribute, so it runs under a strict CSP
 * (`script-src 'self'; style-src 'self'`), and it makes no third-party request. The lightbox's interface text
 * travels in a `<script type="application/json">` block, which is data, not code.
 */
export const layout: ThemeTemplates["layout"] = (ctx, page) => {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const stylesheet = ctx.assets["style.css"];
  const script = ctx.assets["lightbox.js"];
  const icon = ctx.assets["favicon.svg"];
  const title = page.title && page.title !== ctx.title ? `${page.title} · ${ctx.title}` : ctx.title;
  const feed = page.meta?.alternates?.find((alt) => alt.type === "application/atom+xml");
  const account =
    ctx.userName === null
      ? html`<a href="${ctx.basePath}/login">${t("account.login")}</a>`
      : html`<span class="account-name">${t("account.signedInAs")} <strong>${ctx.userName}</strong></span>
      <form class="logout-form" method="post" action="${ctx.basePath}/logout">${csrfField(ctx)}
        <button type="submit" class="link-button">${t("account.logout")}</button>
      </form>`;
  return html`<!doctype html>
<html lang="${ctx.lang || "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
${metaTags(page.title || ctx.title, ctx.title, page.meta, ctx.lang)}
${stylesheet === undefined ? null : html`<link rel="stylesheet" href="${stylesheet}">`}
${icon === undefined ? null : html`<link rel="icon" type="image/svg+xml" href="${icon}">`}
${script === undefined ? null : html`<script src="${script}" defer></script>`}
${(page.meta?.scripts ?? []).map((name) => {
  const src = ctx.assets[name];
  return src === undefined ? null : html`<script src="${src}" defer></script>`;
})}
${page.meta?.noindex ? html`<meta name="robots" content="noindex">` : null}
</head>
<body>
<a class="skip-link" href="#main">${t("layout.skip")}</a>
<header class="site-header">
  <div class="wrap site-header-inner">
    <a class="site-title" href="${homeHref(ctx)}">${ctx.title}</a>
    <nav class="site-nav" aria-label="${t("nav.label")}">
      <a href="${ctx.basePath}/tags">${t("nav.tags")}</a>
      <a href="${ctx.basePath}/calendar">${t("nav.calendar")}</a>
      <a href="${ctx.basePath}/search">${t("nav.search")}</a>
      ${ctx.isAdmin ? html`<a href="${ctx.basePath}/admin">${t("nav.admin")}</a>` : null}
    </nav>
    <nav class="account" aria-label="${t("account.label")}">
      ${account}
    </nav>
  </div>
</header>
${page.breadcrumbs && page.breadcrumbs.length > 0 ? html`<div class="wrap">${breadcrumbs(ctx, page.breadcrumbs)}</div>` : null}
<main id="main" class="wrap" tabindex="-1">
${page.main}
</main>
<footer class="site-footer">
  <div class="wrap site-footer-inner"><p>${ctx.title} · ${t("layout.poweredBy")}</p>${feed ? html`<p><a href="${feed.href}">${t("layout.feed")}</a></p>` : null}</div>
</footer>
${script === undefined ? null : html`<script type="application/json" id="vernissage-messages">${jsonForScript(Object.fromEntries(LIGHTBOX_KEYS.map((key) => [key, t(key)])))}</script>`}
</body>
</html>
`;
};
