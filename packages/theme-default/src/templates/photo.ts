import {
  html,
  type PageContext,
  type Photo,
  type SafeHtml,
  slot,
  type ThemeTemplates,
} from "@vernissage/core";
import { formatNumber, type MessageKey, translate } from "../i18n/i18n.js";
import { displaySource, srcsetOf } from "../parts/images.js";
import { homeHref } from "../parts/navigation.js";
import { placeholderDataUrl } from "../parts/placeholder.js";
import { formatDate, paragraphs, photoLabel } from "../parts/text.js";

/** `sizes` for the photo page image; matches `.photo-figure` in `style.css`. */
const PHOTO_SIZES = "(min-width: 82rem) 80rem, calc(100vw - 2rem)";

/** "1/250 s", "2 s". */
function exposureText(seconds: number, lang: string): string {
  if (seconds > 0 && seconds < 1) return `1/${formatNumber(Math.round(1 / seconds), lang)} s`;
  return `${formatNumber(seconds, lang)} s`;
}

/** Camera rows (camera, lens, exposure) from the photo's metadata; empty when the file said nothing. */
function cameraRows(ctx: PageContext, photo: Photo): SafeHtml[] {
  const m = photo.metadata;
  if (!m) return [];
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const rows: SafeHtml[] = [];
  const make = m.cameraMake?.trim() ?? "";
  const model = m.cameraModel?.trim() ?? "";
  // Many cameras repeat the make in the model ("Canon" / "Canon EOS 5D").
  const camera = model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`.trim();
  if (camera) rows.push(html`<dt>${t("photo.camera")}</dt><dd>${camera}</dd>`);
  if (m.lens?.trim()) rows.push(html`<dt>${t("photo.lens")}</dt><dd>${m.lens}</dd>`);
  const exposure = [
    m.focalLength === null ? null : `${formatNumber(m.focalLength, ctx.lang)} mm`,
    m.aperture === null ? null : `ƒ/${formatNumber(m.aperture, ctx.lang)}`,
    m.exposureTime === null ? null : exposureText(m.exposureTime, ctx.lang),
    m.iso === null ? null : `ISO ${formatNumber(m.iso, ctx.lang)}`,
  ].filter((part): part is string => part !== null);
  if (exposure.length > 0) rows.push(html`<dt>${t("photo.exposure")}</dt><dd>${exposure.join(" · ")}</dd>`);
  return rows;
}

/** Degrees with four decimals (about 11 m), in the page's language. */
function degrees(value: number, positive: MessageKey, negative: MessageKey, lang: string): string {
  const n = new Intl.NumberFormat(lang, { minimumFractionDigits: 4, maximumFractionDigits: 4 });
  return `${n.format(Math.abs(value))}° ${translate(lang, value < 0 ? negative : positive)}`;
}

/**
 * Where the photo was taken, with a link to the place on OpenStreetMap (followed only when clicked; no
 * referrer). Absent when the file said nothing or the gallery's location setting withholds it from this visitor.
 */
function locationRow(ctx: PageContext, photo: Photo): SafeHtml | null {
  const { latitude, longitude } = photo.metadata;
  if (latitude === null || longitude === null || !Number.isFinite(latitude) || !Number.isFinite(longitude))
    return null;
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const text = `${degrees(latitude, "photo.location.north", "photo.location.south", ctx.lang)}, ${degrees(longitude, "photo.location.east", "photo.location.west", ctx.lang)}`;
  const lat = latitude.toFixed(5);
  const lon = longitude.toFixed(5);
  const map = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=15/${lat}/${lon}`;
  return html`<dt>${t("photo.location")}</dt>
    <dd><a href="${map}" rel="noopener noreferrer external" data-testid="photo-location" aria-label="${t("photo.location.map")}: ${text}">${text}</a></dd>`;
}

/**
 * Photo page content: the title, the image (`large`, else `medium`, else the largest source, with a `srcset`
 * of every source so the browser picks the largest that fits, over its ThumbHash placeholder), previous/next
 * links, the description, details (dimensions, date taken, author, camera data, file name), the albums
 * holding it, a download link for the original when allowed, and a link back. Wrap it with `layout`.
 */
