import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";
import { type Actor, actorPrivacyLevel, actorUserId, hasAdminView, type ShareActor } from "../actor.js";

/**
 * SQL side of the visibility rule (DESIGN.md §3). Every query that can reveal an album or a photo filters
 * through these functions; `reference-rule.ts` is the pure twin the tests compare them with. They are plain SQL
 * fragments (values bound as parameters) so they fit any query and any alias.
 *
 * The rule is evaluated directly on the indexed tables (`album_closure`, `album_grants`, `group_members`,
 * `album_photos`, `share_links`): there is no per-user cache to rebuild when a grant, a membership or the tree
 * changes, so a change is visible on the next query and never blocks writers.
 */

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;

function list(values: readonly string[]): RawBuilder<unknown> {
  return sql.join(values.map((v) => sql`${v}`));
}

/** Grants (alias `g`) held by the user directly or through one of the user's groups (read live). */
function grantee(userId: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(g.user_id = ${userId} or g.group_id in (select gm.group_id from group_members gm where gm.user_id = ${userId}))`;
}

/**
 * Member rule: no album on the path from the root to `albumId` is hidden, and every private one has a grant on
 * itself or an ancestor for the user (grants inherit downward).
 */
function memberAlbumViewable(userId: string | undefined, albumId: Expression<unknown>): RawBuilder<SqlBool> {
  const granted =
    userId === undefined
      ? FALSE
      : sql<SqlBool>`exists (select 1 from album_closure vgc inner join album_grants g on g.album_id = vgc.ancestor_id where vgc.descendant_id = vx.id and ${grantee(userId)})`;
  return sql<SqlBool>`not exists (select 1 from album_closure vc inner join albums vx on vx.id = vc.ancestor_id where vc.descendant_id = ${albumId} and (vx.visibility = 'hidden' or (vx.visibility <> 'public' and not ${granted})))`;
}

/** The share link is neither revoked nor expired (checked on every query, so revocation is immediate). */
function shareLive(actor: ShareActor, now: number): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from share_links sl where sl.id = ${actor.shareId} and sl.revoked_at is null and (sl.expires_at is null or sl.expires_at > ${now}))`;
}

/** The album is in the shared subtree, with no hidden album below the shared root on its path. */
function shareAlbumViewable(
  actor: ShareActor,
  albumId: Expression<unknown>,
  now: number,
): RawBuilder<SqlBool> {
  if (actor.albumId === null) return FALSE;
  return sql<SqlBool>`(${shareLive(actor, now)} and exists (select 1 from album_closure sc where sc.ancestor_id = ${actor.albumId} and sc.descendant_id = ${albumId}) and not exists (select 1 from album_closure shx inner join album_closure shr on shr.descendant_id = shx.ancestor_id inner join albums sha on sha.id = shx.ancestor_id where shx.descendant_id = ${albumId} and shr.ancestor_id = ${actor.albumId} and shr.depth > 0 and sha.visibility = 'hidden'))`;
}

/**
 * True when the album whose id is `albumId` (a column reference, e.g. `sql.ref("a.id")`) is viewable by
 * `actor`: every album from the root down to it is public or covered by a grant of the actor on itself or an
 * ancestor, and none is hidden (hidden albums are for admins); admins see all; a token also stays inside its
 * album limits; a share link sees its live subtree.
 */
export function albumViewable(actor: Actor, albumId: Expression<unknown>): Expression<SqlBool> {
  switch (actor.kind) {
    case "system":
      return TRUE;
    case "guest":
      return memberAlbumViewable(undefined, albumId);
    case "user":
      return hasAdminView(actor) ? TRUE : memberAlbumViewable(actor.userId, albumId);
    case "token": {
      const base = hasAdminView(actor) ? TRUE : memberAlbumViewable(actor.userId, albumId);
      if (actor.albumIds === null) return base;
      if (actor.albumIds.length === 0) return FALSE;
      return sql<SqlBool>`(${base} and exists (select 1 from album_closure tlc where tlc.descendant_id = ${albumId} and tlc.ancestor_id in (${list(actor.albumIds)})))`;
    }
    case "share":
      return shareAlbumViewable(actor, albumId, Date.now());
  }
}

