import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { DatabaseKind } from "../../ports/database.js";
import { columnTypes } from "./column-types.js";

type AnyDb = Kysely<unknown>;

/**
 * 0009: resumable uploads (the tus protocol). `uploads` holds one upload's state: its owner, declared length,
 * the bytes received so far, its metadata (file name, album, title…), a lease (`lock_id`, `locked_until`) that
 * lets exactly one request append at a time across processes, and what became of it (`photo_id`, `error_code`).
 * `upload_chunks` lists the stored pieces in order (the bytes live in the originals store under
 * `uploads/<id>/`).
 */
export function uploadsMigration(kind: DatabaseKind): Migration {
  const t = columnTypes(kind);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("uploads")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("actor_kind", "text", (c) => c.notNull())
        .addColumn("byte_length", t.ts, (c) => c.notNull())
        .addColumn("byte_offset", t.ts, (c) => c.notNull())
        .addColumn("metadata", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("lock_id", "text")
        .addColumn("locked_until", t.ts)
        .addColumn("photo_id", "text")
        .addColumn("duplicate", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("error_code", "text")
        .addColumn("expires_at", t.ts, (c) => c.notNull())
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("updated_at", t.ts, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("uploads_owner_idx").on("uploads").columns(["owner_id", "state"]).execute();
      await db.schema.createIndex("uploads_expires_idx").on("uploads").column("expires_at").execute();
      await db.schema
        .createTable("upload_chunks")
        .addColumn("upload_id", "text", (c) => c.notNull())
        .addColumn("start", t.ts, (c) => c.notNull())
        .addColumn("size", t.ts, (c) => c.notNull())
        .addColumn("storage_key", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("upload_chunks_pk", ["upload_id", "start"])
        .execute();
    },
  };
}
