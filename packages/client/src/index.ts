export type {
  PageItem,
  PaginatedOperation,
  PaginateParams,
  UploadPhotoInput,
  UploadResult,
  VernissageClient,
  VernissageClientOptions,
} from "./client.js";
export { createVernissageClient } from "./client.js";
export type { ErrorCode, Problem } from "./errors.js";
export { errorFromResponse, isProblem, VernissageError } from "./errors.js";
export { IDEMPOTENT_OPERATIONS, OPERATIONS } from "./operations.js";
export type { components, operations, paths } from "./schema.js";
export type { RetryOptions } from "./transport.js";
export { isCreatingRequest, retryAfterMs } from "./transport.js";
