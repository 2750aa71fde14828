import { type Kysely, sql } from "kysely";
import { SEARCH_ROWID_MAX_TIME, SEARCH_ROWID_SLOTS } from "../db/migrations/0010-tag-order.js";
import type { DB } from "../db/schema.js";
import type { DatabaseKind } from "../ports/database.js";

/** Keeps `photo_search` up to date. @internal */
export interface SearchIndex {
  /** Rebuild the search text of these photos. */
  reindex(photoIds: readonly string[]): Promise<void>;
  /** Drop these photos from the index. */
  unindex(photoIds: readonly string[]): Promise<void>;
}

/** The search index over `db` (SQLite FTS5 or PostgreSQL). @internal */
export function createSearchIndex(db: Kysely<DB>, kind: DatabaseKind): SearchIndex {
  return {
    reindex: (ids) => reindexPhotos(db, kind, ids),
    unindex: (ids) => unindexPhotos(db, kind, ids),
  };
}

/**
 * The text a photo is found by: title, description, file name, the file's own title/description/keywords,
 * its tags and the names of the albums it sits in. Rebuilt for the given photos whenever one of those changes.
 * One body per photo in `photo_search` (an FTS5 table on SQLite, a tsvector-indexed table on PostgreSQL).
 * @internal
 */
async function reindexPhotos(db: Kysely<DB>, kind: DatabaseKind, photoIds: readonly string[]): Promise<void> {
  const unique = [...new Set(photoIds)];
  for (let i = 0; i < unique.length; i += 200) {
    const ids = unique.slice(i, i + 200);
    const [photos, tags, albums] = await Promise.all([
      db
        .selectFrom("photos")
        .select([
          "id",
          "title",
          "description",
          "original_filename",
          "meta_title",
          "meta_description",
          "keywords",
        ])
        .where("id", "in", ids)
        .execute(),
      db
        .selectFrom("photo_tags as pt")
        .innerJoin("tags as t", "t.id", "pt.tag_id")
        .select(["pt.photo_id", "t.name"])
        .where("pt.photo_id", "in", ids)
        .execute(),
      db
        .selectFrom("album_photos as ap")
        .innerJoin("albums as a", "a.id", "ap.album_id")
        .select(["ap.photo_id", "a.name"])
        .where("ap.photo_id", "in", ids)
        .execute(),
    ]);
    const extra = new Map<string, string[]>();
    for (const row of [...tags, ...albums]) {
      const list = extra.get(row.photo_id) ?? [];
      list.push(row.name);
      extra.set(row.photo_id, list);
    }
    await db.transaction().execute(async (trx) => {
      const rowids = await deleteRows(trx, kind, ids, new Set(photos.map((p) => p.id)));
      const values = photos.map((p) => {
        const keywords = p.keywords ? (JSON.parse(p.keywords) as string[]).join(" ") : "";
        // The file name is split on separators so "IMG_1234.jpg" is found by "IMG" and "1234".
        const filename = p.original_filename.replace(/[._-]+/g, " ");
        const body = [
          p.title,
          p.description,
          filename,
          p.meta_title ?? "",
          p.meta_description ?? "",
          keywords,
          ...(extra.get(p.id) ?? []),
        ]
          .filter((s) => s !== "")
          .join("\n");
        return { photo_id: p.id, body };
      });
      if (values.length === 0) return;
      if (kind === "postgres") {
        await trx.insertInto("photo_search").values(values).execute();
        return;
      }
      // FTS5 rows are addressed by rowid: one stable rowid per photo, from photo_search_keys.
      for (const v of values) {
        const rowid = rowids.get(v.photo_id);
        await sql`insert into photo_search (rowid, photo_id, body) values (${rowid}, ${v.photo_id}, ${v.body})`.execute(
          trx,
        );
      }
    });
  }
}

/**
 * Delete the index rows of `ids`. On SQLite, FTS5 cannot index `photo_id`, so rows are found by rowid through
 * `photo_search_keys` (a filter on `photo_id` would scan the whole index on every upload). Returns the rowid
 * of every id (created when missing, for the photos in `indexable` when given) on SQLite, an empty map on
 * PostgreSQL.
 */
async function deleteRows(
  db: Kysely<DB>,
  kind: DatabaseKind,
  ids: readonly string[],
  indexable?: ReadonlySet<string>,
): Promise<Map<string, number>> {
  if (kind === "postgres") {
    await db
      .deleteFrom("photo_search")
      .where("photo_id", "in", [...ids])
      .execute();
    return new Map();
  }
  const map = new Map<string, number>();
  const existing = await sql<{
    rowid: number;
    photo_id: string;
  }>`select rowid, photo_id from photo_search_keys where photo_id in (${sql.join([...ids])})`.execute(db);
  for (const r of existing.rows) map.set(r.photo_id, Number(r.rowid));
  if (map.size > 0) {
    await sql`delete from photo_search where rowid in (${sql.join([...map.values()])})`.execute(db);
  }
  for (const id of ids) {
    if (map.has(id) || (indexable !== undefined && !indexable.has(id))) continue;
    // The rowid orders the index newest first (search walks it by `rowid desc`): the photo's added time × 1024
    // plus the next free slot of that millisecond; a full millisecond spills into the following ones.
    const base = sql`(select min(max(p.added_at, 0), ${sql.lit(SEARCH_ROWID_MAX_TIME)}) * ${sql.lit(SEARCH_ROWID_SLOTS)} from photos p where p.id = ${id})`;
    const inserted = await sql<{ rowid: number }>`insert into photo_search_keys (rowid, photo_id)
      select case when b.next < b.base + ${sql.lit(SEARCH_ROWID_SLOTS)} then b.next
        else (select max(k.rowid) + 1 from photo_search_keys k where k.rowid >= b.base and k.rowid < b.base + ${sql.lit(SEARCH_ROWID_SLOTS * SEARCH_ROWID_SLOTS)}) end, ${id}
      from (select x.base, coalesce((select max(k.rowid) + 1 from photo_search_keys k where k.rowid >= x.base and k.rowid < x.base + ${sql.lit(SEARCH_ROWID_SLOTS)}), x.base) as next
        from (select ${base} as base) x where x.base is not null) b
      returning rowid`.execute(db);
    const rowid = inserted.rows[0]?.rowid;
    if (rowid !== undefined) map.set(id, Number(rowid));
  }
  return map;
}

/** Remove photos from the search index (SQLite's FTS5 table has no foreign key to cascade). */
async function unindexPhotos(db: Kysely<DB>, kind: DatabaseKind, photoIds: readonly string[]): Promise<void> {
  const unique = [...new Set(photoIds)];
  for (let i = 0; i < unique.length; i += 500) {
    const ids = unique.slice(i, i + 500);
    if (kind === "postgres") {
      await db.deleteFrom("photo_search").where("photo_id", "in", ids).execute();
      continue;
    }
    await db.transaction().execute(async (trx) => {
      const existing = await sql<{
        rowid: number;
      }>`select rowid from photo_search_keys where photo_id in (${sql.join(ids)})`.execute(trx);
      const rowids = existing.rows.map((r) => Number(r.rowid));
      if (rowids.length === 0) return;
      await sql`delete from photo_search where rowid in (${sql.join(rowids)})`.execute(trx);
      await sql`delete from photo_search_keys where rowid in (${sql.join(rowids)})`.execute(trx);
    });
  }
}
