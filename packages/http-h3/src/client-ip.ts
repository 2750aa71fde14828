import { BlockList, isIP } from "node:net";
import { GalleryError } from "@vernissage/core";

/**
 * When to believe `Forwarded` / `X-Forwarded-For` for the client's address (rate limits, login throttling,
 * the activity log):
 * - `false` (default): never; the socket's address is the client.
 * - `true`: always; the leftmost address of the header is the client (only behind a proxy that overwrites it).
 * - a number `n`: `n` proxies stand in front of the app; the client is the address `n` hops from the socket.
 * - a list of addresses and CIDR ranges (`"10.0.0.0/8"`, `"::1"`, `"loopback"`, `"private"`): hops from
 *   these are believed; the client is the nearest address outside them.
 */
export type TrustProxy = boolean | number | string[];

const requestIps = new WeakMap<Request, string>();

/** Remember the resolved client address of a request (read back by {@link resolvedClientIp}). */
export function rememberClientIp(request: Request, ip: string | undefined): void {
  if (ip) requestIps.set(request, ip);
}

/** The client address resolved for this request by the app, if any. */
export function resolvedClientIp(request: Request): string | undefined {
  return requestIps.get(request);
}

/** The socket's address as the server adapter gives it (srvx's `request.ip`). */
export function socketIp(request: Request): string | undefined {
  const ip = (request as Request & { ip?: unknown }).ip;
  return typeof ip === "string" && ip.length <= 64 ? normalizeIp(ip) : undefined;
}

/** Strip a port, brackets and the IPv4-mapped IPv6 prefix; `undefined` when not an IP address. */
export function normalizeIp(raw: string): string | undefined {
  let ip = raw.trim().replace(/^"|"$/g, "");
  if (ip.startsWith("[")) ip = ip.slice(1, ip.indexOf("]") > 0 ? ip.indexOf("]") : undefined);
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(":"));
  if (/^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(ip)) ip = ip.slice(7);
  return isIP(ip) === 0 ? undefined : ip.toLowerCase();
}

const RANGES: Record<string, string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
};

/** Build a predicate telling whether a hop's address is a trusted proxy. Throws on a malformed entry. */
export function trustPredicate(trust: TrustProxy | undefined): (ip: string, hop: number) => boolean {
  if (trust === undefined || trust === false) return () => false;
  if (trust === true) return () => true;
  if (typeof trust === "number") {
    if (!Number.isInteger(trust) || trust < 0)
      throw new GalleryError("INVALID_CONFIGURATION", { detail: "trustProxy must be a whole number ≥ 0" });
    return (_ip, hop) => hop < trust;
  }
  const list = new BlockList();
  for (const entry of trust.flatMap((e) => RANGES[e] ?? [e])) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
    if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
      throw new GalleryError("INVALID_CONFIGURATION", {
        detail: `trustProxy: "${entry}" is not an address or CIDR`,
      });
    }
    list.addSubnet(address, bits, family === 4 ? "ipv4" : "ipv6");
  }
  return (ip) => list.check(ip, isIP(ip) === 4 ? "ipv4" : "ipv6");
}

/** Addresses named by `Forwarded` (`for=`) or else `X-Forwarded-For`, client first. Unparseable ones: `null`. */
function forwardedChain(headers: Headers): (string | null)[] {
  const forwarded = headers.get("forwarded");
  if (forwarded) {
    const out: (string | null)[] = [];
    for (const element of forwarded.split(",")) {
      const pair = element
        .split(";")
        .map((p) => p.trim())
        .find((p) => p.toLowerCase().startsWith("for="));
      out.push(pair ? (normalizeIp(pair.slice(4)) ?? null) : null);
    }
    return out;
  }
  const xff = headers.get("x-forwarded-for");
  if (!xff) return [];
  return xff.split(",").map((a) => normalizeIp(a) ?? null);
}

/**
 * The client's address: the socket's, unless the socket (and each hop before it) is a trusted proxy, in which
 * case the forwarding headers are walked from the nearest hop outward. A hop that cannot be parsed stops the
 * walk at the last believed address.
 */
export function resolveClientIp(
  request: Request,
  isTrusted: (ip: string, hop: number) => boolean,
): string | undefined {
  const socket = socketIp(request);
  if (!socket || !isTrusted(socket, 0)) return socket;
  const chain = forwardedChain(request.headers);
  let client = socket;
  for (let hop = 1; chain.length > 0; hop++) {
    const next = chain.pop();
    if (!next) return client;
    client = next;
    if (!isTrusted(client, hop)) return client;
  }
  return client;
}
