/** Album visibility: `public` for everyone, `private` for grantees, `hidden` for admins only. */
export type AlbumVisibility = "public" | "private" | "hidden";

/** An album as services return it. */
export interface Album {
  id: string;
  parentId: string | null;
  name: string;
  slug: string;
  description: string;
  visibility: AlbumVisibility;
  rank: number;
  /** The cover photo the actor may see (explicit cover if visible, else the first visible photo), or null. */
  coverPhotoId: string | null;
  /** Number of photos directly in the album that the actor may see. */
  photoCount: number;
  createdAt: number;
  updatedAt: number;
}

/** A photo as services return it. `width`/`height` are the displayed size (EXIF orientation applied). */
export interface Photo {
  id: string;
  title: string;
  description: string;
  author: string;
  originalFilename: string;
  mimeType: string;
  byteSize: number;
  width: number;
  height: number;
  orientation: number;
  sha256: string;
  takenAt: number | null;
  addedAt: number;
  updatedAt: number;
  privacyLevel: number;
  uploaderId: string | null;
  /** ThumbHash placeholder, base64. */
  thumbhash: string | null;
}

/** One page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null on the last page. */
  nextCursor: string | null;
}

/** Pagination input. */
export interface PageInput {
  /** Page size. @default 50 */
  limit?: number | undefined;
  /** Cursor from a previous page's `nextCursor`. */
  cursor?: string | undefined;
}
