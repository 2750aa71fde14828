import type { Actor, Gallery, ResolvedSession } from "@vernissage/core";
import { GalleryError, GUEST } from "@vernissage/core";
import { parseCookieHeader, serializeCookie } from "./cookies.js";

/** Name of the session cookie. */
export const SESSION_COOKIE = "vernissage_session";

/** `Set-Cookie` for a session token (an empty token with expiry 0 clears it). */
export function sessionCookie(basePath: string, token: string, expiresAt: number, secure: boolean): string {
  return serializeCookie(SESSION_COOKIE, token, {
    path: basePath || "/",
    secure,
    maxAgeSeconds: token === "" ? 0 : (expiresAt - Date.now()) / 1000,
  });
}

/** The actor behind a request, and the session it came from. */
export interface RequestIdentity {
  actor: Actor;
  session: ResolvedSession | null;
  /** True when the identity came from the session cookie (writes then need the CSRF check). */
  viaCookie: boolean;
}

/** Resolve who is asking: session cookie first, then the embedder's `resolveActor`, else a guest. */
export async function resolveIdentity(
  request: Request,
  gallery: Gallery,
  resolveActor?: (request: Request) => Promise<Actor | null | undefined> | Actor | null | undefined,
): Promise<RequestIdentity> {
  const token = parseCookieHeader(request.headers.get("cookie")).get(SESSION_COOKIE);
  if (token) {
    const session = await gallery.auth.resolveSession(token);
    if (session) return { actor: session.actor, session, viaCookie: true };
  }
  if (resolveActor) {
    const actor = await resolveActor(request);
    // The embedder's own auth is typically cookie-based too: treat it as such for CSRF.
    if (actor) return { actor, session: null, viaCookie: true };
  }
  return { actor: GUEST, session: null, viaCookie: false };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence for cookie-authenticated writes: the browser must say the request is same-origin, either with
 * `Sec-Fetch-Site: same-origin` or an `Origin` equal to the request's own origin (or a configured one). A
 * write with neither header is refused.
 */
export function assertSameOrigin(request: Request, url: URL, allowedOrigins: readonly string[]): void {
  if (SAFE_METHODS.has(request.method)) return;
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) {
    if (site === "same-origin") return;
    throw new GalleryError("CSRF_REJECTED");
  }
  const origin = request.headers.get("origin");
  if (origin && origin !== "null" && (origin === url.origin || allowedOrigins.includes(origin))) return;
  throw new GalleryError("CSRF_REJECTED");
}
