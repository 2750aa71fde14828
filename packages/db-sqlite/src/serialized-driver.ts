import type { DatabaseConnection, Driver, QueryCompiler, TransactionSettings } from "kysely";

/** A first-come, first-served lock with no owner: one holder at a time, handed on in arrival order. */
export class ConnectionLock {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  async acquire(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}

type CompileQuery = QueryCompiler["compileQuery"];

/**
 * Wraps a driver so that every Kysely instance built from one dialect takes turns on its single connection.
 *
 * Kysely serialises SQLite access per `Kysely` instance only; two instances over the same better-sqlite3 handle
 * would otherwise run statements inside each other's transactions.
 */
export class SerializedDriver implements Driver {
  readonly #inner: Driver;
  readonly #lock: ConnectionLock;

  constructor(inner: Driver, lock: ConnectionLock) {
    this.#inner = inner;
    this.#lock = lock;
  }

  init(...args: Parameters<Driver["init"]>): Promise<void> {
    return this.#inner.init(...args);
  }

  async acquireConnection(...args: Parameters<Driver["acquireConnection"]>): Promise<DatabaseConnection> {
    await this.#lock.acquire();
    try {
      return await this.#inner.acquireConnection(...args);
    } catch (error) {
      this.#lock.release();
      throw error;
    }
  }

  async releaseConnection(...args: Parameters<Driver["releaseConnection"]>): Promise<void> {
    try {
      await this.#inner.releaseConnection(...args);
    } finally {
      this.#lock.release();
    }
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }

  async savepoint(connection: DatabaseConnection, name: string, compileQuery: CompileQuery): Promise<void> {
    if (!this.#inner.savepoint) throw new Error("The wrapped driver does not support savepoints.");
    await this.#inner.savepoint(connection, name, compileQuery);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: CompileQuery,
  ): Promise<void> {
    if (!this.#inner.rollbackToSavepoint) throw new Error("The wrapped driver does not support savepoints.");
    await this.#inner.rollbackToSavepoint(connection, name, compileQuery);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: CompileQuery,
  ): Promise<void> {
    if (!this.#inner.releaseSavepoint) throw new Error("The wrapped driver does not support savepoints.");
    await this.#inner.releaseSavepoint(connection, name, compileQuery);
  }

  destroy(...args: Parameters<Driver["destroy"]>): Promise<void> {
    return this.#inner.destroy(...args);
  }
}
