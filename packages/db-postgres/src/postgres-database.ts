import type { DatabaseAdapter, DatabaseErrorKind } from "@vernissage/core";
import { PostgresDialect, type PostgresPool } from "kysely";
import pg from "pg";
import { int8TextParsers, vernissageTypes } from "./type-parsers.js";

/** Options for {@link postgresDatabase}. Give `connectionString` or `pool`. */
export interface PostgresDatabaseOptions {
  /**
   * A libpq-style connection URL. Ignored when `pool` is given.
   *
   * @example "postgres://vernissage:secret@db.internal:5432/vernissage"
   */
  connectionString?: string;
  /**
   * An existing pool to use instead of making one. The adapter never ends it (the caller keeps ownership), and
   * `max`, `idleTimeoutMillis`, `statementTimeoutMs` and `applicationName` do not apply to it. Each connection
   * the adapter checks out of it gets the adapter's `bigint` parsers (and keeps them when the pool hands it to
   * other code later); connections the adapter never used keep pg's.
   *
   * @example new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 })
   */
  pool?: pg.Pool;
  /**
   * Maximum number of connections in the pool.
   *
   * @default 10
   */
  max?: number;
  /**
   * How long an idle connection stays in the pool before it is closed, in milliseconds.
   *
   * @default 10000 (pg's default)
   */
  idleTimeoutMillis?: number;
  /**
   * Server-side `statement_timeout` for every connection, in milliseconds. A statement that runs longer is
   * cancelled (SQLSTATE 57014).
   *
   * @default undefined (the server's setting, usually no limit)
   */
  statementTimeoutMs?: number;
  /**
   * `application_name` reported to the server (visible in `pg_stat_activity`).
   *
   * @default "vernissage"
   */
  applicationName?: string;
  /**
   * Leave PostgreSQL's JIT compiler on for this pool. Gallery queries return a handful of rows through
   * correlated subqueries, where JIT compilation costs far more than it saves (measured: the home query spent
   * 1.9 s of 2 s in JIT at 100k photos), so the adapter turns it off for the connections it creates. A pool
   * passed as `pool` keeps its own settings: set `options: "-c jit=off"` there.
   *
   * @default false
   */
  jit?: boolean;
}

/** The PostgreSQL adapter: a {@link DatabaseAdapter} plus the pool it uses. */
export interface PostgresDatabase extends DatabaseAdapter {
  readonly kind: "postgres";
  /** The pg pool behind the dialect (the caller's, when one was passed as `pool`). */
  readonly pool: pg.Pool;
  /**
   * End the pool if the adapter made it (a pool passed as `pool` is left open). Safe to call more than once,
   * and after `destroy()` of a Kysely instance built on `dialect`, which also ends it.
   */
  close(): Promise<void>;
}

const DEFAULT_MAX = 10;

const ERROR_KINDS: ReadonlyMap<string, DatabaseErrorKind> = new Map<string, DatabaseErrorKind>([
  ["23505", "unique"], // unique_violation
  ["23503", "foreign-key"], // foreign_key_violation
  ["23502", "not-null"], // not_null_violation
  ["23514", "check"], // check_violation
  ["40001", "busy"], // serialization_failure
  ["40P01", "busy"], // deadlock_detected
  ["55P03", "busy"], // lock_not_available
]);

/**
 * A PostgreSQL {@link DatabaseAdapter} over pg: for several processes sharing one database, with
 * `FOR UPDATE SKIP LOCKED` job claiming.
 *
 * `bigint` values (epoch-millisecond timestamps, byte sizes, `count(*)`) come back as JavaScript numbers on
 * the adapter's connections; pg's global type parsers are not changed. Migrations from several processes at
 * once are serialised by Kysely's advisory lock.
 *
 * @example
 * import { Kysely } from "kysely";
 * import { postgresDatabase } from "@vernissage/db-postgres";
 *
 * const database = postgresDatabase({ connectionString: process.env.DATABASE_URL, max: 20 });
 * const db = new Kysely<DB>({ dialect: database.dialect });
 * // …
 * await database.close();
 */
export function postgresDatabase(options: PostgresDatabaseOptions): PostgresDatabase {
  const owned = options.pool === undefined;
  if (owned && !options.connectionString) {
    throw new TypeError("postgresDatabase needs a connectionString or a pool.");
  }
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? DEFAULT_MAX,
      idleTimeoutMillis: options.idleTimeoutMillis,
      statement_timeout: options.statementTimeoutMs,
      application_name: options.applicationName ?? "vernissage",
      ...(options.jit ? {} : { options: "-c jit=off" }),
      types: vernissageTypes,
    });
  if (owned) {
    // An idle client whose server connection drops emits 'error' on the pool, which would crash the process
    // if unheard. The pool has already discarded that client; the next checkout opens a fresh connection.
    pool.on("error", () => {});
  }

  let ending: Promise<void> | undefined;
  const close = (): Promise<void> => {
    if (!owned) return Promise.resolve();
    ending ??= pool.end();
    return ending;
  };

  // What Kysely sees: the same pool, except that `end` follows the ownership rule above and a caller's pool
  // gets the bigint parsers on each connection the adapter checks out.
  const kyselyPool: PostgresPool = {
    options: pool.options,
    async connect() {
      const client = await pool.connect();
      if (!owned) {
        for (const [oid, parse] of int8TextParsers) client.setTypeParser(oid, "text", parse);
      }
      return client;
    },
    end: close,
  };

  return {
    kind: "postgres",
    dialect: new PostgresDialect({ pool: kyselyPool, controlClient: pg.Client }),
    capabilities: Object.freeze({ skipLocked: true, multiProcess: true }),
    classifyError: classifyPostgresError,
    pool,
    close,
  };
}

function classifyPostgresError(error: unknown): DatabaseErrorKind | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const { code } = error;
  // SQLSTATEs are five characters; Node's own codes (ECONNREFUSED, …) never match the table.
  return typeof code === "string" ? ERROR_KINDS.get(code) : undefined;
}
