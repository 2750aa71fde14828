import { createHash, timingSafeEqual } from "node:crypto";
import type { Actor, Gallery, ResolvedSession } from "@vernissage/core";
import { GalleryError, GUEST, tokenHasScope } from "@vernissage/core";
import type { H3Event } from "h3";
import { parseCookieHeader, serializeCookie } from "./cookies.js";
import type { RouteScope } from "./route.js";

/** Name of the session cookie. */
export const SESSION_COOKIE = "vernissage_session";

/** Name of the share-link session cookie (set by `unlockShareLink`). */
export const SHARE_COOKIE = "vernissage_share";

/** `Set-Cookie` for a session token (an empty token with expiry 0 clears it). */
export function sessionCookie(basePath: string, token: string, expiresAt: number, secure: boolean): string {
  return serializeCookie(SESSION_COOKIE, token, {
    path: basePath || "/",
    secure,
    maxAgeSeconds: token === "" ? 0 : (expiresAt - Date.now()) / 1000,
  });
}

/** `Set-Cookie` for a share session token (an empty token with expiry 0 clears it). */
export function shareCookie(basePath: string, token: string, expiresAt: number, secure: boolean): string {
  return serializeCookie(SHARE_COOKIE, token, {
    path: basePath || "/",
    secure,
    maxAgeSeconds: token === "" ? 0 : (expiresAt - Date.now()) / 1000,
  });
}

/** The actor behind a request, and the session it came from. */
export interface RequestIdentity {
  actor: Actor;
  session: ResolvedSession | null;
  /** True when the identity came from a cookie (writes then need the CSRF check). */
  viaCookie: boolean;
}

/**
 * Resolve who is asking: an `Authorization: Bearer` API token (never a query parameter; an invalid one is
 * refused, not downgraded to a guest), else the session cookie, else the embedder's `resolveActor`, else a
 * share-link session cookie, else a guest.
 */
export async function resolveIdentity(
  request: Request,
  gallery: Gallery,
  resolveActor?: (request: Request) => Promise<Actor | null | undefined> | Actor | null | undefined,
): Promise<RequestIdentity> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const actor = match?.[1] ? await gallery.tokens.resolve(match[1]) : null;
    if (!actor)
      throw new GalleryError("UNAUTHENTICATED", { detail: "The bearer token is invalid or expired." });
    return { actor, session: null, viaCookie: false };
  }
  const cookies = parseCookieHeader(request.headers.get("cookie"));
  const token = cookies.get(SESSION_COOKIE);
  if (token) {
    const session = await gallery.auth.resolveSession(token);
    if (session) return { actor: session.actor, session, viaCookie: true };
  }
  if (resolveActor) {
    const actor = await resolveActor(request);
    // The embedder's own auth is typically cookie-based too: treat it as such for CSRF.
    if (actor) return { actor, session: null, viaCookie: true };
  }
  const share = cookies.get(SHARE_COOKIE);
  if (share) {
    const actor = await gallery.shares.resolveSession(share);
    if (actor) return { actor, session: null, viaCookie: true };
  }
  return { actor: GUEST, session: null, viaCookie: false };
}

/**
 * Enforce a route's declared scope on API tokens: `session` routes refuse tokens, token scopes must be carried
 * (`INSUFFICIENT_SCOPE`). Other actors pass: their rights are checked by the core services.
 */
export function assertRouteScope(scope: RouteScope, actor: Actor): void {
  if (actor.kind !== "token" || scope === "public" || scope === "user") return;
  if (scope === "session")
    throw new GalleryError("INSUFFICIENT_SCOPE", {
      detail: "This action needs a browser session, not a token.",
    });
  if (!tokenHasScope(actor, scope)) throw new GalleryError("INSUFFICIENT_SCOPE", { data: { scope } });
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

/** Name of the hidden form field (and header) that carries the CSRF token. */
export const CSRF_FIELD = "_csrf";

/**
 * The CSRF token of a session, for HTML forms: derived from the session cookie's value (which a cross-site
 * page cannot read), so it needs no storage and changes whenever the session rotates.
 */
export function csrfToken(sessionToken: string): string {
  return createHash("sha256").update(`vernissage-csrf:${sessionToken}`).digest("base64url");
}

/**
 * Check the CSRF token of a cookie-authenticated form post (in the `_csrf` field or the `X-CSRF-Token` header),
 * in addition to the Origin check. Throws `CSRF_REJECTED` when missing or wrong; requests without a session
 * cookie pass (they carry no ambient authority).
 */
export function assertCsrfToken(request: Request, submitted: string | null | undefined): void {
  if (SAFE_METHODS.has(request.method)) return;
  const cookies = parseCookieHeader(request.headers.get("cookie"));
  const session = cookies.get(SESSION_COOKIE) ?? cookies.get(SHARE_COOKIE);
  if (!session) return;
  const given = submitted ?? request.headers.get("x-csrf-token") ?? "";
  const expected = Buffer.from(csrfToken(session));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    throw new GalleryError("CSRF_REJECTED", { detail: "The form's CSRF token is missing or wrong." });
}

/**
 * The app's request wrapper as route modules receive it: resolves the identity, assigns the request id, maps
 * errors to problem documents or error pages, and logs one line per request.
 */
export type Wrap = (
  kind: "api" | "page" | "media",
  fn: (event: H3Event, id: RequestIdentity, requestId: string, headers: Headers) => Promise<Response>,
) => (event: H3Event) => Promise<Response>;
