import { html, type ThemeTemplates } from "@vernissage/core";
import { translate } from "../i18n/i18n.js";

/**
 * Login form content: POST to `{basePath}/login` with `username`, `password` and a hidden `next`, labelled
 * fields, and an error region (`role="alert"`) that the inputs point to when sign-in failed.
 */
export const login: ThemeTemplates["login"] = (ctx, data) => {
  const failed = data.error !== null;
  const t = (key: Parameters<typeof translate>[1]) => translate(ctx.lang, key);
  return html`<section class="login-page" aria-labelledby="login-heading">
  <h1 id="login-heading" class="page-title">${t("login.title")}</h1>
  <div id="login-error" class="form-error" role="alert">${failed ? html`<p>${data.error}</p>` : null}</div>
  <form class="login-form" method="post" action="${ctx.basePath}/login">
    <input type="hidden" name="next" value="${data.next}">
    <div class="field">
      <label for="login-username">${t("login.username")}</label>
      <input id="login-username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required${failed ? html` aria-invalid="true" aria-describedby="login-error"` : null}>
    </div>
    <div class="field">
      <label for="login-password">${t("login.password")}</label>
      <input id="login-password" name="password" type="password" autocomplete="current-password" required${failed ? html` aria-invalid="true" aria-describedby="login-error"` : null}>
    </div>
    <button type="submit" class="button">${t("login.submit")}</button>
  </form>
  <p class="login-links"><a href="${ctx.basePath}/forgot-password">${t("login.forgot")}</a></p>
</section>`;
};
