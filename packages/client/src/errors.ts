import type { components } from "./schema.js";

/** Every stable error code of the API (see docs/errors.md). */
export type ErrorCode = components["schemas"]["ErrorCode"];

/** An RFC 9457 problem document as the API sends it. */
export type Problem = components["schemas"]["Problem"];

/**
 * An error answered by the API, with its stable `code`. Branch on `code`, never on the message. Responses that
 * are not problem documents (a proxy's HTML error page) get the code `INTERNAL` for 5xx and `BAD_REQUEST`
 * otherwise, with `problem` null.
 *
 * @example
 * try {
 *   await client.unwrap(client.GET("/albums/{id}", { params: { path: { id } } }));
 * } catch (error) {
 *   if (error instanceof VernissageError && error.code === "NOT_FOUND") return null;
 *   throw error;
 * }
 */
export class VernissageError extends Error {
  /** The stable error code. */
  readonly code: ErrorCode;
  /** HTTP status. */
  readonly status: number;
  /** Whether the same request may succeed later (the client already retried it). */
  readonly retryable: boolean;
  /** The request id, to find the server's log line. */
  readonly requestId: string | null;
  /** Field errors of `VALIDATION_FAILED`. */
  readonly errors: NonNullable<Problem["errors"]>;
  /** The problem document, or null when the response was not one. */
  readonly problem: Problem | null;

  constructor(input: { status: number; problem: Problem | null; requestId: string | null }) {
    const { status, problem } = input;
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = "VernissageError";
    this.status = status;
    this.problem = problem;
    this.code = problem?.code ?? (status >= 500 ? "INTERNAL" : "BAD_REQUEST");
    this.retryable = problem?.retryable ?? (status === 429 || status === 503);
    this.requestId = problem?.requestId ?? input.requestId;
    this.errors = problem?.errors ?? [];
  }
}

/** Whether a value looks like a problem document. */
export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { status?: unknown }).status === "number"
  );
}

/** Build a {@link VernissageError} from an error response, reading its body when it is a problem document. */
export async function errorFromResponse(response: Response): Promise<VernissageError> {
  let problem: Problem | null = null;
  if ((response.headers.get("content-type") ?? "").includes("json")) {
    const body: unknown = await response.json().catch(() => null);
    if (isProblem(body)) problem = body;
  }
  return new VernissageError({
    status: response.status,
    problem,
    requestId: response.headers.get("x-request-id"),
  });
}
