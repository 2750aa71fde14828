import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { GalleryError, type Logger } from "@vernissage/core";

/** What a failed tool call carries, as JSON, in its text content. */
export interface ToolErrorContent {
  error: {
    /** Stable code from the error catalogue (`NOT_FOUND`, `INSUFFICIENT_SCOPE`…). */
    code: string;
    /** HTTP status the REST API would answer with. */
    status: number;
    detail: string;
    /** Whether the same call may succeed later. */
    retryable: boolean;
    /** Field problems, for `VALIDATION_FAILED`. */
    errors?: { path: string; message: string }[];
    data?: Record<string, unknown>;
  };
}

// Data keys safe to show callers (the same idea as the REST API's problem documents): never causes or internals.
const PUBLIC_DATA_KEYS = new Set([
  "field",
  "scope",
  "maxBytes",
  "maxPixels",
  "photoId",
  "retryAfter",
  "hook",
]);

/** Normalise anything a tool threw: a {@link GalleryError} stays, anything else becomes `INTERNAL` (logged). */
export function toGalleryError(error: unknown, logger?: Logger): GalleryError {
  if (error instanceof GalleryError) {
    if (error.code === "INTERNAL") logger?.error({ err: error.cause ?? error }, "mcp tool failed");
    return error;
  }
  logger?.error({ err: error instanceof Error ? { name: error.name, message: error.message } : error });
  return new GalleryError("INTERNAL", { cause: error });
}

/**
 * The tool result of an error: `isError: true` with one text content, the JSON of {@link ToolErrorContent}
 * (code, status, detail, retryable, field errors), never a stack trace or a driver message.
 *
 * There is no `structuredContent`: every tool declares an output schema, and the SDK's client validates any
 * structured content against it, errors included.
 */
export function toolError(error: unknown, logger?: Logger): CallToolResult {
  const e = toGalleryError(error, logger);
  const content: ToolErrorContent = {
    error: {
      code: e.code,
      status: e.status,
      detail: e.code === "INTERNAL" ? "An unexpected error occurred." : e.detail,
      retryable: e.retryable,
    },
  };
  if (e.errors?.length) content.error.errors = e.errors.map((f) => ({ path: f.path, message: f.message }));
  if (e.data) {
    const data = Object.fromEntries(Object.entries(e.data).filter(([k]) => PUBLIC_DATA_KEYS.has(k)));
    if (Object.keys(data).length > 0) content.error.data = data;
  }
  return { isError: true, content: [{ type: "text", text: JSON.stringify(content) }] };
}
