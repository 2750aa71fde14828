import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";
import type { DatabaseKind } from "../../ports/database.js";
import { columnTypes } from "./column-types.js";

type AnyDb = Kysely<unknown>;

/** 0001: users, sessions, the album tree, photos, derivatives, jobs, settings. */
export function foundationMigration(kind: DatabaseKind): Migration {
  const t = columnTypes(kind);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("users")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("username", "text", (c) => c.notNull().unique())
        .addColumn("display_name", "text", (c) => c.notNull())
        .addColumn("email", "text")
        .addColumn("password_hash", "text")
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("privacy_level", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("shared_account", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("updated_at", t.ts, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("sessions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("secret_hash", "text", (c) => c.notNull())
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("expires_at", t.ts, (c) => c.notNull())
        .addColumn("last_seen_at", t.ts, (c) => c.notNull())
        .addColumn("ip", "text")
        .addColumn("user_agent", "text")
        .execute();
      await db.schema.createIndex("sessions_user_idx").on("sessions").column("user_id").execute();

      await db.schema
        .createTable("albums")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("parent_id", "text", (c) => c.references("albums.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("slug", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("visibility", "text", (c) => c.notNull().defaultTo("public"))
        .addColumn("rank", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("cover_photo_id", "text")
        .addColumn("owner_id", "text", (c) => c.references("users.id").onDelete("set null"))
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("updated_at", t.ts, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("albums_parent_rank_idx")
        .on("albums")
        .columns(["parent_id", "rank", "id"])
        .execute();

      await db.schema
        .createTable("album_closure")
        .addColumn("ancestor_id", "text", (c) => c.notNull().references("albums.id").onDelete("cascade"))
        .addColumn("descendant_id", "text", (c) => c.notNull().references("albums.id").onDelete("cascade"))
        .addColumn("depth", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("album_closure_pk", ["ancestor_id", "descendant_id"])
        .execute();
      await db.schema
        .createIndex("album_closure_descendant_idx")
        .on("album_closure")
        .columns(["descendant_id", "ancestor_id"])
        .execute();

      await db.schema
        .createTable("photos")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("storage_key", "text", (c) => c.notNull())
        .addColumn("original_filename", "text", (c) => c.notNull())
        .addColumn("mime_type", "text", (c) => c.notNull())
        .addColumn("byte_size", t.ts, (c) => c.notNull())
        .addColumn("width", "integer", (c) => c.notNull())
        .addColumn("height", "integer", (c) => c.notNull())
        .addColumn("orientation", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("author", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("taken_at", t.ts)
        .addColumn("added_at", t.ts, (c) => c.notNull())
        .addColumn("privacy_level", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("uploader_id", "text", (c) => c.references("users.id").onDelete("set null"))
        .addColumn("thumbhash", "text")
        .addColumn("metadata", "text")
        .addColumn("updated_at", t.ts, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("photos_sha256_idx").on("photos").column("sha256").execute();
      await db.schema.createIndex("photos_added_idx").on("photos").columns(["added_at", "id"]).execute();

      await db.schema
        .createTable("album_photos")
        .addColumn("album_id", "text", (c) => c.notNull().references("albums.id").onDelete("cascade"))
        .addColumn("photo_id", "text", (c) => c.notNull().references("photos.id").onDelete("cascade"))
        .addColumn("rank", "integer", (c) => c.notNull())
        .addColumn("added_at", t.ts, (c) => c.notNull())
        .addPrimaryKeyConstraint("album_photos_pk", ["album_id", "photo_id"])
        .execute();
      await db.schema
        .createIndex("album_photos_rank_idx")
        .on("album_photos")
        .columns(["album_id", "rank", "photo_id"])
        .execute();
      await db.schema
        .createIndex("album_photos_photo_idx")
        .on("album_photos")
        .columns(["photo_id", "album_id"])
        .execute();

      await db.schema
        .createTable("derivatives")
        .addColumn("storage_key", "text", (c) => c.primaryKey())
        .addColumn("source_sha256", "text", (c) => c.notNull())
        .addColumn("preset", "text", (c) => c.notNull())
        .addColumn("recipe_hash", "text", (c) => c.notNull())
        .addColumn("format", "text", (c) => c.notNull())
        .addColumn("width", "integer", (c) => c.notNull())
        .addColumn("height", "integer", (c) => c.notNull())
        .addColumn("byte_size", t.ts, (c) => c.notNull())
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("derivatives_source_idx")
        .on("derivatives")
        .column("source_sha256")
        .execute();

      await db.schema
        .createTable("jobs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("dedupe_key", "text")
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("max_attempts", "integer", (c) => c.notNull())
        .addColumn("run_at", t.ts, (c) => c.notNull())
        .addColumn("locked_by", "text")
        .addColumn("locked_until", t.ts)
        .addColumn("last_error", "text")
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("updated_at", t.ts, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("jobs_claim_idx").on("jobs").columns(["status", "run_at"]).execute();
      // One live (pending or running) job per dedupe key; finished jobs keep their key for history.
      await sql`create unique index jobs_dedupe_live_idx on jobs (dedupe_key) where status in ('pending', 'running')`.execute(
        db,
      );

      await db.schema
        .createTable("settings")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("updated_at", t.ts, (c) => c.notNull())
        .execute();
    },
  };
}
