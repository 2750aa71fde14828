import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { GalleryError } from "../errors.js";

/**
 * Outbound-request safety for webhooks (SSRF): a delivery may only reach public addresses unless the gallery
 * allows private networks. The host is resolved once, every address it resolves to is checked, and the
 * connection is pinned to the checked address (so a DNS answer that changes between the check and the
 * connection — DNS rebinding — cannot send the request elsewhere).
 */

const blocked = new BlockList();
// IPv4: "this network"/unspecified, private, carrier-grade NAT, loopback, link-local, IETF protocol
// assignments, benchmarking, multicast, reserved and broadcast.
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
// IPv6: unspecified, loopback, link-local, site-local (deprecated), unique-local, multicast.
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fe80::", 10],
  ["fec0::", 10],
  ["fc00::", 7],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** The 16 bytes of an IPv6 address (with `::` and an embedded dotted quad), or undefined when malformed. */
function ipv6Bytes(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  const last = text.slice(lastColon + 1);
  if (last.includes(".")) {
    if (isIP(last) !== 4) return undefined;
    tail = last.split(".").map(Number);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest, extra] = text.split("::");
  if (extra !== undefined) return undefined;
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const left = groups(head);
  const right = groups(rest);
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 0) return undefined;
  const all = [...left, ...Array<string>(Math.max(0, missing)).fill("0"), ...right];
  const bytes: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    const n = Number.parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes.length === 16 ? bytes : undefined;
}

/**
 * True when an IP address must not be reached by default: private, loopback, link-local, multicast,
 * unspecified or reserved, including IPv4 addresses written as IPv4-mapped (`::ffff:127.0.0.1`),
 * IPv4-compatible (`::127.0.0.1`) or NAT64 (`64:ff9b::7f00:1`) IPv6. Anything that is not an IP is blocked.
 */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family !== 6) return true;
  const bytes = ipv6Bytes(address);
  if (!bytes) return true;
  const prefixZero = (n: number) => bytes.slice(0, n).every((b) => b === 0);
  const v4 = bytes.slice(12).join(".");
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, deprecated), 64:ff9b::a.b.c.d (NAT64).
  if (prefixZero(10) && bytes[10] === 0xff && bytes[11] === 0xff) return blocked.check(v4, "ipv4");
  if (prefixZero(12) && !(bytes[12] === 0 && bytes[13] === 0 && bytes[14] === 0)) {
    return blocked.check(v4, "ipv4");
  }
  const nat64 = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
  if (nat64.every((b, i) => bytes[i] === b)) return blocked.check(v4, "ipv4");
  return blocked.check(address, "ipv6");
}

/** How outbound webhook requests may reach private networks. */
export interface OutboundPolicy {
  /** Allow every address (development and tests on one machine). @default false */
  allowPrivateNetworks: boolean;
  /** Host names (lower case) that may resolve to private addresses (an internal receiver you trust). */
  allowedHosts: readonly string[];
}

/** A resolved, checked destination: connect to `address` only. */
export interface PinnedTarget {
  url: URL;
  /** The host name without IPv6 brackets. */
  host: string;
  address: string;
  family: 4 | 6;
}

/** Parse and check the shape of a webhook URL (`http`/`https`, no credentials, a host). */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidUrl("not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalidUrl("http or https only");
  if (url.username !== "" || url.password !== "") throw invalidUrl("no credentials in the URL");
  if (url.hostname === "") throw invalidUrl("a host is required");
  if (raw.length > 2000) throw invalidUrl("at most 2000 characters");
  return url;
}

function invalidUrl(message: string): GalleryError {
  return new GalleryError("VALIDATION_FAILED", { errors: [{ path: "url", message }] });
}

function refused(host: string, address: string): GalleryError {
  return new GalleryError("WEBHOOK_URL_FORBIDDEN", {
    detail: "The webhook URL points at a private, loopback or otherwise internal address.",
    data: { host, address },
  });
}

/**
 * Resolve `url`'s host and check every address it resolves to against the policy. Returns the address to
 * connect to. Throws `WEBHOOK_URL_FORBIDDEN` for an internal address, `WEBHOOK_DELIVERY_FAILED` when the name
 * does not resolve (when `lenient`, an unresolvable name returns `undefined` instead).
 */
export async function resolveTarget(
  url: URL,
  policy: OutboundPolicy,
  options: { lenient?: boolean } = {},
): Promise<PinnedTarget | undefined> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const trusted = policy.allowPrivateNetworks || policy.allowedHosts.includes(host);
  const literal = isIP(host);
  let addresses: { address: string; family: number }[];
  if (literal !== 0) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await dnsLookup(host, { all: true, verbatim: true });
    } catch (error) {
      if (options.lenient) return undefined;
      throw new GalleryError("WEBHOOK_DELIVERY_FAILED", {
        detail: "The webhook host name does not resolve.",
        data: { host },
        cause: error,
      });
    }
  }
  const first = addresses[0];
  if (!first) {
    if (options.lenient) return undefined;
    throw new GalleryError("WEBHOOK_DELIVERY_FAILED", { detail: "The webhook host has no address." });
  }
  if (!trusted) {
    for (const { address } of addresses) if (isBlockedAddress(address)) throw refused(host, address);
  }
  return { url, host, address: first.address, family: first.family === 6 ? 6 : 4 };
}
