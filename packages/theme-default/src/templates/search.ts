import { html, type ThemeTemplates } from "@vernissage/core";
import { type MessageKey, translate } from "../i18n/i18n.js";
import { photoGrid } from "../parts/cards.js";
import { nextPageLink } from "../parts/navigation.js";

/**
 * Search page content: a GET form (words, a tag, a date-taken range) that works without JavaScript, then the
 * results as a justified grid with a "next page" link, or an empty state. The form keeps the query given.
 */
export const search: ThemeTemplates["search"] = (ctx, data) => {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const { query } = data;
  const invalid = data.error !== null;
  return html`<h1 class="page-title">${t("search.title")}</h1>
<form class="search-form" method="get" action="${ctx.basePath}/search" role="search">
  <div class="field">
    <label for="search-q">${t("search.q")}</label>
    <input id="search-q" name="q" type="search" value="${query.q}" maxlength="200"${invalid ? html` aria-invalid="true" aria-describedby="search-error"` : null}>
  </div>
  <div class="field">
    <label for="search-tag">${t("search.tag")}</label>
    <select id="search-tag" name="tag">
      <option value="">${t("search.anyTag")}</option>
      ${data.tagOptions.map((option) => html`<option value="${option.id}"${option.id === query.tagId ? html` selected` : null}>${option.label}</option>`)}
    </select>
  </div>
  <div class="field">
    <label for="search-from">${t("search.takenFrom")}</label>
    <input id="search-from" name="from" type="date" value="${query.takenFrom}">
  </div>
  <div class="field">
    <label for="search-to">${t("search.takenTo")}</label>
    <input id="search-to" name="to" type="date" value="${query.takenTo}">
  </div>
  <button type="submit" class="button">${t("search.submit")}</button>
</form>
<div id="search-error" class="form-error" role="alert">${invalid ? html`<p>${data.error}</p>` : null}</div>
${
  data.results === null
    ? null
    : html`<section aria-labelledby="results-heading">
  <h2 id="results-heading">${t("search.results")}</h2>
  ${
    data.results.length > 0
      ? photoGrid(ctx, data.results)
      : html`<p class="empty-state">${t(data.nextHref === null ? "search.none" : "search.continue")}</p>`
  }
</section>`
}
${nextPageLink(ctx, data.nextHref)}`;
};
