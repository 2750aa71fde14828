import type { Dialect } from "kysely";

/** The SQL engines core knows how to speak to. */
export type DatabaseKind = "sqlite" | "postgres";

/** How a driver error should be understood by core. */
export type DatabaseErrorKind = "unique" | "foreign-key" | "busy" | "not-null" | "check";

/** Optional features an adapter declares; core adapts its queries to them. */
export interface DatabaseCapabilities {
  /** `SELECT … FOR UPDATE SKIP LOCKED` is available (job claiming across processes). */
  skipLocked: boolean;
  /** Several processes may write at once (PostgreSQL) rather than one writer process (SQLite). */
  multiProcess: boolean;
}

/**
 * The database port. An adapter hands core a Kysely {@link Dialect} for the shared schema and describes the
 * engine's quirks; queries and migrations are written once in core.
 *
 * Schema conventions every adapter must support: `text` ids, integer epoch-millisecond timestamps in
 * `bigint` columns returned as JavaScript numbers, booleans as `integer` 0/1, JSON as `text`. Migrations are
 * serialised across processes by the dialect's own migration lock (Kysely's `acquireMigrationLock`).
 */
export interface DatabaseAdapter {
  /** Which SQL engine this is. */
  readonly kind: DatabaseKind;
  /** The Kysely dialect core builds its `Kysely` instance from. */
  readonly dialect: Dialect;
  /** Optional features. */
  readonly capabilities: DatabaseCapabilities;
  /** Classify a driver error, or `undefined` when it is none of the known kinds. */
  classifyError(error: unknown): DatabaseErrorKind | undefined;
}
