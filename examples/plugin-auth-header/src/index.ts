import { BlockList, isIP } from "node:net";
import { definePlugin, GalleryError } from "@vernissage/core";
import { z } from "zod";

/** Settings of the proxy-header authentication plugin. */
export const authHeaderConfig = z.object({
  /** The header the proxy sets to the authenticated user's name (case-insensitive). */
  header: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/)
    .default("X-Remote-User"),
  /**
   * Addresses of the reverse proxies whose header is trusted: IPs or CIDR ranges (`10.0.0.0/8`, `fd00::/8`). A
   * request from anywhere else is never authenticated by the header, whatever it says.
   */
  trustedProxies: z.array(z.string().min(1)).min(1),
  /** What a trusted header naming no active user does: stay a guest, or answer 401. */
  unknownUser: z.enum(["guest", "reject"]).default("guest"),
});

/** Settings after defaults. */
export type AuthHeaderConfig = z.output<typeof authHeaderConfig>;

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as plain IPv4, so one rule covers both forms. */
function normalise(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped?.[1] ?? ip;
}

/** A matcher for the trusted proxy list; throws `INVALID_CONFIGURATION` on a malformed entry. */
export function proxyMatcher(entries: readonly string[]): (ip: string | null) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > max))) {
      throw new GalleryError("INVALID_CONFIGURATION", { detail: `Invalid trusted proxy "${entry}".` });
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(normalise(address), type);
    else list.addSubnet(normalise(address), bits, type);
  }
  return (ip) => {
    if (!ip) return false;
    const plain = normalise(ip);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 4 ? "ipv4" : "ipv6");
  };
}

/**
 * Proxy-header authentication, like Piwigo's apache_authentication: when a request comes from a trusted
 * reverse proxy (by the socket's address; `X-Forwarded-For` is never believed), the user named in the
 * configured header is signed in for that request. Requests from elsewhere are left alone, header or not.
 * It maps to a Vernissage user through the `auth:actor:resolve` hook; accounts are not created.
 *
 * @example
 * plugins: [{ plugin: authHeader, config: { trustedProxies: ["10.0.0.2"], header: "X-Remote-User" } }]
 */
export const authHeader = definePlugin<AuthHeaderConfig>({
  name: "auth-header",
  version: "1.0.0",
  compat: ">=0.0.0",
  description: "Trust a reverse proxy's user header",
  config: authHeaderConfig,
  setup(ctx) {
    const trusted = proxyMatcher(ctx.config.trustedProxies);
    const header = ctx.config.header.toLowerCase();
    ctx.hook("auth:actor:resolve", async (c) => {
      const username = c.request.headers.get(header)?.trim();
      if (!username) return;
      if (!trusted(c.ip)) {
        // A forged header from a client that bypassed the proxy: ignored, and worth knowing about.
        ctx.logger.warn({ ip: c.ip }, "user header from an untrusted address ignored");
        return;
      }
      const actor = await c.actorForUsername(username);
      if (actor) {
        c.actor = actor;
        return;
      }
      if (ctx.config.unknownUser === "reject") {
        throw new GalleryError("UNAUTHENTICATED", { detail: "The proxy's user is not a gallery user." });
      }
    });
  },
});

export default authHeader;
