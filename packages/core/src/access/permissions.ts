import { type Kysely, sql } from "kysely";
import { type Actor, hasAdminView, isAdminActor, type TokenScope, tokenHasScope } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import { albumViewable, photoColumns, photoVisible } from "./visibility.js";

/**
 * Write permissions, in one place. Services call these before changing anything; the HTTP layer never decides.
 * An album the actor cannot view answers `NOT_FOUND` (forbidden and missing look the same); a viewable album
 * the actor may not change answers `FORBIDDEN`; a token without the needed scope answers `INSUFFICIENT_SCOPE`.
 * A token's power is the intersection of its scopes, its album limits and its user's current rights.
 */

/** Roles a grant carries, weakest first. */
export type GrantRole = "viewer" | "contributor" | "manager";

/** The grant roles, weakest first. */
export const GRANT_ROLES: readonly GrantRole[] = ["viewer", "contributor", "manager"];

/** What an actor may do with an album: a grant role, `admin` (everything), or `null` (cannot see it). */
export type AlbumAccess = GrantRole | "admin" | null;

const RANK: Record<GrantRole | "admin", number> = { viewer: 1, contributor: 2, manager: 3, admin: 4 };

/** True when `access` is at least `role`. */
export function accessAtLeast(access: AlbumAccess, role: GrantRole | "admin"): boolean {
  return access !== null && RANK[access] >= RANK[role];
}

/** Throws `INSUFFICIENT_SCOPE` when the actor is a token without `scope`; other actors pass. */
export function requireScope(actor: Actor, scope: TokenScope): void {
  if (actor.kind === "token" && !tokenHasScope(actor, scope)) {
    throw new GalleryError("INSUFFICIENT_SCOPE", { data: { scope } });
  }
}

/**
 * The actor's access to an album: `null` when it cannot view it (or it does not exist), `admin` for admins
 * (a token of an admin within its album limits), else the strongest grant role held on the album or an
 * ancestor, directly or through a group (`viewer` when the album is only public to it). A share link with
 * upload rights is a `contributor` in its subtree.
 */
export async function albumAccess(db: Kysely<DB>, actor: Actor, albumId: string): Promise<AlbumAccess> {
  const row = await db
    .selectFrom("albums as a")
    .select("a.id")
    .where("a.id", "=", albumId)
    .where(albumViewable(actor, sql.ref("a.id")))
    .executeTakeFirst();
  if (!row) return null;
  if (hasAdminView(actor)) return "admin";
  if (actor.kind === "share") return actor.canUpload ? "contributor" : "viewer";
  if (actor.kind !== "user" && actor.kind !== "token") return "viewer";
  const grants = await db
    .selectFrom("album_closure as c")
    .innerJoin("album_grants as g", "g.album_id", "c.ancestor_id")
    .select("g.role")
    .where("c.descendant_id", "=", albumId)
    .where((eb) =>
      eb.or([
        eb("g.user_id", "=", actor.userId),
        eb(
          "g.group_id",
          "in",
          eb.selectFrom("group_members as gm").select("gm.group_id").where("gm.user_id", "=", actor.userId),
        ),
      ]),
    )
    .execute();
  let best: GrantRole = "viewer";
  for (const g of grants) if (RANK[g.role] > RANK[best]) best = g.role;
  return best;
}

async function requireAccess(
  db: Kysely<DB>,
  actor: Actor,
  albumId: string,
  role: GrantRole | "admin",
  detail: string,
): Promise<AlbumAccess> {
  const access = await albumAccess(db, actor, albumId);
  if (access === null) throw new GalleryError("NOT_FOUND", { detail: "No such album." });
  if (!accessAtLeast(access, role)) throw new GalleryError("FORBIDDEN", { detail });
  return access;
}

/**
 * Throws unless the actor may create an album under `parentId` (`null`: at the root, admins only). Under a
 * parent, `manager` of the parent (or an ancestor) suffices. Tokens need `albums:write`.
 */
export async function assertCanCreateAlbum(
  db: Kysely<DB>,
  actor: Actor,
  parentId: string | null,
): Promise<void> {
  if (actor.kind === "system") return;
  if (actor.kind === "guest" || actor.kind === "share")
    throw new GalleryError("FORBIDDEN", { detail: "You may not create albums here." });
  requireScope(actor, "albums:write");
  if (parentId === null) {
    const unlimited = actor.kind === "user" || actor.albumIds === null;
    if (hasAdminView(actor) && unlimited) return;
    throw new GalleryError("FORBIDDEN", { detail: "Only admins may create top-level albums." });
  }
  await requireAccess(db, actor, parentId, "manager", "You may not create albums here.");
}

/**
 * Throws unless the actor may edit the album (rename, move, reorder, cover, delete, grants): admins, or
 * `manager` on the album or an ancestor. Tokens need `albums:write`.
 */
export async function assertCanManageAlbum(db: Kysely<DB>, actor: Actor, albumId: string): Promise<void> {
  if (actor.kind === "system") return;
  if (actor.kind === "guest" || actor.kind === "share") {
    await requireAccess(db, actor, albumId, "admin", "You may not manage this album.");
    return;
  }
  requireScope(actor, "albums:write");
  await requireAccess(db, actor, albumId, "manager", "You may not manage this album.");
}

