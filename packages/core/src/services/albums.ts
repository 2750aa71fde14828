import { type Expression, type Kysely, type RawBuilder, sql } from "kysely";
import { EVERY_LOCATION } from "../access/location.js";
import { assertCanCreateAlbum, assertCanManageAlbum } from "../access/permissions.js";
import {
  albumViewable,
  photoColumns,
  photoVisible,
  photoVisibleInViewableAlbum,
} from "../access/visibility.js";
import { type Actor, actorUserId } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { AlbumFields } from "../hook-contexts.js";
import type { HookBus } from "../hooks.js";
import { newId } from "../ids.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { Album, AlbumVisibility, Page, PageInput, PhotoOrder } from "../types.js";
import { recordEvent } from "./events.js";
import { slugify, toAlbum, toPhoto } from "./mappers.js";
import { type PurgeDeps, purgePhotos } from "./photo-purge.js";
import { createSearchIndex } from "./search-index.js";

/** The photo orders an album accepts. */
export const PHOTO_ORDERS: readonly PhotoOrder[] = ["manual", "takenAt", "addedAt", "title"];

/** Input of {@link AlbumService.create}. */
export interface CreateAlbumInput {
  name: string;
  description?: string | undefined;
  parentId?: string | null | undefined;
  visibility?: AlbumVisibility | undefined;
  /** @default "manual" */
  photoOrder?: PhotoOrder | undefined;
}

/** Input of {@link AlbumService.update}: only the given fields change. */
export interface UpdateAlbumInput {
  /** New name; the slug follows (old links redirect: album URLs carry the id). */
  name?: string | undefined;
  description?: string | undefined;
  visibility?: AlbumVisibility | undefined;
  photoOrder?: PhotoOrder | undefined;
  /** Explicit cover photo, or null to go back to the automatic one. */
  coverPhotoId?: string | null | undefined;
  /** Move the album under another parent (`null`: to the root). Moving under itself or a descendant is refused. */
  parentId?: string | null | undefined;
}

/** What to do with photos that a deleted album leaves in no album. */
export type OrphanPolicy = "keep" | "delete";

/** Result of {@link AlbumService.delete}. */
export interface DeleteAlbumResult {
  /** The album and its sub-albums that were deleted. */
  albumIds: string[];
  /** Photos that were deleted with them (policy `delete`). */
  deletedPhotoIds: string[];
  /** Photos now in no album, kept (policy `keep`). */
  orphanedPhotoIds: string[];
}

/** Albums: a tree of any depth (closure table). */
export interface AlbumService {
  /** Create an album. */
  create(actor: Actor, input: CreateAlbumInput): Promise<Album>;
  /** One album the actor may view, or `NOT_FOUND`. */
  get(actor: Actor, id: string): Promise<Album>;
  /** Albums under `parentId` (`null`: root albums) that the actor may view, in manual order. */
  list(actor: Actor, input?: PageInput & { parentId?: string | null | undefined }): Promise<Page<Album>>;
  /** The album's ancestors, root first (only called for an album the actor may view). */
  ancestors(actor: Actor, id: string): Promise<Album[]>;
  /** Rename, describe, re-sort, set the cover, change visibility or move an album. */
  update(actor: Actor, id: string, input: UpdateAlbumInput): Promise<Album>;
  /**
   * Set the manual order of the sub-albums of `parentId` (`null`: root albums). `albumIds` come first in that
   * order; siblings not listed keep their relative order after them.
   */
  reorder(actor: Actor, parentId: string | null, albumIds: readonly string[]): Promise<Album[]>;
  /**
   * Delete an album and its sub-albums. Photos left in no album are kept as orphans (`keep`, seen only by
   * admins and their uploader) or deleted with their files and derivatives (`delete`).
   */
  delete(actor: Actor, id: string, options: { orphans: OrphanPolicy }): Promise<DeleteAlbumResult>;
}

/** @internal */
export interface AlbumServiceDeps {
  db: Kysely<DB>;
  hooks: HookBus;
  /** Deletes photos with their files (for the `delete` orphan policy). */
  purge: PurgeDeps;
}

/**
 * The first photo (in manual order) of the album `albumId` that `actor` may see, or null: a walk of
 * `album_photos_rank_idx` that stops at the first hit. `p` prefixes the aliases so probes can nest. With
 * `viewable`, the caller has already checked that `actor` may view the album, so only the photo's privacy
 * level (or uploader) is tested ({@link photoVisibleInViewableAlbum}).
 */
