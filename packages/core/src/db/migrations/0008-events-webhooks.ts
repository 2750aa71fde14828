import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";
import type { DatabaseKind } from "../../ports/database.js";
import { columnTypes } from "./column-types.js";

type AnyDb = Kysely<unknown>;

/**
 * 0008: the events outbox and webhooks.
 *
 * `events` holds one row per domain change, written in the transaction of the change. `position` is the
 * feed's cursor: it is null when the row is written and given, in commit order, by the sequencer
 * (`services/events.ts`), so a reader never skips an event whose transaction committed after a later one.
 * `photo_id` / `album_id` are what visibility is checked against; `owner_user_id` lets the owner of a deleted
 * photo or album still see its deletion.
 *
 * `webhooks` are subscriptions (one user each; the secret signs deliveries, encrypted when the gallery has a
 * `webhooks.secretKey`); `webhook_deliveries` is the delivery log (one row per event and subscription, or
 * per ping / redelivery), with the exact body sent so retries sign the same bytes.
 */
export function eventsWebhooksMigration(kind: DatabaseKind): Migration {
  const t = columnTypes(kind);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("events")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("position", t.ts)
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("occurred_at", t.ts, (c) => c.notNull())
        .addColumn("actor_kind", "text", (c) => c.notNull())
        .addColumn("actor_user_id", "text")
        .addColumn("subject_type", "text", (c) => c.notNull())
        .addColumn("subject_id", "text", (c) => c.notNull())
        .addColumn("photo_id", "text")
        .addColumn("album_id", "text")
        .addColumn("owner_user_id", "text")
        .addColumn("payload", "text", (c) => c.notNull())
        .execute();
      await sql`create unique index events_position_idx on events (position) where position is not null`.execute(
        db,
      );
      await sql`create index events_unsequenced_idx on events (id) where position is null`.execute(db);
      await db.schema.createIndex("events_occurred_idx").on("events").column("occurred_at").execute();

      await db.schema
        .createTable("webhooks")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
        // JSON array of event types or `prefix.*` patterns; null = every event the owner may see.
        .addColumn("event_types", "text")
        // `v1:` + AES-256-GCM (iv, tag, ciphertext) when a key is configured, else `plain:` + the secret.
        .addColumn("secret", "text", (c) => c.notNull())
        .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("disabled_reason", "text")
        .addColumn("consecutive_failures", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("updated_at", t.ts, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("webhooks_user_idx").on("webhooks").columns(["user_id", "id"]).execute();
      await db.schema.createIndex("webhooks_enabled_idx").on("webhooks").column("enabled").execute();

      await db.schema
        .createTable("webhook_deliveries")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("webhook_id", "text", (c) => c.notNull().references("webhooks.id").onDelete("cascade"))
        // The event delivered (null for a ping); `message_id` is the `webhook-id` header.
        .addColumn("event_id", "text")
        .addColumn("message_id", "text", (c) => c.notNull())
        .addColumn("event_type", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        // `pending`, `delivered`, `failed` (gave up) or `cancelled` (subscription disabled meanwhile).
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("response_status", "integer")
        .addColumn("response_body", "text")
        .addColumn("duration_ms", "integer")
        .addColumn("last_error", "text")
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("updated_at", t.ts, (c) => c.notNull())
        .addColumn("delivered_at", t.ts)
        .execute();
      await db.schema
        .createIndex("webhook_deliveries_webhook_idx")
        .on("webhook_deliveries")
        .columns(["webhook_id", "created_at", "id"])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable("webhook_deliveries").execute();
      await db.schema.dropTable("webhooks").execute();
      await db.schema.dropTable("events").execute();
    },
  };
}
