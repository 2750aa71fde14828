import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { DatabaseKind } from "../../ports/database.js";
import { columnTypes } from "./column-types.js";

type AnyDb = Kysely<unknown>;

/** 0006: the plugin state table (lifecycle state, installed version and admin settings of each plugin). */
export function pluginsMigration(kind: DatabaseKind): Migration {
  const t = columnTypes(kind);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("plugins")
        .addColumn("name", "text", (c) => c.primaryKey())
        // `enabled`, `disabled`, or `uninstalled` (kept so an uninstalled plugin is not re-installed at start).
        .addColumn("state", "text", (c) => c.notNull())
        // The version whose migrations are applied; null once uninstalled.
        .addColumn("version", "text")
        // Admin settings (JSON), merged over the configuration given in code; null for none.
        .addColumn("settings", "text")
        .addColumn("installed_at", t.ts)
        .addColumn("updated_at", t.ts, (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable("plugins").execute();
    },
  };
}
