import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";
import type { DatabaseKind } from "../../ports/database.js";

type AnyDb = Kysely<unknown>;

/**
 * Slots per millisecond in SQLite's search rowids (`photo_search.rowid = addedAt × 1024 + slot`): the FTS5 index
 * is then walked newest first by rowid. Times are clamped to [0, 2^43) ms (until the year 2248) so every rowid
 * stays an exact JavaScript number (< 2^53). @internal
 */
export const SEARCH_ROWID_SLOTS = 1024;
/** The largest added time (epoch ms) a search rowid encodes; later times share its slots. @internal */
export const SEARCH_ROWID_MAX_TIME = 2 ** 43 - 1;

/**
 * 0010: listing order that does not grow with the library.
 *
 * - `photo_tags.photo_added_at` and `photo_tags.photo_taken_key` copy the tagged photo's sort keys
 *   (`photos.added_at`, and `coalesce(photos.taken_at, -1)`), with indexes `(tag_id, key, photo_id)`: a tag
 *   page walks its tag's photos in listing order and stops after a page of visible ones. Triggers keep the
 *   copies right on every insert into `photo_tags` and every change of a photo's dates, whoever writes.
 * - Search candidates in listing order: on PostgreSQL `photo_search.added_at` (filled by a trigger from the
 *   photo) with an index `(added_at, photo_id)`; on SQLite the FTS5 rowid becomes `addedAt × 1024 + slot`
 *   (existing rows renumbered here), so `order by rowid desc` walks matches newest first.
 *
 * Existing rows are backfilled.
 */
export function tagOrderMigration(kind: DatabaseKind): Migration {
  return {
    async up(db: AnyDb) {
      const ts = kind === "postgres" ? "bigint" : "integer";
      await db.schema.alterTable("photo_tags").addColumn("photo_added_at", sql.raw(ts)).execute();
      await db.schema.alterTable("photo_tags").addColumn("photo_taken_key", sql.raw(ts)).execute();
      if (kind === "postgres") {
        await sql`update photo_tags pt set photo_added_at = p.added_at, photo_taken_key = coalesce(p.taken_at, -1) from photos p where p.id = pt.photo_id`.execute(
          db,
        );
        await sql`create or replace function vernissage_photo_tags_order() returns trigger language plpgsql as $$
          begin
            select p.added_at, coalesce(p.taken_at, -1) into new.photo_added_at, new.photo_taken_key
              from photos p where p.id = new.photo_id;
            return new;
          end $$`.execute(db);
        await sql`create trigger photo_tags_order_ins before insert or update of photo_id on photo_tags
          for each row execute function vernissage_photo_tags_order()`.execute(db);
        await sql`create or replace function vernissage_photos_order_sync() returns trigger language plpgsql as $$
          begin
            update photo_tags set photo_added_at = new.added_at, photo_taken_key = coalesce(new.taken_at, -1)
              where photo_id = new.id;
            update photo_search set added_at = new.added_at where photo_id = new.id;
            return null;
          end $$`.execute(db);

        await sql`alter table photo_search add column added_at bigint`.execute(db);
        await sql`update photo_search s set added_at = p.added_at from photos p where p.id = s.photo_id`.execute(
          db,
        );
        await sql`create or replace function vernissage_photo_search_order() returns trigger language plpgsql as $$
          begin
            select p.added_at into new.added_at from photos p where p.id = new.photo_id;
            return new;
          end $$`.execute(db);
        await sql`create trigger photo_search_order_ins before insert on photo_search
          for each row execute function vernissage_photo_search_order()`.execute(db);
        await sql`create index photo_search_added_idx on photo_search (added_at, photo_id)`.execute(db);

        await sql`create trigger photos_order_sync after update of added_at, taken_at on photos
          for each row when (old.added_at is distinct from new.added_at or old.taken_at is distinct from new.taken_at)
          execute function vernissage_photos_order_sync()`.execute(db);
      } else {
        await sql`update photo_tags set
            photo_added_at = (select p.added_at from photos p where p.id = photo_tags.photo_id),
            photo_taken_key = (select coalesce(p.taken_at, -1) from photos p where p.id = photo_tags.photo_id)`.execute(
          db,
        );
        // SQLite triggers cannot change the row being inserted: the copy is written right after it.
        await sql`create trigger photo_tags_order_ins after insert on photo_tags for each row begin
            update photo_tags set
              photo_added_at = (select p.added_at from photos p where p.id = new.photo_id),
              photo_taken_key = (select coalesce(p.taken_at, -1) from photos p where p.id = new.photo_id)
            where photo_id = new.photo_id and tag_id = new.tag_id;
          end`.execute(db);
        await sql`create trigger photos_order_sync after update of added_at, taken_at on photos for each row
          when old.added_at is not new.added_at or old.taken_at is not new.taken_at begin
            update photo_tags set photo_added_at = new.added_at, photo_taken_key = coalesce(new.taken_at, -1)
            where photo_id = new.id;
          end`.execute(db);
        await renumberSearchRows(db);
      }
      await db.schema
        .createIndex("photo_tags_added_idx")
        .on("photo_tags")
        .columns(["tag_id", "photo_added_at", "photo_id"])
        .execute();
      await db.schema
        .createIndex("photo_tags_taken_idx")
        .on("photo_tags")
        .columns(["tag_id", "photo_taken_key", "photo_id"])
        .execute();
    },
  };
}

/**
 * Give every SQLite search row the rowid `max(previous + 1, addedAt × 1024)` in (added time, photo id) order
 * (a running maximum, so rowids are unique and ascend with the added time), and rebuild the FTS5 table with
 * them. `new = n + max over earlier rows of (base − n)` is that recurrence in closed form.
 */
async function renumberSearchRows(db: AnyDb): Promise<void> {
  const base = sql`min(max(p.added_at, 0), ${sql.lit(SEARCH_ROWID_MAX_TIME)}) * ${sql.lit(SEARCH_ROWID_SLOTS)}`;
  await sql`create temp table search_renumber as
    select old_rowid, photo_id, n + max(b - n) over (order by added_at, photo_id rows between unbounded preceding and current row) as new_rowid
    from (
      select s.rowid as old_rowid, s.photo_id, p.added_at, ${base} as b, row_number() over (order by p.added_at, s.photo_id) as n
      from photo_search s inner join photos p on p.id = s.photo_id
    )`.execute(db);
  await sql`create virtual table photo_search_renumbered using fts5(photo_id unindexed, body, tokenize = 'unicode61 remove_diacritics 2')`.execute(
    db,
  );
  await sql`insert into photo_search_renumbered (rowid, photo_id, body)
    select r.new_rowid, s.photo_id, s.body from search_renumber r inner join photo_search s on s.rowid = r.old_rowid order by r.new_rowid`.execute(
    db,
  );
  await sql`drop table photo_search`.execute(db);
  await sql`alter table photo_search_renumbered rename to photo_search`.execute(db);
  await sql`delete from photo_search_keys`.execute(db);
  await sql`insert into photo_search_keys (rowid, photo_id) select new_rowid, photo_id from search_renumber`.execute(
    db,
  );
  await sql`drop table search_renumber`.execute(db);
}
