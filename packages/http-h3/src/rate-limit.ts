import {
  type Actor,
  databaseRateLimitStore,
  type Gallery,
  GalleryError,
  type RateLimitCount,
  type RateLimitHit,
  type RateLimitStore,
} from "@vernissage/core";
import type { RateClass } from "./route.js";

/** One limit: at most `limit` requests per `windowSeconds`. */
export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  /** Window length in seconds. */
  windowSeconds: number;
}

/**
 * Rate limits of the REST API. Each request counts against the buckets of whoever sent it: its API token
 * **and** the token's user (so tokens cannot multiply a user's allowance), its user (session requests), its
 * share link, or its client address (guests). The bucket with the least left decides. Requests whose client
 * address is unknown (an in-process `app.fetch` without a socket) are counted only against their user or token.
 */
export interface RateLimitOptions {
  /** Turn rate limiting off (no headers, no 429). @default true */
  enabled?: boolean;
  /**
   * Limits per route class; unset classes keep their default: `read` 1200/min, `write` 300/min, `upload`
   * 120/min, `search` 300/min, `login` 30/min.
   */
  limits?: Partial<Record<RateClass, RateLimit>>;
  /**
   * Where the counters live. @default the gallery's database (`databaseRateLimitStore`), shared by every
   * process of the gallery.
   */
  store?: RateLimitStore;
}

/** The default limits per class. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateClass, RateLimit>> = Object.freeze({
  read: { limit: 1200, windowSeconds: 60 },
  write: { limit: 300, windowSeconds: 60 },
  upload: { limit: 120, windowSeconds: 60 },
  search: { limit: 300, windowSeconds: 60 },
  login: { limit: 30, windowSeconds: 60 },
});

/** Checks a request against its buckets and writes the `RateLimit-Policy` and `RateLimit` headers. */
export interface RateLimiter {
  /** Count the request; set the headers on `headers`; throw `RATE_LIMITED` when a bucket is over its limit. */
  check(input: {
    rateClass: RateClass;
    actor: Actor;
    ip: string | undefined;
    headers: Headers;
  }): Promise<void>;
}

/** Bucket keys of a request (see {@link RateLimitOptions}). */
export function rateLimitBuckets(actor: Actor, ip: string | undefined): string[] {
  switch (actor.kind) {
    case "token":
      return [`token:${actor.tokenId}`, `user:${actor.userId}`];
    case "user":
      return [`user:${actor.userId}`];
    case "system":
      return [];
    case "share":
      return ip ? [`share:${actor.shareId}`, `ip:${ip}`] : [`share:${actor.shareId}`];
    default:
      return ip ? [`ip:${ip}`] : [];
  }
}

function validLimit(name: string, value: RateLimit): RateLimit {
  if (
    !Number.isInteger(value.limit) ||
    value.limit < 1 ||
    !Number.isInteger(value.windowSeconds) ||
    value.windowSeconds < 1
  ) {
    throw new GalleryError("INVALID_CONFIGURATION", {
      detail: `rateLimits.limits.${name} needs whole numbers limit ≥ 1 and windowSeconds ≥ 1`,
    });
  }
  return { limit: value.limit, windowSeconds: value.windowSeconds };
}

/** @internal Build the limiter of an app; `null` when rate limiting is off. */
export function createRateLimiter(gallery: Gallery, options: RateLimitOptions = {}): RateLimiter | null {
  if (options.enabled === false) return null;
  const limits = {} as Record<RateClass, RateLimit>;
  for (const [name, fallback] of Object.entries(DEFAULT_RATE_LIMITS) as [RateClass, RateLimit][]) {
    limits[name] = validLimit(name, options.limits?.[name] ?? fallback);
  }
  const policies = Object.fromEntries(
    Object.entries(limits).map(([name, l]) => [name, `"${name}";q=${l.limit};w=${l.windowSeconds}`]),
  ) as Record<RateClass, string>;
  const store = options.store ?? databaseRateLimitStore(gallery.db);

  return {
    async check({ rateClass, actor, ip, headers }) {
      const { limit, windowSeconds } = limits[rateClass];
      headers.set("ratelimit-policy", policies[rateClass]);
      const buckets = rateLimitBuckets(actor, ip);
      if (buckets.length === 0) return;
      const windowMs = windowSeconds * 1000;
      const hits: RateLimitHit[] = buckets.map((b) => ({ key: `${rateClass}:${b}`, windowMs }));
      const now = Date.now();
      let counts: RateLimitCount[];
      try {
        counts = await store.hit(hits, now);
      } catch (error) {
        // A failing counter store must not take the API down with it: the request goes through uncounted.
        gallery.logger.warn(
          { err: errorMessage(error), rateClass },
          "rate-limit store failed; request not counted",
        );
        return;
      }
      let count = 0;
      let resetAt = now;
      for (const c of counts) {
        if (c.count > count || (c.count === count && c.resetAt > resetAt)) {
          count = c.count;
          resetAt = c.resetAt;
        }
      }
      const remaining = Math.max(0, limit - count);
      const reset = Math.max(0, Math.ceil((resetAt - now) / 1000));
      headers.set("ratelimit", `"${rateClass}";r=${remaining};t=${reset}`);
      if (count > limit) {
        throw new GalleryError("RATE_LIMITED", {
          detail: `Too many ${rateClass} requests; retry after ${Math.max(1, reset)} s.`,
          data: { retryAfter: Math.max(1, reset) },
        });
      }
    },
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
