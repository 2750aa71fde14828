import { html, type ThemeTemplates } from "@vernissage/core";
import { displaySource, srcsetOf } from "../parts/images.js";
import { homeHref } from "../parts/navigation.js";
import { formatDate, paragraphs, photoLabel } from "../parts/text.js";

/** `sizes` for the photo page image; matches `.photo-figure` in `style.css`. */
const PHOTO_SIZES = "(min-width: 82rem) 80rem, calc(100vw - 2rem)";

/**
 * Photo page content: the title, the image (`medium`, else the largest source, with a `srcset` of all
 * sources), the description, details (dimensions, date taken, author, file name) and a link back to the album
 * (or to the gallery home when there is none). Wrap it with `layout`.
 */
export const photo: ThemeTemplates["photo"] = (ctx, data) => {
  const { photo: current, images } = data.photo;
  const label = photoLabel(current);
  const source = displaySource(images);
  const back =
    data.albumHref === null
      ? { href: homeHref(ctx), text: "Back to the gallery" }
      : { href: data.albumHref, text: "Back to the album" };
  return html`<article class="photo-page">
  <h1 class="page-title">${label}</h1>
  <figure class="photo-figure">
    ${
      source === null
        ? html`<div class="photo-placeholder"><p>This photo is still being prepared.</p></div>`
        : html`<img src="${source.url}" srcset="${srcsetOf(images)}" sizes="${PHOTO_SIZES}" width="${source.width}" height="${source.height}" alt="${label}" decoding="async" fetchpriority="high">`
    }
  </figure>
  ${paragraphs(current.description)}
  <dl class="photo-details">
    <dt>Dimensions</dt>
    <dd>${current.width} × ${current.height} pixels</dd>
    ${
      current.takenAt === null
        ? null
        : html`<dt>Taken</dt>
    <dd><time datetime="${new Date(current.takenAt).toISOString()}">${formatDate(current.takenAt, ctx.lang)}</time></dd>`
    }
    ${
      current.author.trim() === ""
        ? null
        : html`<dt>Author</dt>
    <dd>${current.author}</dd>`
    }
    <dt>File</dt>
    <dd>${current.originalFilename}</dd>
  </dl>
  <p class="back-link"><a href="${back.href}"><span aria-hidden="true">←</span> ${back.text}</a></p>
</article>`;
};
