import { coreMigrations, type DB, runMigrations } from "@vernissage/core";
import { Kysely, sql } from "kysely";
import pg from "pg";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import * as api from "../src/index.js";
import { type PostgresDatabase, postgresDatabase } from "../src/index.js";
import { createTestDatabase, describePostgres, type TestDatabase } from "./pg-test-db.js";

await describePostgres("postgresDatabase", () => {
  let database: TestDatabase;
  const cleanups: Array<() => Promise<unknown>> = [];

  /** Open an adapter on the file's database and make sure it is closed after the test. */
  const open = (options: Parameters<typeof postgresDatabase>[0] = {}): PostgresDatabase => {
    const adapter = postgresDatabase({ connectionString: database.url, ...options });
    cleanups.push(() => adapter.close());
    return adapter;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("exports only its factory", () => {
    expect(Object.keys(api).sort()).toEqual(["postgresDatabase"]);
  });

  it("declares its kind and capabilities", () => {
    const adapter = open();
    expect(adapter.kind).toBe("postgres");
    expect(adapter.capabilities).toEqual({ skipLocked: true, multiProcess: true });
  });

  it("needs a connection string or a pool", () => {
    expect(() => postgresDatabase({})).toThrow(TypeError);
  });

  it("returns bigint and bigint[] as numbers without touching pg's global parsers", async () => {
    const adapter = open();
    const db = new Kysely<unknown>({ dialect: adapter.dialect });
    const { rows } = await sql<{ big: unknown; past32: unknown; list: unknown; n: unknown; none: unknown }>`
      select ${sql.lit(Number.MAX_SAFE_INTEGER)}::int8 as big, 4294967303::int8 as past32,
             array[1, null, 4102444800123]::int8[] as list, count(*) as n, null::int8 as none
      from generate_series(1, 3)`.execute(db);
    expect(rows).toEqual([
      { big: Number.MAX_SAFE_INTEGER, past32: 4294967303, list: [1, null, 4102444800123], n: 3, none: null },
    ]);
    // The adapter's own pool, queried directly, parses the same way.
    const direct = await adapter.pool.query("select 5::int8 as v");
    expect(direct.rows).toEqual([{ v: 5 }]);
    // pg's defaults are unchanged for everyone else.
    expect(pg.types.getTypeParser(20, "text")("7")).toBe("7");
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      expect((await other.query("select 7::int8 as v")).rows).toEqual([{ v: "7" }]);
    } finally {
      await other.end();
    }
  });

  it("sets pool size, statement timeout and application name", async () => {
    const adapter = open({ max: 3, statementTimeoutMs: 250, applicationName: "vt-test" });
    expect(adapter.pool.options.max).toBe(3);
    const db = new Kysely<unknown>({ dialect: adapter.dialect });
    const timeout = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(db);
    expect(timeout.rows[0]?.statement_timeout).toBe("250ms");
    const name = await sql<{ application_name: string }>`show application_name`.execute(db);
    expect(name.rows[0]?.application_name).toBe("vt-test");

    const defaults = open();
    expect(defaults.pool.options.max).toBe(10);
    const named = await sql<{ application_name: string }>`show application_name`.execute(
      new Kysely<unknown>({ dialect: defaults.dialect }),
    );
    expect(named.rows[0]?.application_name).toBe("vernissage");
  });

  it("turns JIT off on its own connections unless asked to keep it", async () => {
    const show = async (adapter: PostgresDatabase) =>
      (await sql<{ jit: string }>`show jit`.execute(new Kysely<unknown>({ dialect: adapter.dialect })))
        .rows[0]?.jit;
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const serverDefault = (await client.query<{ jit: string }>("show jit")).rows[0]?.jit;
    await client.end();
    expect(await show(open())).toBe("off");
    expect(await show(open({ jit: true }))).toBe(serverDefault);
  });

  it("uses a caller's pool with its parsers on Kysely's connections, and never ends it", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    try {
      const adapter = postgresDatabase({ pool });
      expect(adapter.pool).toBe(pool);
      const db = new Kysely<unknown>({ dialect: adapter.dialect });
      const { rows } = await sql<{ v: unknown }>`select 4102444800123::int8 as v`.execute(db);
      expect(rows).toEqual([{ v: 4102444800123 }]);
      await db.destroy();
      await adapter.close();
      expect(pool.ending).toBe(false);
      expect((await pool.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it("ends its own pool once, from Kysely's destroy() or close()", async () => {
    const adapter = postgresDatabase({ connectionString: database.url });
    const db = new Kysely<unknown>({ dialect: adapter.dialect });
    await sql`select 1`.execute(db);
    await db.destroy();
    expect(adapter.pool.ending).toBe(true);
    await adapter.close();
    await adapter.close();
    expect(adapter.pool.ended).toBe(true);
  });

  it("classifies a lock it may not wait for as busy", async () => {
    const adapter = open();
    const db = new Kysely<unknown>({ dialect: adapter.dialect });
    await sql`create table vt_locks (id int primary key)`.execute(db);
    await sql`insert into vt_locks values (1)`.execute(db);
    await db.transaction().execute(async (trx) => {
      await sql`select id from vt_locks where id = 1 for update`.execute(trx);
      const error = await sql`select id from vt_locks where id = 1 for update nowait`.execute(db).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "55P03" });
      expect(adapter.classifyError(error)).toBe("busy");
    });
  });

  it("classifies SQLSTATEs without looking at messages", () => {
    const adapter = open();
    const classify = (code: unknown) =>
      adapter.classifyError(Object.assign(new Error("irrelevant"), { code }));
    expect(classify("23505")).toBe("unique");
    expect(classify("23503")).toBe("foreign-key");
    expect(classify("23502")).toBe("not-null");
    expect(classify("23514")).toBe("check");
    expect(classify("40001")).toBe("busy");
    expect(classify("40P01")).toBe("busy");
    expect(classify("55P03")).toBe("busy");
    expect(classify("23000")).toBeUndefined();
    expect(classify("57014")).toBeUndefined();
    expect(classify("ECONNREFUSED")).toBeUndefined();
    expect(classify("constructor")).toBeUndefined();
    expect(classify(23505)).toBeUndefined();
  });

  it("lets three processes run migrations at once on a fresh database", async () => {
    const fresh = await createTestDatabase();
    try {
      const instances = Array.from({ length: 3 }, () => {
        const adapter = postgresDatabase({ connectionString: fresh.url, max: 2 });
        return { adapter, db: new Kysely<DB>({ dialect: adapter.dialect }) };
      });
      try {
        const results = await Promise.allSettled(
          instances.map(({ db }) => runMigrations(db, { kind: "postgres" })),
        );
        expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
        const applied = results.flatMap((r) => (r.status === "fulfilled" ? r.value : []));
        // Each migration applied exactly once across the three processes.
        expect(applied.sort()).toEqual(Object.keys(coreMigrations("postgres")).sort());
        for (const { db } of instances) {
          expect(await runMigrations(db, { kind: "postgres" })).toEqual([]);
          const users = await db
            .selectFrom("users")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .execute();
          expect(users).toEqual([{ n: 0 }]);
        }
      } finally {
        for (const { db } of instances) await db.destroy();
      }
    } finally {
      await fresh.drop();
    }
  });
});
