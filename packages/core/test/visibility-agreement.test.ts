import { type DB, runMigrations } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { Kysely } from "kysely";
import { afterAll, beforeAll, describe, it } from "vitest";
import { assertAgreement } from "./access-world.js";

/** Worlds per CI run (the acceptance floor is 2,000). `VERNISSAGE_AGREEMENT_RUNS` raises it locally. */
const RUNS = Math.max(2000, Number(process.env.VERNISSAGE_AGREEMENT_RUNS ?? 0));

describe("visibility: SQL filters agree with the reference evaluator", () => {
  let db: Kysely<DB>;
  beforeAll(async () => {
    db = new Kysely<DB>({ dialect: sqliteDatabase({ filename: ":memory:" }).dialect });
    await runMigrations(db as Kysely<unknown>, { kind: "sqlite" });
  });
  afterAll(async () => {
    await db.destroy();
  });

  it(`for every actor, album and photo of ${RUNS} random worlds`, async () => {
    await assertAgreement(db, RUNS);
  });
});
