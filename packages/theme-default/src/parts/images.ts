import type { ImageSource } from "@vernissage/core";

/** Image sources of one photo that keep its framing (no `square` crop), smallest first, without duplicate URLs. */
export function sortedSources(images: Record<string, ImageSource>): ImageSource[] {
  const out: ImageSource[] = [];
  for (const name in images) {
    const source = images[name];
    // `square` is a crop: mixing it into a srcset would show a different framing at some widths.
    if (source === undefined || name === "square" || out.some((s) => s.url === source.url)) continue;
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
    .map(
      (source) =>
        `${WHITESPACE.test(source.url) ? source.url.replace(WHITESPACE_ALL, encodeURIComponent) : source.url} ${Math.round(source.width)}w`,
    )
    .join(", ");
}

const WHITESPACE = /\s/;
const WHITESPACE_ALL = /\s/g;

/** The thumbnail source: the `thumb` preset, else the first image given. */
export function thumbSource(images: Record<string, ImageSource>): ImageSource | null {
  return images.thumb ?? Object.values(images)[0] ?? null;
}

/**
 * The `src` fallback a photo page shows: the `large` preset, else `medium`, else the largest available. The
 * `srcset` next to it lets the browser pick the largest source that fits.
 */
export function displaySource(images: Record<string, ImageSource>): ImageSource | null {
  return images.large ?? images.medium ?? sortedSources(images).at(-1) ?? null;
}

/** The source the lightbox opens without `srcset` support: `xlarge`, else `large`, else the largest. */
export function viewerSource(images: Record<string, ImageSource>): ImageSource | null {
  return images.xlarge ?? images.large ?? sortedSources(images).at(-1) ?? null;
}

/** Smallest and largest aspect-ratio classes of the justified grid (`ar-3` … `ar-30`, tenths). */
export const ASPECT_MIN = 3;
export const ASPECT_MAX = 30;

/** The justified-grid class step for a width/height: the ratio in tenths, clamped. */
export function aspectStep(width: number, height: number): number {
  const ratio = width > 0 && height > 0 ? width / height : 1;
  return Math.min(ASPECT_MAX, Math.max(ASPECT_MIN, Math.round(ratio * 10)));
}
