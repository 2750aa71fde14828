/**
 * The catalogue of stable error codes. Every error Vernissage raises carries one of these codes; clients and
 * tests rely on the code, never on the message text.
 */
export const ERROR_CATALOGUE = {
  BAD_REQUEST: { status: 400, retryable: false, description: "The request is malformed." },
  VALIDATION_FAILED: {
    status: 400,
    retryable: false,
    description: "An input field is invalid; see errors[].",
  },
  INVALID_CURSOR: { status: 400, retryable: false, description: "The pagination cursor is not valid." },
  INVALID_STORAGE_KEY: {
    status: 400,
    retryable: false,
    description: "A storage key is unsafe or malformed.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    retryable: false,
    description: "The uploaded file is not a supported image (content is sniffed, never trusted).",
  },
  CORRUPT_IMAGE: { status: 422, retryable: false, description: "The image could not be decoded completely." },
  EMPTY_FILE: { status: 400, retryable: false, description: "The uploaded file is empty." },
  INVALID_FILENAME: {
    status: 400,
    retryable: false,
    description: "The file name holds a path (`..`) or control characters.",
  },
  FILE_TOO_LARGE: { status: 413, retryable: false, description: "The file exceeds the maximum byte size." },
  IMAGE_TOO_LARGE: {
    status: 413,
    retryable: false,
    description: "The image exceeds the maximum pixel count.",
  },
  UNAUTHENTICATED: { status: 401, retryable: false, description: "Authentication is required." },
  INVALID_CREDENTIALS: { status: 401, retryable: false, description: "The username or password is wrong." },
  FORBIDDEN: { status: 403, retryable: false, description: "The actor may not perform this action." },
  INSUFFICIENT_SCOPE: {
    status: 403,
    retryable: false,
    description: "The API token lacks the scope this action requires.",
  },
  REGISTRATION_CLOSED: {
    status: 403,
    retryable: false,
    description: "Self-registration is turned off for this gallery.",
  },
  INVALID_TOKEN: {
    status: 400,
    retryable: false,
    description: "The one-time token is unknown, used or expired.",
  },
  CSRF_REJECTED: {
    status: 403,
    retryable: false,
    description: "A cookie-authenticated write failed the CSRF check.",
  },
  NOT_FOUND: {
    status: 404,
    retryable: false,
    description: "The resource does not exist or the actor may not see it (the two are indistinguishable).",
  },
  PRESET_NOT_FOUND: {
    status: 404,
    retryable: false,
    description: "No enabled derivative preset has this name.",
  },
  CONFLICT: { status: 409, retryable: false, description: "The request conflicts with the current state." },
  ALREADY_EXISTS: {
    status: 409,
    retryable: false,
    description: "A resource with the same unique value exists.",
  },
  DUPLICATE_PHOTO: {
    status: 409,
    retryable: false,
    description: "A photo with the same content already exists.",
  },
  ALBUM_CYCLE: { status: 409, retryable: false, description: "An album cannot be moved under itself." },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false, description: "The request body is too large." },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    retryable: false,
    description: "The requested byte range is invalid.",
  },
  RATE_LIMITED: {
    status: 429,
    retryable: true,
    description: "Too many requests; retry after Retry-After seconds.",
  },
  HOOK_VETOED: { status: 422, retryable: false, description: "A plugin hook refused the operation." },
  PLUGIN_ERROR: {
    status: 500,
    retryable: false,
    description: "A plugin failed; see the plugin and hook name.",
  },
  PLUGIN_NOT_FOUND: {
    status: 404,
    retryable: false,
    description: "No plugin of this name is known to the gallery's code or database.",
  },
  PLUGIN_INCOMPATIBLE: {
    status: 409,
    retryable: false,
    description: "The plugin's compat range excludes this version of Vernissage.",
  },
  INVALID_CONFIGURATION: {
    status: 500,
    retryable: false,
    description: "The gallery configuration is invalid.",
  },
  STORAGE_ERROR: { status: 503, retryable: true, description: "The storage backend failed; retry later." },
  DATABASE_BUSY: { status: 503, retryable: true, description: "The database is busy; retry later." },
  INTERNAL: { status: 500, retryable: true, description: "An unexpected error occurred." },
} as const satisfies Record<string, { status: number; retryable: boolean; description: string }>;

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
