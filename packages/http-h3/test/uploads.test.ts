import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createGallery, type Gallery, GalleryError, SYSTEM } from "@vernissage/core";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGalleryApp } from "../src/index.js";
import { makeJpeg, ORIGIN, setup } from "./helpers.js";

type Env = Awaited<ReturnType<typeof setup>>;

const TUS = { "tus-resumable": "1.0.0" };
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const meta = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k} ${b64(v)}`)
    .join(",");

async function code(res: Response): Promise<string> {
  return ((await res.json()) as { code: string }).code;
}

/** A body that sends `bytes`, then fails as a dropped connection would. */
function failingBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(bytes);
        return;
      }
      controller.error(new Error("connection reset"));
    },
  });
}

/** A body whose second half is sent only when `release()` is called. */
function heldBody(first: Uint8Array, rest: Uint8Array) {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let step = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      step++;
      if (step === 1) controller.enqueue(first);
      else if (step === 2) {
        await gate;
        controller.enqueue(rest);
      } else controller.close();
    },
  });
  return { body, release };
}

describe("resumable uploads (tus 1.0.0)", () => {
  let t: Env;
  let cookie: string;
  let albumId: string;
  let jpeg: Buffer;

  beforeEach(async () => {
    t = await setup({ app: { maxUploadBytes: 5 * 1024 * 1024 } });
    cookie = await t.login();
    const { json } = await t.createAlbum(cookie, { name: "Trips", visibility: "public" });
    albumId = json.id as string;
    jpeg = await makeJpeg(640, 480);
  });
  afterEach(async () => {
    await t.close();
  });

  const create = (
    length: number,
    fields: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) =>
    t.request("/api/v1/uploads", {
      method: "POST",
      cookie,
      headers: {
        ...TUS,
        "upload-length": String(length),
        "upload-metadata": meta({ filename: "trip.jpg", albumId, ...fields }),
        ...headers,
      },
    });

  const patch = (
    location: string,
    offset: number,
    body: Uint8Array | ReadableStream<Uint8Array> | null,
    headers: Record<string, string> = {},
    who: { cookie?: string } = { cookie },
  ) =>
    t.request(location, {
      method: "PATCH",
      cookie: who.cookie,
      headers: {
        ...TUS,
        "content-type": "application/offset+octet-stream",
        "upload-offset": String(offset),
        ...headers,
      },
      body: body as BodyInit | null,
      ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit);

  const head = (location: string, who: { cookie?: string } = { cookie }) =>
    t.request(location, { method: "HEAD", cookie: who.cookie, headers: TUS });

  const path = (res: Response) => res.headers.get("location") ?? "";

  const uploadKeys = async () => (await t.listKeys()).filter((k) => k.includes("uploads/"));

  it("answers its capabilities on OPTIONS", async () => {
    const res = await t.request("/api/v1/uploads", { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("tus-version")).toBe("1.0.0");
    expect(res.headers.get("tus-extension")?.split(",")).toEqual(
      expect.arrayContaining(["creation", "termination", "expiration", "checksum"]),
    );
    expect(res.headers.get("tus-max-size")).toBe(String(5 * 1024 * 1024));
    expect(res.headers.get("tus-checksum-algorithm")).toContain("sha1");
    // Counted as a `read`, as its x-rate-limit-class says.
    expect(res.headers.get("ratelimit-policy")).toMatch(/^"read";/);
  });

  it("documents its operations in the OpenAPI document with scope and error codes", async () => {
    const doc = (await (await t.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { responses?: Record<string, unknown> };
    };
    const ops = { ...doc.paths["/uploads"], ...doc.paths["/uploads/{id}"] };
    const byId = new Map(Object.values(ops).map((op) => [op.operationId as string, op]));
    for (const id of ["createUpload", "getUploadOffset", "appendUpload", "cancelUpload"]) {
      expect(byId.get(id)?.["x-required-scope"], id).toBe("photos:write");
    }
    const append = byId.get("appendUpload") as { responses: Record<string, { $ref?: string }> };
    const conflict = append.responses["409"];
    const resolved = conflict?.$ref
      ? doc.components.responses?.[conflict.$ref.replace("#/components/responses/", "")]
      : conflict;
    const codes = JSON.stringify(resolved);
    expect(codes).toContain("UPLOAD_OFFSET_MISMATCH");
    expect(codes).toContain("UPLOAD_BUSY");
    expect(Object.keys(append.responses)).toEqual(expect.arrayContaining(["204", "412", "413", "460"]));
  });

  it("uploads a photo in three chunks through the same ingest as multipart", async () => {
    const created = await create(jpeg.length, { title: "Harbour" });
    expect(created.status).toBe(201);
    const location = path(created);
    expect(location).toMatch(/^\/api\/v1\/uploads\/[A-Za-z0-9_-]+$/);
    expect(created.headers.get("upload-expires")).toBeTruthy();
    const third = Math.ceil(jpeg.length / 3);
    let offset = 0;
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      const chunk = jpeg.subarray(offset, Math.min(offset + third, jpeg.length));
      last = await patch(location, offset, chunk);
      expect(last.status).toBe(204);
      offset += chunk.length;
      expect(last.headers.get("upload-offset")).toBe(String(offset));
    }
    const photoId = last?.headers.get("vernissage-photo-id");
    expect(photoId).toBeTruthy();
    const info = await t.request(location, { cookie });
    const json = (await info.json()) as { state: string; photo: { id: string; title: string } };
    expect(json.state).toBe("done");
    expect(json.photo.id).toBe(photoId);
    expect(json.photo.title).toBe("Harbour");
    const listed = await t.request(`/api/v1/albums/${albumId}/photos`, { cookie });
    const items = ((await listed.json()) as { items: { id: string }[] }).items;
    expect(items.map((p) => p.id)).toEqual([photoId]);
    // The same content hash as the file sent; chunks are gone, the original is stored.
    const photo = await t.gallery.photos.get(SYSTEM, photoId as string);
    expect(photo.sha256).toBe(createHash("sha256").update(jpeg).digest("hex"));
    expect(await uploadKeys()).toEqual([]);
    // The eager derivatives job was queued as for a multipart upload.
    const jobs = await t.gallery.jobs.list({ type: "derivatives:eager" });
    expect(jobs.items.length).toBe(1);
  });

  it("keeps the bytes of an interrupted PATCH: HEAD says where to continue", async () => {
    const location = path(await create(jpeg.length));
    const first = jpeg.subarray(0, 1000);
    // The dropped connection's answer never reaches a client; what matters is what the server kept.
    await Promise.resolve(patch(location, 0, failingBody(first))).catch(() => undefined);
    const h = await head(location);
    expect(h.status).toBe(200);
    expect(h.headers.get("upload-offset")).toBe("1000");
    expect(h.headers.get("upload-length")).toBe(String(jpeg.length));
    expect(h.headers.get("cache-control")).toBe("no-store");
    const done = await patch(location, 1000, jpeg.subarray(1000));
    expect(done.status).toBe(204);
    expect(done.headers.get("vernissage-photo-id")).toBeTruthy();
  });

  it("continues on another process sharing the database and storage", async () => {
    const second: Gallery = await createGallery({
      database: t.adapters.connectAgain(),
      storage: t.adapters.storage,
      jobs: { run: false },
    });
    try {
      const other = createGalleryApp(second, { logger: pino({ level: "silent" }) });
      const viaOther = (p: string, init: RequestInit) =>
        other.fetch(
          new Request(`${ORIGIN}${p}`, {
            ...init,
            headers: { ...(init.headers as Record<string, string>), cookie, origin: ORIGIN },
          }),
        );
      const location = path(await create(jpeg.length));
      const half = Math.floor(jpeg.length / 2);
      expect((await patch(location, 0, jpeg.subarray(0, half))).status).toBe(204);
      const h = await viaOther(location, { method: "HEAD", headers: TUS });
      expect(h.headers.get("upload-offset")).toBe(String(half));
      const res = await viaOther(location, {
        method: "PATCH",
        headers: {
          ...TUS,
          "content-type": "application/offset+octet-stream",
          "upload-offset": String(half),
        },
        body: jpeg.subarray(half) as unknown as BodyInit,
      });
      expect(res.status).toBe(204);
      const photoId = res.headers.get("vernissage-photo-id") as string;
      expect((await t.gallery.photos.get(SYSTEM, photoId)).byteSize).toBe(jpeg.length);
      // The first process sees the finished upload too.
      expect((await head(location)).headers.get("vernissage-photo-id")).toBe(photoId);
    } finally {
      await second.close();
    }
  });

  it("refuses an unsupported or missing Tus-Resumable with 412 and Tus-Version", async () => {
    for (const version of ["0.2.2", undefined]) {
      const res = await t.request("/api/v1/uploads", {
        method: "POST",
        cookie,
        headers: {
          ...(version ? { "tus-resumable": version } : {}),
          "upload-length": "10",
          "upload-metadata": meta({ filename: "a.jpg", albumId }),
        },
      });
      expect(res.status).toBe(412);
      expect(res.headers.get("tus-version")).toBe("1.0.0");
      expect(await code(res)).toBe("UNSUPPORTED_PROTOCOL_VERSION");
    }
  });

  it("refuses bad lengths: negative, exponent, overflow, zero, over the limit", async () => {
    for (const bad of ["-1", "1e3", "99999999999999999999", "12abc", " "]) {
      const res = await create(0, {}, { "upload-length": bad });
      expect(res.status, bad).toBe(400);
      expect(await code(res)).toBe("VALIDATION_FAILED");
    }
    const missing = await t.request("/api/v1/uploads", { method: "POST", cookie, headers: TUS });
    expect(await code(missing)).toBe("VALIDATION_FAILED");
    const zero = await create(0);
    expect(await code(zero)).toBe("EMPTY_FILE");
    const huge = await create(5 * 1024 * 1024 + 1);
    expect(huge.status).toBe(413);
    expect(await code(huge)).toBe("FILE_TOO_LARGE");
    const deferred = await create(10, {}, { "upload-defer-length": "1" });
    expect(await code(deferred)).toBe("VALIDATION_FAILED");
  });

  it("refuses bad metadata, unknown albums and path-like file names at creation", async () => {
    expect(await code(await create(10, {}, { "upload-metadata": "filename ***" }))).toBe("VALIDATION_FAILED");
    expect(
      await code(await create(10, {}, { "upload-metadata": `filename ${b64("a")},filename ${b64("b")}` })),
    ).toBe("VALIDATION_FAILED");
    expect(await code(await create(10, { albumId: "nope" }))).toBe("NOT_FOUND");
    expect(await code(await create(10, { filename: "../../etc/passwd" }))).toBe("INVALID_FILENAME");
    expect(await code(await create(10, { privacyLevel: "3" }))).toBe("VALIDATION_FAILED");
    expect(await uploadKeys()).toEqual([]);
  });

  it("checks offsets: mismatch is 409 with the server's offset, negative or huge is 400", async () => {
    const location = path(await create(jpeg.length));
    expect((await patch(location, 0, jpeg.subarray(0, 100))).status).toBe(204);
    const stale = await patch(location, 0, jpeg.subarray(0, 100));
    expect(stale.status).toBe(409);
    expect(stale.headers.get("upload-offset")).toBe("100");
    expect(await code(stale)).toBe("UPLOAD_OFFSET_MISMATCH");
    const ahead = await patch(location, 500, jpeg.subarray(500, 600));
    expect(await code(ahead)).toBe("UPLOAD_OFFSET_MISMATCH");
    for (const bad of ["-1", "1e2", "99999999999999999999", "0x10"]) {
      const res = await t.request(location, {
        method: "PATCH",
        cookie,
        headers: { ...TUS, "content-type": "application/offset+octet-stream", "upload-offset": bad },
        body: jpeg.subarray(100, 200) as unknown as BodyInit,
      });
      expect(res.status, bad).toBe(400);
      expect(await code(res)).toBe("VALIDATION_FAILED");
    }
    const wrongType = await patch(location, 100, jpeg.subarray(100, 200), {
      "content-type": "application/octet-stream",
    });
    expect(wrongType.status).toBe(415);
    expect((await head(location)).headers.get("upload-offset")).toBe("100");
  });

  it("refuses content beyond the declared length, declared or streamed", async () => {
    const location = path(await create(100));
    const declared = await patch(location, 0, new Uint8Array(200));
    expect(declared.status).toBe(413);
    expect(await code(declared)).toBe("FILE_TOO_LARGE");
    // A streamed body with no Content-Length that goes past the end: the whole chunk is refused.
    const streamed = await patch(
      location,
      0,
      new ReadableStream({
        start(c) {
          c.enqueue(new Uint8Array(60));
          c.enqueue(new Uint8Array(60));
          c.close();
        },
      }),
    );
    expect(streamed.status).toBe(413);
    expect((await head(location)).headers.get("upload-offset")).toBe("0");
    expect(await uploadKeys()).toEqual([]);
  });

  it("lets only the creator see, continue or cancel an upload", async () => {
    await t.gallery.users.create(SYSTEM, { username: "bob", password: "bob's long password", role: "admin" });
    const bob = await t.login("bob", "bob's long password");
    const location = path(await create(jpeg.length));
    expect((await head(location, { cookie: bob })).status).toBe(404);
    expect((await patch(location, 0, jpeg.subarray(0, 10), {}, { cookie: bob })).status).toBe(404);
    const del = await t.request(location, { method: "DELETE", cookie: bob, headers: TUS });
    expect(del.status).toBe(404);
    expect((await t.request(location, { cookie: bob })).status).toBe(404);
    // Guests and cross-site cookie writes are refused.
    const guest = await t.request(location, { method: "HEAD", headers: TUS });
    expect(guest.status).toBe(401);
    const csrf = await t.request(location, {
      method: "PATCH",
      cookie,
      headers: {
        ...TUS,
        origin: "https://evil.example",
        "content-type": "application/offset+octet-stream",
        "upload-offset": "0",
      },
      body: jpeg.subarray(0, 10) as unknown as BodyInit,
    });
    expect(await code(csrf)).toBe("CSRF_REJECTED");
    expect((await head(location)).headers.get("upload-offset")).toBe("0");
  });

  it("needs the photos:write scope of a token, and works with a bearer token", async () => {
    const mint = async (scopes: string[]) => {
      const res = await t.request("/api/v1/tokens", {
        method: "POST",
        cookie,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: scopes.join(" "), scopes }),
      });
      return ((await res.json()) as { secret: string }).secret;
    };
    const readOnly = await mint(["photos:read"]);
    const denied = await t.request("/api/v1/uploads", {
      method: "POST",
      headers: {
        ...TUS,
        authorization: `Bearer ${readOnly}`,
        "upload-length": String(jpeg.length),
        "upload-metadata": meta({ filename: "a.jpg", albumId }),
      },
    });
    expect(denied.status).toBe(403);
    expect(await code(denied)).toBe("INSUFFICIENT_SCOPE");
    const writer = await mint(["photos:write"]);
    const created = await t.request("/api/v1/uploads", {
      method: "POST",
      headers: {
        ...TUS,
        authorization: `Bearer ${writer}`,
        "upload-length": String(jpeg.length),
        "upload-metadata": meta({ filename: "a.jpg", albumId }),
        // creation-with-upload: the whole file rides along.
        "content-type": "application/offset+octet-stream",
      },
      body: jpeg as unknown as BodyInit,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("upload-offset")).toBe(String(jpeg.length));
    expect(created.headers.get("vernissage-photo-id")).toBeTruthy();
  });

  it("fails a non-image at completion with the ingest code and removes its chunks", async () => {
    const text = Buffer.from(
      "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".repeat(20),
    );
    const location = path(await create(text.length, { filename: "evil.jpg" }));
    expect((await patch(location, 0, text.subarray(0, 100))).status).toBe(204);
    expect((await uploadKeys()).length).toBe(1);
    const last = await patch(location, 100, text.subarray(100));
    expect(last.status).toBe(415);
    expect(await code(last)).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(await uploadKeys()).toEqual([]);
    const info = (await (await t.request(location, { cookie })).json()) as {
      state: string;
      errorCode: string;
    };
    expect(info).toMatchObject({ state: "failed", errorCode: "UNSUPPORTED_MEDIA_TYPE" });
    expect((await head(location)).status).toBe(415);
    expect((await t.gallery.photos.list(SYSTEM)).items).toEqual([]);
  });

  it("lets one of two concurrent PATCHes win; the other gets 409", async () => {
    const location = path(await create(jpeg.length));
    const held = heldBody(jpeg.subarray(0, 500), jpeg.subarray(500, 1000));
    const first = patch(location, 0, held.body);
    // Wait until the first PATCH holds the upload's lease.
    const id = location.split("/").pop() as string;
    for (let i = 0; i < 500; i++) {
      const row = await t.gallery.db
        .selectFrom("uploads")
        .select("lock_id")
        .where("id", "=", id)
        .executeTakeFirst();
      if (row?.lock_id) break;
      await sleep(10);
    }
    const second = await patch(location, 0, jpeg.subarray(0, 1000));
    expect(second.status).toBe(409);
    expect(await code(second)).toBe("UPLOAD_BUSY");
    held.release();
    const won = await first;
    expect(won.status).toBe(204);
    expect(won.headers.get("upload-offset")).toBe("1000");
  });

  it("completes once: a repeated final PATCH creates no second photo", async () => {
    const location = path(await create(jpeg.length));
    const half = 2000;
    expect((await patch(location, 0, jpeg.subarray(0, half))).status).toBe(204);
    const done = await patch(location, half, jpeg.subarray(half));
    const photoId = done.headers.get("vernissage-photo-id");
    // The client missed the answer and sends the same last chunk again.
    const again = await patch(location, half, jpeg.subarray(half));
    expect(again.status).toBe(409);
    expect(again.headers.get("upload-offset")).toBe(String(jpeg.length));
    // tus-js-client then asks HEAD, finds the end, and may send an empty final PATCH.
    const h = await head(location);
    expect(h.headers.get("upload-offset")).toBe(String(jpeg.length));
    expect(h.headers.get("vernissage-photo-id")).toBe(photoId);
    const empty = await patch(location, jpeg.length, new Uint8Array(0));
    expect(empty.status).toBe(204);
    expect(empty.headers.get("vernissage-photo-id")).toBe(photoId);
    expect((await t.gallery.photos.list(SYSTEM)).items.length).toBe(1);
  });

  it("keeps the bytes when ingest fails for a passing reason, and a repeated final PATCH completes it", async () => {
    let failing = true;
    const off = t.gallery.hooks.hook("photo:create:before", () => {
      if (failing) throw new GalleryError("STORAGE_ERROR");
    });
    try {
      const location = path(await create(jpeg.length));
      const first = await patch(location, 0, jpeg);
      expect(first.status).toBe(503);
      expect(await code(first)).toBe("STORAGE_ERROR");
      const info = (await (await t.request(location, { cookie })).json()) as {
        state: string;
        offset: number;
      };
      expect(info).toMatchObject({ state: "completing", offset: jpeg.length });
      expect((await uploadKeys()).length).toBe(1);
      failing = false;
      const again = await patch(location, jpeg.length, new Uint8Array(0));
      expect(again.status).toBe(204);
      expect(again.headers.get("vernissage-photo-id")).toBeTruthy();
      expect(await uploadKeys()).toEqual([]);
      expect((await t.gallery.photos.list(SYSTEM)).items.length).toBe(1);
    } finally {
      off();
    }
  });

  it("frees the upload at once when storing a chunk fails: the retry is not UPLOAD_BUSY", async () => {
    const location = path(await create(jpeg.length));
    const storage = t.adapters.storage;
    const put = storage.put;
    storage.put = async () => {
      throw new Error("disk full");
    };
    try {
      const failed = await patch(location, 0, jpeg.subarray(0, 1000));
      expect(failed.status).toBe(503);
      expect(await code(failed)).toBe("STORAGE_ERROR");
    } finally {
      storage.put = put;
    }
    const retry = await patch(location, 0, jpeg.subarray(0, 1000));
    expect(retry.status).toBe(204);
    expect(retry.headers.get("upload-offset")).toBe("1000");
  });

  it("verifies Upload-Checksum and discards a mismatching chunk", async () => {
    const location = path(await create(jpeg.length));
    const chunk = jpeg.subarray(0, 1000);
    const wrong = await patch(location, 0, chunk, {
      "upload-checksum": `sha1 ${createHash("sha1").update("other").digest("base64")}`,
    });
    expect(wrong.status).toBe(460);
    expect(await code(wrong)).toBe("CHECKSUM_MISMATCH");
    expect((await head(location)).headers.get("upload-offset")).toBe("0");
    expect(await uploadKeys()).toEqual([]);
    const bad = await patch(location, 0, chunk, { "upload-checksum": "crc32 AAAA" });
    expect(bad.status).toBe(400);
    const right = await patch(location, 0, chunk, {
      "upload-checksum": `sha1 ${createHash("sha1").update(chunk).digest("base64")}`,
    });
    expect(right.status).toBe(204);
    expect(right.headers.get("upload-offset")).toBe("1000");
  });

  it("terminates an upload with DELETE, removing its chunks", async () => {
    const location = path(await create(jpeg.length));
    expect((await patch(location, 0, jpeg.subarray(0, 100))).status).toBe(204);
    expect((await uploadKeys()).length).toBe(1);
    const del = await t.request(location, { method: "DELETE", cookie, headers: TUS });
    expect(del.status).toBe(204);
    expect((await head(location)).status).toBe(404);
    expect(await uploadKeys()).toEqual([]);
  });

  it("sweeps expired uploads and their chunks, and orphan chunks", async () => {
    const location = path(await create(jpeg.length));
    expect((await patch(location, 0, jpeg.subarray(0, 100))).status).toBe(204);
    const live = path(await create(jpeg.length));
    expect((await patch(live, 0, jpeg.subarray(0, 50))).status).toBe(204);
    // An orphan chunk, as a process that died between storing and recording would leave.
    await t.adapters.storage.put("uploads/ghost/000000000000000-aa", new Uint8Array([1, 2, 3]));
    const id = location.split("/").pop() as string;
    await t.gallery.db
      .updateTable("uploads")
      .set({ expires_at: Date.now() - 1 })
      .where("id", "=", id)
      .execute();
    // Before the sweep an expired upload refuses more bytes.
    expect(await code(await patch(location, 100, jpeg.subarray(100, 200)))).toBe("UPLOAD_EXPIRED");
    expect((await t.gallery.uploads.sweep(SYSTEM)).removed).toBe(1);
    expect((await head(location)).status).toBe(404);
    const keys = await uploadKeys();
    expect(keys.length).toBe(1);
    expect(keys[0]).toContain(live.split("/").pop() as string);
    // Only admins and the system sweep.
    await t.gallery.users.create(SYSTEM, { username: "carol", password: "carol's long password" });
    const login = await t.gallery.auth.login("carol", "carol's long password");
    const carol = await t.gallery.auth.resolveSession(login.token);
    if (!carol) throw new Error("no session");
    await expect(t.gallery.uploads.sweep(carol.actor)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("resumable uploads under a base path", () => {
  it("answers a Location under the base path", async () => {
    const t = await setup({ app: { basePath: "/gallery" } });
    try {
      const cookie = await t.login();
      const { json } = await t.createAlbum(cookie, { name: "A", visibility: "public" });
      const res = await t.request("/api/v1/uploads", {
        method: "POST",
        cookie,
        headers: {
          ...TUS,
          "upload-length": "10",
          "upload-metadata": meta({ filename: "a.jpg", albumId: json.id as string }),
        },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get("location")).toMatch(/^\/gallery\/api\/v1\/uploads\//);
      // The admin upload page points its resumable client at the same endpoint, with the default threshold.
      const page = await (await t.request("/admin/upload", { cookie })).text();
      expect(page).toContain('data-resumable-url="/gallery/api/v1/uploads"');
      expect(page).toContain(`data-resumable-threshold="${8 * 1024 * 1024}"`);
    } finally {
      await t.close();
    }
  });
});
