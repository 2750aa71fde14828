import type { Migration, MigrationProvider } from "kysely/migration";
import type { DatabaseKind } from "../ports/database.js";
import { foundationMigration } from "./migrations/0001-foundation.js";

/**
 * The shared schema's migrations, in order (names sort in application order). Written once for every engine;
 * each lives in `migrations/NNNN-name.ts`.
 */
export function coreMigrations(kind: DatabaseKind): Record<string, Migration> {
  return {
    "0001_foundation": foundationMigration(kind),
  };
}

/** A Kysely migration provider over a fixed record of migrations. */
export function staticMigrationProvider(migrations: Record<string, Migration>): MigrationProvider {
  return { getMigrations: async () => migrations };
}
