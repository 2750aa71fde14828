import { Readable } from "node:stream";
import type { ByteRange, MediaFile } from "@vernissage/core";
import { FastResponse } from "srvx";

/** Bodies up to this size are read into one buffer instead of streamed. */
const SMALL_BODY = 512 * 1024;

/** Parse a single `Range: bytes=…` header against a size; `undefined` for none or an unsupported form. */
export function parseRange(header: string | null, size: number): ByteRange | "unsatisfiable" | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, startText = "", endText = ""] = match;
  if (startText === "" && endText === "") return undefined;
  if (startText === "") {
    const suffix = Number(endText);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(startText);
  const end = endText === "" ? size - 1 : Math.min(Number(endText), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const v = t.trim();
    return v === "*" || v === etag || v === `W/${etag}`;
  });
}

/**
 * Send a media file: `ETag`, `304` on `If-None-Match`, `206` on `Range`, `Content-Length`, and caching that
 * depends on who may see it (`immutable` for public media, whose URLs carry their version; `private` otherwise).
 */
export async function sendMedia(
  request: Request,
  file: MediaFile,
  options: {
    vary?: string | undefined;
    immutable: boolean;
    /** Sent as `x-request-id`, so the app need not copy the response to add it. */
    requestId?: string | undefined;
  },
): Promise<Response> {
  const headers = new Headers({
    "content-type": file.contentType,
    etag: file.etag,
    "accept-ranges": "bytes",
    "x-content-type-options": "nosniff",
    "cache-control":
      file.cache === "public" && options.immutable
        ? "public, max-age=31536000, immutable"
        : file.cache === "public"
          ? "public, no-cache"
          : "private, no-cache",
  });
  if (options.vary) headers.set("vary", options.vary);
  if (options.requestId) headers.set("x-request-id", options.requestId);
  if (file.redirect) {
    // The permission check already passed; the signed URL is short-lived, so the redirect is never shared.
    return new Response(null, {
      status: 302,
      headers: {
        location: file.redirect,
        "cache-control": "private, no-store",
        ...(options.vary ? { vary: options.vary } : {}),
        ...(options.requestId ? { "x-request-id": options.requestId } : {}),
      },
    });
  }
  if (etagMatches(request.headers.get("if-none-match"), file.etag))
    return new Response(null, { status: 304, headers });

  const range = parseRange(request.headers.get("range"), file.size);
  if (range === "unsatisfiable") {
    // RFC 9110 §15.5.17: a 416 names the current length so the client can ask again.
    headers.set("content-range", `bytes */${file.size}`);
    headers.delete("content-type");
    return new Response(null, { status: 416, headers });
  }
  const ifRange = request.headers.get("if-range");
  const useRange = range && (!ifRange || ifRange === file.etag) ? range : undefined;
  let body: BodyInit | null = null;
  if (file.bytes && request.method !== "HEAD") {
    // A hot file already in memory: no storage round trip.
    body = (
      useRange ? file.bytes.subarray(useRange.start, (useRange.end ?? file.size - 1) + 1) : file.bytes
    ) as Uint8Array<ArrayBuffer>;
  } else {
    const object = await file.open(useRange);
    if (request.method === "HEAD") object.body.destroy();
    else if (file.size <= SMALL_BODY) {
      // Thumbnails and medium sizes arrive in a chunk or two: one buffer is cheaper than a web stream.
      const chunks: Uint8Array[] = [];
      for await (const chunk of object.body) chunks.push(chunk as Uint8Array);
      body = chunks.length === 1 ? (chunks[0] as Uint8Array<ArrayBuffer>) : Buffer.concat(chunks);
    } else body = Readable.toWeb(object.body) as unknown as ReadableStream<Uint8Array>;
  }
  if (useRange) {
    const end = useRange.end ?? file.size - 1;
    headers.set("content-range", `bytes ${useRange.start}-${end}/${file.size}`);
    headers.set("content-length", String(end - useRange.start + 1));
    return new FastResponse(body, { status: 206, headers });
  }
  headers.set("content-length", String(file.size));
  // FastResponse: node:http gets the bytes as they are (no undici body stream) under `toNodeHandler`.
  return new FastResponse(body, { status: 200, headers });
}
