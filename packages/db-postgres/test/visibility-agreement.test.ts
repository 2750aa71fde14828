import { type DB, runMigrations } from "@vernissage/core";
import { Kysely } from "kysely";
import { afterAll, beforeAll, it } from "vitest";
import { assertAgreement } from "../../core/test/access-world.js";
import { postgresDatabase } from "../src/index.js";
import { createTestDatabase, describePostgres, type TestDatabase } from "./pg-test-db.js";

// The visibility SQL is written once; this runs the core agreement property on PostgreSQL (fewer worlds than on
// SQLite, whose run is the 2,000-world acceptance check, because each world costs a few network round trips).
await describePostgres("visibility agreement on PostgreSQL", () => {
  let database: TestDatabase;
  let db: Kysely<DB>;
  beforeAll(async () => {
    database = await createTestDatabase();
    const adapter = postgresDatabase({ connectionString: database.url });
    db = new Kysely<DB>({ dialect: adapter.dialect });
    await runMigrations(db as Kysely<unknown>, { kind: "postgres" });
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  // `VERNISSAGE_AGREEMENT_RUNS` raises it (e.g. to the 2,000 of the SQLite run when the SQL changes).
  const runs = Math.max(300, Number(process.env.VERNISSAGE_AGREEMENT_RUNS ?? 0));
  it(
    `SQL filters agree with the reference evaluator on ${runs} random worlds`,
    async () => {
      await assertAgreement(db, runs);
    },
    Math.max(60_000, runs * 200),
  );
});