/**
 * Throws unless the actor may add photos to the album: admins, `contributor` or `manager` on the album or an
 * ancestor, a live share link with upload rights covering it. Tokens need `photos:write`.
 */
export async function assertCanContribute(db: Kysely<DB>, actor: Actor, albumId: string): Promise<void> {
  if (actor.kind === "system") return;
  if (actor.kind === "guest") {
    await requireAccess(db, actor, albumId, "admin", "You may not add photos to this album.");
    return;
  }
  requireScope(actor, "photos:write");
  await requireAccess(db, actor, albumId, "contributor", "You may not add photos to this album.");
}

/**
 * Throws unless the actor may edit or delete the photo: admins, its uploader, or a `manager` of an album that
 * contains it. A photo the actor cannot see answers `NOT_FOUND`. Tokens need `photos:write`.
 */
export async function assertCanEditPhoto(db: Kysely<DB>, actor: Actor, photoId: string): Promise<void> {
  if (actor.kind === "system") return;
  const photo = await db
    .selectFrom("photos as p")
    .select(["p.id", "p.uploader_id"])
    .where("p.id", "=", photoId)
    .where(photoVisible(actor, photoColumns("p")))
    .executeTakeFirst();
  if (!photo) throw new GalleryError("NOT_FOUND", { detail: "No such photo." });
  const denied = new GalleryError("FORBIDDEN", { detail: "You may not edit this photo." });
  if (actor.kind === "guest" || actor.kind === "share") throw denied;
  requireScope(actor, "photos:write");
  if (hasAdminView(actor) && (actor.kind === "user" || actor.albumIds === null)) return;
  const limited = actor.kind === "token" && actor.albumIds !== null;
  if (!limited && photo.uploader_id !== null && photo.uploader_id === actor.userId) return;
  const albums = await db
    .selectFrom("album_photos")
    .select("album_id")
    .where("photo_id", "=", photoId)
    .execute();
  for (const { album_id } of albums) {
    if (accessAtLeast(await albumAccess(db, actor, album_id), "manager")) return;
  }
  throw denied;
}

/** Throws `FORBIDDEN` unless the actor has full admin power (owner, admin, system, or an admin's `admin` token). */
export function assertAdmin(actor: Actor): void {
  if (actor.kind === "token" && hasAdminView(actor)) requireScope(actor, "admin");
  if (!isAdminActor(actor)) throw new GalleryError("FORBIDDEN", { detail: "Admins only." });
}

/**
 * Throws unless the actor may manage users and groups: owners, admins, the system, and tokens of owners or
 * admins carrying `users:admin` (or `admin`).
 */
export function assertUserAdmin(actor: Actor): void {
  if (actor.kind === "token" && hasAdminView(actor)) {
    requireScope(actor, "users:admin");
    if (actor.albumIds === null) return;
  }
  if (actor.kind === "token" || !isAdminActor(actor))
    throw new GalleryError("FORBIDDEN", { detail: "Admins only." });
}

/**
 * The albums the actor may manage (edit, move, cover, grants, their photos): `"all"` for admins (and the
 * system, and an admin's token without album limits), else the ids of every album under a `manager` grant the
 * actor holds, directly or through a group, with their sub-albums, limited to what the actor may view (a
 * token's album limits apply). Empty for guests, share links and users without a manager grant: this is what
 * decides whether someone may open the album and photo admin pages at all.
 */
export async function managedAlbumIds(db: Kysely<DB>, actor: Actor): Promise<"all" | string[]> {
  if (actor.kind === "system") return "all";
  if (actor.kind !== "user" && actor.kind !== "token") return [];
  if (actor.kind === "token" && !tokenHasScope(actor, "albums:write")) return [];
  if (hasAdminView(actor) && (actor.kind === "user" || actor.albumIds === null)) return "all";
  if (hasAdminView(actor) && actor.kind === "token" && actor.albumIds !== null) {
    // An admin's token limited to some albums manages exactly those subtrees.
    if (actor.albumIds.length === 0) return [];
    const limited = await db
      .selectFrom("album_closure as c")
      .select("c.descendant_id as id")
      .distinct()
      .where("c.ancestor_id", "in", [...actor.albumIds])
      .where(albumViewable(actor, sql.ref("c.descendant_id")))
      .execute();
    return limited.map((r) => r.id);
  }
  const userId = actor.userId;
  const rows = await db
    .selectFrom("album_grants as g")
    .innerJoin("album_closure as c", "c.ancestor_id", "g.album_id")
    .select("c.descendant_id as id")
    .distinct()
    .where("g.role", "=", "manager")
    .where((eb) =>
      eb.or([
        eb("g.user_id", "=", userId),
        eb(
          "g.group_id",
          "in",
          eb.selectFrom("group_members as gm").select("gm.group_id").where("gm.user_id", "=", userId),
        ),
      ]),
    )
    .where(albumViewable(actor, sql.ref("c.descendant_id")))
    .execute();
  return rows.map((r) => r.id);
}
