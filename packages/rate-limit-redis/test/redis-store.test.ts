import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type RateLimitStore } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { createGalleryApp } from "@vernissage/http-h3";
import { fsStorage } from "@vernissage/storage-fs";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisRateLimitStore } from "../src/index.js";

const URL = process.env.VERNISSAGE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const available = await redisReachable();
if (!available && process.env.VERNISSAGE_TEST_STRICT === "1")
  throw new Error(`Redis is not reachable at ${URL}`);

describe.skipIf(!available)("redisRateLimitStore", () => {
  const prefix = `vernissage-test:${randomUUID()}:`;
  let client: Redis;
  beforeAll(() => {
    client = new Redis(URL);
  });
  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
  });

  it("counts concurrent hits from two processes exactly once each, per fixed window", async () => {
    const a = redisRateLimitStore({ client, prefix });
    const b = redisRateLimitStore({ url: URL, prefix });
    try {
      const now = Date.UTC(2026, 0, 1, 12, 0, 30);
      const buckets = [
        { key: "write:token:t", windowMs: 60_000 },
        { key: "write:user:u", windowMs: 60_000 },
      ];
      const all = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).hit(buckets, now)),
      );
      const counts = all
        .map((r) => r.find((c) => c.key === "write:user:u")?.count ?? 0)
        .sort((x, y) => x - y);
      expect(counts).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(all[0]?.[0]?.resetAt).toBe(Date.UTC(2026, 0, 1, 12, 1, 0));
      expect((await a.hit(buckets, now + 60_000))[0]?.count).toBe(1);
      expect(await a.hit([], now)).toEqual([]);
    } finally {
      await a.close?.();
      await b.close?.();
    }
    // The store given a client leaves it open.
    expect(await client.ping()).toBe("PONG");
  });

  it("limits an app's API with RateLimit headers and 429, and lets requests through when Redis is down", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vernissage-redis-"));
    const gallery = await createGallery({
      database: sqliteDatabase({ filename: join(dir, "g.db") }),
      storage: fsStorage({ root: join(dir, "files") }),
      jobs: { run: false },
    });
    const dead: RateLimitStore = redisRateLimitStore({
      url: "redis://127.0.0.1:1",
      redisOptions: { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true },
    });
    try {
      const logger = pino({ level: "silent" });
      const limits = { read: { limit: 2, windowSeconds: 86_400 } };
      const app = createGalleryApp(gallery, {
        logger,
        rateLimits: { limits, store: redisRateLimitStore({ client, prefix }) },
      });
      const get = (target: typeof app) => {
        const request = new Request("http://gallery.test/api/v1/albums");
        Object.defineProperty(request, "ip", { value: "192.0.2.7" });
        return target.fetch(request);
      };
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await get(app)).status);
      expect(statuses).toEqual([200, 200, 429]);

      const failing = createGalleryApp(gallery, { logger, rateLimits: { limits, store: dead } });
      const through = await get(failing);
      expect(through.status).toBe(200);
      expect(through.headers.get("ratelimit")).toBeNull();
      expect(through.headers.get("ratelimit-policy")).toBe('"read";q=2;w=86400');
    } finally {
      await dead.close?.().catch(() => {});
      await gallery.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
