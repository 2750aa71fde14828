import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import { newId } from "../ids.js";

/** Options of {@link createLeaseLocks}. */
export interface LeaseLockOptions {
  db: Kysely<DB>;
  /** How long a lock lasts unless renewed; a holder that dies frees it after this. @default 30000 */
  leaseMs?: number | undefined;
  /** How long `withLock` waits for a lock held by someone else before giving up. @default 120000 */
  waitMs?: number | undefined;
  /** Pause between attempts while waiting. @default 100 */
  pollMs?: number | undefined;
  /** Identifies this holder in the table. @default host:pid:random */
  holder?: string | undefined;
}

/** Named locks shared by every process of a gallery (they live in the database). */
export interface LeaseLocks {
  /**
   * Run `fn` while holding the lock `name`: waits while another holder has it (another process, or another
   * call in this one), renews the lease while `fn` runs, releases it afterwards. A lock whose holder died is
   * taken over once its lease ran out. Waiting longer than `waitMs` throws `DATABASE_BUSY` (retryable).
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Try once to take `name`; true when taken. Release with {@link LeaseLocks.release}. */
  tryAcquire(name: string): Promise<boolean>;
  /** Release `name` if this holder has it. */
  release(name: string): Promise<void>;
  /** The holder id written in the table. */
  readonly holder: string;
}

/**
 * Database-backed locks with leases: the insert of a row takes a free lock (a unique key, so exactly one
 * process wins), an update of an expired row takes over a dead holder's lock. Written once for SQLite and
 * PostgreSQL (no engine-specific locking).
 */
export function createLeaseLocks(options: LeaseLockOptions): LeaseLocks {
  const { db } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const waitMs = options.waitMs ?? 120_000;
  const pollMs = options.pollMs ?? 100;
  const holder = options.holder ?? `${hostname()}:${process.pid}:${newId().slice(-8)}`;
  // Calls in this process queue here first, so one process never polls the table against itself.
  const local = new Map<string, Promise<unknown>>();

  async function tryAcquire(name: string): Promise<boolean> {
    const now = Date.now();
    const inserted = await db
      .insertInto("leases")
      .values({ name, holder, locked_until: now + leaseMs, created_at: now })
      .onConflict((oc) => oc.column("name").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
    // Held: take it over only if its lease ran out (its holder died or hung).
    const taken = await db
      .updateTable("leases")
      .set({ holder, locked_until: now + leaseMs, created_at: now })
      .where("name", "=", name)
      .where("locked_until", "<", now)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1;
  }

  async function release(name: string): Promise<void> {
    await db.deleteFrom("leases").where("name", "=", name).where("holder", "=", holder).execute();
  }

  async function acquire(name: string): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await tryAcquire(name)) return;
      if (Date.now() >= deadline) {
        throw new GalleryError("DATABASE_BUSY", {
          detail: "A lock stayed taken too long.",
          data: { lock: name },
        });
      }
      // Jitter keeps waiting processes from polling in step.
      await sleep(pollMs / 2 + Math.random() * pollMs);
    }
  }

  async function hold<T>(name: string, fn: () => Promise<T>): Promise<T> {
    await acquire(name);
    const renew = setInterval(
      () => {
        db.updateTable("leases")
          .set({ locked_until: Date.now() + leaseMs })
          .where("name", "=", name)
          .where("holder", "=", holder)
          .execute()
          .catch(() => {});
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await release(name);
    }
  }

  return {
    holder,
    tryAcquire,
    release,
    withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const before = local.get(name) ?? Promise.resolve();
      const mine = before.catch(() => {}).then(() => hold(name, fn));
      const tail = mine.catch(() => {});
      local.set(name, tail);
      void tail.then(() => {
        if (local.get(name) === tail) local.delete(name);
      });
      return mine;
    },
  };
}
