import { html, type PageContext, type SafeHtml, type ThemeTemplates } from "@vernissage/core";
import { type MessageKey, translate } from "../i18n/i18n.js";

function errorRegion(id: string, error: string | null): SafeHtml {
  return html`<div id="${id}" class="form-error" role="alert">${error === null ? null : html`<p>${error}</p>`}</div>`;
}

function invalidAttrs(id: string, error: string | null): SafeHtml | null {
  return error === null ? null : html` aria-invalid="true" aria-describedby="${id}"`;
}

function registerForm(
  ctx: PageContext,
  error: string | null,
  values: Record<string, string | undefined>,
): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  return html`<form class="login-form" method="post" action="${ctx.basePath}/register" data-testid="register-form">
    <div class="field">
      <label for="register-username">${t("account.register.username")}</label>
      <input id="register-username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" value="${values.username ?? ""}"${invalidAttrs("account-error", error)}>
    </div>
    <div class="field">
      <label for="register-display">${t("account.register.displayName")}</label>
      <input id="register-display" name="displayName" type="text" autocomplete="name" maxlength="255" value="${values.displayName ?? ""}">
    </div>
    <div class="field">
      <label for="register-email">${t("account.register.email")}</label>
      <input id="register-email" name="email" type="email" autocomplete="email" maxlength="255" value="${values.email ?? ""}">
    </div>
    <div class="field">
      <label for="register-password">${t("account.register.password")}</label>
      <input id="register-password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="1024">
    </div>
    <button type="submit" class="button">${t("account.register.submit")}</button>
  </form>`;
}

function forgotForm(ctx: PageContext): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  return html`<form class="login-form" method="post" action="${ctx.basePath}/forgot-password" data-testid="forgot-form">
    <div class="field">
      <label for="forgot-who">${t("account.forgot.who")}</label>
      <input id="forgot-who" name="who" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="255">
    </div>
    <button type="submit" class="button">${t("account.forgot.submit")}</button>
  </form>`;
}

function resetForm(ctx: PageContext, error: string | null): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  // The e-mailed link carries the code in the URL fragment (never sent to servers); account.js copies it here.
  return html`<form class="login-form" method="post" action="${ctx.basePath}/reset-password" data-testid="reset-form">
    <div class="field">
      <label for="reset-token">${t("account.reset.token")}</label>
      <input id="reset-token" name="token" type="text" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required maxlength="256" data-fragment-token=""${invalidAttrs("account-error", error)}>
    </div>
    <div class="field">
      <label for="reset-password">${t("account.reset.password")}</label>
      <input id="reset-password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="1024">
    </div>
    <button type="submit" class="button">${t("account.reset.submit")}</button>
  </form>`;
}

const TITLES = {
  register: "account.register.title",
  forgot: "account.forgot.title",
  reset: "account.reset.title",
} as const satisfies Record<string, MessageKey>;

/** The title of an account page in the page language. */
export function accountTitle(lang: string, view: keyof typeof TITLES): string {
  return translate(lang, TITLES[view]);
}

/**
 * Account pages: registration, the password-reset request (always answered the same way, so it never tells
 * whether an account exists) and the new-password form. Plain POST forms with labelled fields; the notice
 * (`role="status"`) replaces the form once done. Wrap it with `layout`.
 */
export const account: ThemeTemplates["account"] = (ctx, data) => {
  const form =
    data.notice !== null
      ? html`<p class="notice" role="status">${data.notice}</p>${
          data.view === "reset"
            ? html`<p><a class="button" href="${ctx.basePath}/login">${translate(ctx.lang, "account.login")}</a></p>`
            : null
        }`
      : data.view === "register"
        ? registerForm(ctx, data.error, data.values ?? {})
        : data.view === "forgot"
          ? forgotForm(ctx)
          : resetForm(ctx, data.error);
  return html`<section class="login-page" aria-labelledby="account-heading">
  <h1 id="account-heading" class="page-title">${accountTitle(ctx.lang, data.view)}</h1>
  ${errorRegion("account-error", data.error)}
  ${form}
</section>`;
};
