import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { type Actor, type Gallery, GalleryError, type UploadResult } from "@vernissage/core";
import busboy from "busboy";

/** Limits for the multipart upload parser. */
export interface MultipartLimits {
  maxFileBytes: number;
}

/**
 * Stream a multipart upload straight into `gallery.photos.upload`: fields `albumId`, `title`, `description`,
 * `privacyLevel` must come before the `file` field. The file is never buffered whole in memory.
 */
export async function handleMultipartUpload(
  request: Request,
  gallery: Gallery,
  actor: Actor,
  limits: MultipartLimits,
): Promise<UploadResult> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data") || !request.body) {
    throw new GalleryError("VALIDATION_FAILED", {
      detail: "Expected a multipart/form-data body with a file field.",
    });
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      // Keep the name as sent so core can refuse paths and control characters instead of silently trimming.
      preservePath: true,
      limits: { files: 1, fields: 20, fieldSize: 64 * 1024, fileSize: limits.maxFileBytes + 1, parts: 30 },
    });
  } catch (error) {
    throw new GalleryError("VALIDATION_FAILED", { detail: "Malformed multipart body.", cause: error });
  }
  const fields = new Map<string, string>();

  return new Promise<UploadResult>((resolve, reject) => {
    let settled = false;
    let uploading: Promise<UploadResult> | undefined;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    parser.on("field", (name, value) => fields.set(name, value));
    parser.on("file", (name, stream, info) => {
      if (name !== "file" || uploading) {
        stream.resume();
        return;
      }
      const albumId = fields.get("albumId");
      if (!albumId) {
        stream.resume();
        fail(
          new GalleryError("VALIDATION_FAILED", {
            errors: [{ path: "albumId", message: "required before file" }],
          }),
        );
        return;
      }
      const level = fields.get("privacyLevel");
      stream.on("limit", () =>
        stream.destroy(new GalleryError("FILE_TOO_LARGE", { data: { maxBytes: limits.maxFileBytes } })),
      );
      uploading = gallery.photos.upload(actor, {
        albumId,
        file: stream,
        filename: info.filename ?? "upload",
        title: fields.get("title"),
        description: fields.get("description"),
        privacyLevel: level === undefined ? undefined : Number(level),
      });
      uploading.then(
        (result) => {
          if (!settled) {
            settled = true;
            resolve(result);
          }
        },
        (error) => {
          stream.resume();
          fail(error);
        },
      );
    });
    parser.on("error", (error) =>
      fail(new GalleryError("VALIDATION_FAILED", { detail: "Malformed multipart body.", cause: error })),
    );
    parser.on("close", () => {
      if (!uploading)
        fail(new GalleryError("VALIDATION_FAILED", { errors: [{ path: "file", message: "required" }] }));
    });
    const body = Readable.fromWeb(request.body as unknown as NodeWebReadableStream<Uint8Array>);
    body.on("error", fail);
    body.pipe(parser);
  });
}
