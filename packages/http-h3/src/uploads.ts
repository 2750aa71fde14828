import {
  type Actor,
  type ChunkChecksum,
  type Gallery,
  GalleryError,
  isGalleryError,
  type ResumableUpload,
} from "@vernissage/core";
import { getRouterParams, type H3, type H3Event } from "h3";
import type { Links } from "./links.js";
import { photoJson } from "./links.js";
import type { RateClass } from "./route.js";
import type { Wrap } from "./session.js";
import { assertRouteScope, type RequestIdentity } from "./session.js";

/** Dependencies of {@link mountUploadRoutes}. */
export interface UploadRouteDeps {
  app: H3;
  base: string;
  gallery: Gallery;
  links: Links;
  wrap: Wrap;
  /** Largest accepted upload (`Tus-Max-Size`). */
  maxUploadBytes: number;
  /** The app's rate limiter: creation counts as an `upload`, appends and cancels as `write`, HEAD/GET as `read`. */
  rateLimit?: (event: H3Event, actor: Actor, rateClass: RateClass, headers: Headers) => Promise<void>;
}

/** The tus protocol version spoken here. */
export const TUS_VERSION = "1.0.0";
/** tus extensions supported by the `/api/v1/uploads` endpoints. */
export const TUS_EXTENSIONS = ["creation", "creation-with-upload", "termination", "expiration", "checksum"];
/** Header of a finished upload's answers: the id of the photo it became. */
export const PHOTO_ID_HEADER = "Vernissage-Photo-Id";

const OFFSET_TYPE = "application/offset+octet-stream";
const DIGITS = /^\d{1,16}$/;
const MAX_METADATA = 8 * 1024;
const ALGORITHMS = new Set<ChunkChecksum["algorithm"]>(["sha1", "sha256", "md5"]);

/** A byte count header: digits only, a safe integer; anything else (sign, exponent, overflow) is refused. */
function byteCount(value: string | null, name: string, required: true): number;
function byteCount(value: string | null, name: string, required: false): number | undefined;
function byteCount(value: string | null, name: string, required: boolean): number | undefined {
  if (value === null) {
    if (!required) return undefined;
    throw new GalleryError("VALIDATION_FAILED", {
      errors: [{ path: `headers.${name}`, message: "required" }],
    });
  }
  const n = Number(value.trim());
  if (!DIGITS.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new GalleryError("VALIDATION_FAILED", {
      errors: [{ path: `headers.${name}`, message: "a non-negative integer below 2^53" }],
    });
  }
  return n;
}

/** `Upload-Metadata`: comma-separated `key base64value` pairs (the value may be absent). */
export function parseUploadMetadata(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (header === null || header.trim() === "") return out;
  const invalid = (message: string) =>
    new GalleryError("VALIDATION_FAILED", { errors: [{ path: "headers.upload-metadata", message }] });
  if (header.length > MAX_METADATA) throw invalid("too long");
  for (const pair of header.split(",")) {
    const [key = "", value, extra] = pair.trim().split(" ");
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(key) || extra !== undefined) throw invalid("malformed pair");
    if (out.has(key)) throw invalid(`duplicate key ${key}`);
    if (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw invalid(`${key} is not base64`);
    const decoded = value === undefined ? "" : Buffer.from(value, "base64").toString("utf8");
    out.set(key, decoded);
  }
  return out;
}

function parseChecksum(header: string | null): ChunkChecksum | undefined {
  if (header === null) return undefined;
  const [algorithm = "", digest = "", extra] = header.trim().split(" ");
  if (!ALGORITHMS.has(algorithm as ChunkChecksum["algorithm"]) || extra !== undefined || digest === "") {
    throw new GalleryError("VALIDATION_FAILED", {
      errors: [{ path: "headers.upload-checksum", message: "sha1, sha256 or md5, then a base64 digest" }],
    });
  }
  return { algorithm: algorithm as ChunkChecksum["algorithm"], digest: Buffer.from(digest, "base64") };
}

/**
 * The request body as chunks, read straight from the web stream: bytes that arrived before a dropped
 * connection are yielded before its error (a Node stream adapter may drop its buffer on error).
 */
