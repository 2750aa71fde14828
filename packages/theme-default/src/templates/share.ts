import { html, type ThemeTemplates } from "@vernissage/core";
import { type MessageKey, translate } from "../i18n/i18n.js";
import { photoGrid } from "../parts/cards.js";
import { nextPageLink } from "../parts/navigation.js";

/**
 * Share-link landing page. `unlock`: a POST form with an optional password field (the password is never put
 * in a URL; a link without one ignores it), and an error region. `photos`: the photos of a photo-set link as a
 * justified grid. Wrap it with `layout`.
 */
export const share: ThemeTemplates["share"] = (ctx, data) => {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  if (data.view === "photos") {
    return html`<h1 class="page-title">${t("share.photos")}</h1>
${data.photos.length === 0 ? html`<p class="empty-state">${t("share.empty")}</p>` : photoGrid(ctx, data.photos)}
${nextPageLink(ctx, data.nextHref)}`;
  }
  const failed = data.error !== null;
  return html`<section class="login-page" aria-labelledby="share-heading">
  <h1 id="share-heading" class="page-title">${t("share.title")}</h1>
  <p>${t("share.intro")}</p>
  <div id="share-error" class="form-error" role="alert">${failed ? html`<p>${data.error}</p>` : null}</div>
  <form class="login-form" method="post" action="${data.action}" data-testid="share-unlock">
    <div class="field">
      <label for="share-password">${t("share.password")}</label>
      <input id="share-password" name="password" type="password" autocomplete="off" aria-describedby="share-hint${failed ? " share-error" : ""}"${failed ? html` aria-invalid="true"` : null}>
      <p id="share-hint" class="field-hint">${t("share.passwordHint")}</p>
    </div>
    <button type="submit" class="button">${t("share.open")}</button>
  </form>
</section>`;
};
