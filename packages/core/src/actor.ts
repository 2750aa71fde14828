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

/** Internal work (jobs, migrations, CLI maintenance): unrestricted. */
export interface SystemActor {
  kind: "system";
}

/**
 * Who is asking. Every service method takes the actor explicitly; permission checks live in core, so an
 * embedder calling services directly gets the same protection as the HTTP API.
 */
export type Actor = GuestActor | UserActor | SystemActor;

/** The anonymous actor. */
export const GUEST: GuestActor = Object.freeze({ kind: "guest" });

/** The internal, unrestricted actor. */
export const SYSTEM: SystemActor = Object.freeze({ kind: "system" });

/** True for actors that bypass visibility rules: the system, owners and admins. */
export function isAdminActor(actor: Actor): boolean {
  return (
    actor.kind === "system" || (actor.kind === "user" && (actor.role === "owner" || actor.role === "admin"))
  );
}

/** The privacy level an actor sees up to. */
export function actorPrivacyLevel(actor: Actor): number {
  if (actor.kind === "user") return isAdminActor(actor) ? 8 : actor.privacyLevel;
  return actor.kind === "system" ? 8 : 0;
}

/** The user id behind an actor, if any. */
export function actorUserId(actor: Actor): string | undefined {
  return actor.kind === "user" ? actor.userId : undefined;
}
