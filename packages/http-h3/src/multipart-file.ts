import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { GalleryError } from "@vernissage/core";
import busboy from "busboy";

/**
 * Stream the single `file` field of a multipart/form-data request into `consume` (never buffered whole).
 * Fields before the file are passed along. Oversized files fail with `FILE_TOO_LARGE`.
 */
export async function streamMultipartFile<T>(
  request: Request,
  maxFileBytes: number,
  consume: (file: Readable, filename: string, fields: ReadonlyMap<string, string>) => Promise<T>,
): Promise<T> {
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
      limits: { files: 1, fields: 20, fieldSize: 64 * 1024, fileSize: maxFileBytes + 1, parts: 30 },
    });
  } catch (error) {
    throw new GalleryError("VALIDATION_FAILED", { detail: "Malformed multipart body.", cause: error });
  }
  const fields = new Map<string, string>();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let consuming: Promise<T> | undefined;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    parser.on("field", (name, value) => fields.set(name, value));
    parser.on("file", (name, stream, info) => {
      if (name !== "file" || consuming) {
        stream.resume();
        return;
      }
      stream.on("limit", () =>
        stream.destroy(new GalleryError("FILE_TOO_LARGE", { data: { maxBytes: maxFileBytes } })),
      );
      consuming = consume(stream, info.filename ?? "upload", fields);
      consuming.then(
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
      if (!consuming)
        fail(new GalleryError("VALIDATION_FAILED", { errors: [{ path: "file", message: "required" }] }));
    });
    const body = Readable.fromWeb(request.body as unknown as NodeWebReadableStream<Uint8Array>);
    body.on("error", fail);
    body.pipe(parser);
  });
}
