import { type Expression, type SqlBool, sql } from "kysely";
import { type Actor, actorPrivacyLevel, isAdminActor } from "../actor.js";

/**
 * SQL side of the visibility rule (DESIGN.md §3). Every query that can reveal an album or a photo filters
 * through these functions; `reference-rule.ts` is the pure twin the tests compare them with. They are plain SQL
 * fragments (values bound as parameters) so they fit any query and any alias.
 */

const TRUE = sql<SqlBool>`1 = 1`;

/**
 * True when the album whose id is `albumId` (a column reference, e.g. `sql.ref("a.id")`) is viewable by
 * `actor`: the album and every ancestor are viewable on their own (public, for now: grants extend this).
 */
export function albumViewable(actor: Actor, albumId: Expression<unknown>): Expression<SqlBool> {
  if (isAdminActor(actor)) return TRUE;
  return sql<SqlBool>`not exists (select 1 from album_closure vc inner join albums va on va.id = vc.ancestor_id where vc.descendant_id = ${albumId} and va.visibility <> 'public')`;
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

/** True when the photo (given by its column references) is visible to `actor`. */
export function photoVisible(actor: Actor, photo: PhotoColumns): Expression<SqlBool> {
  if (isAdminActor(actor)) return TRUE;
  const inViewableAlbum = sql<SqlBool>`(${photo.privacyLevel} <= ${actorPrivacyLevel(actor)} and exists (select 1 from album_photos vap where vap.photo_id = ${photo.id} and ${albumViewable(actor, sql.ref("vap.album_id"))}))`;
  if (actor.kind === "user")
    return sql<SqlBool>`(${photo.uploaderId} = ${actor.userId} or ${inViewableAlbum})`;
  return inViewableAlbum;
}
