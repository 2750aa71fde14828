import type { Kysely } from "kysely";
import { type Migration, Migrator } from "kysely/migration";
import { GalleryError } from "../errors.js";
import type { DatabaseKind } from "../ports/database.js";
import { coreMigrations, staticMigrationProvider } from "./migrations.js";

/** Options for {@link runMigrations}. */
export interface RunMigrationsOptions {
  /** The engine (some column types differ). */
  kind: DatabaseKind;
  /** Migrations to apply; defaults to core's own. */
  migrations?: Record<string, Migration>;
  /** Bookkeeping table, one per migration set (core, each plugin). @default "vernissage_migrations" */
  tableName?: string;
}

/**
 * Bring the schema to the latest version. Safe to call from several processes at once. Accepts a Kysely
 * instance of any schema type (`Kysely<DB>` is not assignable to `Kysely<unknown>`). Returns the names of the
 * migrations it applied.
 */
export async function runMigrations<T>(db: Kysely<T>, options: RunMigrationsOptions): Promise<string[]> {
  const tableName = options.tableName ?? "vernissage_migrations";
  const migrator = new Migrator({
    db,
    provider: staticMigrationProvider(options.migrations ?? coreMigrations(options.kind)),
    migrationTableName: tableName,
    migrationLockTableName: `${tableName}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new GalleryError("INTERNAL", { detail: "Database migration failed.", cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
