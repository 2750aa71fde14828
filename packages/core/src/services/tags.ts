import { type Kysely, type SqlBool, sql } from "kysely";
import { assertAdmin, assertCanEditPhoto } from "../access/permissions.js";
import { photoColumns, photoVisible } from "../access/visibility.js";
import { type Actor, isAdminActor } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { TagInfo } from "../hook-contexts.js";
import type { HookBus } from "../hooks.js";
import { newId } from "../ids.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { DatabaseKind } from "../ports/database.js";
import type { Page, PageInput, Tag } from "../types.js";
import { recordEvent } from "./events.js";
import { slugify, toTag } from "./mappers.js";
import { createSearchIndex } from "./search-index.js";

/** Tags: create, rename, merge, delete, tag photos in bulk, list with visible counts. */
export interface TagService {
  /**
   * Tags with the number of photos carrying them that the actor may see, by name. Guests and members only see
   * tags on at least one photo visible to them (a tag never reveals a hidden photo); admins see every tag.
   */
  list(actor: Actor, input?: PageInput & { query?: string | undefined }): Promise<Page<Tag>>;
  /** One tag (same visibility rule as {@link TagService.list}), or `NOT_FOUND`. */
  get(actor: Actor, id: string): Promise<Tag>;
  /** Create a tag (admins). `ALREADY_EXISTS` when the name exists (case-insensitively). */
  create(actor: Actor, input: { name: string }): Promise<Tag>;
  /** Rename a tag (admins). */
  update(actor: Actor, id: string, input: { name: string }): Promise<Tag>;
  /** Delete a tag (admins); photos keep existing. */
  delete(actor: Actor, id: string): Promise<void>;
  /** Merge `sourceIds` into `targetId` (admins): their photos get the target tag, the sources are deleted. */
  merge(actor: Actor, input: { targetId: string; sourceIds: readonly string[] }): Promise<Tag>;
  /**
   * Add tags (by name, created when missing) to photos the actor may edit. Returns the tags, in the order given.
   */
  tagPhotos(actor: Actor, input: { photoIds: readonly string[]; names: readonly string[] }): Promise<Tag[]>;
  /** Remove tags (by id) from photos the actor may edit. Returns how many links were removed. */
  untagPhotos(
    actor: Actor,
    input: { photoIds: readonly string[]; tagIds: readonly string[] },
  ): Promise<number>;
  /** The tags of one photo the actor may see. */
  ofPhoto(actor: Actor, photoId: string): Promise<Tag[]>;
}

/** @internal */
export interface TagServiceDeps {
  db: Kysely<DB>;
  kind: DatabaseKind;
  hooks: HookBus;
}

/** Normalise a tag name: trimmed, inner whitespace collapsed, 1–100 characters. */
export function cleanTagName(name: string): string {
  const cleaned = [...name]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join("")
    .replace(/\s+/g, " ")
    .trim();
  if (cleaned.length === 0 || cleaned.length > 100) {
    throw new GalleryError("VALIDATION_FAILED", { errors: [{ path: "name", message: "1–100 characters" }] });
  }
  return cleaned;
}

/** The key tags are compared by (`tags.name_key`): Unicode-normalised and lower-cased. @internal */
export const nameKey = (name: string) => name.normalize("NFKC").toLocaleLowerCase("en");

/**
 * Find or create tags by name inside `db` (a transaction or the root). Returns tag ids in input order. Every tag
 * it creates records a `tag.created` event by `actor` in `db`.
 * @internal
 */
export async function ensureTags(db: Kysely<DB>, names: readonly string[], actor: Actor): Promise<string[]> {
  const ids: string[] = [];
  for (const raw of names) {
    const name = cleanTagName(raw);
    const key = nameKey(name);
    const now = Date.now();
    const inserted = await db
      .insertInto("tags")
      .values({
        id: newId(),
        name,
        name_key: key,
        slug: slugify(name, "tag"),
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column("name_key").doNothing())
      .executeTakeFirst();
    const row = await db
      .selectFrom("tags")
      .select("id")
      .where("name_key", "=", key)
      .executeTakeFirstOrThrow();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
      await recordEvent(db, actor, {
        type: "tag.created",
        subjectType: "tag",
        subjectId: row.id,
        data: { name },
      });
    }
    ids.push(row.id);
  }
  return ids;
}

