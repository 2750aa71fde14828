import { html, type ThemeTemplates } from "@vernissage/core";
import { translate } from "../i18n/i18n.js";
import { breadcrumbs } from "../parts/navigation.js";
import { photoCount } from "../parts/text.js";

/** The name of a month (1–12) in the page language, e.g. "May" or "mai". */
export function monthName(month: number, lang: string): string {
  const date = Date.UTC(2000, month - 1, 1);
  try {
    return new Intl.DateTimeFormat(lang || "en", { month: "long", timeZone: "UTC" }).format(date);
  } catch {
    return new Intl.DateTimeFormat("en", { month: "long", timeZone: "UTC" }).format(date);
  }
}

/**
 * The "by date taken" calendar: the years with photos (newest first), or the months of one year, each a link
 * with its visible photo count. Wrap it with `layout`.
 */
export const calendar: ThemeTemplates["calendar"] = (ctx, data) => {
  const title =
    data.year === null
      ? translate(ctx.lang, "calendar.title")
      : translate(ctx.lang, "calendar.year", { year: String(data.year) });
  const trail =
    data.year === null
      ? null
      : breadcrumbs(
          ctx,
          [{ label: translate(ctx.lang, "calendar.title"), href: `${ctx.basePath}/calendar` }],
          String(data.year),
        );
  return html`${trail}
<h1 class="page-title">${title}</h1>
${
  data.entries.length === 0
    ? html`<p class="empty-state">${translate(ctx.lang, "calendar.empty")}</p>`
    : html`<ul class="calendar-list" role="list">
  ${data.entries.map(
    (entry) =>
      html`<li><a class="calendar-entry" href="${entry.href}" data-testid="calendar-entry"><span class="calendar-label">${data.year === null ? String(entry.key) : monthName(entry.key, ctx.lang)}</span> <span class="card-meta">${photoCount(entry.count, ctx.lang)}</span></a></li>`,
  )}
</ul>`
}`;
};
