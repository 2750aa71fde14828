import { html, type Photo, type SafeHtml } from "@vernissage/core";
import { photoCountText, translate } from "../i18n/i18n.js";

/** Plain text as paragraphs: each non-blank line becomes one escaped `<p>`. */
export function paragraphs(text: string, className = "prose"): SafeHtml | null {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (lines.length === 0) return null;
  return html`<div class="${className}">${lines.map((line) => html`<p>${line}</p>`)}</div>`;
}

/** A photo's display name and alt text: its title, else its original filename, else a generic label. */
export function photoLabel(photo: Photo, lang = "en"): string {
  return photo.title.trim() || photo.originalFilename.trim() || translate(lang, "photo.untitled");
}

/** "1 photo", "12 photos" in the page language. */
export function photoCount(count: number, lang = "en"): string {
  return photoCountText(count, lang);
}

/** A date for display, in the request language when it is a valid locale. Times are shown as stored (UTC). */
export function formatDate(epochMs: number, lang: string): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: "long", timeStyle: "short", timeZone: "UTC" };
  try {
    return new Intl.DateTimeFormat(lang || "en", options).format(epochMs);
  } catch {
    return new Intl.DateTimeFormat("en", options).format(epochMs);
  }
}
