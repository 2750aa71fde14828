import { escapeHtml, type Gallery, type Photo } from "@vernissage/core";
import { type Links, photoJson } from "./links.js";

/** Options of {@link renderAtomFeed}. */
export interface AtomFeedInput {
  gallery: Gallery;
  links: Links;
  /** Absolute origin of the request, e.g. `https://photos.example.org`. */
  origin: string;
  /** URL path of the feed itself. */
  selfHref: string;
  /** Feed title. */
  title: string;
  /** Language tag for `xml:lang`. */
  lang: string;
  /** The photos, newest first (already filtered for the caller). */
  photos: readonly Photo[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * An Atom 1.0 document (RFC 4287) of recent photos: one entry per photo with its permalink, dates, author,
 * description and an HTML preview image. Every value is escaped; URLs are absolute.
 */
export function renderAtomFeed(input: AtomFeedInput): string {
  const { gallery, links, origin, photos } = input;
  const abs = (path: string) => escapeHtml(`${origin}${path}`);
  const updated = photos.reduce((max, p) => Math.max(max, p.updatedAt, p.addedAt), 0);
  const entries = photos.map((photo) => {
    const json = photoJson(gallery, links, photo);
    const preview = json.derivatives.medium ?? json.derivatives.small ?? json.derivatives.thumb;
    const title = photo.title.trim() || photo.originalFilename;
    const content =
      (preview
        ? `<p><img src="${escapeHtml(`${origin}${preview.url}`)}" width="${preview.width}" height="${preview.height}" alt="${escapeHtml(title)}"></p>`
        : "") + (photo.description.trim() ? `<p>${escapeHtml(photo.description)}</p>` : "");
    return `  <entry>
    <title>${escapeHtml(title)}</title>
    <id>${abs(links.photo(photo))}</id>
    <link rel="alternate" type="text/html" href="${abs(links.photo(photo))}"/>
    <published>${iso(photo.addedAt)}</published>
    <updated>${iso(Math.max(photo.updatedAt, photo.addedAt))}</updated>
${photo.author.trim() ? `    <author><name>${escapeHtml(photo.author)}</name></author>\n` : ""}${photo.description.trim() ? `    <summary type="text">${escapeHtml(photo.description)}</summary>\n` : ""}    <content type="html">${escapeHtml(content)}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeHtml(input.lang)}">
  <title>${escapeHtml(input.title)}</title>
  <id>${abs(links.home())}</id>
  <link rel="self" type="application/atom+xml" href="${abs(input.selfHref)}"/>
  <link rel="alternate" type="text/html" href="${abs(links.home())}"/>
  <updated>${iso(updated || Date.now())}</updated>
  <author><name>${escapeHtml(gallery.title)}</name></author>
  <generator>Vernissage</generator>
${entries.join("\n")}
</feed>
`;
}