/**
 * The albums viewable by a member (or a guest, `userId` undefined) as one uncorrelated subquery: a recursive walk
 * down the tree from the roots that never enters a hidden album nor a private one not covered by a grant on
 * itself or an ancestor (`covered` carries "granted here or above" down the path). It computes the same set as
 * {@link memberAlbumViewable} over all albums, but once per statement: its cost grows with the number of
 * viewable albums (and their children), not with the rows it filters.
 */
function memberViewableSet(userId: string | undefined): RawBuilder<unknown> {
  const granted = (album: Expression<unknown>) =>
    userId === undefined
      ? FALSE
      : sql<SqlBool>`${album} in (select g.album_id from album_grants g where ${grantee(userId)})`;
  const root = sql.ref("vr.id");
  const child = sql.ref("vch.id");
  return sql`with recursive viewable_albums (id, covered) as (select vr.id, case when ${granted(root)} then 1 else 0 end from albums vr where vr.parent_id is null and vr.visibility <> 'hidden' and (vr.visibility = 'public' or ${granted(root)}) union all select vch.id, case when va.covered = 1 or ${granted(child)} then 1 else 0 end from viewable_albums va inner join albums vch on vch.parent_id = va.id where vch.visibility <> 'hidden' and (vch.visibility = 'public' or va.covered = 1 or ${granted(child)})) select id from viewable_albums`;
}

/**
 * A subquery selecting the ids of every album `actor` may view (the same set as {@link albumViewable}), or `null`
 * when the actor may view every album (admins, system). It is uncorrelated, so the database evaluates it once per
 * statement (SQLite materialises an `in (…)` subquery once; PostgreSQL hashes it): use it with
 * `album_id in (…)` where a statement checks many rows against the rule (search), and {@link albumViewable}
 * where it checks few (its cost is per row, this one's per statement and proportional to the albums).
 */
export function viewableAlbumIds(actor: Actor): RawBuilder<unknown> | null {
  switch (actor.kind) {
    case "system":
      return null;
    case "guest":
      return memberViewableSet(undefined);
    case "user":
      return hasAdminView(actor) ? null : memberViewableSet(actor.userId);
    case "token": {
      if (actor.albumIds !== null && actor.albumIds.length === 0)
        return sql`select vt.id from albums vt where 1 = 0`;
      const limited =
        actor.albumIds === null
          ? TRUE
          : sql<SqlBool>`exists (select 1 from album_closure tlc where tlc.descendant_id = vt.id and tlc.ancestor_id in (${list(actor.albumIds)}))`;
      if (hasAdminView(actor))
        return actor.albumIds === null ? null : sql`select vt.id from albums vt where ${limited}`;
      const base = memberViewableSet(actor.userId);
      if (actor.albumIds === null) return base;
      return sql`select vt.id from albums vt where vt.id in (${base}) and ${limited}`;
    }
    case "share": {
      if (actor.albumId === null) return sql`select vt.id from albums vt where 1 = 0`;
      return sql`select vs.descendant_id from album_closure vs where vs.ancestor_id = ${actor.albumId} and ${shareAlbumViewable(actor, sql.ref("vs.descendant_id"), Date.now())}`;
    }
  }
}

/** References to the columns of the photo being filtered. */
export interface PhotoColumns {
  id: Expression<unknown>;
  privacyLevel: Expression<unknown>;
  uploaderId: Expression<unknown>;
}

/** Column references for a photos table aliased `alias`. */
export function photoColumns(alias: string): PhotoColumns {
  return {
    id: sql.ref(`${alias}.id`),
    privacyLevel: sql.ref(`${alias}.privacy_level`),
    uploaderId: sql.ref(`${alias}.uploader_id`),
  };
}

