import sharp, { type Metadata } from "sharp";
import { rgbaToThumbHash } from "thumbhash";
import { GalleryError } from "../errors.js";
import type { PhotoMetadata } from "../types.js";
import { extractMetadata } from "./metadata.js";
import { IMAGE_MIME, type ImageFormat, sniffImageFormat } from "./sniff.js";

/** What ingest learns about an image before anything is kept. */
export interface ImageProbe {
  format: ImageFormat;
  mimeType: string;
  /** Displayed width/height (EXIF orientation applied). */
  width: number;
  height: number;
  orientation: number;
  /** ThumbHash placeholder, base64. */
  thumbhash: string;
  /** Capture time from EXIF (epoch ms, UTC instant), when present. */
  takenAt: number | null;
  /** Typed metadata fields. */
  metadata: PhotoMetadata;
  /** The raw metadata record (JSON-safe). */
  raw: Record<string, unknown>;
}

const SHARP_FORMAT: Record<ImageFormat, readonly string[]> = {
  jpeg: ["jpeg"],
  png: ["png"],
  webp: ["webp"],
  gif: ["gif"],
  avif: ["heif", "avif"],
  heif: ["heif"],
  tiff: ["tiff"],
};

/**
 * Identify and fully validate an image file: sniff the content, check the pixel count against `maxPixels`
 * before decoding, then decode it completely once (a truncated or corrupt file fails here) to make the
 * ThumbHash. Throws a {@link GalleryError} with a stable code for every way a file can be bad.
 */
export async function probeImage(path: string, head: Uint8Array, maxPixels: number): Promise<ImageProbe> {
  if (head.length === 0) throw new GalleryError("EMPTY_FILE");
  const format = sniffImageFormat(head);
  if (!format)
    throw new GalleryError("UNSUPPORTED_MEDIA_TYPE", { detail: "The file is not a supported image." });

  let meta: Metadata;
  try {
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new GalleryError(format === "heif" ? "UNSUPPORTED_MEDIA_TYPE" : "CORRUPT_IMAGE", {
      detail:
        format === "heif" ? "This HEIF/HEIC file cannot be decoded by the bundled image library." : undefined,
      cause: error,
    });
  }
  if (!meta.format || !SHARP_FORMAT[format].includes(meta.format) || !meta.width || !meta.height) {
    throw new GalleryError("UNSUPPORTED_MEDIA_TYPE", {
      detail: "The file content does not match a supported image.",
    });
  }
  if (meta.width * meta.height > maxPixels) {
    throw new GalleryError("IMAGE_TOO_LARGE", {
      data: { width: meta.width, height: meta.height, maxPixels },
    });
  }
  const orientation = meta.orientation ?? 1;
  const swap = orientation >= 5 && orientation <= 8;
  const width = swap ? meta.height : meta.width;
  const height = swap ? meta.width : meta.height;

  let thumbhash: string;
  try {
    const { data, info } = await sharp(path, { limitInputPixels: maxPixels, failOn: "truncated" })
      .autoOrient()
      .resize(100, 100, { fit: "inside" })
      .toColourspace("srgb")
      .ensureAlpha()
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    thumbhash = Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString("base64");
  } catch (error) {
    if (format === "heif") {
      throw new GalleryError("UNSUPPORTED_MEDIA_TYPE", {
        detail: "This HEIF/HEIC file cannot be decoded by the bundled image library.",
        cause: error,
      });
    }
    throw new GalleryError("CORRUPT_IMAGE", { cause: error });
  }

  const { takenAt, metadata, raw } = await extractMetadata(path);
  return {
    format,
    mimeType: IMAGE_MIME[format],
    width,
    height,
    orientation,
    thumbhash,
    takenAt,
    metadata,
    raw,
  };
}
