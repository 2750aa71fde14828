import { type Kysely, sql } from "kysely";
import { albumViewable, photoColumns, photoVisible } from "../access/visibility.js";
import { type Actor, isAdminActor } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { HookBus } from "../hooks.js";
import { newId } from "../ids.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { Album, AlbumVisibility, Page, PageInput } from "../types.js";
import { slugify, toAlbum } from "./mappers.js";

/** Input of {@link AlbumService.create}. */
export interface CreateAlbumInput {
  name: string;
  description?: string | undefined;
  parentId?: string | null | undefined;
  visibility?: AlbumVisibility | undefined;
}

/** Albums: a tree of any depth (closure table). */
export interface AlbumService {
  /** Create an album (owners and admins). */
  create(actor: Actor, input: CreateAlbumInput): Promise<Album>;
  /** One album the actor may view, or `NOT_FOUND`. */
  get(actor: Actor, id: string): Promise<Album>;
  /** Albums under `parentId` (`null`: root albums) that the actor may view, in manual order. */
  list(actor: Actor, input?: PageInput & { parentId?: string | null | undefined }): Promise<Page<Album>>;
  /** The album's ancestors, root first (only called for an album the actor may view). */
  ancestors(actor: Actor, id: string): Promise<Album[]>;
}

/** @internal */
export function createAlbumService(deps: { db: Kysely<DB>; hooks: HookBus }): AlbumService {
  const { db, hooks } = deps;

  function selectAlbums(actor: Actor) {
    return db
      .selectFrom("albums as a")
      .selectAll("a")
      .select((eb) => [
        eb
          .selectFrom("album_photos as cap")
          .innerJoin("photos as cp", "cp.id", "cap.photo_id")
          .select((e) => e.fn.countAll<number>().as("n"))
          .whereRef("cap.album_id", "=", "a.id")
          .where(photoVisible(actor, photoColumns("cp")))
          .as("visible_count"),
        eb
          .selectFrom("album_photos as cvp")
          .innerJoin("photos as cv", "cv.id", "cvp.photo_id")
          .select("cv.id")
          .whereRef("cvp.album_id", "=", "a.id")
          .where(photoVisible(actor, photoColumns("cv")))
          // The explicit cover first when it is visible, then manual order.
          .orderBy(sql`case when cv.id = a.cover_photo_id then 0 else 1 end`)
          .orderBy("cvp.rank")
          .orderBy("cvp.photo_id")
          .limit(1)
          .as("visible_cover_id"),
      ]);
  }

  async function get(actor: Actor, id: string): Promise<Album> {
    const row = await selectAlbums(actor)
      .where("a.id", "=", id)
      .where(albumViewable(actor, sql.ref("a.id")))
      .executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such album." });
    return toAlbum(row);
  }

  return {
    async create(actor, input) {
      if (!isAdminActor(actor))
        throw new GalleryError("FORBIDDEN", { detail: "Only admins may create albums." });
      const fields = {
        name: input.name.trim(),
        description: input.description ?? "",
        visibility: input.visibility ?? ("public" as AlbumVisibility),
        parentId: input.parentId ?? null,
      };
      await hooks.before("album:create:before", { actor, fields });
      if (fields.name.length === 0 || fields.name.length > 255) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "name", message: "1–255 characters" }],
        });
      }
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
            owner_id: actor.kind === "user" ? actor.userId : null,
            created_at: now,
            updated_at: now,
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
        .where(albumViewable(actor, sql.ref("a.id")))
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
        .where(albumViewable(actor, sql.ref("a.id")))
        .orderBy("anc.depth", "desc")
        .execute();
      return rows.map(toAlbum);
    },
  };
}