function firstVisiblePhoto(
  actor: Actor,
  albumId: Expression<unknown>,
  p: string,
  viewable: boolean,
): RawBuilder<string | null> {
  const ap = sql.table(`${p}ap`);
  const ph = sql.table(`${p}p`);
  const columns = photoColumns(`${p}p`);
  const visible = viewable ? photoVisibleInViewableAlbum(actor, columns) : photoVisible(actor, columns);
  return sql<
    string | null
  >`(select ${sql.ref(`${p}p.id`)} from album_photos as ${ap} inner join photos as ${ph} on ${sql.ref(`${p}p.id`)} = ${sql.ref(`${p}ap.photo_id`)}
    where ${sql.ref(`${p}ap.album_id`)} = ${albumId} and ${visible}
    order by ${sql.ref(`${p}ap.rank`)}, ${sql.ref(`${p}ap.photo_id`)} limit 1)`;
}

/**
 * Cover from the sub-albums of `a`: the first visible photo of the first viewable sub-album (by depth, then
 * album rank and id) that has one. The direct children come first, read in order from `albums_parent_rank_idx`
 * (no sort) and probed until one answers, which settles nearly every album; only when none does are the deeper
 * sub-albums sorted (album rows only) and probed. The inner `limit` is a planner fence on both engines: it keeps
 * the ordered album rows below the probes, so they run in order and stop at the first sub-album that answers,
 * instead of being pushed down and run for every sub-album (each probe is evaluated again only for the row
 * returned).
 */
function firstSubAlbumCover(actor: Actor): RawBuilder<string | null> {
  // Aliases of their own (`cvk`, `cvd`): the visibility rule's subqueries use short aliases such as `sc`.
  const child = firstVisiblePhoto(actor, sql.ref("cvk.id"), "k", true);
  const deeper = firstVisiblePhoto(actor, sql.ref("cvd.id"), "s", true);
  return sql<string | null>`coalesce((select ${child} from (
      select ch.id from albums ch where ch.parent_id = a.id order by ch.rank, ch.id limit ${SUB_ALBUM_FENCE}
    ) cvk
    where ${albumViewable(actor, sql.ref("cvk.id"))} and ${child} is not null
    limit 1), (select ${deeper} from (
      select dc.descendant_id as id from album_closure dc inner join albums sd on sd.id = dc.descendant_id
      where dc.ancestor_id = a.id and dc.depth > 1
      order by dc.depth, sd.rank, sd.id limit ${SUB_ALBUM_FENCE}
    ) cvd
    where ${albumViewable(actor, sql.ref("cvd.id"))} and ${deeper} is not null
    limit 1))`;
}

/** Larger than any album count: the `limit` in {@link firstSubAlbumCover} is a fence, never a cut-off. */
const SUB_ALBUM_FENCE = 2_147_483_647;

