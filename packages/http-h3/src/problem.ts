import { ERROR_CATALOGUE, type ErrorCatalogueEntry, GalleryError } from "@vernissage/core";

/** An RFC 9457 problem document as Vernissage sends it. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  retryable: boolean;
  requestId: string;
  errors?: { path: string; message: string; code?: string | undefined }[];
  data?: Record<string, unknown>;
}

/** Normalise anything thrown by a handler into a {@link GalleryError}. Unknown errors become `INTERNAL`. */
export function toGalleryError(error: unknown): GalleryError {
  if (error instanceof GalleryError) return error;
  const status = (error as { status?: unknown })?.status;
  if (typeof status === "number" && status === 413)
    return new GalleryError("PAYLOAD_TOO_LARGE", { cause: error });
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new GalleryError(status === 404 ? "NOT_FOUND" : "BAD_REQUEST", { status, cause: error });
  }
  return new GalleryError("INTERNAL", { cause: error });
}

// Data keys that are safe to show clients; anything else (causes, internals) stays in logs.
const PUBLIC_DATA_KEYS = new Set([
  "field",
  "preset",
  "maxBytes",
  "maxPixels",
  "width",
  "height",
  "hook",
  "plugin",
  "photoId",
  "retryAfter",
  "scope",
]);

/** Build the problem+json response for an error. Never includes stack traces or driver messages. */
export function problemResponse(
  error: GalleryError,
  requestId: string,
  headers: Headers = new Headers(),
): Response {
  const body: ProblemDocument = {
    type: `https://vernissage.dev/errors/${error.code.toLowerCase().replaceAll("_", "-")}`,
    title: ERROR_CATALOGUE[error.code].description,
    status: error.status,
    code: error.code,
    detail: error.code === "INTERNAL" ? "An unexpected error occurred." : error.detail,
    retryable: error.retryable,
    requestId,
  };
  if (error.errors?.length) body.errors = error.errors;
  if (error.data) {
    const data = Object.fromEntries(Object.entries(error.data).filter(([k]) => PUBLIC_DATA_KEYS.has(k)));
    if (Object.keys(data).length > 0) body.data = data;
  }
  // Retry-After on every retryable answer that knows when: the error's own figure, else the catalogue's.
  const entry: ErrorCatalogueEntry = ERROR_CATALOGUE[error.code];
  const retryAfter = typeof error.data?.retryAfter === "number" ? error.data.retryAfter : entry.retryAfter;
  if (error.retryable && typeof retryAfter === "number" && !headers.has("retry-after"))
    headers.set("retry-after", String(Math.max(1, Math.ceil(retryAfter))));
  headers.set("content-type", "application/problem+json");
  headers.set("x-request-id", requestId);
  headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status: error.status, headers });
}
