import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createGallery,
  databaseRateLimitStore,
  type Gallery,
  GalleryError,
  memoryRateLimitStore,
  SYSTEM,
} from "@vernissage/core";
import type { H3 } from "h3";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { stackAdapters } from "../../../e2e/support/stack.js";
import { normalizeIp, resolveClientIp, trustPredicate } from "../src/client-ip.js";
import { runIdempotent } from "../src/idempotency.js";
import { createGalleryApp, type GalleryAppOptions } from "../src/index.js";
import type { ApiRoute } from "../src/route.js";
import { makeJpeg, ORIGIN, setup } from "./helpers.js";

type Env = Awaited<ReturnType<typeof setup>>;
const envs: Env[] = [];
afterEach(async () => {
  while (envs.length > 0) await envs.pop()?.close();
});
async function open(options: Parameters<typeof setup>[0] = {}): Promise<Env> {
  const env = await setup(options);
  envs.push(env);
  return env;
}

interface CallInit {
  method?: string;
  cookie?: string;
  bearer?: string;
  /** The socket address srvx would give the request. */
  ip?: string;
  headers?: Record<string, string>;
  json?: unknown;
  body?: BodyInit;
}

async function call(app: H3, path: string, init: CallInit = {}) {
  const headers = new Headers(init.headers);
  const method = init.method ?? "GET";
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.bearer) headers.set("authorization", `Bearer ${init.bearer}`);
  if (method !== "GET" && !headers.has("origin")) headers.set("origin", ORIGIN);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  const request = new Request(`${ORIGIN}${path}`, { method, headers, body: body ?? null });
  if (init.ip) Object.defineProperty(request, "ip", { value: init.ip });
  const res = await app.fetch(request);
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    json = null;
  }
  return { res, status: res.status, json, text };
}

function uploadForm(albumId: string, file: Uint8Array, title = "t"): FormData {
  const form = new FormData();
  form.append("albumId", albumId);
  form.append("title", title);
  form.append("file", new Blob([file as BlobPart], { type: "image/jpeg" }), "photo.jpg");
  return form;
}

