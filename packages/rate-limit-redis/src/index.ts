import type { RateLimitCount, RateLimitStore } from "@vernissage/core";
import { Redis, type RedisOptions } from "ioredis";

/** Options of {@link redisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** A connected ioredis client to use (the store never closes it). */
  client?: Redis;
  /** Or a Redis URL to connect to (closed by `store.close()`). @default "redis://127.0.0.1:6379" */
  url?: string;
  /** Further ioredis options when connecting by URL. */
  redisOptions?: RedisOptions;
  /** Prefix of every key the store writes. @default "vernissage:rl:" */
  prefix?: string;
}

/**
 * Rate-limit counters in Redis, shared by every process that points at the same server: one pipelined round
 * trip per request (`INCR` and `PEXPIRE` per bucket). Fixed windows aligned on their length; each window is
 * its own key, expiring when the window ends, so nothing needs sweeping.
 *
 * @example
 * createGalleryApp(gallery, { rateLimits: { store: redisRateLimitStore({ url: process.env.REDIS_URL }) } });
 */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions = {}): RateLimitStore {
  const owned = options.client === undefined;
  const client =
    options.client ??
    new Redis(options.url ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 2, ...options.redisOptions });
  // Connection errors surface as rejected commands (the limiter then lets requests through); no unhandled event.
  if (owned) client.on("error", () => {});
  const prefix = options.prefix ?? "vernissage:rl:";
  return {
    async hit(hits, now): Promise<RateLimitCount[]> {
      if (hits.length === 0) return [];
      const pipeline = client.pipeline();
      const windows = hits.map((h) => {
        const start = Math.floor(now / h.windowMs) * h.windowMs;
        const key = h.key.slice(0, 200);
        const redisKey = `${prefix}${key}:${start}`;
        // INCR is atomic. The expiry is relative (PEXPIRE), so a clock gap between this process and Redis
        // never drops a live window; a second of slack outlives the window's end.
        pipeline.incr(redisKey);
        pipeline.pexpire(redisKey, Math.max(1, start + h.windowMs - now) + 1000);
        return { key, resetAt: start + h.windowMs };
      });
      const results = (await pipeline.exec()) ?? [];
      return windows.map((w, i) => {
        const [error, value] = results[i * 2] ?? [new Error("no reply"), null];
        if (error) throw error;
        return { key: w.key, count: Number(value), resetAt: w.resetAt };
      });
    },
    async close() {
      if (owned) await client.quit();
    },
  };
}
