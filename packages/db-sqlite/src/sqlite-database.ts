import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { DatabaseAdapter, DatabaseErrorKind } from "@vernissage/core";
import Database from "better-sqlite3";
import { type Dialect, SqliteDialect } from "kysely";
import { ConnectionLock, SerializedDriver } from "./serialized-driver.js";

/** Options for {@link sqliteDatabase}. */
export interface SqliteDatabaseOptions {
  /**
   * Path of the database file, or `":memory:"` for a private in-memory database. Missing parent directories
   * are created (except in `readonly` mode). Not opened when `database` is given.
   *
   * @example "./data/gallery.db"
   */
  filename: string;
  /**
   * Open the file read-only. The file must exist; WAL mode and `synchronous` are left as the file has them.
   *
   * @default false
   */
  readonly?: boolean;
  /**
   * How long a statement waits for another connection's lock (`PRAGMA busy_timeout`) before failing with
   * `SQLITE_BUSY`, which {@link DatabaseAdapter.classifyError} reports as `"busy"`.
   *
   * @default 5000
   */
  busyTimeoutMs?: number;
  /**
   * An already open better-sqlite3 handle to use instead of opening `filename`. The adapter applies its
   * pragmas to it but never closes it: the caller keeps ownership.
   *
   * @example new Database("./data/gallery.db")
   */
  database?: Database.Database;
}

/** The SQLite adapter: a {@link DatabaseAdapter} plus the handle it owns. */
export interface SqliteDatabase extends DatabaseAdapter {
  readonly kind: "sqlite";
  /** The underlying better-sqlite3 handle (one connection, shared by every Kysely built on `dialect`). */
  readonly raw: Database.Database;
  /**
   * Close the handle if the adapter opened it (a handle passed as `database` is left open). Safe to call
   * more than once, and after `destroy()` of a Kysely instance built on `dialect`, which also closes it.
   */
  close(): Promise<void>;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** Prepared statements kept for reuse, by SQL text. */
const STATEMENT_CACHE_MAX = 500;

const ERROR_KINDS: ReadonlyMap<string, DatabaseErrorKind> = new Map<string, DatabaseErrorKind>([
  ["SQLITE_CONSTRAINT_UNIQUE", "unique"],
  ["SQLITE_CONSTRAINT_PRIMARYKEY", "unique"],
  ["SQLITE_CONSTRAINT_FOREIGNKEY", "foreign-key"],
  ["SQLITE_CONSTRAINT_NOTNULL", "not-null"],
  ["SQLITE_CONSTRAINT_CHECK", "check"],
]);

/**
 * A SQLite {@link DatabaseAdapter} over better-sqlite3: the embedded default, for one process.
 *
 * The connection runs with `journal_mode=WAL` (files only), `foreign_keys=ON`, `synchronous=NORMAL` and a
 * busy timeout. Every Kysely instance built on the adapter's `dialect` shares the one connection and takes
 * turns on it, so a transaction is never interleaved with another instance's statements.
 *
 * @example
 * import { Kysely } from "kysely";
 * import { sqliteDatabase } from "@vernissage/db-sqlite";
 *
 * const database = sqliteDatabase({ filename: "./data/gallery.db" });
 * const db = new Kysely<DB>({ dialect: database.dialect });
 * // …
 * await database.close();
 */
export function sqliteDatabase(options: SqliteDatabaseOptions): SqliteDatabase {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new TypeError("busyTimeoutMs must be a non-negative integer.");
  }
  const readonly = options.readonly ?? false;
  const owned = options.database === undefined;
  const inMemory = options.filename === ":memory:" || options.filename === "";

  if (owned && !inMemory && !readonly) {
    mkdirSync(dirname(resolve(options.filename)), { recursive: true });
  }
  const raw =
    options.database ??
    new Database(options.filename, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });

  try {
    raw.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (!raw.readonly) {
      // WAL lets readers run beside the writer; it does not apply to in-memory databases.
      if (!inMemory && !raw.memory) raw.pragma("journal_mode = WAL");
      // Durable at each checkpoint, and safe against corruption, in WAL mode.
      raw.pragma("synchronous = NORMAL");
    }
    raw.pragma("foreign_keys = ON");
  } catch (error) {
    if (owned) raw.close();
    throw error;
  }

  const close = async (): Promise<void> => {
    if (owned && raw.open) raw.close();
  };

  // Compiling SQL is a large part of a small query's cost (about 60 µs for a visibility check): statements are
  // kept by their text and reused (a statement still being iterated is busy and gets a fresh one).
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    const cached = statements.get(sql);
    if (cached && !cached.busy) return cached;
    const statement = raw.prepare(sql);
    if (!cached) {
      if (statements.size >= STATEMENT_CACHE_MAX) statements.delete(statements.keys().next().value as string);
      statements.set(sql, statement);
    }
    return statement;
  };

  // Kysely only needs `prepare` and `close`; routing `close` through here keeps a caller's handle open.
  const base = new SqliteDialect({
    database: {
      prepare,
      close: () => {
        if (owned && raw.open) raw.close();
      },
    },
  });
  const lock = new ConnectionLock();
  const dialect: Dialect = {
    createDriver: () => new SerializedDriver(base.createDriver(), lock),
    createQueryCompiler: () => base.createQueryCompiler(),
    createAdapter: () => base.createAdapter(),
    createIntrospector: (db) => base.createIntrospector(db),
  };

  return {
    kind: "sqlite",
    dialect,
    capabilities: Object.freeze({ skipLocked: false, multiProcess: false }),
    classifyError: classifySqliteError,
    raw,
    close,
  };
}

function classifySqliteError(error: unknown): DatabaseErrorKind | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const { code } = error;
  if (typeof code !== "string") return undefined;
  const kind = ERROR_KINDS.get(code);
  if (kind) return kind;
  // SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_TIMEOUT, SQLITE_LOCKED, SQLITE_LOCKED_SHAREDCACHE, …
  if (/^SQLITE_(BUSY|LOCKED)(_|$)/.test(code)) return "busy";
  return undefined;
}
