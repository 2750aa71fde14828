import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeJpeg, ORIGIN, setup } from "../../http-h3/test/helpers.js";
import {
  createVernissageClient,
  isCreatingRequest,
  retryAfterMs,
  type VernissageClient,
  VernissageError,
} from "../src/index.js";

type Setup = Awaited<ReturnType<typeof setup>>;

/** A token of the owner, made through the API with a session. */
async function ownerToken(t: Setup, scopes: string[]): Promise<string> {
  const cookie = await t.login();
  const res = await t.request("/api/v1/tokens", {
    method: "POST",
    cookie,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "client test", scopes }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { secret: string }).secret;
}

/** A fetch that counts what reaches the app. */
function counting(t: Setup) {
  const seen: Request[] = [];
  const fetch = async (request: Request) => {
    seen.push(request.clone());
    return t.app.fetch(request);
  };
  return { seen, fetch };
}

describe("@vernissage/client against a real app", () => {
  let t: Setup;
  let token: string;
  beforeEach(async () => {
    t = await setup({ app: { basePath: "/gallery" } });
    token = await ownerToken(t, ["admin"]);
  });
  afterEach(async () => {
    await t.close();
  });

  const clientFor = (extra: Partial<Parameters<typeof createVernissageClient>[0]> = {}): VernissageClient =>
    createVernissageClient({
      baseUrl: `${ORIGIN}/gallery`,
      token,
      fetch: (r) => Promise.resolve(t.app.fetch(r)),
      ...extra,
    });

  it("calls typed operations with the bearer token and unwraps their data", async () => {
    const client = clientFor();
    const album = await client.unwrap(client.POST("/albums", { body: { name: "Holidays" } }));
    expect(album.name).toBe("Holidays");
    const again = await client.unwrap(client.GET("/albums/{id}", { params: { path: { id: album.id } } }));
    expect(again.id).toBe(album.id);
    const me = await client.unwrap(client.GET("/me"));
    expect(me.username).toBe("admin");
  });

  it("throws a VernissageError with the stable code, status and request id", async () => {
    const client = clientFor();
    const error = await client
      .unwrap(client.GET("/albums/{id}", { params: { path: { id: "doesnotexist" } } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VernissageError);
    expect(error).toMatchObject({ code: "NOT_FOUND", status: 404, retryable: false });
    expect((error as VernissageError).requestId).toBeTruthy();

    const invalid = await client
      .unwrap(client.POST("/albums", { body: { name: "" } }))
      .catch((e: unknown) => e as VernissageError);
    expect(invalid).toMatchObject({ code: "VALIDATION_FAILED", status: 400 });
    expect((invalid as VernissageError).errors.length).toBeGreaterThan(0);

    const guest = createVernissageClient({
      baseUrl: `${ORIGIN}/gallery`,
      fetch: (r) => Promise.resolve(t.app.fetch(r)),
    });
    await expect(guest.unwrap(guest.GET("/me"))).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      status: 401,
    });

    const readOnly = clientFor({ token: await ownerToken(t, ["albums:read"]) });
    await expect(readOnly.unwrap(readOnly.POST("/albums", { body: { name: "No" } }))).rejects.toMatchObject({
      code: "INSUFFICIENT_SCOPE",
    });
  });

  it("sends an Idempotency-Key on creating POSTs only, and replays instead of creating twice", async () => {
    const { seen, fetch } = counting(t);
    const keys = ["key-one", "key-one", "key-two"];
    const client = clientFor({ fetch, idempotencyKeys: () => keys.shift() ?? "spare" });
    const first = await client.unwrap(client.POST("/albums", { body: { name: "Once" } }));
    const replay = await client.POST("/albums", { body: { name: "Once" } });
    expect(replay.response.status).toBe(201);
    expect(replay.response.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.data?.id).toBe(first.id);
    expect(seen.map((r) => r.headers.get("idempotency-key"))).toEqual(["key-one", "key-one"]);

    // Reads and non-creating writes carry no key.
    await client.unwrap(client.GET("/albums"));
    await client.unwrap(
      client.PATCH("/albums/{id}", { params: { path: { id: first.id } }, body: { name: "Renamed" } }),
    );
    expect(seen.slice(2).map((r) => r.headers.get("idempotency-key"))).toEqual([null, null]);

    const albums = await client.unwrap(client.GET("/albums"));
    expect(albums.items.map((a) => a.id)).toEqual([first.id]);

    // Off: no key at all.
    const off = clientFor({ fetch, idempotencyKeys: false });
    await off.unwrap(off.POST("/albums", { body: { name: "Twice" } }));
    expect(seen.at(-1)?.headers.get("idempotency-key")).toBeNull();
  });

  it("retries retryable answers after Retry-After with the same key, so a creation happens once", async () => {
    let failures = 2;
    const sent: (string | null)[] = [];
    const flaky = async (request: Request) => {
      sent.push(request.headers.get("idempotency-key"));
      if (failures-- > 0) {
        // The app ran the request, but the answer got lost behind a proxy that says "try again".
        await t.app.fetch(request);
        return new Response(
          JSON.stringify({
            code: "DATABASE_BUSY",
            status: 503,
            retryable: true,
            title: "busy",
            detail: "",
            type: "",
            requestId: "x",
          }),
          { status: 503, headers: { "content-type": "application/problem+json", "retry-after": "0" } },
        );
      }
      return t.app.fetch(request);
    };
    const client = clientFor({ fetch: flaky });
    const album = await client.unwrap(client.POST("/albums", { body: { name: "Retried" } }));
    expect(sent).toHaveLength(3);
    expect(new Set(sent).size).toBe(1);
    expect(sent[0]).toMatch(/^[0-9a-f-]{36}$/);
    const albums = await client.unwrap(client.GET("/albums"));
    expect(albums.items.map((a) => a.id)).toEqual([album.id]);
  });

  it("gives up after maxAttempts, and at once when Retry-After exceeds the cap", async () => {
    let calls = 0;
    const busy = async () => {
      calls++;
      return new Response("{}", { status: 503, headers: { "retry-after": "0" } });
    };
    const client = clientFor({ fetch: busy, retry: { maxAttempts: 3 } });
    await expect(client.unwrap(client.GET("/albums"))).rejects.toMatchObject({
      status: 503,
      code: "INTERNAL",
    });
    expect(calls).toBe(3);

    calls = 0;
    const slow = async () => {
      calls++;
      return new Response("{}", { status: 429, headers: { "retry-after": "3600" } });
    };
    const capped = clientFor({ fetch: slow, retry: { maxDelayMs: 1000 } });
    await expect(capped.unwrap(capped.GET("/albums"))).rejects.toMatchObject({ status: 429 });
    expect(calls).toBe(1);

    // Not retryable: sent once.
    calls = 0;
    const notFound = clientFor({
      fetch: async (r) => {
        calls++;
        return t.app.fetch(r);
      },
    });
    await expect(
      notFound.unwrap(notFound.GET("/albums/{id}", { params: { path: { id: "nope" } } })),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(calls).toBe(1);
  });

  it("retries a real 429 of the app's rate limiter after its Retry-After", async () => {
    await t.close();
    t = await setup({
      app: { basePath: "/gallery", rateLimits: { limits: { read: { limit: 2, windowSeconds: 1 } } } },
    });
    token = await ownerToken(t, ["admin"]);
    const statuses: number[] = [];
    const waits: number[] = [];
    const client = clientFor({
      fetch: async (r) => {
        const res = await t.app.fetch(r);
        statuses.push(res.status);
        if (res.status === 429) waits.push(Number(res.headers.get("retry-after")));
        return res;
      },
    });
    // Windows are fixed: three calls may straddle a boundary on a slow machine, so keep calling
    // until the limiter answers; with a limit of 2, a third call inside one window must.
    for (let i = 0; i < 8 && !statuses.includes(429); i++) await client.unwrap(client.GET("/albums"));
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(200);
    expect(waits.every((w) => w >= 1)).toBe(true);
  });

  it("walks every page with paginate()", async () => {
    const client = clientFor();
    const made: string[] = [];
    for (let i = 0; i < 5; i++)
      made.push((await client.unwrap(client.POST("/albums", { body: { name: `A${i}` } }))).id);
    const seen: string[] = [];
    for await (const album of client.paginate("listAlbums", { query: { limit: 2 } })) seen.push(album.id);
    expect(seen.sort()).toEqual([...made].sort());

    const parent = made[0] ?? "";
    const empty: string[] = [];
    for await (const photo of client.paginate("listAlbumPhotos", {
      path: { id: parent },
      query: { limit: 2 },
    }))
      empty.push(photo.id);
    expect(empty).toEqual([]);

    const failing = client.paginate("listAlbumPhotos", { path: { id: "missing" } });
    await expect(failing.next()).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("uploads bytes, Blobs and files from a path, and lists them page by page", async () => {
    const client = clientFor();
    const album = await client.unwrap(client.POST("/albums", { body: { name: "Uploads" } }));
    const bytes = await makeJpeg(64, 48);
    const a = await client.uploadPhoto({
      file: bytes,
      filename: "a.jpg",
      albumId: album.id,
      title: "From bytes",
    });
    expect(a.photo.title).toBe("From bytes");
    expect(a.duplicate).toBe(false);
    const b = await client.uploadPhoto({
      file: new Blob([(await makeJpeg(48, 64)) as BlobPart], { type: "image/jpeg" }),
      albumId: album.id,
      privacyLevel: 2,
    });
    expect(b.photo.privacyLevel).toBe(2);
    const path = join(t.dir, "from-disk.jpg");
    await writeFile(path, await makeJpeg(80, 60));
    const c = await client.uploadPhoto({ file: path, albumId: album.id });
    expect(c.photo.originalFilename).toBe("from-disk.jpg");

    const ids: string[] = [];
    for await (const photo of client.paginate("listAlbumPhotos", {
      path: { id: album.id },
      query: { limit: 1 },
    }))
      ids.push(photo.id);
    expect(ids.sort()).toEqual([a.photo.id, b.photo.id, c.photo.id].sort());

    // Hostile input: not an image.
    await expect(
      client.uploadPhoto({
        file: new TextEncoder().encode("<?php echo 1;"),
        filename: "x.jpg",
        albumId: album.id,
      }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", status: 415 });
    // The same key twice with the same bytes replays the first upload.
    const jpeg = await makeJpeg(32, 32);
    const first = await client.uploadPhoto({ file: jpeg, albumId: album.id, idempotencyKey: "upload-1" });
    const replay = await client.uploadPhoto({ file: jpeg, albumId: album.id, idempotencyKey: "upload-1" });
    expect(replay.photo.id).toBe(first.photo.id);
  });
});

describe("client helpers", () => {
  it("parses Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs("soon")).toBeNull();
    const now = Date.parse("2026-05-01T00:00:00Z");
    expect(retryAfterMs("Fri, 01 May 2026 00:00:10 GMT", now)).toBe(10_000);
    expect(retryAfterMs("Thu, 30 Apr 2026 00:00:00 GMT", now)).toBe(0);
  });

  it("knows which requests create (and take an Idempotency-Key)", () => {
    expect(isCreatingRequest("POST", "/albums")).toBe(true);
    expect(isCreatingRequest("POST", "/photos")).toBe(true);
    expect(isCreatingRequest("GET", "/albums")).toBe(false);
    expect(isCreatingRequest("POST", "/albums/reorder")).toBe(false);
    expect(isCreatingRequest("POST", "/shares")).toBe(false); // its response holds a secret shown once
  });
});
