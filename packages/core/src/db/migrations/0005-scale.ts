import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { DatabaseKind } from "../../ports/database.js";
import { columnTypes } from "./column-types.js";

type AnyDb = Kysely<unknown>;

/**
 * 0005: running on several processes. `leases` holds named locks with an expiry that every process sees
 * (derivative generation: one process makes a file, the others wait for it); a lock whose holder died is taken
 * over after its lease. Also an index for listing jobs by status, newest first (`listJobs`).
 */
export function scaleMigration(kind: DatabaseKind): Migration {
  const t = columnTypes(kind);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("leases")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("holder", "text", (c) => c.notNull())
        .addColumn("locked_until", t.ts, (c) => c.notNull())
        .addColumn("created_at", t.ts, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("jobs_status_created_idx")
        .on("jobs")
        .columns(["status", "created_at", "id"])
        .execute();
    },
  };
}
