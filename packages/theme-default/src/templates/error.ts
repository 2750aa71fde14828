import { html, type ThemeTemplates } from "@vernissage/core";
import { homeHref } from "../parts/navigation.js";

/** Error page content: the status, the message (escaped), the stable error code and a link home. */
export const error: ThemeTemplates["error"] = (
  ctx,
  data,
) => html`<section class="error-page" aria-labelledby="error-heading">
  <p class="error-status">Error ${data.status}</p>
  <h1 id="error-heading" class="page-title">${data.message}</h1>
  <p class="error-code">Code: <code>${data.code}</code></p>
  <p><a class="button" href="${homeHref(ctx)}">Go to the gallery home</a></p>
</section>`;