/** @internal */
export function createTagService(deps: TagServiceDeps): TagService {
  const { db, hooks } = deps;
  const index = createSearchIndex(db, deps.kind);

  function selectTags(actor: Actor) {
    return db
      .selectFrom("tags as t")
      .selectAll("t")
      .select((eb) =>
        eb
          .selectFrom("photo_tags as cpt")
          .innerJoin("photos as cp", "cp.id", "cpt.photo_id")
          .select((e) => e.fn.countAll<number>().as("n"))
          .whereRef("cpt.tag_id", "=", "t.id")
          .where(photoVisible(actor, photoColumns("cp")))
          .as("visible_count"),
      )
      .where((eb) =>
        isAdminActor(actor)
          ? eb.lit(true)
          : eb.exists(
              eb
                .selectFrom("photo_tags as ept")
                .innerJoin("photos as ep", "ep.id", "ept.photo_id")
                .select("ept.photo_id")
                .whereRef("ept.tag_id", "=", "t.id")
                .where(photoVisible(actor, photoColumns("ep"))),
            ),
      );
  }

  async function get(actor: Actor, id: string): Promise<Tag> {
    const row = await selectTags(actor).where("t.id", "=", id).executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such tag." });
    return toTag(row);
  }

  /** A tag as hooks see it, whatever its visible count; `NOT_FOUND` when missing. */
  async function tagInfo(id: string): Promise<TagInfo> {
    const row = await db.selectFrom("tags").select(["id", "name"]).where("id", "=", id).executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such tag." });
    return { id: row.id, name: row.name };
  }

  async function photosOfTags(tagIds: readonly string[]): Promise<string[]> {
    if (tagIds.length === 0) return [];
    const rows = await db
      .selectFrom("photo_tags")
      .select("photo_id")
      .distinct()
      .where("tag_id", "in", tagIds)
      .execute();
    return rows.map((r) => r.photo_id);
  }

  async function assertCanEditAll(actor: Actor, photoIds: readonly string[]): Promise<string[]> {
    const unique = [...new Set(photoIds)];
    if (unique.length === 0 || unique.length > 1000) {
      throw new GalleryError("VALIDATION_FAILED", { errors: [{ path: "photoIds", message: "1–1000 ids" }] });
    }
    const found = new Set<string>();
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await db
        .selectFrom("photos as p")
        .select("p.id")
        .where("p.id", "in", unique.slice(i, i + 500))
        .where(photoVisible(actor, photoColumns("p")))
        .execute();
      for (const r of rows) found.add(r.id);
    }
    const missing = unique.find((id) => !found.has(id));
    if (missing !== undefined)
      throw new GalleryError("NOT_FOUND", { detail: "No such photo.", data: { id: missing } });
    for (const id of unique) await assertCanEditPhoto(db, actor, id);
    return unique;
  }

  return {
    async list(actor, input = {}) {
      const limit = pageLimit(input.limit);
      let query = selectTags(actor)
        .orderBy("t.name_key")
        .orderBy("t.id")
        .limit(limit + 1);
      if (input.query) {
        const q = nameKey(input.query.trim()).replace(/[\\%_]/g, (c) => `\\${c}`);
        query = query.where(sql<SqlBool>`t.name_key like ${`${q}%`} escape '\\'`);
      }
      if (input.cursor) {
        const [key, id] = decodeCursor(input.cursor, ["s", "s"]) as [string, string];
        query = query.where((eb) =>
          eb.or([eb("t.name_key", ">", key), eb.and([eb("t.name_key", "=", key), eb("t.id", ">", id)])]),
        );
      }
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toTag),
        nextCursor: rows.length > limit && last ? encodeCursor([last.name_key, last.id]) : null,
      };
    },

    get,

    async create(actor, input) {
      assertAdmin(actor);
      const fields = { name: cleanTagName(input.name) };
      await hooks.before("tag:create:before", { actor, fields });
      const name = cleanTagName(fields.name);
      const key = nameKey(name);
      const exists = await db.selectFrom("tags").select("id").where("name_key", "=", key).executeTakeFirst();
      if (exists)
        throw new GalleryError("ALREADY_EXISTS", {
          detail: "A tag with this name exists.",
          data: { id: exists.id },
        });
      const id = newId();
      const now = Date.now();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("tags")
          .values({ id, name, name_key: key, slug: slugify(name, "tag"), created_at: now, updated_at: now })
          .execute();
        await recordEvent(trx, actor, {
          type: "tag.created",
          subjectType: "tag",
          subjectId: id,
          data: { name },
        });
      });
      await hooks.after("tag:create:after", { actor, tag: { id, name } });
      return get(actor, id);
    },

    async update(actor, id, input) {
      assertAdmin(actor);
      const current = await tagInfo(id);
      const patch: Partial<{ name: string }> = { name: cleanTagName(input.name) };
      await hooks.before("tag:update:before", { actor, current, patch });
      const name = cleanTagName(patch.name ?? current.name);
      const key = nameKey(name);
      const clash = await db
        .selectFrom("tags")
        .select("id")
        .where("name_key", "=", key)
        .where("id", "<>", id)
        .executeTakeFirst();
      if (clash)
        throw new GalleryError("ALREADY_EXISTS", {
          detail: "A tag with this name exists; merge instead.",
          data: { id: clash.id },
        });
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable("tags")
          .set({ name, name_key: key, slug: slugify(name, "tag"), updated_at: Date.now() })
          .where("id", "=", id)
          .execute();
        await recordEvent(trx, actor, {
          type: "tag.updated",
          subjectType: "tag",
          subjectId: id,
          data: { changed: ["name"], name, previousName: current.name },
        });
      });
      await index.reindex(await photosOfTags([id]));
      await hooks.after("tag:update:after", { actor, previous: current, current: { id, name } });
      return get(actor, id);
    },

    async delete(actor, id) {
      assertAdmin(actor);
      const target = await tagInfo(id);
      await hooks.before("tag:delete:before", { actor, target });
      const photos = await photosOfTags([id]);
      await db.transaction().execute(async (trx) => {
        const result = await trx.deleteFrom("tags").where("id", "=", id).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0)
          throw new GalleryError("NOT_FOUND", { detail: "No such tag." });
        await recordEvent(trx, actor, {
          type: "tag.deleted",
          subjectType: "tag",
          subjectId: id,
          data: { name: target.name },
        });
      });
      await index.reindex(photos);
      await hooks.after("tag:delete:after", { actor, deleted: target });
    },

    async merge(actor, input) {
      assertAdmin(actor);
      const sources = [...new Set(input.sourceIds)].filter((s) => s !== input.targetId);
      if (sources.length === 0) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "sourceIds", message: "at least one other tag" }],
        });
      }
      const found = await db
        .selectFrom("tags")
        .select("id")
        .where("id", "in", [input.targetId, ...sources])
        .execute();
      if (found.length !== sources.length + 1)
        throw new GalleryError("NOT_FOUND", { detail: "No such tag." });
      // Merged-away tags are deleted: every veto is heard before anything changes.
      const deleted: TagInfo[] = [];
      for (const source of sources) deleted.push(await tagInfo(source));
      for (const target of deleted) await hooks.before("tag:delete:before", { actor, target });
      const photos = await photosOfTags(sources);
      await db.transaction().execute(async (trx) => {
        const now = Date.now();
        for (let i = 0; i < photos.length; i += 500) {
          await trx
            .insertInto("photo_tags")
            .values(
              photos
                .slice(i, i + 500)
                .map((photo_id) => ({ photo_id, tag_id: input.targetId, added_at: now })),
            )
            .onConflict((oc) => oc.columns(["photo_id", "tag_id"]).doNothing())
            .execute();
        }
        await trx.deleteFrom("photo_tags").where("tag_id", "in", sources).execute();
        await trx.deleteFrom("tags").where("id", "in", sources).execute();
        for (const tag of deleted) {
          await recordEvent(trx, actor, {
            type: "tag.deleted",
            subjectType: "tag",
            subjectId: tag.id,
            data: { name: tag.name, mergedInto: input.targetId },
          });
        }
      });
      await index.reindex(photos);
      for (const tag of deleted) await hooks.after("tag:delete:after", { actor, deleted: tag });
      return get(actor, input.targetId);
    },

    async tagPhotos(actor, input) {
      const photoIds = await assertCanEditAll(actor, input.photoIds);
      if (input.names.length === 0 || input.names.length > 100) {
        throw new GalleryError("VALIDATION_FAILED", { errors: [{ path: "names", message: "1–100 names" }] });
      }
      // Names that are not tags yet create tags: `tag:create:before` may rename or refuse them first.
      const names = input.names.map(cleanTagName);
      const known = new Set(
        (
          await db
            .selectFrom("tags")
            .select("name_key")
            .where("name_key", "in", [...new Set(names.map(nameKey))])
            .execute()
        ).map((r) => r.name_key),
      );
      const freshKeys = new Set<string>();
      for (const [i, name] of names.entries()) {
        if (known.has(nameKey(name)) || freshKeys.has(nameKey(name))) continue;
        const fields = { name };
        await hooks.before("tag:create:before", { actor, fields });
        const final = cleanTagName(fields.name);
        names[i] = final;
        for (const [j, other] of names.entries())
          if (j > i && nameKey(other) === nameKey(name)) names[j] = final;
        if (!known.has(nameKey(final))) freshKeys.add(nameKey(final));
      }
      const tagIds = await db.transaction().execute(async (trx) => {
        const ids = await ensureTags(trx, names, actor);
        const now = Date.now();
        const unique = [...new Set(ids)];
        const had = new Set<string>();
        for (let i = 0; i < photoIds.length; i += 500) {
          const rows = await trx
            .selectFrom("photo_tags")
            .select(["photo_id", "tag_id"])
            .where("photo_id", "in", photoIds.slice(i, i + 500))
            .where("tag_id", "in", unique)
            .execute();
          for (const r of rows) had.add(`${r.photo_id} ${r.tag_id}`);
        }
        for (const photoId of photoIds) {
          const added = unique.filter((t) => !had.has(`${photoId} ${t}`));
          if (added.length === 0) continue;
          await recordEvent(trx, actor, {
            type: "photo.tagged",
            subjectType: "photo",
            subjectId: photoId,
            photoId,
            data: { tagIds: added },
          });
        }
        const pairs = photoIds.flatMap((photo_id) =>
          ids.map((tag_id) => ({ photo_id, tag_id, added_at: now })),
        );
        for (let i = 0; i < pairs.length; i += 500) {
          await trx
            .insertInto("photo_tags")
            .values(pairs.slice(i, i + 500))
            .onConflict((oc) => oc.columns(["photo_id", "tag_id"]).doNothing())
            .execute();
        }
        return ids;
      });
      await index.reindex(photoIds);
      const out: Tag[] = [];
      for (const id of [...new Set(tagIds)]) out.push(await get(actor, id));
      for (const tag of out) {
        if (freshKeys.has(nameKey(tag.name)))
          await hooks.after("tag:create:after", { actor, tag: { id: tag.id, name: tag.name } });
      }
      return out;
    },

    async untagPhotos(actor, input) {
      const photoIds = await assertCanEditAll(actor, input.photoIds);
      if (input.tagIds.length === 0) return 0;
      let removed = 0;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < photoIds.length; i += 500) {
          const chunk = photoIds.slice(i, i + 500);
          const pairs = await trx
            .selectFrom("photo_tags")
            .select(["photo_id", "tag_id"])
            .where("photo_id", "in", chunk)
            .where("tag_id", "in", [...input.tagIds])
            .execute();
          const result = await trx
            .deleteFrom("photo_tags")
            .where("photo_id", "in", chunk)
            .where("tag_id", "in", [...input.tagIds])
            .executeTakeFirst();
          removed += Number(result.numDeletedRows);
          const byPhoto = new Map<string, string[]>();
          for (const p of pairs) byPhoto.set(p.photo_id, [...(byPhoto.get(p.photo_id) ?? []), p.tag_id]);
          for (const [photoId, tagIds] of byPhoto) {
            await recordEvent(trx, actor, {
              type: "photo.untagged",
              subjectType: "photo",
              subjectId: photoId,
              photoId,
              data: { tagIds },
            });
          }
        }
      });
      await index.reindex(photoIds);
      return removed;
    },

    async ofPhoto(actor, photoId) {
      const visible = await db
        .selectFrom("photos as p")
        .select("p.id")
        .where("p.id", "=", photoId)
        .where(photoVisible(actor, photoColumns("p")))
        .executeTakeFirst();
      if (!visible) throw new GalleryError("NOT_FOUND", { detail: "No such photo." });
      const rows = await selectTags(actor)
        .innerJoin("photo_tags as opt", "opt.tag_id", "t.id")
        .where("opt.photo_id", "=", photoId)
        .orderBy("t.name_key")
        .execute();
      return rows.map(toTag);
    },
  };
}
