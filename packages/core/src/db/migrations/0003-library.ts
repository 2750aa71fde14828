import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";
import type { DatabaseKind } from "../../ports/database.js";
import { columnTypes } from "./column-types.js";

type AnyDb = Kysely<unknown>;

/**
 * 0003: the library. Photo sort order per album, typed metadata columns on photos, tags, and the full-text
 * search table (SQLite FTS5 or a PostgreSQL tsvector column with a GIN index).
 */
export function libraryMigration(kind: DatabaseKind): Migration {
  const t = columnTypes(kind);
  const real = kind === "postgres" ? "double precision" : "real";
  return {
    async up(db: AnyDb) {
      await db.schema
        .alterTable("albums")
        .addColumn("photo_order", "text", (c) => c.notNull().defaultTo("manual"))
        .execute();

      const photoColumns: [string, string][] = [
        ["taken_at_offset", "integer"],
        ["camera_make", "text"],
        ["camera_model", "text"],
        ["lens", "text"],
        ["exposure_time", real],
        ["aperture", real],
        ["iso", "integer"],
        ["focal_length", real],
        ["gps_latitude", real],
        ["gps_longitude", real],
        ["gps_altitude", real],
        ["meta_title", "text"],
        ["meta_description", "text"],
        ["keywords", "text"],
        ["rating", "integer"],
      ];
      for (const [name, type] of photoColumns) {
        await db.schema.alterTable("photos").addColumn(name, sql.raw(type)).execute();
      }
      await db.schema.createIndex("photos_taken_idx").on("photos").columns(["taken_at", "id"]).execute();

      await db.schema
        .createTable("tags")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("name_key", "text", (c) => c.notNull().unique())
        .addColumn("slug", "text", (c) => c.notNull())
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("updated_at", t.ts, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("photo_tags")
        .addColumn("photo_id", "text", (c) => c.notNull().references("photos.id").onDelete("cascade"))
        .addColumn("tag_id", "text", (c) => c.notNull().references("tags.id").onDelete("cascade"))
        .addColumn("added_at", t.ts, (c) => c.notNull())
        .addPrimaryKeyConstraint("photo_tags_pk", ["photo_id", "tag_id"])
        .execute();
      await db.schema
        .createIndex("photo_tags_tag_idx")
        .on("photo_tags")
        .columns(["tag_id", "photo_id"])
        .execute();

      // Enqueueing a deduplicated job looks its key up; without this index SQLite walks every pending job
      // (its partial unique index does not match a query with bound status values), so each upload of a
      // big import got slower than the one before.
      await db.schema.createIndex("jobs_dedupe_key_idx").on("jobs").column("dedupe_key").execute();

      if (kind === "postgres") {
        await sql`create table photo_search (
          photo_id text primary key references photos(id) on delete cascade,
          body text not null,
          tsv tsvector generated always as (to_tsvector('simple', body)) stored
        )`.execute(db);
        await sql`create index photo_search_tsv_idx on photo_search using gin (tsv)`.execute(db);
      } else {
        // FTS5 cannot index photo_id: rows are addressed by a stable rowid per photo kept here.
        await sql`create table photo_search_keys (rowid integer primary key, photo_id text not null unique)`.execute(
          db,
        );
        await sql`create virtual table photo_search using fts5(photo_id unindexed, body, tokenize = 'unicode61 remove_diacritics 2')`.execute(
          db,
        );
      }
    },
  };
}
