import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Kysely, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as api from "../src/index.js";
import { type SqliteDatabase, sqliteDatabase } from "../src/index.js";

interface TestDB {
  notes: { id: number; body: string };
}

let dir: string;
const cleanups: Array<() => unknown> = [];

/** Close what a test opens even when the test fails. */
function track<T extends { close(): unknown } | Kysely<TestDB>>(handle: T): T {
  cleanups.push(() => ("destroy" in handle ? handle.destroy() : handle.close()));
  return handle;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vernissage-sqlite-"));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await rm(dir, { recursive: true, force: true });
});

function withNotes(adapter: SqliteDatabase): Kysely<TestDB> {
  adapter.raw.exec("create table if not exists notes (id integer primary key, body text not null)");
  return track(new Kysely<TestDB>({ dialect: adapter.dialect }));
}

describe("sqliteDatabase", () => {
  it("exports only its factory", () => {
    expect(Object.keys(api).sort()).toEqual(["sqliteDatabase"]);
  });

  it("sets WAL, foreign keys, NORMAL sync and a 5 s busy timeout on a file", () => {
    const adapter = track(sqliteDatabase({ filename: join(dir, "gallery.db") }));
    const pragma = (name: string) => adapter.raw.pragma(name, { simple: true });
    expect(pragma("journal_mode")).toBe("wal");
    expect(pragma("foreign_keys")).toBe(1);
    expect(pragma("synchronous")).toBe(1);
    expect(pragma("busy_timeout")).toBe(5000);
    expect(adapter.kind).toBe("sqlite");
    expect(adapter.capabilities).toEqual({ skipLocked: false, multiProcess: false });
  });

  it("keeps an in-memory database out of WAL but still enforces foreign keys", () => {
    const adapter = track(sqliteDatabase({ filename: ":memory:", busyTimeoutMs: 250 }));
    expect(adapter.raw.pragma("journal_mode", { simple: true })).toBe("memory");
    expect(adapter.raw.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(adapter.raw.pragma("busy_timeout", { simple: true })).toBe(250);
  });

  it("creates missing parent directories", () => {
    const filename = join(dir, "a", "b", "c", "gallery.db");
    track(sqliteDatabase({ filename }));
    expect(existsSync(filename)).toBe(true);
  });

  it("rejects a negative busy timeout", () => {
    expect(() => sqliteDatabase({ filename: ":memory:", busyTimeoutMs: -1 })).toThrow(TypeError);
  });

  it("opens an existing file read-only and refuses writes", async () => {
    const filename = join(dir, "gallery.db");
    const writer = track(sqliteDatabase({ filename }));
    await withNotes(writer).insertInto("notes").values({ id: 1, body: "hello" }).execute();

    const reader = track(sqliteDatabase({ filename, readonly: true }));
    const db = track(new Kysely<TestDB>({ dialect: reader.dialect }));
    expect(await db.selectFrom("notes").selectAll().execute()).toEqual([{ id: 1, body: "hello" }]);
    expect(reader.raw.pragma("foreign_keys", { simple: true })).toBe(1);
    const error = await db
      .insertInto("notes")
      .values({ id: 2, body: "no" })
      .execute()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ code: "SQLITE_READONLY" });
    expect(reader.classifyError(error)).toBeUndefined();
  });

  it("refuses to open a missing file read-only", () => {
    expect(() => sqliteDatabase({ filename: join(dir, "missing.db"), readonly: true })).toThrow();
    expect(existsSync(join(dir, "missing.db"))).toBe(false);
  });

  it("classifies a write blocked by another connection as busy", async () => {
    const filename = join(dir, "gallery.db");
    const holder = track(sqliteDatabase({ filename }));
    withNotes(holder);
    const waiter = track(sqliteDatabase({ filename, busyTimeoutMs: 0 }));
    const db = track(new Kysely<TestDB>({ dialect: waiter.dialect }));
    holder.raw.exec("begin immediate");
    try {
      const error = await db
        .insertInto("notes")
        .values({ id: 1, body: "blocked" })
        .execute()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(waiter.classifyError(error)).toBe("busy");
    } finally {
      holder.raw.exec("rollback");
    }
  });

  it("classifies driver codes without looking at messages", () => {
    const adapter = track(sqliteDatabase({ filename: ":memory:" }));
    const classify = (code: unknown) =>
      adapter.classifyError(Object.assign(new Error("irrelevant"), { code }));
    expect(classify("SQLITE_CONSTRAINT_UNIQUE")).toBe("unique");
    expect(classify("SQLITE_CONSTRAINT_PRIMARYKEY")).toBe("unique");
    expect(classify("SQLITE_CONSTRAINT_FOREIGNKEY")).toBe("foreign-key");
    expect(classify("SQLITE_CONSTRAINT_NOTNULL")).toBe("not-null");
    expect(classify("SQLITE_CONSTRAINT_CHECK")).toBe("check");
    expect(classify("SQLITE_BUSY")).toBe("busy");
    expect(classify("SQLITE_BUSY_SNAPSHOT")).toBe("busy");
    expect(classify("SQLITE_LOCKED")).toBe("busy");
    expect(classify("SQLITE_BUSYNESS")).toBeUndefined();
    expect(classify("SQLITE_CONSTRAINT")).toBeUndefined();
    expect(classify("23505")).toBeUndefined();
    expect(classify(19)).toBeUndefined();
    expect(classify("constructor")).toBeUndefined();
  });

  it("applies its pragmas to a supplied handle and leaves it open", async () => {
    const handle = track(new Database(join(dir, "gallery.db")));
    const adapter = sqliteDatabase({ filename: "ignored", database: handle });
    expect(adapter.raw).toBe(handle);
    expect(handle.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(handle.pragma("journal_mode", { simple: true })).toBe("wal");
    const db = withNotes(adapter);
    await db.insertInto("notes").values({ id: 1, body: "kept" }).execute();
    await db.destroy();
    await adapter.close();
    expect(handle.open).toBe(true);
    expect(existsSync(join(dir, "ignored"))).toBe(false);
  });

  it("closes an owned handle once, from Kysely's destroy() or close()", async () => {
    const adapter = sqliteDatabase({ filename: join(dir, "gallery.db") });
    const db = withNotes(adapter);
    await db.selectFrom("notes").selectAll().execute();
    await db.destroy();
    expect(adapter.raw.open).toBe(false);
    await adapter.close();
    await adapter.close();
  });

  it("lets Kysely instances on one adapter take turns instead of sharing a transaction", async () => {
    const adapter = track(sqliteDatabase({ filename: join(dir, "gallery.db") }));
    const first = withNotes(adapter);
    const second = track(new Kysely<TestDB>({ dialect: adapter.dialect }));
    let outside: Promise<unknown> | undefined;
    const failure = new Error("roll back");
    await expect(
      first.transaction().execute(async (trx) => {
        await trx.insertInto("notes").values({ id: 1, body: "inside" }).execute();
        outside = second.insertInto("notes").values({ id: 2, body: "outside" }).execute();
        // Give the second instance every chance to run before the rollback.
        await new Promise((resolve) => setImmediate(resolve));
        throw failure;
      }),
    ).rejects.toBe(failure);
    await outside;
    const rows = await sql<{ id: number }>`select id from notes order by id`.execute(second);
    expect(rows.rows).toEqual([{ id: 2 }]);
  });
});
