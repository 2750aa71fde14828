import { IDEMPOTENT_OPERATIONS } from "./operations.js";

/** How the client retries. */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 4 */
  maxAttempts?: number;
  /** Longest wait before a retry, whatever `Retry-After` says (a longer wait fails at once). @default 30000 */
  maxDelayMs?: number;
  /** Wait when the answer has no `Retry-After`: doubled per attempt from this. @default 500 */
  baseDelayMs?: number;
}

/** Options of the fetch wrapper shared by every call of a client. */
export interface TransportOptions {
  fetch: (request: Request) => Promise<Response>;
  /** The API root, e.g. `https://photos.example.com/gallery/api/v1`. */
  apiRoot: string;
  token?: string | undefined;
  retry: Required<RetryOptions>;
  /** Make an `Idempotency-Key` for creating POSTs; null turns automatic keys off. */
  idempotencyKey: (() => string) | null;
  /** Wait (tests may replace it). */
  sleep: (ms: number) => Promise<void>;
}

const TEMPLATES = IDEMPOTENT_OPERATIONS.map((entry) => {
  const [method = "", path = ""] = entry.split(" ");
  const source = path
    .split("/")
    .map((segment) => (/^\{\w+\}$/.test(segment) ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return { method, pattern: new RegExp(`^${source}/?$`) };
});

/** Whether a request to `path` (below the API root) creates something and takes an `Idempotency-Key`. */
export function isCreatingRequest(method: string, path: string): boolean {
  return TEMPLATES.some((t) => t.method === method && t.pattern.test(path));
}

/** Seconds of `Retry-After` (delta seconds or an HTTP date) in milliseconds, or null. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Whether an answer may succeed when sent again: 429, 503, or a problem document saying `retryable: true`. */
async function isRetryable(response: Response): Promise<boolean> {
  if (response.status === 429 || response.status === 503) return true;
  if (response.status < 400) return false;
  if (!(response.headers.get("content-type") ?? "").includes("problem+json")) return false;
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { retryable?: unknown } | null;
  return body?.retryable === true;
}

/**
 * A fetch that adds the bearer token, an `Idempotency-Key` on creating POSTs (the same key on every retry, so a
 * retried creation happens once), and retries retryable answers after `Retry-After` (capped), with backoff.
 */
export function createTransport(options: TransportOptions): (request: Request) => Promise<Response> {
  const { retry } = options;
  return async (input: Request) => {
    const headers = new Headers(input.headers);
    if (options.token && !headers.has("authorization"))
      headers.set("authorization", `Bearer ${options.token}`);
    const path = new URL(input.url).pathname.slice(
      new URL(options.apiRoot).pathname.replace(/\/$/, "").length,
    );
    if (options.idempotencyKey && !headers.has("idempotency-key") && isCreatingRequest(input.method, path)) {
      headers.set("idempotency-key", options.idempotencyKey());
    }
    const request = new Request(input, { headers });
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= retry.maxAttempts;
      // A body can be read once: send a copy and keep the original for the next attempt.
      const response = await options.fetch(last ? request : request.clone());
      if (last || !(await isRetryable(response))) return response;
      const wait =
        retryAfterMs(response.headers.get("retry-after")) ?? retry.baseDelayMs * 2 ** (attempt - 1);
      if (wait > retry.maxDelayMs) return response;
      await response.body?.cancel();
      await options.sleep(wait);
    }
  };
}
