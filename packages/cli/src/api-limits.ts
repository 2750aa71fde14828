import { isIP } from "node:net";
import { memoryRateLimitStore } from "@vernissage/core";
import type { GalleryAppOptions, RateClass, RateLimitOptions } from "@vernissage/http-h3";
import { redisRateLimitStore } from "@vernissage/rate-limit-redis";
import { CliError } from "./errors.js";

const CLASSES: readonly RateClass[] = ["read", "write", "upload", "search", "login"];

/**
 * Parse `--trust-proxy` / `VERNISSAGE_TRUST_PROXY`: `false` (default), `true`, a number of proxy hops, or a
 * comma-separated list of addresses, CIDR ranges and the words `loopback`, `private`, `linklocal`.
 *
 * @example parseTrustProxy("loopback,10.0.0.0/8") // ["loopback", "10.0.0.0/8"]
 */
export function parseTrustProxy(value: string | undefined): GalleryAppOptions["trustProxy"] {
  const text = value?.trim() ?? "";
  if (text === "" || text === "false" || text === "0") return false;
  if (text === "true") return true;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address = "", bits] = entry.split("/");
    const named = ["loopback", "private", "linklocal"].includes(entry);
    if (!named && (isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits)))) {
      throw new CliError(
        `Invalid trusted proxy "${entry}": expected an address, a CIDR range, or loopback/private.`,
      );
    }
  }
  return entries;
}

/**
 * Parse `--rate-limits` / `VERNISSAGE_RATE_LIMITS`: `off`, or comma-separated `class=limit/seconds` pairs for
 * the classes `read`, `write`, `upload`, `search`, `login` (others keep their defaults).
 *
 * @example parseRateLimits("write=100/60,upload=20/60")
 */
export function parseRateLimits(value: string | undefined): Pick<RateLimitOptions, "enabled" | "limits"> {
  const text = value?.trim() ?? "";
  if (text === "") return {};
  if (text === "off" || text === "false") return { enabled: false };
  const limits: NonNullable<RateLimitOptions["limits"]> = {};
  for (const part of text.split(",")) {
    const match = /^\s*([a-z]+)\s*=\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(part);
    const name = match?.[1] as RateClass | undefined;
    if (!match || !name || !CLASSES.includes(name) || Number(match[2]) < 1 || Number(match[3]) < 1) {
      throw new CliError(
        `Invalid rate limit "${part.trim()}": expected class=limit/seconds with class one of ${CLASSES.join(", ")}.`,
      );
    }
    limits[name] = { limit: Number(match[2]), windowSeconds: Number(match[3]) };
  }
  return { limits };
}

/**
 * Parse `--rate-limit-store` / `VERNISSAGE_RATE_LIMIT_STORE`: `database` (default, shared by every process on
 * the same database), `memory` (this process only) or a `redis://` / `rediss://` URL (shared by every process
 * using that Redis; close the store on shutdown).
 */
export function parseRateLimitStore(value: string | undefined): Pick<RateLimitOptions, "store"> {
  const text = value?.trim() ?? "";
  if (text === "" || text === "database") return {};
  if (text === "memory") return { store: memoryRateLimitStore() };
  if (/^rediss?:\/\/[^\s]+$/.test(text)) return { store: redisRateLimitStore({ url: text }) };
  throw new CliError(`Invalid rate-limit store "${text}": expected database, memory or a redis:// URL.`);
}

/** The app options of `vernissage serve` for trusted proxies and rate limits, flags first, then the environment. */
export function apiLimitOptions(
  env: Record<string, string | undefined>,
  args: {
    "trust-proxy"?: string | undefined;
    "rate-limits"?: string | undefined;
    "rate-limit-store"?: string | undefined;
  },
): Pick<GalleryAppOptions, "trustProxy" | "rateLimits"> {
  const limits = parseRateLimits(args["rate-limits"] ?? env.VERNISSAGE_RATE_LIMITS);
  return {
    trustProxy: parseTrustProxy(args["trust-proxy"] ?? env.VERNISSAGE_TRUST_PROXY),
    // With rate limits off no store is made (a Redis store would open a connection nobody uses).
    rateLimits:
      limits.enabled === false
        ? limits
        : { ...limits, ...parseRateLimitStore(args["rate-limit-store"] ?? env.VERNISSAGE_RATE_LIMIT_STORE) },
  };
}
