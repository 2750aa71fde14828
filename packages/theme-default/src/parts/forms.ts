import { html, type PageContext, type SafeHtml } from "@vernissage/core";

/** The hidden `_csrf` field every POST form carries when the page has a session, else nothing. */
export function csrfField(ctx: PageContext): SafeHtml | null {
  return ctx.csrfToken ? html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}">` : null;
}
