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
  /** How the album's photos are ordered. */
  photoOrder: PhotoOrder;
  createdAt: number;
  updatedAt: number;
}

/** Sort order of an album's photos: manual rank, date taken, date added, or title. */
export type PhotoOrder = "manual" | "takenAt" | "addedAt" | "title";

/** Metadata read from the file (EXIF, IPTC, XMP, GPS); each field null when the file did not say. */
export interface PhotoMetadata {
  /** Offset from UTC in minutes of the capture time, when the camera recorded it. */
  takenAtOffset: number | null;
  cameraMake: string | null;
  cameraModel: string | null;
  lens: string | null;
  /** Seconds. */
  exposureTime: number | null;
  /** f-number. */
  aperture: number | null;
  iso: number | null;
  /** Millimetres. */
  focalLength: number | null;
  latitude: number | null;
  longitude: number | null;
  /** Metres above sea level. */
  altitude: number | null;
  /** IPTC/XMP title and description, as written in the file. */
  title: string | null;
  description: string | null;
  keywords: string[];
  /** XMP rating (-1…5). */
  rating: number | null;
}

/** A tag with the number of photos carrying it that the actor may see. */
export interface Tag {
  id: string;
  name: string;
  slug: string;
  /** Visible photos with this tag. */
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
  /** Capture metadata read from the file. */
  metadata: PhotoMetadata;
  /**
   * Centre of interest of cropped derivatives (`square`), as fractions (0–1) of the displayed width and
   * height; null (or absent) for the centre.
   */
  focus?: { x: number; y: number } | null;
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
