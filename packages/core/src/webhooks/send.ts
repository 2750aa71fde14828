import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { PinnedTarget } from "./ssrf.js";

/** What one delivery attempt saw. */
export interface SendResult {
  /** HTTP status, or null when no response came (connection refused, timeout…). */
  status: number | null;
  /** The start of the response body (at most `maxBodyBytes`), as text. */
  body: string | null;
  durationMs: number;
  /** Why the attempt failed without a response. */
  error: string | null;
}

/** Options of {@link sendWebhook}. */
export interface SendOptions {
  target: PinnedTarget;
  headers: Record<string, string>;
  body: string;
  /** Whole-request timeout (connect, send, response headers and capped body). */
  timeoutMs: number;
  /** Bytes of response body read (the rest is discarded and the connection closed). */
  maxBodyBytes: number;
}

/**
 * POST one webhook body to the pinned address (the `lookup` returns only the checked address, so the TLS name
 * and `Host` header stay the URL's host while the socket goes where the check allowed). Redirects are not
 * followed: a 3xx is a failed attempt. Never throws; failures come back in the result.
 */
export function sendWebhook(options: SendOptions): Promise<SendResult> {
  const { target, timeoutMs, maxBodyBytes } = options;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    const all =
      typeof lookupOptions === "object" &&
      lookupOptions !== null &&
      "all" in lookupOptions &&
      lookupOptions.all;
    if (all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    } else callback(null, target.address, target.family);
  };
  const request = target.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const req = request(
      target.url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(options.body)),
          "user-agent": "Vernissage-Webhooks/1",
          ...options.headers,
        },
        lookup,
        agent: false,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish({
            status: res.statusCode ?? null,
            body: Buffer.concat(chunks).subarray(0, maxBodyBytes).toString("utf8"),
            error: null,
          });
        res.on("data", (chunk: Buffer) => {
          if (size >= maxBodyBytes) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size >= maxBodyBytes) {
            done();
            res.destroy();
          }
        });
        res.on("end", done);
        res.on("error", done);
        res.on("close", done);
      },
    );
    const timer = setTimeout(() => {
      finish({ status: null, body: null, error: `timed out after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on("error", (error) =>
      finish({ status: null, body: null, error: `${error.name}: ${error.message}` }),
    );
    req.end(options.body);
  });
}
