import { html, type PageContext, type SafeHtml } from "@vernissage/core";

/** The hidden `_csrf` field every POST form carries when the page has a session, else nothing. */
export function csrfField(ctx: PageContext): SafeHtml | null {
  return ctx.csrfToken ? html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}">` : null;
}

/**
 * The messages of an admin form page: a problem with the last form (an alert region, always present so screen
 * readers announce what appears in it) and a confirmation; both already translated, or null.
 */
export function formMessages(notice: string | null, error: string | null): SafeHtml {
  return html`<div class="form-error" role="alert">${error === null ? null : html`<p>${error}</p>`}</div>
${notice === null ? null : html`<p class="notice" role="status">${notice}</p>`}`;
}
