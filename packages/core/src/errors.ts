/**
 * The catalogue of stable error codes. Every error Vernissage raises carries one of these codes; clients and
 * tests rely on the code, never on the message text.
 */
export const ERROR_CATALOGUE = {
  BAD_REQUEST: {
    status: 400,
    retryable: false,
    description: "The request is malformed.",
    retry: "Do not retry unchanged; fix the request.",
  },
  VALIDATION_FAILED: {
    status: 400,
    retryable: false,
    description: "An input field is invalid; see errors[].",
    retry: "Do not retry unchanged; correct the fields listed in errors[].",
  },
  INVALID_CURSOR: {
    status: 400,
    retryable: false,
    description: "The pagination cursor is not valid.",
    retry: "Do not retry unchanged; restart the listing without a cursor.",
  },
  INVALID_STORAGE_KEY: {
    status: 400,
    retryable: false,
    description: "A storage key is unsafe or malformed.",
    retry: "Do not retry unchanged; use a key without `..`, absolute paths or control characters.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    retryable: false,
    description: "The uploaded file is not a supported image (content is sniffed, never trusted).",
    retry: "Do not retry unchanged; send an image in a format the gallery accepts.",
  },
  CORRUPT_IMAGE: {
    status: 422,
    retryable: false,
    description: "The image could not be decoded completely.",
    retry: "Do not retry unchanged; send a complete, undamaged file.",
  },
  EMPTY_FILE: {
    status: 400,
    retryable: false,
    description: "The uploaded file is empty.",
    retry: "Do not retry unchanged; send the file's bytes.",
  },
  INVALID_FILENAME: {
    status: 400,
    retryable: false,
    description: "The file name holds a path (`..`) or control characters.",
    retry: "Do not retry unchanged; send a plain file name.",
  },
  FILE_TOO_LARGE: {
    status: 413,
    retryable: false,
    description: "The file exceeds the maximum byte size.",
    retry: "Do not retry unchanged; send a smaller file (data.maxBytes).",
  },
  IMAGE_TOO_LARGE: {
    status: 413,
    retryable: false,
    description: "The image exceeds the maximum pixel count.",
    retry: "Do not retry unchanged; send an image with fewer pixels (data.maxPixels).",
  },
  UNAUTHENTICATED: {
    status: 401,
    retryable: false,
    description: "Authentication is required.",
    retry: "Sign in (or send a valid bearer token), then retry.",
  },
  INVALID_CREDENTIALS: {
    status: 401,
    retryable: false,
    description: "The username or password is wrong.",
    retry:
      "Do not retry automatically; ask for the right credentials (repeated failures lead to RATE_LIMITED).",
  },
  FORBIDDEN: {
    status: 403,
    retryable: false,
    description: "The actor may not perform this action.",
    retry: "Do not retry; the actor lacks the right. Ask an admin for a grant or role.",
  },
  INSUFFICIENT_SCOPE: {
    status: 403,
    retryable: false,
    description: "The API token lacks the scope this action requires.",
    retry: "Do not retry with this token; use a token carrying data.scope.",
  },
  REGISTRATION_CLOSED: {
    status: 403,
    retryable: false,
    description: "Self-registration is turned off for this gallery.",
    retry: "Do not retry; ask an admin for an account.",
  },
  INVALID_TOKEN: {
    status: 400,
    retryable: false,
    description: "The one-time token is unknown, used or expired.",
    retry: "Do not retry with this token; request a new one.",
  },
  CSRF_REJECTED: {
    status: 403,
    retryable: false,
    description: "A cookie-authenticated write failed the CSRF check.",
    retry:
      "Do not retry unchanged; send the request from the gallery's origin (Origin header) with the form token, or use a bearer token.",
  },
  NOT_FOUND: {
    status: 404,
    retryable: false,
    description: "The resource does not exist or the actor may not see it (the two are indistinguishable).",
    retry: "Do not retry; check the id (or your access).",
  },
  PRESET_NOT_FOUND: {
    status: 404,
    retryable: false,
    description: "No enabled derivative preset has this name.",
    retry: "Do not retry; use a preset listed by the derivatives API.",
  },
  CONFLICT: {
    status: 409,
    retryable: false,
    description: "The request conflicts with the current state.",
    retry: "Re-read the resource, then retry with a request that fits its current state.",
  },
  ALREADY_EXISTS: {
    status: 409,
    retryable: false,
    description: "A resource with the same unique value exists.",
    retry: "Do not retry unchanged; use another unique value or the existing resource.",
  },
  DUPLICATE_PHOTO: {
    status: 409,
    retryable: false,
    description: "A photo with the same content already exists.",
    retry: "Do not retry; the existing photo is data.photoId.",
  },
  ALBUM_CYCLE: {
    status: 409,
    retryable: false,
    description: "An album cannot be moved under itself.",
    retry: "Do not retry unchanged; choose a parent outside the album's subtree.",
  },
  UPLOAD_OFFSET_MISMATCH: {
    status: 409,
    retryable: false,
    description:
      "A resumable upload's Upload-Offset differs from the bytes the server holds; ask with HEAD and continue from there.",
    retry: "Do not retry unchanged; send HEAD on the upload and continue from its Upload-Offset.",
  },
  UPLOAD_BUSY: {
    status: 409,
    retryable: true,
    description: "Another request is appending to or completing this resumable upload; retry shortly.",
    retry: "Retry after a short delay: send HEAD, then continue from its Upload-Offset.",
  },
  UPLOAD_EXPIRED: {
    status: 410,
    retryable: false,
    description: "The resumable upload expired before it was completed; start a new one.",
    retry: "Do not retry; create a new upload.",
  },
  CHECKSUM_MISMATCH: {
    status: 460,
    retryable: true,
    description: "The chunk's Upload-Checksum does not match the bytes received; the chunk was discarded.",
    retry: "Retry the same chunk from the same offset.",
  },
  UNSUPPORTED_PROTOCOL_VERSION: {
    status: 412,
    retryable: false,
    description: "The Tus-Resumable version is missing or not supported (the server speaks tus 1.0.0).",
    retry: "Do not retry unchanged; send `Tus-Resumable: 1.0.0`.",
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    retryable: false,
    description: "The request body is too large.",
    retry: "Do not retry unchanged; send a smaller body.",
  },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    retryable: false,
    description: "The requested byte range is invalid.",
    retry: "Retry without Range, or with a range inside the file.",
  },
  RATE_LIMITED: {
    status: 429,
    retryable: true,
    description: "Too many requests; retry after Retry-After seconds.",
    retry:
      "Retry after the Retry-After header's seconds (also data.retryAfter); slow down using the RateLimit header.",
  },
  INVALID_IDEMPOTENCY_KEY: {
    status: 400,
    retryable: false,
    description: "The Idempotency-Key header is not 1 to 255 printable ASCII characters.",
    retry: "Do not retry unchanged; send a key such as a UUID.",
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    retryable: false,
    description:
      "The Idempotency-Key was already used (within 24 h) for a request with another method, path or body.",
    retry: "Do not retry with this key; a new operation needs a new key.",
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    retryable: true,
    retryAfter: 1,
    description: "A request with the same Idempotency-Key is still being processed.",
    retry:
      "Retry the same request (same key and body) after Retry-After seconds; it then replays the first response.",
  },
  HOOK_VETOED: {
    status: 422,
    retryable: false,
    description: "A plugin hook refused the operation.",
    retry: "Do not retry unchanged; a plugin refused it (data.plugin, data.hook).",
  },
  PLUGIN_ERROR: {
    status: 500,
    retryable: false,
    description: "A plugin failed; see the plugin and hook name.",
    retry: "Do not retry automatically; report it to the gallery's admin with the request id.",
  },
  PLUGIN_NOT_FOUND: {
    status: 404,
    retryable: false,
    description: "No plugin of this name is known to the gallery's code or database.",
    retry: "Do not retry; install the plugin first.",
  },
  PLUGIN_INCOMPATIBLE: {
    status: 409,
    retryable: false,
    description: "The plugin's compat range excludes this version of Vernissage.",
    retry: "Do not retry; install a version of the plugin made for this Vernissage.",
  },
  WEBHOOK_URL_FORBIDDEN: {
    status: 422,
    retryable: false,
    description:
      "The webhook URL resolves to a private, loopback, link-local, multicast or unspecified address (SSRF protection).",
    retry:
      "Do not retry; use a public URL, or ask the gallery's admin to allow the host (webhooks.allowedHosts) or private networks.",
  },
  WEBHOOK_DELIVERY_FAILED: {
    status: 502,
    retryable: true,
    description:
      "A webhook delivery could not reach its receiver (recorded in the delivery log, retried by the queue).",
    retry: "Nothing to do: deliveries are retried on the webhook retry schedule; see the delivery log.",
  },
  INVALID_CONFIGURATION: {
    status: 500,
    retryable: false,
    description: "The gallery configuration is invalid.",
    retry: "Do not retry; the gallery's configuration must be fixed by its admin.",
  },
  STORAGE_ERROR: {
    status: 503,
    retryable: true,
    retryAfter: 1,
    description: "The storage backend failed; retry later.",
    retry:
      "Retry after Retry-After seconds with exponential backoff; an upload with an Idempotency-Key is safe to repeat.",
  },
  DATABASE_BUSY: {
    status: 503,
    retryable: true,
    retryAfter: 1,
    description: "The database is busy; retry later.",
    retry: "Retry after Retry-After seconds with exponential backoff.",
  },
  INTERNAL: {
    status: 500,
    retryable: true,
    description: "An unexpected error occurred.",
    retry:
      "Retry a few times with exponential backoff (writes with an Idempotency-Key); report the request id if it persists.",
  },
} as const satisfies Record<string, ErrorCatalogueEntry>;

