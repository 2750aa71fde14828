import { type Kysely, type RawBuilder, type SqlBool, sql } from "kysely";

/** Rows deleted per statement by {@link pruneInBatches}. */
export const PRUNE_BATCH = 1000;

/**
 * Delete the rows of `table` matching `condition`, {@link PRUNE_BATCH} at a time (each batch its own statement,
 * picked by `key` through the index the condition uses, so no statement holds a long write lock), until a batch
 * comes back short. Returns how many rows went. `table` and `key` must be the caller's constants; values in
 * `condition` are bound parameters. @internal
 */
export async function pruneInBatches(
  db: Kysely<unknown>,
  table: string,
  key: string,
  condition: RawBuilder<SqlBool>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const result =
      await sql`delete from ${sql.table(table)} where ${sql.ref(key)} in (select ${sql.ref(key)} from ${sql.table(table)} where ${condition} limit ${PRUNE_BATCH})`.execute(
        db,
      );
    const deleted = Number(result.numAffectedRows ?? 0n);
    total += deleted;
    if (deleted < PRUNE_BATCH) return total;
  }
}
