/** Error codes every read route may answer with. */
export const READ_ERRORS = ["VALIDATION_FAILED", "INVALID_CURSOR", "RATE_LIMITED", "INTERNAL"] as const;
/** Error codes every write route may answer with. */
export const WRITE_ERRORS = [
  "VALIDATION_FAILED",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "CSRF_REJECTED",
  "RATE_LIMITED",
  "INTERNAL",
] as const;

/** Options the API routes need from the app. */
export interface ApiRouteOptions {
  maxUploadBytes: number;
  secureCookies: (request: Request) => boolean;
}
