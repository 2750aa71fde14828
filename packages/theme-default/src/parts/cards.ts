import { type AlbumView, html, type PhotoView, type SafeHtml } from "@vernissage/core";
import { srcsetOf, thumbSource } from "./images.js";
import { photoCount, photoLabel } from "./text.js";

/** `sizes` for grid thumbnails; matches the grid columns in `style.css`. */
export const GRID_SIZES = "(min-width: 80rem) 15rem, (min-width: 48rem) 25vw, (min-width: 30rem) 33vw, 50vw";

/**
 * One album card. The cover is decorative (`alt=""`): the album name in the same link names it.
 */
export function albumCard(view: AlbumView): SafeHtml {
  const { album, cover } = view;
  const media =
    cover === null
      ? html`<span class="card-media card-placeholder" aria-hidden="true"></span>`
      : html`<img class="card-media" src="${cover.url}" width="${cover.width}" height="${cover.height}" alt="" loading="lazy" decoding="async">`;
  return html`<li>
  <a class="album-card" href="${view.href}" data-testid="album-card">
    ${media}
    <span class="card-title">${album.name}</span>
    <span class="card-meta">${photoCount(album.photoCount)}</span>
  </a>
</li>`;
}

/** A list of album cards as a grid. */
export function albumGrid(albums: readonly AlbumView[]): SafeHtml {
  return html`<ul class="album-grid" role="list">
  ${albums.map(albumCard)}
</ul>`;
}

/** One photo thumbnail linking to the photo page; a labelled placeholder when no image exists yet. */
export function photoThumb(view: PhotoView): SafeHtml {
  const label = photoLabel(view.photo);
  const source = thumbSource(view.images);
  const media =
    source === null
      ? html`<span class="thumb-placeholder">${label}</span>`
      : html`<img src="${source.url}" srcset="${srcsetOf(view.images)}" sizes="${GRID_SIZES}" width="${source.width}" height="${source.height}" alt="${label}" loading="lazy" decoding="async">`;
  return html`<li><a class="photo-thumb" href="${view.href}" data-testid="photo-thumb">${media}</a></li>`;
}

/** A list of photo thumbnails as a grid. */
export function photoGrid(photos: readonly PhotoView[]): SafeHtml {
  return html`<ul class="photo-grid" role="list">
  ${photos.map(photoThumb)}
</ul>`;
}