/** @internal */
export function createAlbumService(deps: AlbumServiceDeps): AlbumService {
  const { db, hooks } = deps;
  const index = createSearchIndex(db, deps.purge.kind);

  /**
   * Albums with the actor's view of them: the visible photo count and cover. By default only albums `actor`
   * may view, which lets the counts and covers test a photo's privacy level only (the album check is done once,
   * here, not once per photo); `"any"` (a manager's view for hooks) applies the whole rule to every photo.
   */
  function selectAlbums(actor: Actor, scope: "viewable" | "any" = "viewable") {
    const viewable = scope === "viewable";
    const visible = (alias: string) =>
      viewable
        ? photoVisibleInViewableAlbum(actor, photoColumns(alias))
        : photoVisible(actor, photoColumns(alias));
    const query = db
      .selectFrom("albums as a")
      .selectAll("a")
      .select((eb) => [
        eb
          .selectFrom("album_photos as cap")
          .innerJoin("photos as cp", "cp.id", "cap.photo_id")
          .select((e) => e.fn.countAll<number>().as("n"))
          .whereRef("cap.album_id", "=", "a.id")
          .where(visible("cp"))
          .as("visible_count"),
        // The cover: the explicit one when visible, else the first visible photo of the album, else the first
        // visible photo of the first sub-album (nearest first, then in album order) that has one. Only photos
        // the actor may see can ever be chosen. Every step is bounded: `coalesce` evaluates lazily, a probe walks
        // `album_photos_rank_idx` and stops at the first visible photo, and the sub-albums (album rows only,
        // no photos) are sorted first and probed in that order (see `firstSubAlbumCover`). The explicit cover
        // must sit in a viewable album of the subtree, so its own test is the level one.
        sql<string | null>`coalesce(
          (select ec.id from photos ec
            where ec.id = a.cover_photo_id
              and ${photoVisibleInViewableAlbum(actor, photoColumns("ec"))}
              and exists (select 1 from album_photos eap inner join album_closure ecc on ecc.descendant_id = eap.album_id
                where eap.photo_id = ec.id and ecc.ancestor_id = a.id and ${albumViewable(actor, sql.ref("ecc.descendant_id"))})),
          ${firstVisiblePhoto(actor, sql.ref("a.id"), "d", viewable)},
          ${firstSubAlbumCover(actor)}
        )`.as("visible_cover_id"),
      ]);
    return viewable ? query.where(albumViewable(actor, sql.ref("a.id"))) : query;
  }

  async function get(actor: Actor, id: string): Promise<Album> {
    const row = await selectAlbums(actor).where("a.id", "=", id).executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such album." });
    return toAlbum(row);
  }

  function checkName(name: string): void {
    if (name.length === 0 || name.length > 255) {
      throw new GalleryError("VALIDATION_FAILED", {
        errors: [{ path: "name", message: "1–255 characters" }],
      });
    }
  }

  function checkOrder(order: string): void {
    if (!PHOTO_ORDERS.includes(order as PhotoOrder)) {
      throw new GalleryError("VALIDATION_FAILED", {
        errors: [{ path: "photoOrder", message: PHOTO_ORDERS.join(", ") }],
      });
    }
  }

  async function requireAlbum(id: string): Promise<{ id: string; parent_id: string | null }> {
    const row = await db
      .selectFrom("albums")
      .select(["id", "parent_id"])
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such album." });
    return row;
  }

  /** The album as a `before` hook sees it: a manager sees it whatever its visibility. */
  async function albumForHook(actor: Actor, id: string): Promise<Album> {
    const row = await selectAlbums(actor, "any").where("a.id", "=", id).executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such album." });
    return toAlbum(row);
  }

  async function photoIdsInSubtree(albumId: string): Promise<string[]> {
    const rows = await db
      .selectFrom("album_photos as ap")
      .innerJoin("album_closure as c", "c.descendant_id", "ap.album_id")
      .select("ap.photo_id")
      .distinct()
      .where("c.ancestor_id", "=", albumId)
      .execute();
    return rows.map((r) => r.photo_id);
  }

  return {
    async create(actor, input) {
      await assertCanCreateAlbum(db, actor, input.parentId ?? null);
      const fields = {
        name: input.name.trim(),
        description: input.description ?? "",
        visibility: input.visibility ?? ("public" as AlbumVisibility),
        parentId: input.parentId ?? null,
      };
      const photoOrder = input.photoOrder ?? "manual";
      checkOrder(photoOrder);
      await hooks.before("album:create:before", { actor, fields });
      checkName(fields.name);
      const id = newId();
      const now = Date.now();
      await db.transaction().execute(async (trx) => {
        if (fields.parentId !== null) {
          const parent = await trx
            .selectFrom("albums")
            .select("id")
            .where("id", "=", fields.parentId)
            .executeTakeFirst();
          if (!parent) throw new GalleryError("NOT_FOUND", { detail: "No such parent album." });
        }
        const maxRank = await trx
          .selectFrom("albums")
          .select((eb) => eb.fn.max<number>("rank").as("r"))
          .where((eb) =>
            fields.parentId === null ? eb("parent_id", "is", null) : eb("parent_id", "=", fields.parentId),
          )
          .executeTakeFirst();
        await trx
          .insertInto("albums")
          .values({
            id,
            parent_id: fields.parentId,
            name: fields.name,
            slug: slugify(fields.name),
            description: fields.description,
            visibility: fields.visibility,
            rank: (maxRank?.r ?? -1) + 1,
            cover_photo_id: null,
            owner_id: actorUserId(actor) ?? null,
            created_at: now,
            updated_at: now,
            photo_order: photoOrder,
          })
          .execute();
        await trx
          .insertInto("album_closure")
          .values({ ancestor_id: id, descendant_id: id, depth: 0 })
          .execute();
        if (fields.parentId !== null) {
          await trx
            .insertInto("album_closure")
            .columns(["ancestor_id", "descendant_id", "depth"])
            .expression(
              trx
                .selectFrom("album_closure")
                .select(["ancestor_id", sql.lit(id).as("descendant_id"), sql<number>`depth + 1`.as("depth")])
                .where("descendant_id", "=", fields.parentId),
            )
            .execute();
        }
        await recordEvent(trx, actor, {
          type: "album.created",
          subjectType: "album",
          subjectId: id,
          albumId: id,
          ownerUserId: actorUserId(actor) ?? null,
          data: {
            parentId: fields.parentId,
            name: fields.name,
            visibility: fields.visibility,
          },
        });
      });
      const album = await get(actor, id);
      await hooks.after("album:create:after", { actor, album });
      return album;
    },

    get,

    async list(actor, input = {}) {
      const limit = pageLimit(input.limit);
      const parentId = input.parentId ?? null;
      let query = selectAlbums(actor)
        .where((eb) => (parentId === null ? eb("a.parent_id", "is", null) : eb("a.parent_id", "=", parentId)))
        .orderBy("a.rank")
        .orderBy("a.id")
        .limit(limit + 1);
      if (input.cursor) {
        const [rank, id] = decodeCursor(input.cursor, ["n", "s"]) as [number, string];
        query = query.where((eb) =>
          eb.or([eb("a.rank", ">", rank), eb.and([eb("a.rank", "=", rank), eb("a.id", ">", id)])]),
        );
      }
      const rows = await query.execute();
      const items = rows.slice(0, limit).map(toAlbum);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.rank, last.id]) : null };
    },

    async ancestors(actor, id) {
      const rows = await selectAlbums(actor)
        .innerJoin("album_closure as anc", "anc.ancestor_id", "a.id")
        .where("anc.descendant_id", "=", id)
        .where("anc.depth", ">", 0)
        .orderBy("anc.depth", "desc")
        .execute();
      return rows.map(toAlbum);
    },

    async update(actor, id, rawInput) {
      const current = await requireAlbum(id);
      await assertCanManageAlbum(db, actor, id);
      // `album:update:before` sees (and may change) the editable fields about to change.
      const fieldPatch: Partial<AlbumFields> = {};
      if (rawInput.name !== undefined) fieldPatch.name = rawInput.name;
      if (rawInput.description !== undefined) fieldPatch.description = rawInput.description;
      if (rawInput.visibility !== undefined) fieldPatch.visibility = rawInput.visibility;
      if (rawInput.parentId !== undefined) fieldPatch.parentId = rawInput.parentId;
      if (hooks.has("album:update:before")) {
        await hooks.before("album:update:before", {
          actor,
          current: await albumForHook(actor, id),
          patch: fieldPatch,
        });
      }
      const input: UpdateAlbumInput = {
        photoOrder: rawInput.photoOrder,
        coverPhotoId: rawInput.coverPhotoId,
        ...fieldPatch,
      };
      const patch: {
        name?: string;
        slug?: string;
        description?: string;
        visibility?: AlbumVisibility;
        photo_order?: PhotoOrder;
        cover_photo_id?: string | null;
      } = {};
      if (input.name !== undefined) {
        const name = input.name.trim();
        checkName(name);
        patch.name = name;
        patch.slug = slugify(name);
      }
      if (input.description !== undefined) patch.description = input.description;
      if (input.visibility !== undefined) {
        if (!["public", "private", "hidden"].includes(input.visibility)) {
          throw new GalleryError("VALIDATION_FAILED", {
            errors: [{ path: "visibility", message: "public, private or hidden" }],
          });
        }
        patch.visibility = input.visibility;
      }
      if (input.photoOrder !== undefined) {
        checkOrder(input.photoOrder);
        patch.photo_order = input.photoOrder;
      }
      if (input.coverPhotoId !== undefined) {
        if (input.coverPhotoId !== null) {
          // The cover must be a photo of the album or of one of its sub-albums.
          const inTree = await db
            .selectFrom("album_photos as ap")
            .innerJoin("album_closure as c", "c.descendant_id", "ap.album_id")
            .select("ap.photo_id")
            .where("c.ancestor_id", "=", id)
            .where("ap.photo_id", "=", input.coverPhotoId)
            .executeTakeFirst();
          if (!inTree) {
            throw new GalleryError("VALIDATION_FAILED", {
              errors: [{ path: "coverPhotoId", message: "not a photo of this album or its sub-albums" }],
            });
          }
        }
        patch.cover_photo_id = input.coverPhotoId;
      }
      const moving = input.parentId !== undefined && input.parentId !== current.parent_id;
      const newParent = input.parentId ?? null;
      if (moving) {
        if (newParent !== null) {
          await requireAlbum(newParent);
          const cycle = await db
            .selectFrom("album_closure")
            .select("depth")
            .where("ancestor_id", "=", id)
            .where("descendant_id", "=", newParent)
            .executeTakeFirst();
          if (cycle) {
            throw new GalleryError("ALBUM_CYCLE", {
              detail: "An album cannot be moved under itself or one of its sub-albums.",
            });
          }
        }
        await assertCanCreateAlbum(db, actor, newParent);
      }
      const renamed = patch.name !== undefined;
      await db.transaction().execute(async (trx) => {
        if (moving) {
          // Detach the subtree from its old ancestors, then attach it under the new parent's ancestors.
          await sql`delete from album_closure
            where descendant_id in (select descendant_id from album_closure where ancestor_id = ${id})
              and ancestor_id not in (select descendant_id from album_closure where ancestor_id = ${id})`.execute(
            trx,
          );
          if (newParent !== null) {
            await sql`insert into album_closure (ancestor_id, descendant_id, depth)
              select p.ancestor_id, c.descendant_id, p.depth + c.depth + 1
              from album_closure p cross join album_closure c
              where p.descendant_id = ${newParent} and c.ancestor_id = ${id}`.execute(trx);
          }
          const maxRank = await trx
            .selectFrom("albums")
            .select((eb) => eb.fn.max<number>("rank").as("r"))
            .where((eb) =>
              newParent === null ? eb("parent_id", "is", null) : eb("parent_id", "=", newParent),
            )
            .executeTakeFirst();
          await trx
            .updateTable("albums")
            .set({ parent_id: newParent, rank: (maxRank?.r ?? -1) + 1 })
            .where("id", "=", id)
            .execute();
        }
        await trx
          .updateTable("albums")
          .set({ ...patch, updated_at: Date.now() })
          .where("id", "=", id)
          .execute();
        if (moving) {
          await recordEvent(trx, actor, {
            type: "album.moved",
            subjectType: "album",
            subjectId: id,
            albumId: id,
            data: { parentId: newParent },
          });
        }
        const changed = Object.keys(patch).filter((k) => k !== "slug");
        if (changed.length > 0) {
          await recordEvent(trx, actor, {
            type: "album.updated",
            subjectType: "album",
            subjectId: id,
            albumId: id,
            data: {
              changed: changed.map((k) =>
                k === "photo_order" ? "photoOrder" : k === "cover_photo_id" ? "coverPhotoId" : k,
              ),
              ...(patch.name !== undefined ? { name: patch.name } : {}),
              ...(patch.description !== undefined ? { description: patch.description } : {}),
              ...(patch.visibility !== undefined ? { visibility: patch.visibility } : {}),
              ...(patch.photo_order !== undefined ? { photoOrder: patch.photo_order } : {}),
            },
          });
        }
      });
      if (renamed) await index.reindex(await photoIdsDirect(db, id));
      const album = await get(actor, id);
      await hooks.after("album:update:after", { actor, album });
      return album;
    },

    async reorder(actor, parentId, albumIds) {
      if (parentId === null) await assertCanCreateAlbum(db, actor, null);
      else {
        await requireAlbum(parentId);
        await assertCanManageAlbum(db, actor, parentId);
      }
      const siblings = await db
        .selectFrom("albums")
        .select(["id", "rank"])
        .where((eb) => (parentId === null ? eb("parent_id", "is", null) : eb("parent_id", "=", parentId)))
        .orderBy("rank")
        .orderBy("id")
        .execute();
      const known = new Set(siblings.map((s) => s.id));
      const wanted = [...new Set(albumIds)];
      const stranger = wanted.find((a) => !known.has(a));
      if (stranger !== undefined) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "albumIds", message: `${stranger} is not a sub-album of this parent` }],
        });
      }
      const listed = new Set(wanted);
      const order = [...wanted, ...siblings.map((s) => s.id).filter((s) => !listed.has(s))];
      const rankOf = new Map(siblings.map((s) => [s.id, s.rank]));
      await db.transaction().execute(async (trx) => {
        for (const [rank, albumId] of order.entries()) {
          if (rankOf.get(albumId) === rank) continue;
          await trx.updateTable("albums").set({ rank }).where("id", "=", albumId).execute();
          // One event per album whose place changed (each is shown to whoever may see that album).
          await recordEvent(trx, actor, {
            type: "album.updated",
            subjectType: "album",
            subjectId: albumId,
            albumId,
            data: { changed: ["rank"], rank },
          });
        }
      });
      const out: Album[] = [];
      for (const albumId of order) {
        const row = await selectAlbums(actor).where("a.id", "=", albumId).executeTakeFirst();
        if (row) out.push(toAlbum(row));
      }
      return out;
    },

    async delete(actor, id, options) {
      await requireAlbum(id);
      await assertCanManageAlbum(db, actor, id);
      if (options.orphans !== "keep" && options.orphans !== "delete") {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "orphans", message: "keep or delete" }],
        });
      }
      if (hooks.has("album:delete:before")) {
        await hooks.before("album:delete:before", { actor, target: await albumForHook(actor, id) });
      }
      const subtree = (
        await db.selectFrom("album_closure").select("descendant_id").where("ancestor_id", "=", id).execute()
      ).map((r) => r.descendant_id);
      const photoIds = await photoIdsInSubtree(id);
      // Photos that also sit in an album outside the subtree survive untouched.
      const elsewhere = new Set<string>();
      for (let i = 0; i < photoIds.length; i += 500) {
        const chunk = photoIds.slice(i, i + 500);
        const rows = await db
          .selectFrom("album_photos")
          .select("photo_id")
          .distinct()
          .where("photo_id", "in", chunk)
          .where("album_id", "not in", subtree)
          .execute();
        for (const r of rows) elsewhere.add(r.photo_id);
      }
      const orphans = photoIds.filter((p) => !elsewhere.has(p));
      if (options.orphans === "delete" && hooks.has("photo:delete:before")) {
        // Photos deleted with the album: their vetoes are heard before anything is deleted.
        for (const photoId of orphans) {
          const row = await db.selectFrom("photos").selectAll().where("id", "=", photoId).executeTakeFirst();
          if (row) await hooks.before("photo:delete:before", { actor, target: toPhoto(row, EVERY_LOCATION) });
        }
      }
      await db.transaction().execute(async (trx) => {
        // Deepest first, so no row ever points at a deleted parent (works with or without cascades).
        const ordered = await trx
          .selectFrom("album_closure")
          .innerJoin("albums", "albums.id", "album_closure.descendant_id")
          .select(["album_closure.descendant_id", "album_closure.depth", "albums.owner_id"])
          .where("album_closure.ancestor_id", "=", id)
          .orderBy("album_closure.depth", "desc")
          .execute();
        for (const row of ordered) {
          await recordEvent(trx, actor, {
            type: "album.deleted",
            subjectType: "album",
            subjectId: row.descendant_id,
            ownerUserId: row.owner_id,
            data: { albumId: row.descendant_id, orphans: options.orphans },
          });
        }
        for (const row of ordered) {
          await trx.deleteFrom("album_photos").where("album_id", "=", row.descendant_id).execute();
          await trx
            .deleteFrom("album_closure")
            .where((eb) =>
              eb.or([eb("descendant_id", "=", row.descendant_id), eb("ancestor_id", "=", row.descendant_id)]),
            )
            .execute();
          await trx.deleteFrom("albums").where("id", "=", row.descendant_id).execute();
        }
      });
      let deletedPhotoIds: string[] = [];
      if (options.orphans === "delete" && orphans.length > 0) {
        await purgePhotos(deps.purge, orphans, actor);
        deletedPhotoIds = orphans;
      }
      const survivors = photoIds.filter((p) => !deletedPhotoIds.includes(p));
      if (survivors.length > 0) await index.reindex(survivors);
      await hooks.after("album:delete:after", { actor, albumIds: subtree, deletedPhotoIds });
      if (deletedPhotoIds.length > 0)
        await hooks.after("photo:delete:after", { actor, photoIds: deletedPhotoIds });
      return {
        albumIds: subtree,
        deletedPhotoIds,
        orphanedPhotoIds: options.orphans === "keep" ? orphans : [],
      };
    },
  };
}

async function photoIdsDirect(db: Kysely<DB>, albumId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("album_photos")
    .select("photo_id")
    .where("album_id", "=", albumId)
    .execute();
  return rows.map((r) => r.photo_id);
}
