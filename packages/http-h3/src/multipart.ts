import { type Actor, type Gallery, GalleryError, type UploadResult } from "@vernissage/core";
import { streamMultipartFile } from "./multipart-file.js";

/** Limits for the multipart upload parser. */
export interface MultipartLimits {
  maxFileBytes: number;
}

/**
 * Stream a multipart upload straight into `gallery.photos.upload`: fields `albumId`, `title`, `description`,
 * `privacyLevel` must come before the `file` field. The file is never buffered whole in memory.
 */
export function handleMultipartUpload(
  request: Request,
  gallery: Gallery,
  actor: Actor,
  limits: MultipartLimits,
): Promise<UploadResult> {
  return streamMultipartFile(request, limits.maxFileBytes, async (file, filename, fields) => {
    const albumId = fields.get("albumId");
    if (!albumId) {
      throw new GalleryError("VALIDATION_FAILED", {
        errors: [{ path: "albumId", message: "required before file" }],
      });
    }
    const level = fields.get("privacyLevel");
    return gallery.photos.upload(actor, {
      albumId,
      file,
      filename,
      title: fields.get("title"),
      description: fields.get("description"),
      privacyLevel: level === undefined ? undefined : Number(level),
    });
  });
}
