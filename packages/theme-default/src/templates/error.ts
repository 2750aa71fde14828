import { html, type ThemeTemplates } from "@vernissage/core";
import { type MessageKey, translate } from "../i18n/i18n.js";
import { homeHref } from "../parts/navigation.js";

const TITLES: Record<number, MessageKey> = {
  400: "error.400",
  401: "error.401",
  403: "error.403",
  404: "error.404",
  429: "error.429",
};

/**
 * The heading of an error page in the page language: a friendly title for the common statuses (400, 401,
 * 403, 404, 429), else a generic one for server errors, else the message given.
 */
export function errorTitle(lang: string, status: number, message: string): string {
  const key = TITLES[status];
  if (key) return translate(lang, key);
  if (status >= 500) return translate(lang, "error.other");
  return message || translate(lang, "error.other");
}

/** Error page content: the status, a friendly title in the page language, the stable error code and a link home. */
export const error: ThemeTemplates["error"] = (
  ctx,
  data,
) => html`<section class="error-page" aria-labelledby="error-heading">
  <p class="error-status">${translate(ctx.lang, "error.status", { status: String(data.status) })}</p>
  <h1 id="error-heading" class="page-title">${errorTitle(ctx.lang, data.status, data.message)}</h1>
  <p class="error-code">${translate(ctx.lang, "error.code")} <code>${data.code}</code></p>
  <p><a class="button" href="${homeHref(ctx)}">${translate(ctx.lang, "error.home")}</a></p>
</section>`;
