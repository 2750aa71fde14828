import type { Album, DerivativeDescriptor, Gallery, Photo } from "@vernissage/core";

/** URL builders that respect the base path the gallery is mounted under. */
export interface Links {
  base: string;
  home(): string;
  album(album: Pick<Album, "id" | "slug">): string;
  photo(photo: Pick<Photo, "id">): string;
  derivative(photoId: string, d: DerivativeDescriptor): string;
  original(photo: Pick<Photo, "id" | "sha256">): string;
  /** The landing page of a share link, from its token. */
  share(token: string): string;
  asset(name: string, fingerprint: string): string;
  api(path: string): string;
}

/** Build {@link Links} for a base path such as `""` or `/gallery`. */
export function createLinks(base: string): Links {
  return {
    base,
    home: () => `${base}/`,
    album: (album) => `${base}/albums/${album.id}/${encodeURIComponent(album.slug)}`,
    photo: (photo) => `${base}/photos/${photo.id}`,
    derivative: (photoId, d) => `${base}/media/photos/${photoId}/${d.preset}/${d.version}`,
    original: (photo) => `${base}/media/photos/${photo.id}/original/${photo.sha256.slice(0, 16)}`,
    share: (token) => `${base}/s/${token}`,
    asset: (name, fingerprint) => `${base}/assets/${fingerprint}/${name}`,
    api: (path) => `${base}/api/v1${path}`,
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A photo's derivatives by preset name: URL (versioned, immutable) and pixel size. */
export function derivativeSources(
  gallery: Gallery,
  links: Links,
  photo: Photo,
): Record<string, { url: string; width: number; height: number }> {
  const derivatives: Record<string, { url: string; width: number; height: number }> = {};
  for (const d of gallery.derivatives.describe(photo)) {
    derivatives[d.preset] = { url: links.derivative(photo.id, d), width: d.width, height: d.height };
  }
  return derivatives;
}

/** The JSON shape of a photo, with derivative URLs. */
export function photoJson(gallery: Gallery, links: Links, photo: Photo) {
  const derivatives = derivativeSources(gallery, links, photo);
  return {
    id: photo.id,
    title: photo.title,
    description: photo.description,
    author: photo.author,
    originalFilename: photo.originalFilename,
    mimeType: photo.mimeType,
    byteSize: photo.byteSize,
    width: photo.width,
    height: photo.height,
    sha256: photo.sha256,
    takenAt: iso(photo.takenAt),
    addedAt: iso(photo.addedAt) as string,
    updatedAt: iso(photo.updatedAt) as string,
    privacyLevel: photo.privacyLevel,
    thumbhash: photo.thumbhash,
    metadata: photo.metadata,
    derivatives,
    originalUrl: links.original(photo),
    url: links.photo(photo),
  };
}

/** The JSON shape of an album. */
export function albumJson(links: Links, album: Album) {
  return {
    id: album.id,
    parentId: album.parentId,
    name: album.name,
    slug: album.slug,
    description: album.description,
    visibility: album.visibility,
    rank: album.rank,
    coverPhotoId: album.coverPhotoId,
    photoCount: album.photoCount,
    photoOrder: album.photoOrder,
    createdAt: iso(album.createdAt) as string,
    updatedAt: iso(album.updatedAt) as string,
    url: links.album(album),
  };
}
