import { type Kysely, sql } from "kysely";
import type { DB } from "../db/schema.js";

/** One counter to bump: a bucket key and its fixed window. */
export interface RateLimitHit {
  /** Bucket key, e.g. `write:user:<id>`. At most 200 characters. */
  key: string;
  /** Window length in milliseconds. */
  windowMs: number;
}

/** A bucket's state after a hit. */
export interface RateLimitCount {
  key: string;
  /** Hits in the current window, this one included. */
  count: number;
  /** When the current window ends (epoch ms). */
  resetAt: number;
}

/**
 * Where rate-limit counters live. One `hit` bumps every given bucket at once and returns their counts; it must
 * be atomic per bucket across every process that shares the store. Implement it to plug in another store
 * (Redis, memcached…); the database store is the default.
 */
export interface RateLimitStore {
  /** Count one request against each bucket (fixed windows aligned on `windowMs`). */
  hit(hits: readonly RateLimitHit[], now: number): Promise<RateLimitCount[]>;
  /** Delete counters whose window ended. Optional. */
  sweep?(now: number): Promise<number>;
  /** Release connections the store holds. Optional. */
  close?(): Promise<void>;
}

function windowOf(now: number, windowMs: number): number {
  return Math.floor(now / windowMs) * windowMs;
}

/**
 * Counters in the gallery's database (`rate_limits`): one multi-row upsert per request, so SQLite in one
 * process and PostgreSQL across many processes both count every request exactly once. Expired rows are swept
 * lazily (at most once a minute per process).
 */
export function databaseRateLimitStore(db: Kysely<DB>): RateLimitStore {
  let lastSweep = 0;
  const store: RateLimitStore = {
    async hit(hits, now) {
      if (hits.length === 0) return [];
      if (now - lastSweep > 60_000) {
        lastSweep = now;
        await store.sweep?.(now);
      }
      const rows = await db
        .insertInto("rate_limits")
        .values(
          hits.map((h) => {
            const start = windowOf(now, h.windowMs);
            return { key: h.key.slice(0, 200), window_start: start, hits: 1, expires_at: start + h.windowMs };
          }),
        )
        .onConflict((oc) =>
          oc.column("key").doUpdateSet({
            // A newer window restarts the count; a process with a slower clock never moves a window back.
            hits: sql`CASE WHEN excluded.window_start > rate_limits.window_start THEN 1 ELSE rate_limits.hits + 1 END`,
            window_start: sql`CASE WHEN excluded.window_start > rate_limits.window_start THEN excluded.window_start ELSE rate_limits.window_start END`,
            expires_at: sql`CASE WHEN excluded.window_start > rate_limits.window_start THEN excluded.expires_at ELSE rate_limits.expires_at END`,
          }),
        )
        .returning(["key", "hits", "expires_at"])
        .execute();
      return rows.map((r) => ({ key: r.key, count: Number(r.hits), resetAt: Number(r.expires_at) }));
    },
    async sweep(now) {
      const result = await db.deleteFrom("rate_limits").where("expires_at", "<=", now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
  return store;
}

/**
 * Counters in this process's memory: for one process only (tests, a single embedded server). Several
 * processes each count alone with it; use the database store (the default) or a shared store then.
 */
export function memoryRateLimitStore(): RateLimitStore {
  const buckets = new Map<string, { start: number; count: number; end: number }>();
  return {
    async hit(hits, now) {
      if (buckets.size > 10_000) for (const [k, b] of buckets) if (b.end <= now) buckets.delete(k);
      return hits.map((h) => {
        const start = windowOf(now, h.windowMs);
        const key = h.key.slice(0, 200);
        let bucket = buckets.get(key);
        if (!bucket || bucket.start < start) {
          bucket = { start, count: 0, end: start + h.windowMs };
          buckets.set(key, bucket);
        }
        bucket.count += 1;
        return { key, count: bucket.count, resetAt: bucket.end };
      });
    },
    async sweep(now) {
      let n = 0;
      for (const [k, b] of buckets)
        if (b.end <= now) {
          buckets.delete(k);
          n++;
        }
      return n;
    },
  };
}