async function* readBody(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function requestBody(request: Request): AsyncIterable<Uint8Array> | Uint8Array {
  return request.body ? readBody(request.body) : new Uint8Array(0);
}

/**
 * Mount the tus 1.0.0 endpoints under `/api/v1/uploads` (core, creation, creation-with-upload, termination,
 * expiration, checksum): `OPTIONS` (capabilities), `POST` (create), `HEAD` (offset), `PATCH` (append), `DELETE`
 * (terminate), plus `GET /api/v1/uploads/{id}` answering the upload as JSON (state, photo). They go through
 * the app's request wrapper, so identity, the CSRF check of cookie sessions, request ids and problem documents
 * work as for every API route; they need a signed-in user and, for tokens, the `photos:write` scope.
 */
export function mountUploadRoutes(deps: UploadRouteDeps): void {
  const { app, base, gallery, links, wrap, maxUploadBytes } = deps;
  const collection = `${base}/api/v1/uploads`;
  const member = `${collection}/:id`;
  const location = (id: string) => `${collection}/${id}`;

  const capabilities = (headers: Headers) => {
    headers.set("tus-resumable", TUS_VERSION);
    headers.set("tus-version", TUS_VERSION);
    headers.set("tus-extension", TUS_EXTENSIONS.join(","));
    headers.set("tus-max-size", String(maxUploadBytes));
    headers.set("tus-checksum-algorithm", [...ALGORITHMS].join(","));
    headers.set("cache-control", "no-store");
    return new Response(null, { status: 204, headers });
  };

  /** Checks every tus request (but OPTIONS) shares; answers the protocol headers on errors too. */
  const prepare = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    rateClass: RateClass,
    tus = true,
  ): Promise<Actor> => {
    headers.set("tus-resumable", TUS_VERSION);
    await deps.rateLimit?.(event, identity.actor, rateClass, headers);
    headers.set("cache-control", "no-store");
    if (tus && event.req.headers.get("tus-resumable") !== TUS_VERSION) {
      headers.set("tus-version", TUS_VERSION);
      throw new GalleryError("UNSUPPORTED_PROTOCOL_VERSION", {
        data: { supported: [TUS_VERSION] },
      });
    }
    if (identity.actor.kind === "guest") throw new GalleryError("UNAUTHENTICATED");
    assertRouteScope("photos:write", identity.actor);
    return identity.actor;
  };

  const uploadHeaders = (headers: Headers, upload: ResumableUpload) => {
    headers.set("upload-offset", String(upload.offset));
    headers.set("upload-length", String(upload.length));
    if (upload.state === "open") headers.set("upload-expires", new Date(upload.expiresAt).toUTCString());
    if (upload.state === "done" && upload.photoId) {
      headers.set(PHOTO_ID_HEADER.toLowerCase(), upload.photoId);
      headers.set("vernissage-photo-duplicate", String(upload.duplicate));
    }
  };

  const idOf = (event: H3Event) => getRouterParams(event, { decode: true }).id ?? "";

  // Open to anyone, counted as a `read` like the document says (`x-rate-limit-class`).
  const options = wrap("api", async (event, identity, _rid, headers) => {
    await deps.rateLimit?.(event, identity.actor, "read", headers);
    return capabilities(headers);
  });
  app.options(collection, options);
  app.options(member, options);

  app.post(
    collection,
    wrap("api", async (event, identity, _rid, headers) => {
      const actor = await prepare(event, identity, headers, "upload");
      const request = event.req;
      if (request.headers.has("upload-defer-length")) {
        throw new GalleryError("VALIDATION_FAILED", {
          detail: "Upload-Defer-Length is not supported: declare Upload-Length.",
          errors: [{ path: "headers.upload-defer-length", message: "not supported" }],
        });
      }
      const length = byteCount(request.headers.get("upload-length"), "upload-length", true);
      const meta = parseUploadMetadata(request.headers.get("upload-metadata"));
      const level = meta.get("privacyLevel");
      if (level !== undefined && !/^\d{1,2}$/.test(level)) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "metadata.privacyLevel", message: "0, 1, 2, 4 or 8" }],
        });
      }
      let upload = await gallery.uploads.create(actor, {
        length,
        albumId: meta.get("albumId") ?? "",
        filename: meta.get("filename") || meta.get("name") || "upload",
        title: meta.get("title"),
        description: meta.get("description"),
        privacyLevel: level === undefined ? undefined : Number(level),
        maxBytes: maxUploadBytes,
      });
      headers.set("location", location(upload.id));
      const contentType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
      const contentLength = byteCount(request.headers.get("content-length"), "content-length", false);
      if (contentType === OFFSET_TYPE && request.body && contentLength !== 0) {
        // creation-with-upload: the first bytes ride along with the creation.
        upload = await gallery.uploads.append(actor, upload.id, {
          offset: 0,
          body: requestBody(request),
          contentLength,
          checksum: parseChecksum(request.headers.get("upload-checksum")),
        });
      }
      uploadHeaders(headers, upload);
      headers.delete("upload-length");
      return new Response(null, { status: 201, headers });
    }),
  );

  app.on(
    "HEAD",
    member,
    wrap("api", async (event, identity, _rid, headers) => {
      const actor = await prepare(event, identity, headers, "read");
      const upload = await gallery.uploads.get(actor, idOf(event));
      if (upload.state === "failed") {
        throw new GalleryError(upload.errorCode ?? "INTERNAL", { data: { uploadId: upload.id } });
      }
      if (upload.state === "open" && upload.expiresAt < Date.now()) throw new GalleryError("UPLOAD_EXPIRED");
      uploadHeaders(headers, upload);
      return new Response(null, { status: 200, headers });
    }),
  );

  app.get(
    member,
    wrap("api", async (event, identity, _rid, headers) => {
      const actor = await prepare(event, identity, headers, "read", false);
      const upload = await gallery.uploads.get(actor, idOf(event));
      let photo: ReturnType<typeof photoJson> | null = null;
      if (upload.photoId) {
        photo = await gallery.photos
          .get(actor, upload.photoId)
          .then((p) => photoJson(gallery, links, p))
          .catch(() => null);
      }
      headers.set("content-type", "application/json; charset=utf-8");
      return new Response(
        JSON.stringify({
          id: upload.id,
          length: upload.length,
          offset: upload.offset,
          state: upload.state,
          metadata: upload.metadata,
          expiresAt: new Date(upload.expiresAt).toISOString(),
          createdAt: new Date(upload.createdAt).toISOString(),
          photoId: upload.photoId,
          duplicate: upload.duplicate,
          errorCode: upload.errorCode,
          photo,
        }),
        { status: 200, headers },
      );
    }),
  );

  app.patch(
    member,
    wrap("api", async (event, identity, _rid, headers) => {
      const actor = await prepare(event, identity, headers, "write");
      const request = event.req;
      const contentType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
      if (contentType !== OFFSET_TYPE) {
        throw new GalleryError("UNSUPPORTED_MEDIA_TYPE", {
          detail: `A PATCH carries Content-Type: ${OFFSET_TYPE}.`,
        });
      }
      const offset = byteCount(request.headers.get("upload-offset"), "upload-offset", true);
      const contentLength = byteCount(request.headers.get("content-length"), "content-length", false);
      const checksum = parseChecksum(request.headers.get("upload-checksum"));
      let upload: ResumableUpload;
      try {
        upload = await gallery.uploads.append(actor, idOf(event), {
          offset,
          body: requestBody(request),
          contentLength,
          checksum,
        });
      } catch (error) {
        // Tell the client where to continue from.
        if (isGalleryError(error, "UPLOAD_OFFSET_MISMATCH") && typeof error.data?.offset === "number")
          headers.set("upload-offset", String(error.data.offset));
        throw error;
      }
      uploadHeaders(headers, upload);
      headers.delete("upload-length");
      return new Response(null, { status: 204, headers });
    }),
  );

  app.delete(
    member,
    wrap("api", async (event, identity, _rid, headers) => {
      const actor = await prepare(event, identity, headers, "write");
      await gallery.uploads.cancel(actor, idOf(event));
      return new Response(null, { status: 204, headers });
    }),
  );
}
