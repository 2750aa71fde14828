import { afterEach, describe, expect, it } from "vitest";
import { apiLimitOptions, parseRateLimits, parseTrustProxy } from "../src/api-limits.js";
import { CliError } from "../src/errors.js";
import { type RunningServer, startServer } from "../src/index.js";
import { tempDir } from "./helpers.js";

describe("serve options for rate limits and trusted proxies", () => {
  it("parses trusted proxies and rate limits, refusing malformed values", () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy("true")).toBe(true);
    expect(parseTrustProxy("2")).toBe(2);
    expect(parseTrustProxy("loopback, 10.0.0.0/8,::1")).toEqual(["loopback", "10.0.0.0/8", "::1"]);
    expect(() => parseTrustProxy("10.0.0.0/8,evil.example")).toThrow(CliError);
    expect(parseRateLimits("off")).toEqual({ enabled: false });
    expect(parseRateLimits("write=100/60, upload=5/10")).toEqual({
      limits: { write: { limit: 100, windowSeconds: 60 }, upload: { limit: 5, windowSeconds: 10 } },
    });
    for (const bad of ["write=0/60", "writes=1/60", "read=10", "read=1/0;drop table"])
      expect(() => parseRateLimits(bad)).toThrow(CliError);
    expect(() => apiLimitOptions({ VERNISSAGE_RATE_LIMIT_STORE: "redis" }, {})).toThrow(CliError);
    expect(apiLimitOptions({ VERNISSAGE_RATE_LIMIT_STORE: "memory" }, {}).rateLimits?.store).toBeDefined();
    expect(apiLimitOptions({}, {}).rateLimits?.store).toBeUndefined();
    // Rate limits off: no store is made (no Redis connection is opened).
    const off = apiLimitOptions(
      { VERNISSAGE_RATE_LIMIT_STORE: "redis://127.0.0.1:1" },
      { "rate-limits": "off" },
    );
    expect(off.rateLimits).toEqual({ enabled: false });
    // Flags win over the environment.
    expect(apiLimitOptions({ VERNISSAGE_TRUST_PROXY: "true" }, { "trust-proxy": "1" }).trustProxy).toBe(1);
  });
});

describe("a served gallery over a real socket", () => {
  let server: RunningServer | undefined;
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await dir?.dispose();
  });

  const fetchMany = async (n: number, headers: (i: number) => Record<string, string>) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await fetch(new URL("api/v1/albums", server?.url), { headers: headers(i) });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    return statuses;
  };

  it("limits guests by their socket address and ignores spoofed X-Forwarded-For by default", async () => {
    dir = await tempDir();
    const app = apiLimitOptions({ VERNISSAGE_RATE_LIMITS: "read=2/86400" }, {});
    server = await startServer({
      dataDir: dir.path,
      port: 0,
      requestLog: false,
      adminPassword: undefined,
      app,
    });
    expect(await fetchMany(3, (i) => ({ "x-forwarded-for": `198.51.100.${i}` }))).toEqual([200, 200, 429]);
  });

  it("believes X-Forwarded-For from a trusted loopback proxy", async () => {
    dir = await tempDir();
    const app = apiLimitOptions({ VERNISSAGE_RATE_LIMITS: "read=2/86400" }, { "trust-proxy": "loopback" });
    server = await startServer({
      dataDir: dir.path,
      port: 0,
      requestLog: false,
      adminPassword: undefined,
      app,
    });
    expect(await fetchMany(3, (i) => ({ "x-forwarded-for": `198.51.100.${i}` }))).toEqual([200, 200, 200]);
    expect(await fetchMany(3, () => ({ "x-forwarded-for": "198.51.100.50" }))).toEqual([200, 200, 429]);
  });
});
