import type { Kysely } from "kysely";
import { type Migration, Migrator, NO_MIGRATIONS } from "kysely/migration";
import { staticMigrationProvider } from "./db/migrations.js";
import { GalleryError } from "./errors.js";
import type { PluginMigrations } from "./plugin.js";
import type { DatabaseKind } from "./ports/database.js";

/** The bookkeeping table of one plugin's migrations (its lock table adds `_lock`). */
export function pluginMigrationTable(name: string): string {
  return `plugin_${name.replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "")}_migrations`;
}

function resolve(migrations: PluginMigrations | undefined, kind: DatabaseKind): Record<string, Migration> {
  if (!migrations) return {};
  return typeof migrations === "function" ? migrations(kind) : migrations;
}

function migrator(db: Kysely<unknown>, name: string, migrations: Record<string, Migration>): Migrator {
  const table = pluginMigrationTable(name);
  return new Migrator({
    db,
    provider: staticMigrationProvider(migrations),
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
  });
}

/** Apply a plugin's pending migrations (install and update). Returns the names applied. */
export async function migratePluginUp(
  db: Kysely<unknown>,
  plugin: { name: string; migrations?: PluginMigrations | undefined },
  kind: DatabaseKind,
): Promise<string[]> {
  const migrations = resolve(plugin.migrations, kind);
  if (Object.keys(migrations).length === 0) return [];
  const { error, results } = await migrator(db, plugin.name, migrations).migrateToLatest();
  if (error) {
    throw new GalleryError("PLUGIN_ERROR", {
      detail: `Migrations of plugin "${plugin.name}" failed.`,
      data: { plugin: plugin.name, migration: results?.find((r) => r.status === "Error")?.migrationName },
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/**
 * Roll back every migration of a plugin (uninstall) and drop its bookkeeping tables, so nothing of the plugin
 * is left in the database. Returns the names rolled back.
 */
export async function migratePluginDown(
  db: Kysely<unknown>,
  plugin: { name: string; migrations?: PluginMigrations | undefined },
  kind: DatabaseKind,
): Promise<string[]> {
  const migrations = resolve(plugin.migrations, kind);
  let rolledBack: string[] = [];
  if (Object.keys(migrations).length > 0) {
    const { error, results } = await migrator(db, plugin.name, migrations).migrateTo(NO_MIGRATIONS);
    if (error) {
      throw new GalleryError("PLUGIN_ERROR", {
        detail: `Rolling back the migrations of plugin "${plugin.name}" failed.`,
        data: { plugin: plugin.name },
        cause: error,
      });
    }
    rolledBack = (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  }
  const table = pluginMigrationTable(plugin.name);
  await db.schema.dropTable(table).ifExists().execute();
  await db.schema.dropTable(`${table}_lock`).ifExists().execute();
  return rolledBack;
}
