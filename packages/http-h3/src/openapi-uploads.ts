import type { GalleryErrorCode } from "@vernissage/core";
import type { RateClass } from "./route.js";

/** One operation of the resumable (tus 1.0.0) upload endpoints, as the OpenAPI document shows it. */
export interface ResumableUploadOperation {
  method: "options" | "post" | "head" | "get" | "patch" | "delete";
  /** Path under `/api/v1`. */
  path: string;
  operationId: string;
  summary: string;
  description: string;
  /** `public` (OPTIONS) or the token scope the operation needs. */
  scope: "public" | "photos:write";
  rateClass: RateClass;
  status: number;
  statusDescription: string;
  parameters: Record<string, unknown>[];
  responseHeaders: Record<string, Record<string, unknown>>;
  responseContent?: Record<string, unknown>;
  requestBody?: Record<string, unknown>;
  /** Error codes besides `INTERNAL` and `RATE_LIMITED` (added to every operation). */
  errors: GalleryErrorCode[];
}

const TUS_RESUMABLE = {
  name: "Tus-Resumable",
  in: "header",
  required: true,
  description:
    "The tus protocol version; only `1.0.0` is spoken (`412 UNSUPPORTED_PROTOCOL_VERSION` otherwise).",
  schema: { type: "string", enum: ["1.0.0"] },
};
const ID = {
  name: "id",
  in: "path",
  required: true,
  description: "The upload's id (the last segment of the `Location` its creation answered).",
  schema: { type: "string" },
  example: "0193b6f0c2a87c1e9d3f4a5b6c7d8e9f",
};
const CHECKSUM = {
  name: "Upload-Checksum",
  in: "header",
  required: false,
  description:
    "tus checksum extension: `<algorithm> <base64 digest>` of this request's bytes (`sha1`, `sha256` or `md5`). " +
    "A mismatch discards the chunk with `460 CHECKSUM_MISMATCH`.",
  schema: { type: "string" },
  example: "sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=",
};
const header = (description: string, schema: Record<string, unknown> = { type: "string" }) => ({
  description,
  schema,
});
const OFFSET = header("Bytes the server holds for the upload.", { type: "integer", minimum: 0 });
const EXPIRES = header(
  "When an unfinished upload is swept (RFC 9110 date); every append moves it forward (expiration extension).",
);
const TUS_HEADER = header("`1.0.0` on every answer of these endpoints.");
const PHOTO_ID = header("Only on the answer that finished the upload (and later ones): the photo it became.");
const DUPLICATE = header(
  "`true` when the content already existed and that photo was linked into the album.",
  {
    type: "string",
    enum: ["true", "false"],
  },
);
const COMMON_ERRORS: GalleryErrorCode[] = [
  "UNSUPPORTED_PROTOCOL_VERSION",
  "UNAUTHENTICATED",
  "INSUFFICIENT_SCOPE",
];
const INGEST_ERRORS: GalleryErrorCode[] = [
  "UNSUPPORTED_MEDIA_TYPE",
  "CORRUPT_IMAGE",
  "IMAGE_TOO_LARGE",
  "DUPLICATE_PHOTO",
  "HOOK_VETOED",
];

/**
 * The resumable upload endpoints (tus 1.0.0 with the creation, creation-with-upload, termination, expiration and
 * checksum extensions) under `/api/v1/uploads`. They are not JSON routes of the route table, so the OpenAPI
 * document adds them from this list.
 */