/** Options of {@link photoVisible}. */
export interface PhotoVisibleOptions {
  /**
   * Check the photo's albums against the actor's viewable album set ({@link viewableAlbumIds}), computed once per
   * statement, instead of evaluating the album rule per photo. Same result; cheaper when a statement checks many
   * photos (hundreds of search candidates in a deep tree), dearer when it checks a few.
   * @default false
   */
  albumSet?: boolean;
}

/**
 * True when the photo (given by its column references) is visible to `actor`: admins; its uploader (not
 * through an album-limited token); anyone who may view an album containing it and whose privacy level is at
 * least the photo's; a share link covering it (its subtree or its photo set) up to the link's level.
 */
export function photoVisible(
  actor: Actor,
  photo: PhotoColumns,
  options: PhotoVisibleOptions = {},
): Expression<SqlBool> {
  if (actor.kind === "system") return TRUE;
  if (hasAdminView(actor) && !(actor.kind === "token" && actor.albumIds !== null)) return TRUE;
  const set = options.albumSet === true ? viewableAlbumIds(actor) : null;
  // `limit 1 offset 0` keeps the check a per-row probe of `album_photos_photo_idx` that stops at the first
  // viewable album. Without it PostgreSQL (which cannot make a semi-join of an EXISTS under the uploader `or`)
  // may pick a *hashed* SubPlan: the album check for every row of `album_photos` before the first row comes
  // out, O(library) per query. An OFFSET stops the planner from rewriting the EXISTS into a hashable ANY.
  // `|| ''` keeps SQLite from probing `album_photos` once per album of the set (it would use the (photo_id,
  // album_id) index for the `in`): the photo's own rows, one or two, are tested against the set instead.
  const albumCheck =
    set === null
      ? albumViewable(actor, sql.ref("vap.album_id"))
      : sql<SqlBool>`(vap.album_id || '') in (${set})`;
  const inViewableAlbum = sql<SqlBool>`exists (select 1 from album_photos vap where vap.photo_id = ${photo.id} and ${albumCheck} limit 1 offset 0)`;
  const level = sql<SqlBool>`${photo.privacyLevel} <= ${actorPrivacyLevel(actor)}`;
  if (actor.kind === "share") {
    const inSet = sql<SqlBool>`(${shareLive(actor, Date.now())} and exists (select 1 from share_link_photos slp where slp.share_id = ${actor.shareId} and slp.photo_id = ${photo.id}))`;
    return sql<SqlBool>`(${level} and (${inSet} or ${inViewableAlbum}))`;
  }
  const byAlbum = sql<SqlBool>`(${level} and ${inViewableAlbum})`;
  const userId = actorUserId(actor);
  if (userId === undefined || (actor.kind === "token" && actor.albumIds !== null)) return byAlbum;
  // `is not null` keeps the expression two-valued, so it may be negated safely.
  return sql<SqlBool>`((${photo.uploaderId} is not null and ${photo.uploaderId} = ${userId}) or ${byAlbum})`;
}

/**
 * {@link photoVisible} for a photo read through an album the statement already knows `actor` may view (the
 * album page, an album's count and cover): the "in a viewable album" half of the rule then holds, so what is
 * left is the privacy level, or being the uploader, or being an admin. Same result as {@link photoVisible} for
 * every photo of a viewable album, without the per-photo probe of `album_photos` and the album rule; wrong for
 * any other photo, so use it only under an {@link albumViewable} check of that album (the agreement test
 * compares both for every album of random worlds).
 */
export function photoVisibleInViewableAlbum(actor: Actor, photo: PhotoColumns): Expression<SqlBool> {
  if (actor.kind === "system") return TRUE;
  if (hasAdminView(actor) && !(actor.kind === "token" && actor.albumIds !== null)) return TRUE;
  const level = sql<SqlBool>`${photo.privacyLevel} <= ${actorPrivacyLevel(actor)}`;
  if (actor.kind === "share") return level;
  const userId = actorUserId(actor);
  if (userId === undefined || (actor.kind === "token" && actor.albumIds !== null)) return level;
  return sql<SqlBool>`((${photo.uploaderId} is not null and ${photo.uploaderId} = ${userId}) or ${level})`;
}
