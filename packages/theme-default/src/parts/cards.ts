import { type AlbumView, html, type PageContext, type PhotoView, type SafeHtml } from "@vernissage/core";
import { aspectStep, srcsetOf, thumbSource, viewerSource } from "./images.js";
import { placeholderDataUrl } from "./placeholder.js";
import { photoCount, photoLabel } from "./text.js";

/** `sizes` for album cover cards; matches the album grid columns in `style.css`. */
export const GRID_SIZES = "(min-width: 80rem) 15rem, (min-width: 48rem) 25vw, (min-width: 30rem) 33vw, 50vw";

/** Row heights of the justified photo grid in CSS pixels (phone, then from 48rem); see `style.css`. */
export const ROW_HEIGHTS = { narrow: 160, wide: 224 } as const;

/** Photos rendered eagerly at the top of a grid (likely above the fold); the rest load lazily. */
const EAGER_COUNT = 4;

/**
 * One album card. The cover is decorative (`alt=""`): the album name in the same link names it.
 */
export function albumCard(ctx: PageContext, view: AlbumView): SafeHtml {
  const { album, cover } = view;
  const media =
    cover === null
      ? html`<span class="card-media card-placeholder" aria-hidden="true"></span>`
      : html`<img class="card-media" src="${cover.url}" width="${cover.width}" height="${cover.height}" alt="" loading="lazy" decoding="async">`;
  return html`<li>
  <a class="album-card" href="${view.href}" data-testid="album-card">
    ${media}
    <span class="card-title">${album.name}</span>
    <span class="card-meta">${photoCount(album.photoCount, ctx.lang)}</span>
  </a>
</li>`;
}

/** A list of album cards as a grid. */
export function albumGrid(ctx: PageContext, albums: readonly AlbumView[]): SafeHtml {
  return html`<ul class="album-grid" role="list">
  ${albums.map((view) => albumCard(ctx, view))}
</ul>`;
}

/**
 * `sizes` for one justified-grid photo: its width at the row height, with room for the row to stretch it.
 */
function justifiedSizes(step: number): string {
  const stretch = 1.5;
  const wide = Math.ceil((step / 10) * ROW_HEIGHTS.wide * stretch);
  const narrow = Math.ceil((step / 10) * ROW_HEIGHTS.narrow * stretch);
  return `(min-width: 48rem) ${wide}px, ${narrow}px`;
}

/**
 * One photo of the justified grid, linking to the photo page. The `ar-N` class (aspect ratio in tenths) sizes
 * it from the stylesheet, so no inline style is needed; a ThumbHash placeholder image sits under the real
 * one until it loads. `data-*` attributes feed the optional lightbox script, which takes the sources from the
 * thumbnail's `srcset` (not repeated: it is most of a thumbnail's markup).
 */
export function photoThumb(ctx: PageContext, view: PhotoView, index = EAGER_COUNT): SafeHtml {
  const label = photoLabel(view.photo, ctx.lang);
  const source = thumbSource(view.images);
  const step = aspectStep(view.photo.width, view.photo.height);
  const big = viewerSource(view.images);
  const placeholder = placeholderDataUrl(view.photo.thumbhash);
  const srcset = srcsetOf(view.images);
  const media =
    source === null
      ? html`<span class="thumb-placeholder">${label}</span>`
      : html`${placeholder === null ? null : html`<img class="thumb-ph" src="${placeholder}" alt="" aria-hidden="true">`}<img class="thumb-img" src="${source.url}" srcset="${srcset}" sizes="${justifiedSizes(step)}" width="${source.width}" height="${source.height}" alt="${label}" loading="${index < EAGER_COUNT ? "eager" : "lazy"}" decoding="async">`;
  const viewer =
    big === null
      ? null
      : html` data-lightbox="" data-src="${big.url}" data-width="${big.width}" data-height="${big.height}" data-caption="${label}"`;
  return html`<li class="ar-${step}"><a class="photo-thumb" href="${view.href}" data-testid="photo-thumb"${viewer}>${media}</a></li>`;
}

/** Photos as a justified grid: rows of equal height whose photos keep their aspect ratio. */
export function photoGrid(ctx: PageContext, photos: readonly PhotoView[]): SafeHtml {
  return html`<ul class="photo-grid" role="list" data-gallery="">
  ${photos.map((view, index) => photoThumb(ctx, view, index))}
</ul>`;
}
