import { Readable } from "node:stream";
import { type ByteRange, GalleryError, type MediaFile } from "@vernissage/core";

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
  options: { vary?: string; immutable: boolean },
): Promise<Response> {
  const headers = new Headers({
    "content-type": file.contentType,
    etag: file.etag,
    "accept-ranges": "bytes",
    "x-content-type-options": "nosniff",
    "cache-control":
      file.cache === "public" && options.immutable
        ? "public, max-age=31536000, immutable"
        : "private, max-age=0, must-revalidate",
  });
  if (options.vary) headers.set("vary", options.vary);
  if (etagMatches(request.headers.get("if-none-match"), file.etag))
    return new Response(null, { status: 304, headers });

  const range = parseRange(request.headers.get("range"), file.size);
  if (range === "unsatisfiable") {
    headers.set("content-range", `bytes */${file.size}`);
    throw new GalleryError("RANGE_NOT_SATISFIABLE", { data: { size: file.size } });
  }
  const ifRange = request.headers.get("if-range");
  const useRange = range && (!ifRange || ifRange === file.etag) ? range : undefined;
  const object = await file.open(useRange);
  const body =
    request.method === "HEAD" ? null : (Readable.toWeb(object.body) as unknown as ReadableStream<Uint8Array>);
  if (request.method === "HEAD") object.body.destroy();
  if (useRange) {
    const end = useRange.end ?? file.size - 1;
    headers.set("content-range", `bytes ${useRange.start}-${end}/${file.size}`);
    headers.set("content-length", String(end - useRange.start + 1));
    return new Response(body, { status: 206, headers });
  }
  headers.set("content-length", String(file.size));
  return new Response(body, { status: 200, headers });
}