async function photoCount(gallery: Gallery): Promise<number> {
  const row = await gallery.db
    .selectFrom("photos")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("Idempotency-Key", () => {
  it("20 parallel identical uploads with one key create exactly one photo; later ones replay it", async () => {
    // With duplicates refused, a second upload that really ran would answer 409 DUPLICATE_PHOTO, not 201.
    const env = await open({ gallery: { ingest: { duplicates: "refuse" } } });
    const cookie = await env.login();
    const album = await env.createAlbum(cookie, { name: "Uploads" });
    const jpeg = await makeJpeg(64, 48);
    const key = "upload-7f1c";
    // A retry resends the same bytes (FormData picks a new multipart boundary each time it is encoded).
    const encoded = new Request("http://x/", {
      method: "POST",
      body: uploadForm(album.json.id as string, jpeg),
    });
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    const type = encoded.headers.get("content-type") ?? "";
    const send = () =>
      call(env.app, "/api/v1/photos", {
        method: "POST",
        cookie,
        headers: { "idempotency-key": key, "content-type": type },
        body: bytes,
      });
    const results = await Promise.all(Array.from({ length: 20 }, send));
    expect(await photoCount(env.gallery)).toBe(1);
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of results) {
      expect([201, 409]).toContain(r.status);
      if (r.status === 409) {
        expect(r.json?.code).toBe("IDEMPOTENCY_IN_PROGRESS");
        expect(r.json?.retryable).toBe(true);
        expect(r.res.headers.get("retry-after")).toBe("1");
      }
    }
    const photoIds = new Set(created.map((r) => (r.json?.photo as { id: string } | undefined)?.id));
    expect(photoIds.size).toBe(1);

    const again = await send();
    expect(again.status).toBe(201);
    expect(again.res.headers.get("idempotent-replayed")).toBe("true");
    expect(again.res.headers.get("x-request-id")).toBeTruthy();
    expect((again.json?.photo as { id: string } | undefined)?.id).toBe([...photoIds][0]);
    expect(await photoCount(env.gallery)).toBe(1);

    // Without a key, the same upload runs again (and is refused as a duplicate): the replay above was real.
    const plain = await call(env.app, "/api/v1/photos", {
      method: "POST",
      cookie,
      body: uploadForm(album.json.id as string, jpeg),
    });
    expect([plain.status, plain.json?.code]).toEqual([409, "DUPLICATE_PHOTO"]);
  });

  it("replays JSON creates, refuses a reused key with another body, and keys are per principal", async () => {
    const env = await open();
    const admin = await env.login();
    await env.gallery.users.create(SYSTEM, { username: "bob", password: "bob's long password" });
    const bob = await env.login("bob", "bob's long password");
    const post = (cookie: string, json: unknown, key = "k-1") =>
      call(env.app, "/api/v1/albums", { method: "POST", cookie, headers: { "idempotency-key": key }, json });

    const first = await post(admin, { name: "Once", visibility: "public" });
    expect(first.status).toBe(201);
    expect(first.res.headers.get("idempotent-replayed")).toBeNull();
    const second = await post(admin, { name: "Once", visibility: "public" });
    expect(second.status).toBe(201);
    expect(second.res.headers.get("idempotent-replayed")).toBe("true");
    expect(second.json?.id).toBe(first.json?.id);
    expect(second.res.headers.get("x-request-id")).not.toBe(first.res.headers.get("x-request-id"));

    const reused = await post(admin, { name: "Other", visibility: "public" });
    expect([reused.status, reused.json?.code, reused.json?.retryable]).toEqual([
      409,
      "IDEMPOTENCY_KEY_REUSED",
      false,
    ]);
    // The same key on another path is another request too.
    const otherPath = await call(env.app, "/api/v1/tags", {
      method: "POST",
      cookie: admin,
      headers: { "idempotency-key": "k-1" },
      json: { name: "Once", visibility: "public" },
    });
    expect(otherPath.json?.code).toBe("IDEMPOTENCY_KEY_REUSED");

    // Another user's identical key is theirs alone.
    const bobs = await post(bob, { name: "Once", visibility: "public" });
    expect(bobs.status === 201 || bobs.status === 403).toBe(true);
    if (bobs.status === 201) expect(bobs.json?.id).not.toBe(first.json?.id);
    expect(bobs.res.headers.get("idempotent-replayed")).toBeNull();

    const albums = await env.gallery.db
      .selectFrom("albums")
      .select("name")
      .where("name", "=", "Once")
      .execute();
    expect(albums.length).toBe(bobs.status === 201 ? 2 : 1);
  });

  it("stores deterministic 4xx answers, never 5xx ones", async () => {
    const env = await open();
    const admin = await env.login();
    const bad = () =>
      call(env.app, "/api/v1/albums", {
        method: "POST",
        cookie: admin,
        headers: { "idempotency-key": "bad-1" },
        json: { name: "" },
      });
    const a = await bad();
    expect([a.status, a.json?.code]).toEqual([400, "VALIDATION_FAILED"]);
    const b = await bad();
    expect([b.status, b.json?.code]).toEqual([400, "VALIDATION_FAILED"]);
    expect(b.res.headers.get("idempotent-replayed")).toBe("true");

    // A failure the server may recover from is not kept: the retry runs the operation.
    let failures = 1;
    env.gallery.hooks.hook("album:create:before", () => {
      if (failures-- > 0) throw new Error("transient");
    });
    const send = () =>
      call(env.app, "/api/v1/albums", {
        method: "POST",
        cookie: admin,
        headers: { "idempotency-key": "flaky-1" },
        json: { name: "Flaky" },
      });
    const failed = await send();
    expect(failed.status).toBeGreaterThanOrEqual(500);
    const retried = await send();
    expect(retried.status).toBe(201);
    expect(retried.res.headers.get("idempotent-replayed")).toBeNull();
  });

  it("validates keys and ignores them on routes that do not honour them", async () => {
    const env = await open();
    const admin = await env.login();
    for (const key of ["x".repeat(256), "", "   "]) {
      const r = await call(env.app, "/api/v1/albums", {
        method: "POST",
        cookie: admin,
        headers: { "idempotency-key": key },
        json: { name: "K" },
      });
      expect([r.status, r.json?.code]).toEqual([400, "INVALID_IDEMPOTENCY_KEY"]);
    }
    const ok = await call(env.app, "/api/v1/albums", {
      method: "POST",
      cookie: admin,
      headers: { "idempotency-key": "x".repeat(255) },
      json: { name: "K" },
    });
    expect(ok.status).toBe(201);
    // createApiToken shows its secret once: a key there is ignored, nothing is stored.
    const t1 = await call(env.app, "/api/v1/tokens", {
      method: "POST",
      cookie: admin,
      headers: { "idempotency-key": "tok" },
      json: { name: "a", scopes: ["photos:read"] },
    });
    const t2 = await call(env.app, "/api/v1/tokens", {
      method: "POST",
      cookie: admin,
      headers: { "idempotency-key": "tok" },
      json: { name: "a", scopes: ["photos:read"] },
    });
    expect([t1.status, t2.status]).toEqual([201, 201]);
    expect(t2.json?.secret).not.toBe(t1.json?.secret);
    const stored = await env.gallery.db
      .selectFrom("idempotency_keys")
      .select("key")
      .where("key", "=", "tok")
      .execute();
    expect(stored).toEqual([]);
    const rows = await env.gallery.db.selectFrom("idempotency_keys").select(["body", "headers"]).execute();
    for (const row of rows) expect(`${row.body}${row.headers}`).not.toContain("set-cookie");
  });

  it("hashes a repeated body only up to the upload limit", async () => {
    const env = await open({ app: { maxUploadBytes: 1000 } });
    const admin = await env.login();
    const post = (json: unknown) =>
      call(env.app, "/api/v1/albums", {
        method: "POST",
        cookie: admin,
        headers: { "idempotency-key": "big" },
        json,
      });
    expect((await post({ name: "Small" })).status).toBe(201);
    const huge = await post({ name: "Small", description: "x".repeat(5000) });
    expect([huge.status, huge.json?.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
  });

  it("stores the answer of a route that never reads its body (srvx gives every POST one, empty too)", async () => {
    const env = await open();
    const route = { method: "POST", status: 201 } as ApiRoute;
    let runs = 0;
    const send = () =>
      runIdempotent(
        {
          gallery: env.gallery,
          route,
          request: new Request(`${ORIGIN}/api/v1/webhooks/w/test`, {
            method: "POST",
            headers: { "idempotency-key": "no-body", "content-length": "0" },
            body: new Uint8Array(0),
          }),
          actor: SYSTEM,
          ip: undefined,
          requestId: "r",
          headers: new Headers(),
        },
        async (request) => {
          expect(request.body).not.toBeNull();
          runs++;
          return new Response(JSON.stringify({ runs }), {
            status: 201,
            headers: { "content-type": "application/json" },
          });
        },
      );
    const first = await send();
    expect([first.status, await first.json()]).toEqual([201, { runs: 1 }]);
    const again = await send();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual({ runs: 1 });
    expect(runs).toBe(1);
  });

  it("takes over a claim whose process died and sweeps expired records", async () => {
    const env = await open();
    const now = Date.now();
    await env.gallery.db
      .insertInto("idempotency_keys")
      .values({
        principal: "user:dead",
        key: "k",
        state: "running",
        fingerprint: null,
        status: null,
        headers: null,
        body: null,
        created_at: now - 3600_000,
        expires_at: now + 3600_000,
        locked_until: now - 1,
      })
      .execute();
    expect(await env.gallery.idempotency.begin({ principal: "user:dead", key: "k" })).toEqual({
      state: "started",
    });
    expect(await env.gallery.idempotency.begin({ principal: "user:dead", key: "k" })).toEqual({
      state: "in-progress",
    });
    await env.gallery.idempotency.complete({
      principal: "user:dead",
      key: "k",
      fingerprint: "f",
      response: { status: 201, headers: { "content-type": "application/json" }, body: "{}" },
    });
    const done = await env.gallery.idempotency.begin({ principal: "user:dead", key: "k" });
    expect(done.state === "completed" && done.record.status).toBe(201);
    expect(await env.gallery.idempotency.sweep(now + 25 * 3600_000)).toBe(1);
    expect(await env.gallery.idempotency.begin({ principal: "user:dead", key: "k" })).toEqual({
      state: "started",
    });
    await expect(env.gallery.idempotency.begin({ principal: "p", key: "bad\u0001" })).rejects.toSatisfy(
      (e) => e instanceof GalleryError && e.code === "INVALID_IDEMPOTENCY_KEY",
    );
  });
});

describe("rate limits", () => {
  const tight: GalleryAppOptions = {
    rateLimits: { limits: { read: { limit: 3, windowSeconds: 86_400 } } },
  };

  it("sends RateLimit-Policy and RateLimit, then 429 RATE_LIMITED with Retry-After", async () => {
    const env = await open({ app: tight });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(env.app, "/api/v1/albums", { ip: "203.0.113.9" }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[0]?.res.headers.get("ratelimit-policy")).toBe('"read";q=3;w=86400');
    expect(answers[0]?.res.headers.get("ratelimit")).toMatch(/^"read";r=2;t=\d+$/);
    expect(answers[2]?.res.headers.get("ratelimit")).toMatch(/^"read";r=0;t=\d+$/);
    const limited = answers[3];
    expect(limited?.json?.code).toBe("RATE_LIMITED");
    expect(limited?.json?.retryable).toBe(true);
    expect(Number(limited?.res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited?.res.headers.get("ratelimit-policy")).toBe('"read";q=3;w=86400');
    expect(limited?.res.headers.get("x-request-id")).toBeTruthy();
    // Another address and another class have their own counters.
    expect((await call(env.app, "/api/v1/albums", { ip: "203.0.113.10" })).status).toBe(200);
    const search = await call(env.app, "/api/v1/search/photos?q=x", { ip: "203.0.113.9" });
    expect(search.status).toBe(200);
    expect(search.res.headers.get("ratelimit-policy")).toMatch(/^"search";q=300;w=60$/);
  });

  it("counts a token's requests against the token and its user", async () => {
    const env = await open({ app: tight });
    const admin = await env.login();
    const token = await call(env.app, "/api/v1/tokens", {
      method: "POST",
      cookie: admin,
      json: { name: "t", scopes: ["albums:read", "photos:read"] },
    });
    const other = await call(env.app, "/api/v1/tokens", {
      method: "POST",
      cookie: admin,
      json: { name: "u", scopes: ["albums:read"] },
    });
    const secret = token.json?.secret as string;
    expect((await call(env.app, "/api/v1/albums", { cookie: admin })).status).toBe(200);
    expect((await call(env.app, "/api/v1/albums", { bearer: secret })).status).toBe(200);
    const third = await call(env.app, "/api/v1/albums", { bearer: other.json?.secret as string });
    expect(third.status).toBe(200);
    expect(third.res.headers.get("ratelimit")).toMatch(/^"read";r=0;/);
    // The user's allowance is spent: neither token nor the session gets more.
    expect((await call(env.app, "/api/v1/albums", { bearer: secret })).json?.code).toBe("RATE_LIMITED");
    expect((await call(env.app, "/api/v1/albums", { cookie: admin })).json?.code).toBe("RATE_LIMITED");
  });

  it("believes X-Forwarded-For only from trusted proxies", async () => {
    const env = await open({
      app: { rateLimits: { limits: { read: { limit: 2, windowSeconds: 86_400 } } } },
    });
    const spoofed = [];
    for (const fake of ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) {
      spoofed.push(
        await call(env.app, "/api/v1/albums", { ip: "203.0.113.5", headers: { "x-forwarded-for": fake } }),
      );
    }
    expect(spoofed.map((r) => r.status)).toEqual([200, 200, 429]);

    const proxied = await open({
      app: {
        trustProxy: ["loopback"],
        rateLimits: { limits: { read: { limit: 2, windowSeconds: 86_400 } } },
      },
    });
    const viaProxy = [];
    for (const client of ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) {
      viaProxy.push(
        await call(proxied.app, "/api/v1/albums", {
          ip: "127.0.0.1",
          headers: { "x-forwarded-for": `10.9.9.9, ${client}` },
        }),
      );
    }
    expect(viaProxy.map((r) => r.status)).toEqual([200, 200, 200]);
    // The login throttle and the activity log see the forwarded address too.
    const failed = await call(proxied.app, "/api/v1/auth/login", {
      method: "POST",
      ip: "127.0.0.1",
      headers: { "x-forwarded-for": "198.51.100.77" },
      json: { username: "admin", password: "wrong password!" },
    });
    expect(failed.json?.code).toBe("INVALID_CREDENTIALS");
    const logged = await proxied.gallery.db
      .selectFrom("activity_log")
      .select("ip")
      .where("action", "=", "auth.login_failed")
      .execute();
    expect(logged.map((r) => r.ip)).toEqual(["198.51.100.77"]);
    const throttled = await proxied.gallery.db
      .selectFrom("login_throttle")
      .select("key")
      .where("key", "like", "ip:%")
      .execute();
    expect(throttled.map((r) => r.key)).toEqual(["ip:198.51.100.77"]);
  });

  it("counts concurrent hits exactly once each, per window (database and memory stores)", async () => {
    const env = await open();
    for (const store of [databaseRateLimitStore(env.gallery.db), memoryRateLimitStore()]) {
      const now = Date.UTC(2026, 0, 1, 12, 0, 30);
      const hits = await Promise.all(
        Array.from({ length: 40 }, () =>
          store.hit(
            [
              { key: "write:user:a", windowMs: 60_000 },
              { key: "write:token:b", windowMs: 60_000 },
            ],
            now,
          ),
        ),
      );
      const counts = hits
        .map((h) => h.find((c) => c.key === "write:user:a")?.count ?? 0)
        .sort((a, b) => a - b);
      expect(counts).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(hits[0]?.[0]?.resetAt).toBe(Date.UTC(2026, 0, 1, 12, 1, 0));
      // The next window starts again at one; an older clock does not move the window back.
      const next = await store.hit([{ key: "write:user:a", windowMs: 60_000 }], now + 60_000);
      expect(next[0]?.count).toBe(1);
      const late = await store.hit([{ key: "write:user:a", windowMs: 60_000 }], now);
      expect(late[0]).toEqual({ key: "write:user:a", count: 2, resetAt: Date.UTC(2026, 0, 1, 12, 2, 0) });
      expect(await store.sweep?.(now + 10 * 60_000)).toBe(2);
    }
  });

  it("can be turned off", async () => {
    const env = await open({ app: { rateLimits: { enabled: false } } });
    const r = await call(env.app, "/api/v1/albums", { ip: "203.0.113.9" });
    expect(r.res.headers.get("ratelimit")).toBeNull();
    expect(r.res.headers.get("ratelimit-policy")).toBeNull();
  });

  it("rejects malformed limits and proxy lists at start", async () => {
    const env = await open();
    expect(() =>
      createGalleryApp(env.gallery, { rateLimits: { limits: { write: { limit: 0, windowSeconds: 60 } } } }),
    ).toThrow(GalleryError);
    expect(() => createGalleryApp(env.gallery, { trustProxy: ["10.0.0.0/33"] })).toThrow(GalleryError);
    expect(() => createGalleryApp(env.gallery, { trustProxy: ["not-an-ip"] })).toThrow(GalleryError);
  });

  it("shares counters between two gallery processes on one database", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vernissage-rl-"));
    const adapters = await stackAdapters(dir);
    const galleries: Gallery[] = [];
    try {
      const options = { storage: adapters.storage, jobs: { run: false } };
      galleries.push(await createGallery({ database: adapters.database, ...options }));
      galleries.push(await createGallery({ database: adapters.connectAgain(), ...options }));
      const apps = galleries.map((g) => createGalleryApp(g, { logger: pino({ level: "silent" }), ...tight }));
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const app = apps[i % 2] as H3;
        statuses.push((await call(app, "/api/v1/albums", { ip: "192.0.2.44" })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      // Both processes claim an idempotency key at once: one wins.
      const claims = await Promise.all(
        galleries.map((g) => g.idempotency.begin({ principal: "ip:192.0.2.44", key: "shared" })),
      );
      expect(claims.map((c) => c.state).sort()).toEqual(["in-progress", "started"]);
    } finally {
      for (const g of galleries) await g.close();
      await adapters.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("request ids", () => {
  it("are on every kind of response, and a caller's well-formed id is kept", async () => {
    const env = await open();
    for (const path of [
      "/api/v1/albums",
      "/api/v1/albums/nope",
      "/api/v1/no-such-route",
      "/api/v1/openapi.json",
      "/healthz",
      "/",
      "/no-such-page",
      "/media/photos/x/thumb/1",
    ]) {
      const r = await call(env.app, path, { ip: "203.0.113.20" });
      expect({ path, id: r.res.headers.get("x-request-id") }).toEqual({ path, id: expect.any(String) });
      if (r.res.headers.get("content-type")?.includes("problem+json"))
        expect(r.json?.requestId).toBe(r.res.headers.get("x-request-id"));
    }
    const own = await call(env.app, "/api/v1/albums", { headers: { "x-request-id": "trace-42" } });
    expect(own.res.headers.get("x-request-id")).toBe("trace-42");
    const hostile = await call(env.app, "/api/v1/albums", { headers: { "x-request-id": 'a b"<script>' } });
    expect(hostile.res.headers.get("x-request-id")).not.toContain("<");
  });
});

describe("request ids in log lines", () => {
  it("are on every line core, hooks and plugins write while a request runs", async () => {
    const lines: Record<string, unknown>[] = [];
    const capture = (obj: Record<string, unknown>) => {
      lines.push(obj);
    };
    const logger = { debug: capture, info: capture, warn: capture, error: capture };
    const env = await open({ gallery: { logger } });
    env.gallery.hooks.hook("album:create:after", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      env.gallery.logger.warn({ from: "hook" }, "album made");
    });
    const admin = await env.login();
    const [a, b] = await Promise.all([
      call(env.app, "/api/v1/albums", { method: "POST", cookie: admin, json: { name: "One" } }),
      call(env.app, "/api/v1/albums", { method: "POST", cookie: admin, json: { name: "Two" } }),
    ]);
    const ids = lines.filter((l) => l.from === "hook").map((l) => l.reqId);
    expect(ids.sort()).toEqual(
      [a?.res.headers.get("x-request-id"), b?.res.headers.get("x-request-id")].sort(),
    );
    env.gallery.logger.warn({ from: "outside" }, "no request");
    expect(lines.find((l) => l.from === "outside")?.reqId).toBeUndefined();
  });
});

describe("client address", () => {
  const req = (ip: string | undefined, headers: Record<string, string> = {}) => {
    const r = new Request("http://x/", { headers });
    if (ip) Object.defineProperty(r, "ip", { value: ip });
    return r;
  };

  it("is the socket's address by default, whatever the headers say", () => {
    const trust = trustPredicate(undefined);
    expect(resolveClientIp(req("203.0.113.1", { "x-forwarded-for": "1.2.3.4" }), trust)).toBe("203.0.113.1");
    expect(resolveClientIp(req("203.0.113.1", { forwarded: "for=1.2.3.4" }), trust)).toBe("203.0.113.1");
    expect(resolveClientIp(req(undefined, { "x-forwarded-for": "1.2.3.4" }), trust)).toBeUndefined();
  });

  it("walks hops from trusted proxies: counts, lists, Forwarded, IPv6", () => {
    const hops = trustPredicate(1);
    expect(resolveClientIp(req("10.0.0.1", { "x-forwarded-for": "6.6.6.6, 198.51.100.4" }), hops)).toBe(
      "198.51.100.4",
    );
    const list = trustPredicate(["10.0.0.0/8", "private"]);
    expect(
      resolveClientIp(req("10.0.0.1", { "x-forwarded-for": "6.6.6.6, 198.51.100.4, 192.168.1.2" }), list),
    ).toBe("198.51.100.4");
    // An untrusted socket: its headers are ignored.
    expect(resolveClientIp(req("198.51.100.9", { "x-forwarded-for": "6.6.6.6" }), list)).toBe("198.51.100.9");
    expect(
      resolveClientIp(req("::ffff:10.1.1.1", { forwarded: 'for="[2001:db8::7]:4711";proto=https' }), list),
    ).toBe("2001:db8::7");
    // Garbage in the chain stops the walk at the last believed hop.
    expect(resolveClientIp(req("10.0.0.1", { "x-forwarded-for": "<script>" }), list)).toBe("10.0.0.1");
    expect(resolveClientIp(req("10.0.0.1", { "x-forwarded-for": "1.2.3.4" }), trustPredicate(true))).toBe(
      "1.2.3.4",
    );
    expect(normalizeIp("192.0.2.1:8080")).toBe("192.0.2.1");
    expect(normalizeIp("unknown")).toBeUndefined();
  });
});