/** One entry of {@link ERROR_CATALOGUE}. */
export interface ErrorCatalogueEntry {
  /** HTTP status answered with the code. */
  status: number;
  /** Whether the same request may succeed later (clients may retry it automatically). */
  retryable: boolean;
  /** What the code means. */
  description: string;
  /** When and how to retry (or what to change instead); shown in docs/errors.md and the OpenAPI document. */
  retry?: string;
  /** Seconds a client should wait before retrying, sent as `Retry-After` unless the error carries its own. */
  retryAfter?: number;
}

/** A stable, UPPER_SNAKE error code from {@link ERROR_CATALOGUE}. */
export type GalleryErrorCode = keyof typeof ERROR_CATALOGUE;

/** A field-level validation problem, reported in `errors[]` of a problem response. */
export interface FieldError {
  /** Dotted path of the offending field, e.g. `body.name`. */
  path: string;
  /** Human-readable message. */
  message: string;
  /** Machine-readable sub-code (e.g. zod's issue code). */
  code?: string;
}

/** Options for {@link GalleryError}. */
export interface GalleryErrorOptions {
  /** Human-readable explanation for this occurrence. */
  detail?: string;
  /** Structured data (never secrets) useful to the caller. */
  data?: Record<string, unknown>;
  /** Field-level problems. */
  errors?: FieldError[];
  /** Underlying error, kept for logs only (never sent to clients). */
  cause?: unknown;
  /** Override of the catalogue's HTTP status. */
  status?: number;
}

