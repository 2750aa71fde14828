import type { Album, DerivativeDescriptor, Photo } from "@vernissage/core";

/**
 * URL builders for what the tools return (gallery pages, derivative and original media, share links). The MCP
 * server has no URL layout of its own: the HTTP package passes its links (made absolute with the request's or
 * the configured public origin), and the CLI passes the same links under `--public-url`. Without links, tools
 * leave URLs out.
 */
export interface McpLinks {
  /** The album's gallery page. */
  album(album: Pick<Album, "id" | "slug">): string;
  /** The photo's gallery page. */
  photo(photo: Pick<Photo, "id">): string;
  /** A derivative (size preset) of a photo. */
  derivative(photoId: string, derivative: DerivativeDescriptor): string;
  /** The original file of a photo. */
  original(photo: Pick<Photo, "id" | "sha256">): string;
  /** The landing page of a share link, from its token. */
  share(token: string): string;
}

/**
 * Prefix every URL of `links` with `origin` (e.g. `https://photos.example.org`), for links that build paths.
 *
 * @example
 * const absolute = absoluteLinks("https://photos.example.org", pathLinks);
 */
export function absoluteLinks(origin: string, links: McpLinks): McpLinks {
  const o = origin.replace(/\/+$/, "");
  return {
    album: (album) => `${o}${links.album(album)}`,
    photo: (photo) => `${o}${links.photo(photo)}`,
    derivative: (photoId, d) => `${o}${links.derivative(photoId, d)}`,
    original: (photo) => `${o}${links.original(photo)}`,
    share: (token) => `${o}${links.share(token)}`,
  };
}
