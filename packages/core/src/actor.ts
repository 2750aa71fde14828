/** User roles, strongest first. */
export type UserRole = "owner" | "admin" | "member";

/** Privacy levels, as in Piwigo: 0 everyone, 1 contacts, 2 friends, 4 family, 8 admins. */
export type PrivacyLevel = 0 | 1 | 2 | 4 | 8;

/** The privacy levels, in ascending order. */
export const PRIVACY_LEVELS: readonly PrivacyLevel[] = [0, 1, 2, 4, 8];

/** An anonymous visitor. */
export interface GuestActor {
  kind: "guest";
}

/** A signed-in user. */
export interface UserActor {
  kind: "user";
  /** The user's id. */
  userId: string;
  /** Role at the time the actor was resolved. */
  role: UserRole;
  /** Highest privacy level of photos this user may see. */
  privacyLevel: PrivacyLevel;
  /** Ids of the groups the user belongs to. */
  groupIds: readonly string[];
  /** The session the actor came from, when it came from one. */
  sessionId?: string | undefined;
}

/**
 * Scopes of an API token, `resource:action`. `admin` covers every admin action; `users:admin` covers user and
 * group management only.
 */
export type TokenScope =
  | "albums:read"
  | "albums:write"
  | "photos:read"
  | "photos:write"
  | "tags:write"
  | "comments:write"
  | "shares:write"
  | "users:admin"
  | "events:read"
  | "webhooks:write"
  | "admin";

/** Every token scope. */
export const TOKEN_SCOPES: readonly TokenScope[] = [
  "albums:read",
  "albums:write",
  "photos:read",
  "photos:write",
  "tags:write",
  "comments:write",
  "shares:write",
  "users:admin",
  "events:read",
  "webhooks:write",
  "admin",
];

/**
 * A user acting through an API token: the user's current rights narrowed by the token's scopes and, when
 * `albumIds` is set, to those album subtrees. Its power is always the intersection of both.
 */
export interface TokenActor {
  kind: "token";
  /** The token's id. */
  tokenId: string;
  /** The token's user. */
  userId: string;
  /** The user's role when the token was resolved. */
  role: UserRole;
  /** The user's privacy level when the token was resolved. */
  privacyLevel: PrivacyLevel;
  /** Ids of the user's groups. */
  groupIds: readonly string[];
  /** What the token may do. */
  scopes: readonly TokenScope[];
  /** Album subtrees the token is limited to, or `null` for no limit. */
  albumIds: readonly string[] | null;
}

/** A share link's capability: read (and optionally download or upload) within the link's scope. */
export interface ShareActor {
  kind: "share";
  /** The share link's id. */
  shareId: string;
  /** Root of the shared album subtree, or `null` for a photo-set link. */
  albumId: string | null;
  /** Highest privacy level the link reveals (at most its creator's). */
  privacyLevel: PrivacyLevel;
  /** Whether originals may be downloaded through the link. */
  canDownload: boolean;
  /** Whether photos may be uploaded into the shared album through the link. */
  canUpload: boolean;
}

/** Internal work (jobs, migrations, CLI maintenance): unrestricted. */
export interface SystemActor {
  kind: "system";
}

/**
 * Who is asking. Every service method takes the actor explicitly; permission checks live in core, so an
 * embedder calling services directly gets the same protection as the HTTP API.
 */
export type Actor = GuestActor | UserActor | TokenActor | ShareActor | SystemActor;

/** The anonymous actor. */
export const GUEST: GuestActor = Object.freeze({ kind: "guest" });

/** The internal, unrestricted actor. */
export const SYSTEM: SystemActor = Object.freeze({ kind: "system" });

function isAdminRole(role: UserRole): boolean {
  return role === "owner" || role === "admin";
}

/** True when a token carries `scope` (the `admin` scope carries every scope). */
export function tokenHasScope(actor: TokenActor, scope: TokenScope): boolean {
  return actor.scopes.includes(scope) || actor.scopes.includes("admin");
}

/**
 * True for actors with full admin power, which bypass visibility rules and may do admin actions: the system,
 * owners and admins, and tokens of owners or admins that carry the `admin` scope and no album limit.
 */
export function isAdminActor(actor: Actor): boolean {
  if (actor.kind === "system") return true;
  if (actor.kind === "user") return isAdminRole(actor.role);
  if (actor.kind === "token")
    return isAdminRole(actor.role) && actor.scopes.includes("admin") && actor.albumIds === null;
  return false;
}

/**
 * True when the actor reads with an admin's eyes (everything, hidden albums included), before any album
 * limit of a token: the system, owners and admins, and any token of an owner or admin (reading is the
 * intersection of the token's read scopes and its user's rights).
 */
export function hasAdminView(actor: Actor): boolean {
  if (actor.kind === "system") return true;
  if (actor.kind === "user" || actor.kind === "token") return isAdminRole(actor.role);
  return false;
}

/** The privacy level an actor sees up to. */
export function actorPrivacyLevel(actor: Actor): number {
  switch (actor.kind) {
    case "system":
      return 8;
    case "user":
    case "token":
      return hasAdminView(actor) ? 8 : actor.privacyLevel;
    case "share":
      return actor.privacyLevel;
    default:
      return 0;
  }
}

/** The user id behind an actor (a user or a token's user), if any. */
export function actorUserId(actor: Actor): string | undefined {
  return actor.kind === "user" || actor.kind === "token" ? actor.userId : undefined;
}
