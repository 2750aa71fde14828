import { hostname } from "node:os";
import type { Kysely } from "kysely";
import type { DB, JobRow } from "../db/schema.js";
import { newId } from "../ids.js";
import { errorFields, type Logger } from "../logger.js";
import type { DatabaseAdapter } from "../ports/database.js";
import type { EnqueueOptions, JobHandler, JobInfo, JobQueue } from "../ports/jobs.js";

/** Options of {@link createDatabaseJobQueue}. */
export interface DatabaseJobQueueOptions {
  db: Kysely<DB>;
  adapter: DatabaseAdapter;
  logger: Logger;
  /** Jobs run at once by this process. @default 2 */
  concurrency?: number;
  /** Lease length; a job whose worker vanished is taken again after it. @default 60000 */
  leaseMs?: number;
  /** Idle polling interval. @default 1000 */
  pollMs?: number;
  /** First retry delay; doubles per attempt. @default 2000 */
  backoffMs?: number;
}

const toInfo = (row: JobRow): JobInfo => ({
  id: row.id,
  type: row.type,
  status: row.status,
  attempts: row.attempts,
  maxAttempts: row.max_attempts,
  runAt: row.run_at,
  lastError: row.last_error,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The database-backed durable job queue. */
export function createDatabaseJobQueue(options: DatabaseJobQueueOptions): JobQueue {
  const { db, adapter, logger } = options;
  const concurrency = options.concurrency ?? 2;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1000;
  const backoffMs = options.backoffMs ?? 2000;
  const workerId = `${hostname()}:${process.pid}:${newId().slice(-6)}`;
  const handlers = new Map<string, JobHandler>();
  const running = new Set<Promise<void>>();
  let started = false;
  let timer: NodeJS.Timeout | undefined;

  async function claim(): Promise<JobRow | undefined> {
    const now = Date.now();
    const types = [...handlers.keys()];
    if (types.length === 0) return undefined;
    return db.transaction().execute(async (trx) => {
      let query = trx
        .selectFrom("jobs")
        .selectAll()
        .where("type", "in", types)
        .where((eb) =>
          eb.or([
            eb.and([eb("status", "=", "pending"), eb("run_at", "<=", now)]),
            eb.and([eb("status", "=", "running"), eb("locked_until", "<", now)]),
          ]),
        )
        .orderBy("run_at")
        .orderBy("id")
        .limit(1);
      if (adapter.capabilities.skipLocked) query = query.forUpdate().skipLocked();
      const row = await query.executeTakeFirst();
      if (!row) return undefined;
      // The status/lease condition makes the claim safe even without row locks (one SQLite writer at a time).
      const updated = await trx
        .updateTable("jobs")
        .set({
          status: "running",
          locked_by: workerId,
          locked_until: now + leaseMs,
          attempts: row.attempts + 1,
          updated_at: now,
        })
        .where("id", "=", row.id)
        .where("attempts", "=", row.attempts)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return undefined;
      return { ...row, status: "running" as const, attempts: row.attempts + 1, locked_by: workerId };
    });
  }

  async function execute(row: JobRow): Promise<void> {
    const handler = handlers.get(row.type);
    const now = () => Date.now();
    try {
      if (!handler) throw new Error(`No handler for job type ${row.type}`);
      await handler(JSON.parse(row.payload), { id: row.id, attempt: row.attempts });
      await db
        .updateTable("jobs")
        .set({ status: "done", locked_by: null, locked_until: null, last_error: null, updated_at: now() })
        .where("id", "=", row.id)
        .where("locked_by", "=", workerId)
        .execute();
    } catch (error) {
      const dead = row.attempts >= row.max_attempts;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      logger.warn(
        { job: row.id, type: row.type, attempt: row.attempts, dead, ...errorFields(error) },
        "job failed",
      );
      await db
        .updateTable("jobs")
        .set({
          status: dead ? "dead" : "pending",
          locked_by: null,
          locked_until: null,
          last_error: message.slice(0, 2000),
          run_at: now() + backoffMs * 2 ** (row.attempts - 1),
          updated_at: now(),
        })
        .where("id", "=", row.id)
        .where("locked_by", "=", workerId)
        .execute();
    }
  }

  async function runOne(): Promise<boolean> {
    const row = await claim();
    if (!row) return false;
    await execute(row);
    return true;
  }

  let claiming = false;
  function pump(): void {
    if (!started || claiming || running.size >= concurrency) return;
    claiming = true;
    claim().then(
      (row) => {
        claiming = false;
        if (!row) return;
        const task: Promise<void> = execute(row).finally(() => {
          running.delete(task);
          pump();
        });
        running.add(task);
        pump();
      },
      (error) => {
        claiming = false;
        logger.error({ ...errorFields(error) }, "job claim failed");
      },
    );
  }

  return {
    register(type, handler) {
      handlers.set(type, handler as JobHandler);
    },
    async enqueue(type, payload, opts: EnqueueOptions = {}) {
      const now = Date.now();
      if (opts.dedupeKey) {
        const live = await db
          .selectFrom("jobs")
          .select("id")
          .where("dedupe_key", "=", opts.dedupeKey)
          .where("status", "in", ["pending", "running"])
          .executeTakeFirst();
        if (live) return live.id;
      }
      const id = newId();
      try {
        await db
          .insertInto("jobs")
          .values({
            id,
            type,
            payload: JSON.stringify(payload ?? null),
            status: "pending",
            dedupe_key: opts.dedupeKey ?? null,
            attempts: 0,
            max_attempts: opts.maxAttempts ?? 5,
            run_at: opts.runAt ?? now,
            locked_by: null,
            locked_until: null,
            last_error: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      } catch (error) {
        if (opts.dedupeKey && adapter.classifyError(error) === "unique") {
          const live = await db
            .selectFrom("jobs")
            .select("id")
            .where("dedupe_key", "=", opts.dedupeKey)
            .where("status", "in", ["pending", "running"])
            .executeTakeFirst();
          if (live) return live.id;
        }
        throw error;
      }
      if (started) setImmediate(pump);
      return id;
    },
    start() {
      if (started) return;
      started = true;
      timer = setInterval(pump, pollMs);
      timer.unref();
      pump();
    },
    async stop() {
      started = false;
      if (timer) clearInterval(timer);
      await Promise.allSettled([...running]);
    },
    async runUntilIdle() {
      let count = 0;
      while (await runOne()) count++;
      await Promise.allSettled([...running]);
      return count;
    },
    async get(id) {
      const row = await db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toInfo(row) : undefined;
    },
  };
}