export const RESUMABLE_UPLOAD_OPERATIONS: readonly ResumableUploadOperation[] = [
  {
    method: "options",
    path: "/uploads",
    operationId: "getUploadCapabilities",
    summary: "Discover the resumable upload protocol (tus) and its limits",
    description: "Answers `Tus-Version`, `Tus-Extension`, `Tus-Max-Size` and `Tus-Checksum-Algorithm`.",
    scope: "public",
    rateClass: "read",
    status: 204,
    statusDescription: "The server's tus capabilities.",
    parameters: [],
    responseHeaders: {
      "Tus-Resumable": TUS_HEADER,
      "Tus-Version": header("Protocol versions spoken: `1.0.0`."),
      "Tus-Extension": header("`creation,creation-with-upload,termination,expiration,checksum`."),
      "Tus-Max-Size": header("Largest accepted upload in bytes.", { type: "integer" }),
      "Tus-Checksum-Algorithm": header("`sha1,sha256,md5`."),
    },
    errors: [],
  },
  {
    method: "post",
    path: "/uploads",
    operationId: "createUpload",
    summary: "Start a resumable upload (tus creation)",
    description:
      "Declare the file's size in `Upload-Length` and its fields in `Upload-Metadata` (comma-separated " +
      "`key base64(value)` pairs): `filename`, `albumId` (required), `title`, `description`, `privacyLevel`. " +
      "The album and the caller's right to contribute to it are checked now. The answer's `Location` is the " +
      "upload's URL. With `Content-Type: application/offset+octet-stream` the first bytes may come along " +
      "(creation-with-upload). When the last byte arrives, the file goes through the same ingest as " +
      "`uploadPhoto` (content sniffing, limits, duplicates, hooks, derivatives).",
    scope: "photos:write",
    rateClass: "upload",
    status: 201,
    statusDescription: "Created; `Location` is the upload's URL.",
    parameters: [
      TUS_RESUMABLE,
      {
        name: "Upload-Length",
        in: "header",
        required: true,
        description: "The file's size in bytes (digits only; 1 to the server's `Tus-Max-Size`).",
        schema: { type: "integer", minimum: 1 },
        example: 4379037,
      },
      {
        name: "Upload-Metadata",
        in: "header",
        required: true,
        description:
          "`filename <base64>,albumId <base64>[,title <base64>][,description <base64>][,privacyLevel <base64>]`.",
        schema: { type: "string" },
        example: "filename aGFyYm91ci5qcGc=,albumId MDE5M2I2ZjA=",
      },
      CHECKSUM,
    ],
    requestBody: {
      required: false,
      content: { "application/offset+octet-stream": { schema: { type: "string", format: "binary" } } },
    },
    responseHeaders: {
      Location: header("The upload's URL (under the app's base path)."),
      "Tus-Resumable": TUS_HEADER,
      "Upload-Offset": OFFSET,
      "Upload-Expires": EXPIRES,
      "Vernissage-Photo-Id": PHOTO_ID,
    },
    errors: [
      ...COMMON_ERRORS,
      "VALIDATION_FAILED",
      "CSRF_REJECTED",
      "FORBIDDEN",
      "NOT_FOUND",
      "EMPTY_FILE",
      "FILE_TOO_LARGE",
      "INVALID_FILENAME",
      "CHECKSUM_MISMATCH",
      ...INGEST_ERRORS,
    ],
  },
  {
    method: "head",
    path: "/uploads/{id}",
    operationId: "getUploadOffset",
    summary: "How many bytes of a resumable upload the server holds (tus HEAD)",
    description:
      "Continue a broken upload from `Upload-Offset`. Only the upload's creator sees it (404 for anyone else). " +
      "A finished upload answers `Upload-Offset` equal to its length and `Vernissage-Photo-Id`; one whose " +
      "ingest failed answers that error's status and code.",
    scope: "photos:write",
    rateClass: "read",
    status: 200,
    statusDescription: "The upload's offset and length.",
    parameters: [TUS_RESUMABLE, ID],
    responseHeaders: {
      "Tus-Resumable": TUS_HEADER,
      "Upload-Offset": OFFSET,
      "Upload-Length": header("The declared size.", { type: "integer" }),
      "Upload-Expires": EXPIRES,
      "Cache-Control": header("`no-store`."),
      "Vernissage-Photo-Id": PHOTO_ID,
      "Vernissage-Photo-Duplicate": DUPLICATE,
    },
    errors: [...COMMON_ERRORS, "NOT_FOUND", "UPLOAD_EXPIRED", ...INGEST_ERRORS],
  },
  {
    method: "get",
    path: "/uploads/{id}",
    operationId: "getUpload",
    summary: "A resumable upload's state, and the photo it became",
    description:
      "JSON view of the upload for its creator: `open`, `completing`, `done` (with `photo`) or `failed` (with `errorCode`).",
    scope: "photos:write",
    rateClass: "read",
    status: 200,
    statusDescription: "The upload.",
    parameters: [ID],
    responseHeaders: {},
    responseContent: {
      "application/json": {
        schema: {
          type: "object",
          required: ["id", "length", "offset", "state", "metadata", "expiresAt", "createdAt", "photoId"],
          properties: {
            id: { type: "string" },
            length: { type: "integer" },
            offset: { type: "integer" },
            state: { type: "string", enum: ["open", "completing", "done", "failed"] },
            metadata: { type: "object", additionalProperties: true },
            expiresAt: { type: "string", format: "date-time" },
            createdAt: { type: "string", format: "date-time" },
            photoId: { type: ["string", "null"] },
            duplicate: { type: "boolean" },
            errorCode: { anyOf: [{ $ref: "#/components/schemas/ErrorCode" }, { type: "null" }] },
            photo: { anyOf: [{ $ref: "#/components/schemas/Photo" }, { type: "null" }] },
          },
        },
      },
    },
    errors: ["UNAUTHENTICATED", "INSUFFICIENT_SCOPE", "NOT_FOUND"],
  },
  {
    method: "patch",
    path: "/uploads/{id}",
    operationId: "appendUpload",
    summary: "Append bytes to a resumable upload (tus PATCH)",
    description:
      "`Upload-Offset` must equal the bytes the server holds (`409 UPLOAD_OFFSET_MISMATCH` with the server's " +
      "`Upload-Offset` otherwise). One request at a time: a concurrent append gets `409 UPLOAD_BUSY`. Bytes " +
      "past the declared length are refused whole (`413 FILE_TOO_LARGE`). If the connection drops, the bytes " +
      "received so far are kept (without a checksum). The append that brings the upload to its length runs " +
      "ingest and answers `Vernissage-Photo-Id`, or the ingest error (the bytes are then removed); repeating " +
      "it with no bytes at the final offset answers the same photo again.",
    scope: "photos:write",
    rateClass: "write",
    status: 204,
    statusDescription: "The bytes were stored; `Upload-Offset` is the new offset.",
    parameters: [
      TUS_RESUMABLE,
      ID,
      {
        name: "Upload-Offset",
        in: "header",
        required: true,
        description: "Where these bytes start (digits only).",
        schema: { type: "integer", minimum: 0 },
        example: 0,
      },
      CHECKSUM,
    ],
    requestBody: {
      required: true,
      content: { "application/offset+octet-stream": { schema: { type: "string", format: "binary" } } },
    },
    responseHeaders: {
      "Tus-Resumable": TUS_HEADER,
      "Upload-Offset": OFFSET,
      "Upload-Expires": EXPIRES,
      "Vernissage-Photo-Id": PHOTO_ID,
      "Vernissage-Photo-Duplicate": DUPLICATE,
    },
    errors: [
      ...COMMON_ERRORS,
      "VALIDATION_FAILED",
      "CSRF_REJECTED",
      "FORBIDDEN",
      "NOT_FOUND",
      "UPLOAD_OFFSET_MISMATCH",
      "UPLOAD_BUSY",
      "UPLOAD_EXPIRED",
      "FILE_TOO_LARGE",
      "CHECKSUM_MISMATCH",
      "BAD_REQUEST",
      "STORAGE_ERROR",
      ...INGEST_ERRORS,
    ],
  },
  {
    method: "delete",
    path: "/uploads/{id}",
    operationId: "cancelUpload",
    summary: "Cancel a resumable upload (tus termination)",
    description:
      "Removes the upload and its stored bytes. Only its creator may (404 for anyone else). A finished upload's " +
      "photo stays; an upload whose ingest is running answers `409 UPLOAD_BUSY`.",
    scope: "photos:write",
    rateClass: "write",
    status: 204,
    statusDescription: "Cancelled.",
    parameters: [TUS_RESUMABLE, ID],
    responseHeaders: { "Tus-Resumable": TUS_HEADER },
    errors: [...COMMON_ERRORS, "CSRF_REJECTED", "NOT_FOUND", "UPLOAD_BUSY"],
  },
];
