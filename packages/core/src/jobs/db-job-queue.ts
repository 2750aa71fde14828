import { hostname } from "node:os";
import type { Kysely } from "kysely";
import type { DB, JobRow } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import { newId } from "../ids.js";
import { errorFields, type Logger } from "../logger.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { DatabaseAdapter } from "../ports/database.js";
import type { EnqueueOptions, JobHandler, JobInfo, JobListQuery, JobQueue } from "../ports/jobs.js";

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
  /** First retry delay; doubles per attempt, up to `maxBackoffMs`. @default 2000 */
  backoffMs?: number;
  /** Longest retry delay. @default 3600000 (one hour) */
  maxBackoffMs?: number;
}

const JOB_STATUSES = new Set<string>(["pending", "running", "done", "dead"]);

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
  dedupeKey: row.dedupe_key,
  lockedBy: row.locked_by,
  lockedUntil: row.locked_until,
});

/** The database-backed durable job queue. */
export function createDatabaseJobQueue(options: DatabaseJobQueueOptions): JobQueue {
  const { db, adapter, logger } = options;
  const concurrency = options.concurrency ?? 2;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1000;
  const backoffMs = options.backoffMs ?? 2000;
  const maxBackoffMs = options.maxBackoffMs ?? 3_600_000;
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
    // Renew the lease while the handler runs, so a long job is not taken over by another worker; only a
    // worker that stops renewing (it died) loses the job when the lease ends.
    const renew = setInterval(
      () => {
        db.updateTable("jobs")
          .set({ locked_until: now() + leaseMs })
          .where("id", "=", row.id)
          .where("locked_by", "=", workerId)
          .where("status", "=", "running")
          .execute()
          .catch((error: unknown) =>
            logger.warn({ job: row.id, ...errorFields(error) }, "job lease renewal failed"),
          );
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    renew.unref();
    try {
      if (!handler) throw new Error(`No handler for job type ${row.type}`);
      await handler(JSON.parse(row.payload), { id: row.id, attempt: row.attempts });
      clearInterval(renew);
      await db
        .updateTable("jobs")
        .set({ status: "done", locked_by: null, locked_until: null, last_error: null, updated_at: now() })
        .where("id", "=", row.id)
        .where("locked_by", "=", workerId)
        .execute();
    } catch (error) {
      clearInterval(renew);
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
          run_at: now() + Math.min(maxBackoffMs, backoffMs * 2 ** (row.attempts - 1)),
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
    async list(query: JobListQuery = {}) {
      const limit = pageLimit(query.limit);
      if (query.status !== undefined && !JOB_STATUSES.has(query.status)) {
        throw new GalleryError("VALIDATION_FAILED", { detail: "Unknown job status." });
      }
      let q = db.selectFrom("jobs").selectAll();
      if (query.status !== undefined) q = q.where("status", "=", query.status);
      if (query.type !== undefined) q = q.where("type", "=", query.type);
      if (query.cursor !== undefined) {
        const [createdAt, id] = decodeCursor(query.cursor, ["n", "s"]) as [number, string];
        q = q.where((eb) =>
          eb.or([
            eb("created_at", "<", createdAt),
            eb.and([eb("created_at", "=", createdAt), eb("id", "<", id)]),
          ]),
        );
      }
      const rows = await q
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toInfo);
      const last = items[items.length - 1];
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt, last.id]) : null,
      };
    },
    async retry(id) {
      const row = await db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
      if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such job." });
      if (row.status !== "dead") {
        throw new GalleryError("CONFLICT", {
          detail: "Only dead jobs can be retried.",
          data: { status: row.status },
        });
      }
      const now = Date.now();
      try {
        const updated = await db
          .updateTable("jobs")
          .set({
            status: "pending",
            attempts: 0,
            run_at: now,
            locked_by: null,
            locked_until: null,
            updated_at: now,
          })
          .where("id", "=", id)
          .where("status", "=", "dead")
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) {
          throw new GalleryError("CONFLICT", { detail: "The job changed meanwhile." });
        }
      } catch (error) {
        // Another live job holds the same dedupe key: that one will do the work.
        if (adapter.classifyError(error) === "unique") {
          throw new GalleryError("CONFLICT", {
            detail: "A live job with the same key exists.",
            cause: error,
          });
        }
        throw error;
      }
      if (started) setImmediate(pump);
      const after = await db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      return toInfo(after);
    },
  };
}