export const photo: ThemeTemplates["photo"] = (ctx, data) => {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const { photo: current, images } = data.photo;
  const label = photoLabel(current, ctx.lang);
  const source = displaySource(images);
  const placeholder = placeholderDataUrl(current.thumbhash);
  const back =
    data.albumHref === null
      ? { href: homeHref(ctx), text: t("photo.backToGallery") }
      : { href: data.albumHref, text: t("photo.backToAlbum") };
  const albums = data.albums ?? [];
  const hasNeighbours = Boolean(data.previous || data.next);
  return html`<article class="photo-page">
  <h1 class="page-title">${label}</h1>
  <figure class="photo-figure">
    ${
      source === null
        ? html`<div class="photo-placeholder"><p>${t("photo.preparing")}</p></div>`
        : html`<div class="photo-frame">${placeholder === null ? null : html`<img class="photo-ph" src="${placeholder}" alt="" aria-hidden="true">`}<img class="photo-img" src="${source.url}" srcset="${srcsetOf(images)}" sizes="${PHOTO_SIZES}" width="${source.width}" height="${source.height}" alt="${label}" decoding="async" fetchpriority="high" data-testid="photo-image"></div>`
    }
  </figure>
  ${slot(ctx, "photo.after-image", { photo: data.photo })}
  ${
    hasNeighbours
      ? html`<nav class="photo-nav" aria-label="${t("photo.navigation")}">
    ${data.previous ? html`<a class="button button-secondary" rel="prev" href="${data.previous.href}"><span aria-hidden="true">&larr;</span> ${t("photo.previous")}<span class="visually-hidden">: ${data.previous.label}</span></a>` : html`<span></span>`}
    ${data.next ? html`<a class="button button-secondary" rel="next" href="${data.next.href}">${t("photo.next")}<span class="visually-hidden">: ${data.next.label}</span> <span aria-hidden="true">&rarr;</span></a>` : null}
  </nav>`
      : null
  }
  ${paragraphs(current.description)}
  <h2 class="visually-hidden">${t("photo.details")}</h2>
  <dl class="photo-details">
    <dt>${t("photo.dimensions")}</dt>
    <dd>${translate(ctx.lang, "photo.pixels", { width: current.width, height: current.height })}</dd>
    ${
      current.takenAt === null
        ? null
        : html`<dt>${t("photo.taken")}</dt>
    <dd><time datetime="${new Date(current.takenAt).toISOString()}">${formatDate(current.takenAt, ctx.lang)}</time></dd>`
    }
    ${
      current.author.trim() === ""
        ? null
        : html`<dt>${t("photo.author")}</dt>
    <dd>${current.author}</dd>`
    }
    ${cameraRows(ctx, current)}
    ${locationRow(ctx, current)}
    <dt>${t("photo.file")}</dt>
    <dd>${current.originalFilename}</dd>
    ${slot(ctx, "photo.details", { photo: data.photo })}
    ${
      (data.tags ?? []).length === 0
        ? null
        : html`<dt>${t("photo.tags")}</dt>
    <dd><ul class="inline-list">${(data.tags ?? []).map((tag) => html`<li><a href="${tag.href}" rel="tag">${tag.label}</a></li>`)}</ul></dd>`
    }
    ${
      albums.length === 0
        ? null
        : html`<dt>${t("photo.albums")}</dt>
    <dd><ul class="inline-list">${albums.map((a) => html`<li><a href="${a.href}">${a.label}</a></li>`)}</ul></dd>`
    }
  </dl>
  <p class="photo-actions">
    ${data.originalHref ? html`<a class="button" href="${data.originalHref}" download="${current.originalFilename}" data-testid="download-original">${t("photo.download")}</a>` : null}
    ${ctx.isAdmin ? html`<a href="${ctx.basePath}/admin/photos/${current.id}" data-testid="edit-photo-link">${t("photo.edit")}</a>` : null}
    <a href="${back.href}"><span aria-hidden="true">&larr;</span> ${back.text}</a>
  </p>
</article>`;
};