/**
 * The one error class of Vernissage. Everything a caller can act on is in `code`.
 *
 * @example
 * throw new GalleryError("NOT_FOUND", { detail: "No such album" });
 */
export class GalleryError extends Error {
  /** Stable code from the catalogue. */
  readonly code: GalleryErrorCode;
  /** HTTP status that best describes the error. */
  readonly status: number;
  /** Human-readable explanation. */
  readonly detail: string;
  /** Structured data useful to the caller. */
  readonly data: Record<string, unknown> | undefined;
  /** Field-level problems. */
  readonly errors: FieldError[] | undefined;
  /** Whether retrying the same request later may succeed. */
  readonly retryable: boolean;

  constructor(code: GalleryErrorCode, options: GalleryErrorOptions = {}) {
    const entry = ERROR_CATALOGUE[code];
    super(
      options.detail ?? entry.description,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "GalleryError";
    this.code = code;
    this.status = options.status ?? entry.status;
    this.detail = options.detail ?? entry.description;
    this.data = options.data;
    this.errors = options.errors;
    this.retryable = entry.retryable;
  }
}

/** True when `value` is a {@link GalleryError}, optionally with the given code. */
export function isGalleryError(value: unknown, code?: GalleryErrorCode): value is GalleryError {
  return value instanceof GalleryError && (code === undefined || value.code === code);
}
