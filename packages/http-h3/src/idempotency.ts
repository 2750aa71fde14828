import { createHash, type Hash } from "node:crypto";
import {
  type Actor,
  assertIdempotencyKey,
  type Gallery,
  GalleryError,
  type IdempotencyClaim,
  idempotencyPrincipal,
} from "@vernissage/core";
import { rememberClientIp } from "./client-ip.js";
import { problemResponse, toGalleryError } from "./problem.js";
import type { ApiRoute } from "./route.js";

/** Whether a route honours `Idempotency-Key`: its `idempotent` flag, else every POST answering 201. */
export function isIdempotentRoute(route: Pick<ApiRoute, "method" | "status" | "idempotent">): boolean {
  return route.idempotent ?? (route.method === "POST" && route.status === 201);
}

/** Response headers replayed with a stored response (never cookies, request ids or rate-limit state). */
const REPLAYED_HEADERS = ["content-type", "location", "content-location", "etag", "last-modified"];

/** What {@link runIdempotent} needs to know about the request. */
export interface IdempotentRequest {
  gallery: Gallery;
  route: ApiRoute;
  request: Request;
  actor: Actor;
  ip: string | undefined;
  requestId: string;
  /** Headers already set for this response (request id, rate limits); replays carry them too. */
  headers: Headers;
  /** Most body bytes hashed for a replay before answering `PAYLOAD_TOO_LARGE`. @default 200 MiB */
  maxBodyBytes?: number;
}

/**
 * Run a creating route under its `Idempotency-Key`, if the client sent one:
 * - a new key runs the handler once and stores a 2xx or deterministic 4xx response for 24 hours;
 * - a key whose request is still running answers `409 IDEMPOTENCY_IN_PROGRESS` (`Retry-After: 1`);
 * - a finished key with the same fingerprint (method, path and query, SHA-256 of the raw body bytes) replays
 *   the stored response with `Idempotent-Replayed: true`; with another fingerprint it answers
 *   `409 IDEMPOTENCY_KEY_REUSED`.
 * 5xx, 429 and other retryable answers are not stored: the key is released and a retry runs anew. The body is
 * hashed while the handler streams it, so uploads are never buffered for the fingerprint.
 */
export async function runIdempotent(
  ctx: IdempotentRequest,
  run: (request: Request) => Promise<Response>,
): Promise<Response> {
  const key = ctx.request.headers.get("idempotency-key");
  if (key === null || !isIdempotentRoute(ctx.route)) return run(ctx.request);
  assertIdempotencyKey(key);
  const claim: IdempotencyClaim = {
    principal: idempotencyPrincipal(ctx.actor, ctx.ip) ?? "ip:unknown",
    key,
  };
  const url = new URL(ctx.request.url);
  const hash = createHash("sha256").update(`${ctx.request.method}\n${url.pathname}${url.search}\n`);
  const begun = await ctx.gallery.idempotency.begin(claim);
  if (begun.state === "in-progress") {
    throw new GalleryError("IDEMPOTENCY_IN_PROGRESS", { data: { retryAfter: 1 } });
  }
  if (begun.state === "completed") {
    const fingerprint = await drainInto(ctx.request.body, hash, ctx.maxBodyBytes ?? 200 * 1024 * 1024);
    if (fingerprint !== begun.record.fingerprint) throw new GalleryError("IDEMPOTENCY_KEY_REUSED");
    const headers = new Headers(ctx.headers);
    for (const [name, value] of Object.entries(begun.record.headers)) headers.set(name, value);
    headers.set("idempotent-replayed", "true");
    return new Response(begun.record.body, { status: begun.record.status, headers });
  }

  // This request holds the key: hash the body as the handler reads it.
  let digest: string | null = ctx.request.body === null ? hash.digest("hex") : null;
  let request = ctx.request;
  let ended: Promise<void> = Promise.resolve();
  if (ctx.request.body !== null) {
    let end = () => {};
    ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const tap = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        hash.update(chunk);
        controller.enqueue(chunk);
      },
      flush() {
        digest = hash.digest("hex");
        end();
      },
    });
    request = new Request(ctx.request, {
      body: ctx.request.body.pipeThrough(tap),
      duplex: "half",
    } as RequestInit);
    rememberClientIp(request, ctx.ip);
  }

  // A parser may answer before it has pulled the body's last bytes (a multipart epilogue): let it finish.
  // A body the handler never started reading (a route without one: srvx gives every POST a body stream, an
  // empty one too) is read here when it is declared small, so its answer is stored; otherwise that answer is
  // simply not stored.
  const bodyRead = async () => {
    if (digest !== null || !request.body) return;
    if (request.body.locked) {
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, BODY_END_WAIT_MS).unref())]);
      return;
    }
    const declared = ctx.request.headers.get("content-length");
    if (declared !== null && /^\d{1,9}$/.test(declared) && Number(declared) <= UNREAD_BODY_MAX_BYTES) {
      // Reading it through the tap computes the digest; the bytes themselves are dropped.
      await discard(request.body, UNREAD_BODY_MAX_BYTES).catch(() => {});
    }
  };
  let stored = false;
  try {
    let response: Response;
    try {
      response = await run(request);
    } catch (thrown) {
      await bodyRead();
      const error = toGalleryError(thrown);
      if (digest !== null && storable(error.status, error.retryable)) {
        const problem = problemResponse(error, ctx.requestId, new Headers());
        await store(ctx, claim, digest, problem.status, problem.headers, await problem.text());
        stored = true;
      }
      throw thrown;
    }
    await bodyRead();
    if (digest === null || response.status < 200 || response.status >= 500) return response;
    const text = response.body === null ? null : await response.text();
    let retryable = false;
    if (text !== null && (response.headers.get("content-type") ?? "").includes("problem+json")) {
      try {
        retryable = (JSON.parse(text) as { retryable?: unknown }).retryable === true;
      } catch {
        retryable = true;
      }
    }
    if (storable(response.status, retryable)) {
      await store(ctx, claim, digest, response.status, response.headers, text);
      stored = true;
    }
    return new Response(text, { status: response.status, headers: response.headers });
  } finally {
    if (!stored) await ctx.gallery.idempotency.release(claim);
  }
}

/** How long to wait for the end of a body the handler has been reading. */
const BODY_END_WAIT_MS = 5000;
/** Largest body the handler did not read that is still read here for the fingerprint. */
const UNREAD_BODY_MAX_BYTES = 64 * 1024;

function storable(status: number, retryable: boolean): boolean {
  if (status >= 200 && status < 300) return true;
  return status >= 400 && status < 500 && !retryable && ![408, 425, 429].includes(status);
}

async function store(
  ctx: IdempotentRequest,
  claim: IdempotencyClaim,
  fingerprint: string,
  status: number,
  headers: Headers,
  body: string | null,
): Promise<void> {
  const kept: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value;
  }
  await ctx.gallery.idempotency.complete({
    ...claim,
    fingerprint,
    response: { status, headers: kept, body },
  });
}

async function drainInto(body: ReadableStream<Uint8Array> | null, hash: Hash, max: number): Promise<string> {
  let total = 0;
  if (body !== null) {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > max) throw new GalleryError("PAYLOAD_TOO_LARGE");
      hash.update(chunk);
    }
  }
  return hash.digest("hex");
}

/** Read `body` to its end, keeping nothing; more than `max` bytes stops it (it then never ends). */
async function discard(body: ReadableStream<Uint8Array>, max: number): Promise<void> {
  let total = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > max) throw new GalleryError("PAYLOAD_TOO_LARGE");
  }
}
