import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";
import type { DatabaseKind } from "../../ports/database.js";
import { columnTypes } from "./column-types.js";

type AnyDb = Kysely<unknown>;

/**
 * 0007: guarantees of the API. `idempotency_keys` remembers the response of a creating request per (principal,
 * key) for 24 hours, so a retried request replays it instead of creating twice; a row in state `running` is
 * the claim of the request still at work (taken over after `locked_until` if its process died).
 * `rate_limits` holds one fixed-window counter per (class, principal), shared by every process.
 */
export function apiGuaranteesMigration(kind: DatabaseKind): Migration {
  const t = columnTypes(kind);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("idempotency_keys")
        .addColumn("principal", "text", (c) => c.notNull())
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("fingerprint", "text")
        .addColumn("status", "integer")
        .addColumn("headers", "text")
        .addColumn("body", "text")
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .addColumn("expires_at", t.ts, (c) => c.notNull())
        .addColumn("locked_until", t.ts, (c) => c.notNull())
        .addPrimaryKeyConstraint("idempotency_keys_pk", ["principal", "key"])
        .execute();
      await db.schema
        .createIndex("idempotency_keys_expires_idx")
        .on("idempotency_keys")
        .column("expires_at")
        .execute();
      // Counters need no durability: on PostgreSQL the table is UNLOGGED (no WAL, no fsync per request; it is
      // emptied after a crash, which only resets the windows).
      let rateLimits = db.schema.createTable("rate_limits");
      if (kind === "postgres") rateLimits = rateLimits.modifyFront(sql`unlogged`);
      await rateLimits
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("window_start", t.ts, (c) => c.notNull())
        .addColumn("hits", "integer", (c) => c.notNull())
        .addColumn("expires_at", t.ts, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("rate_limits_expires_idx").on("rate_limits").column("expires_at").execute();
    },
  };
}
