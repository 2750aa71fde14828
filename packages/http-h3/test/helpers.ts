import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type Gallery, type GalleryOptions, SYSTEM } from "@vernissage/core";
import pino from "pino";
import sharp from "sharp";
import { stackAdapters } from "../../../e2e/support/stack.js";
import { createGalleryApp, type GalleryAppOptions } from "../src/index.js";
import { csrfToken } from "../src/session.js";

export const ORIGIN = "http://gallery.test";

/**
 * A gallery with an owner `admin` / `correct horse battery`, on the stack `VERNISSAGE_TEST_STACK` chooses
 * (default `sqlite-fs`: a temporary SQLite file and folder; `postgres-s3`: a throwaway PostgreSQL database and
 * an s3rver folder). `listKeys()` lists the stored files whatever the stack.
 */
export async function setup(options: { app?: GalleryAppOptions; gallery?: Partial<GalleryOptions> } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-http-"));
  const adapters = await stackAdapters(dir);
  let gallery: Gallery;
  try {
    gallery = await createGallery({
      database: adapters.database,
      storage: adapters.storage,
      jobs: { run: false },
      ...options.gallery,
    });
  } catch (error) {
    await adapters.dispose();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  await gallery.users.create(SYSTEM, { username: "admin", password: "correct horse battery", role: "owner" });
  const app = createGalleryApp(gallery, { logger: pino({ level: "silent" }), ...options.app });
  const base = options.app?.basePath ?? "";

  const request = (path: string, init: RequestInit & { cookie?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.cookie) headers.set("cookie", init.cookie);
    if (init.method && init.method !== "GET" && !headers.has("origin")) headers.set("origin", ORIGIN);
    return app.fetch(new Request(`${ORIGIN}${base}${path}`, { ...init, headers }));
  };

  const login = async (username = "admin", password = "correct horse battery") => {
    const res = await request("/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    const cookie = res.headers.get("set-cookie") ?? "";
    return cookie.split(";")[0] ?? "";
  };

  const createAlbum = async (cookie: string, body: Record<string, unknown>) => {
    const res = await request("/api/v1/albums", {
      method: "POST",
      cookie,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { res, json: (await res.json()) as Record<string, unknown> };
  };

  const upload = async (
    cookie: string,
    albumId: string,
    file: Uint8Array,
    filename = "photo.jpg",
    extra: Record<string, string> = {},
  ) => {
    const form = new FormData();
    form.append("albumId", albumId);
    for (const [k, v] of Object.entries(extra)) form.append(k, v);
    form.append("file", new Blob([file as BlobPart], { type: "image/jpeg" }), filename);
    const res = await request("/api/v1/photos", { method: "POST", cookie, body: form });
    return { res, json: (await res.json()) as Record<string, unknown> };
  };

  return {
    dir,
    stack: adapters.stack,
    listKeys: adapters.listKeys,
    /** The gallery's adapters: a second "process" opens `connectAgain()` over the same `storage`. */
    adapters,
    gallery,
    app,
    request,
    login,
    createAlbum,
    upload,
    async close() {
      try {
        await gallery.close();
      } finally {
        await adapters.dispose();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** What {@link setup} returns. */
export type TestApp = Awaited<ReturnType<typeof setup>>;

/**
 * A form post as a browser sends it: same origin, urlencoded, with the session's CSRF token unless `withToken`
 * is false. `fields` as a record (an array value repeats the field) or as ordered pairs.
 */
export function formPost(
  t: Pick<TestApp, "request">,
  cookie: string,
  path: string,
  fields: Record<string, string | string[]> | [string, string][],
  withToken = true,
) {
  const body = new URLSearchParams();
  const pairs = Array.isArray(fields) ? fields : Object.entries(fields);
  for (const [key, value] of pairs) for (const one of [value].flat()) body.append(key, one);
  if (withToken) body.set("_csrf", csrfToken(cookie.split("=")[1] ?? ""));
  return t.request(path, {
    method: "POST",
    cookie,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });
}

/** A JPEG of `width`×`height` stored pixels, with an optional EXIF orientation; left half red, right half blue. */
export async function makeJpeg(width: number, height: number, orientation?: number): Promise<Buffer> {
  const half = Math.floor(width / 2);
  const left = await sharp({ create: { width: half, height, channels: 3, background: "#ff0000" } })
    .png()
    .toBuffer();
  let image = sharp({ create: { width, height, channels: 3, background: "#0000ff" } }).composite([
    { input: left, left: 0, top: 0 },
  ]);
  if (orientation) image = image.withMetadata({ orientation });
  return image.jpeg({ quality: 90 }).toBuffer();
}
