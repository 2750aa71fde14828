import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { DatabaseKind } from "../../ports/database.js";

type AnyDb = Kysely<unknown>;

/**
 * 0004: a per-photo centre of interest for cropped derivatives (`square`…): `focus_x` and `focus_y` in
 * thousandths of the displayed width and height (0–1000), both null for the centre.
 */
export function derivativesMigration(_kind: DatabaseKind): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable("photos").addColumn("focus_x", "integer").execute();
      await db.schema.alterTable("photos").addColumn("focus_y", "integer").execute();
    },
  };
}
