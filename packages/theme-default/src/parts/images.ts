import type { ImageSource } from "@vernissage/core";

/** Image sources of one photo, smallest first, without duplicate URLs. */
export function sortedSources(images: Record<string, ImageSource>): ImageSource[] {
  const seen = new Set<string>();
  const out: ImageSource[] = [];
  for (const source of Object.values(images)) {
    if (seen.has(source.url)) continue;
    seen.add(source.url);
    out.push(source);
  }
  return out.sort((a, b) => a.width - b.width);
}

/**
 * A `srcset` value: `url {width}w` for each source. Whitespace would end a candidate's URL early,
 * so it is percent-encoded; the attribute itself is escaped by `html`.
 */
export function srcsetOf(images: Record<string, ImageSource>): string {
  return sortedSources(images)
    .map((source) => `${source.url.replace(/\s/g, encodeURIComponent)} ${Math.round(source.width)}w`)
    .join(", ");
}

/** The thumbnail source: the `thumb` preset, else the first image given. */
export function thumbSource(images: Record<string, ImageSource>): ImageSource | null {
  return images.thumb ?? Object.values(images)[0] ?? null;
}

/** The source a photo page shows: the `medium` preset, else the largest available. */
export function displaySource(images: Record<string, ImageSource>): ImageSource | null {
  return images.medium ?? sortedSources(images).at(-1) ?? null;
}
