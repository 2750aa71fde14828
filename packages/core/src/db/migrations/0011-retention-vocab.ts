import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";
import type { DatabaseKind } from "../../ports/database.js";

type AnyDb = Kysely<unknown>;

/**
 * 0011: indexes for housekeeping, so pruning what expired reads only what it deletes: sessions and share-link
 * sessions by expiry, login throttle records by their last change, webhook deliveries by creation. (Jobs, the
 * activity log and events already have indexes that lead with the time pruning filters on.)
 *
 * On SQLite, also `photo_search_vocab`, an `fts5vocab` view of the search index's terms: a search word is
 * expanded to the few indexed terms it is a prefix of, which FTS5 then reads lazily in rowid order, instead of a
 * prefix query that merges every match of the word before the first row comes out.
 */
export function retentionVocabMigration(kind: DatabaseKind): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.createIndex("sessions_expires_idx").on("sessions").column("expires_at").execute();
      await db.schema
        .createIndex("share_sessions_expires_idx")
        .on("share_sessions")
        .column("expires_at")
        .execute();
      await db.schema
        .createIndex("login_throttle_updated_idx")
        .on("login_throttle")
        .column("updated_at")
        .execute();
      await db.schema
        .createIndex("webhook_deliveries_created_idx")
        .on("webhook_deliveries")
        .columns(["created_at", "id"])
        .execute();
      await db.schema
        .createIndex("password_resets_expires_idx")
        .on("password_resets")
        .column("expires_at")
        .execute();
      if (kind === "sqlite") {
        // `instance` rather than `row`: a seek to the first term from a bound reads one entry, where a `row` table
        // walks the whole doclist of each term to count it.
        await sql`create virtual table photo_search_vocab using fts5vocab(photo_search, 'instance')`.execute(
          db,
        );
      }
    },
  };
}
