import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";
import type { DatabaseKind } from "../../ports/database.js";
import { columnTypes } from "./column-types.js";

type AnyDb = Kysely<unknown>;

/**
 * 0002: identity and access. Groups and their members, album grants (to a user or a group, with a role),
 * API tokens, share links (with their photo sets and unlocked sessions), login throttling shared by every
 * process, password-reset tokens and the activity log.
 */
export function identityMigration(kind: DatabaseKind): Migration {
  const t = columnTypes(kind);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("groups")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("is_default", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("updated_at", t.ts, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("group_members")
        .addColumn("group_id", "text", (c) => c.notNull().references("groups.id").onDelete("cascade"))
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("added_at", t.ts, (c) => c.notNull())
        .addPrimaryKeyConstraint("group_members_pk", ["group_id", "user_id"])
        .execute();
      await db.schema
        .createIndex("group_members_user_idx")
        .on("group_members")
        .columns(["user_id", "group_id"])
        .execute();

      // A grant names exactly one grantee: a user or a group.
      await db.schema
        .createTable("album_grants")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("album_id", "text", (c) => c.notNull().references("albums.id").onDelete("cascade"))
        .addColumn("user_id", "text", (c) => c.references("users.id").onDelete("cascade"))
        .addColumn("group_id", "text", (c) => c.references("groups.id").onDelete("cascade"))
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("granted_by", "text")
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addCheckConstraint(
          "album_grants_one_grantee",
          sql`(user_id is null and group_id is not null) or (user_id is not null and group_id is null)`,
        )
        .execute();
      await sql`create unique index album_grants_user_uq on album_grants (album_id, user_id) where user_id is not null`.execute(
        db,
      );
      await sql`create unique index album_grants_group_uq on album_grants (album_id, group_id) where group_id is not null`.execute(
        db,
      );
      await db.schema
        .createIndex("album_grants_user_idx")
        .on("album_grants")
        .columns(["user_id", "album_id"])
        .execute();
      await db.schema
        .createIndex("album_grants_group_idx")
        .on("album_grants")
        .columns(["group_id", "album_id"])
        .execute();

      await db.schema
        .createTable("api_tokens")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("prefix", "text", (c) => c.notNull())
        .addColumn("secret_hash", "text", (c) => c.notNull())
        .addColumn("scopes", "text", (c) => c.notNull())
        .addColumn("album_ids", "text")
        .addColumn("expires_at", t.ts)
        .addColumn("last_used_at", t.ts)
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("revoked_at", t.ts)
        .execute();
      await db.schema
        .createIndex("api_tokens_prefix_uq")
        .on("api_tokens")
        .column("prefix")
        .unique()
        .execute();
      await db.schema
        .createIndex("api_tokens_user_idx")
        .on("api_tokens")
        .columns(["user_id", "created_at"])
        .execute();

      await db.schema
        .createTable("share_links")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("prefix", "text", (c) => c.notNull())
        .addColumn("album_id", "text", (c) => c.references("albums.id").onDelete("cascade"))
        .addColumn("privacy_level", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("password_hash", "text")
        .addColumn("expires_at", t.ts)
        .addColumn("max_uses", "integer")
        .addColumn("use_count", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("view_count", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("can_download", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("can_upload", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_by", "text", (c) => c.references("users.id").onDelete("cascade"))
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("revoked_at", t.ts)
        .execute();
      await db.schema.createIndex("share_links_album_idx").on("share_links").column("album_id").execute();
      await db.schema.createIndex("share_links_creator_idx").on("share_links").column("created_by").execute();

      await db.schema
        .createTable("share_link_photos")
        .addColumn("share_id", "text", (c) => c.notNull().references("share_links.id").onDelete("cascade"))
        .addColumn("photo_id", "text", (c) => c.notNull().references("photos.id").onDelete("cascade"))
        .addPrimaryKeyConstraint("share_link_photos_pk", ["share_id", "photo_id"])
        .execute();

      await db.schema
        .createTable("share_sessions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("share_id", "text", (c) => c.notNull().references("share_links.id").onDelete("cascade"))
        .addColumn("secret_hash", "text", (c) => c.notNull())
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("expires_at", t.ts, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("share_sessions_share_idx")
        .on("share_sessions")
        .column("share_id")
        .execute();

      // Login throttling: one row per key (`user:<name>` or `ip:<address>`), shared by every process.
      await db.schema
        .createTable("login_throttle")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("failures", "integer", (c) => c.notNull())
        .addColumn("locked_until", t.ts, (c) => c.notNull())
        .addColumn("updated_at", t.ts, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("password_resets")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("secret_hash", "text", (c) => c.notNull())
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("expires_at", t.ts, (c) => c.notNull())
        .addColumn("used_at", t.ts)
        .execute();

      await db.schema
        .createTable("activity_log")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("at", t.ts, (c) => c.notNull())
        .addColumn("actor_kind", "text", (c) => c.notNull())
        .addColumn("actor_user_id", "text")
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("subject_type", "text")
        .addColumn("subject_id", "text")
        .addColumn("ip", "text")
        .addColumn("data", "text")
        .execute();
      await db.schema.createIndex("activity_log_at_idx").on("activity_log").columns(["at", "id"]).execute();
    },
  };
}
