import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  createDatabaseJobQueue,
  createGallery,
  createLeaseLocks,
  type DB,
  type Gallery,
  GUEST,
  SYSTEM,
  type UserActor,
} from "@vernissage/core";
import { Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type StackAdapters, stackAdapters } from "../../../e2e/support/stack.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/**
 * One gallery (it applies the migrations) plus `extra` more connections to its database, as separate processes
 * would have them: each with its own Kysely instance and pool.
 */
async function world(extra = 1): Promise<{ gallery: Gallery; dbs: Kysely<DB>[]; adapters: StackAdapters }> {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-jobs-"));
  const adapters = await stackAdapters(dir);
  const gallery = await createGallery({
    database: adapters.database,
    storage: adapters.storage,
    jobs: { run: false },
    logger: quiet,
  });
  const others = Array.from({ length: extra }, () => adapters.connectAgain());
  const dbs = others.map((a) => new Kysely<DB>({ dialect: a.dialect }));
  cleanups.push(async () => {
    for (const db of dbs) await db.destroy();
    await gallery.close();
    await adapters.dispose();
    await rm(dir, { recursive: true, force: true });
  });
  return { gallery, dbs, adapters };
}

function queueOn(
  db: Kysely<DB>,
  adapters: StackAdapters,
  options: { leaseMs?: number; concurrency?: number } = {},
) {
  const database = adapters.database;
  return createDatabaseJobQueue({
    db,
    adapter: database,
    logger: quiet,
    pollMs: 20,
    backoffMs: 0,
    ...options,
  });
}

const member: UserActor = {
  kind: "user",
  userId: "u-member",
  role: "member",
  privacyLevel: 0,
  groupIds: [],
};

describe("job queue across processes", () => {
  it("runs every job exactly once when two workers on separate connections compete", async () => {
    const { gallery, dbs, adapters } = await world(1);
    const ran: string[] = [];
    const handler = async (payload: { n: number }) => {
      ran.push(`${payload.n}`);
      // Yield so the other worker gets a chance to claim in between.
      await sleep(1);
    };
    const a = queueOn(gallery.db, adapters, { concurrency: 3 });
    const b = queueOn(dbs[0] as Kysely<DB>, adapters, { concurrency: 3 });
    a.register("test:count", handler);
    b.register("test:count", handler);
    const total = 40;
    for (let n = 0; n < total; n++) await gallery.jobs.enqueue("test:count", { n });
    a.start();
    b.start();
    cleanups.push(async () => {
      await a.stop();
      await b.stop();
    });
    for (let i = 0; i < 500; i++) {
      const left = await gallery.db
        .selectFrom("jobs")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("status", "!=", "done")
        .executeTakeFirstOrThrow();
      if (Number(left.n) === 0) break;
      await sleep(20);
    }
    await a.stop();
    await b.stop();
    expect(ran).toHaveLength(total);
    expect(new Set(ran).size).toBe(total);
    const rows = await gallery.db.selectFrom("jobs").select(["status", "attempts"]).execute();
    expect(rows.every((r) => r.status === "done" && r.attempts === 1)).toBe(true);
  });

  it("gives a job whose worker died to another worker once its lease has run out", async () => {
    const { gallery, dbs, adapters } = await world(1);
    const id = await gallery.jobs.enqueue("test:orphan", { x: 1 });
    // What a worker killed mid-job leaves behind: running, its lease, no renewal.
    const now = Date.now();
    await gallery.db
      .updateTable("jobs")
      .set({ status: "running", locked_by: "dead-host:1:x", locked_until: now + 60_000, attempts: 1 })
      .where("id", "=", id)
      .execute();
    const b = queueOn(dbs[0] as Kysely<DB>, adapters);
    const seen: { attempt: number }[] = [];
    b.register("test:orphan", async (_payload, job) => {
      seen.push({ attempt: job.attempt });
    });
    // Still leased: nobody may take it.
    expect(await b.runUntilIdle()).toBe(0);
    await gallery.db
      .updateTable("jobs")
      .set({ locked_until: now - 1 })
      .where("id", "=", id)
      .execute();
    expect(await b.runUntilIdle()).toBe(1);
    expect(seen).toEqual([{ attempt: 2 }]);
    expect(await gallery.jobs.get(id)).toMatchObject({ status: "done", attempts: 2, lockedBy: null });
  });

  it("renews the lease of a long job so no other worker takes it while it runs", async () => {
    const { gallery, dbs, adapters } = await world(1);
    // Leases long enough that a loaded machine still renews in time (renewal every third of a lease).
    const a = queueOn(gallery.db, adapters, { leaseMs: 600 });
    const b = queueOn(dbs[0] as Kysely<DB>, adapters, { leaseMs: 600 });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let runs = 0;
    const handler = async () => {
      runs++;
      await gate;
    };
    a.register("test:long", handler);
    b.register("test:long", handler);
    const id = await gallery.jobs.enqueue("test:long", {});
    const first = a.runUntilIdle();
    // Wait until A holds it, then for two and a half lease lengths, trying to steal it each time.
    for (let i = 0; i < 100 && (await gallery.jobs.get(id))?.status !== "running"; i++) await sleep(10);
    for (let i = 0; i < 6; i++) {
      await sleep(250);
      expect(await b.runUntilIdle()).toBe(0);
    }
    release();
    expect(await first).toBe(1);
    expect(runs).toBe(1);
    expect(await gallery.jobs.get(id)).toMatchObject({ status: "done", attempts: 1 });
  });

  it("backs off exponentially, dead-letters, lists dead jobs and retries them", async () => {
    const { gallery, adapters } = await world(0);
    const q = createDatabaseJobQueue({
      db: gallery.db,
      adapter: adapters.database,
      logger: quiet,
      backoffMs: 1000,
    });
    let fail = true;
    q.register("test:flaky", async () => {
      if (fail) throw new Error("boom");
    });
    const id = await q.enqueue("test:flaky", { a: 1 }, { maxAttempts: 3 });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await q.runUntilIdle();
      const row = await gallery.db
        .selectFrom("jobs")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      delays.push(Math.round((row.run_at - row.updated_at) / 1000));
      await gallery.db.updateTable("jobs").set({ run_at: 0 }).where("id", "=", id).execute();
    }
    expect(delays).toEqual([1, 2, 4]);
    expect(await q.get(id)).toMatchObject({ status: "dead", attempts: 3, lastError: "Error: boom" });

    const other = await q.enqueue("test:flaky", {}, { runAt: Date.now() + 3_600_000 });
    const dead = await q.list({ status: "dead" });
    expect(dead.items.map((j) => j.id)).toEqual([id]);
    const all = await q.list({ limit: 1 });
    expect(all.items.map((j) => j.id)).toEqual([other]);
    expect(all.nextCursor).not.toBeNull();
    const rest = await q.list({ limit: 1, cursor: all.nextCursor ?? "" });
    expect(rest.items.map((j) => j.id)).toEqual([id]);
    expect(rest.nextCursor).toBeNull();
    await expect(q.list({ cursor: "nope" })).rejects.toMatchObject({ code: "INVALID_CURSOR" });

    await expect(q.retry(other)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(q.retry("01nosuchjob")).rejects.toMatchObject({ code: "NOT_FOUND" });
    fail = false;
    expect(await q.retry(id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(await q.runUntilIdle()).toBe(1);
    expect(await q.get(id)).toMatchObject({ status: "done", attempts: 1 });
  });

  it("keeps the job list and retry to admins", async () => {
    const { gallery } = await world(0);
    gallery.jobs.register("test:x", async () => {
      throw new Error("no");
    });
    const id = await gallery.jobs.enqueue("test:x", {}, { maxAttempts: 1 });
    await gallery.jobs.runUntilIdle();
    await expect(gallery.jobAdmin.list(GUEST)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(gallery.jobAdmin.list(member)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(gallery.jobAdmin.retry(member, id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const page = await gallery.as(SYSTEM).jobAdmin.list({ status: "dead" });
    expect(page.items).toHaveLength(1);
    expect(await gallery.jobAdmin.retry(SYSTEM, id)).toMatchObject({ status: "pending" });
    await expect(gallery.jobAdmin.get(SYSTEM, "01nosuch")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("lease locks", () => {
  it("lets one holder at a time run, across connections, and frees a dead holder's lock after its lease", async () => {
    const { gallery, dbs } = await world(1);
    const a = createLeaseLocks({ db: gallery.db, leaseMs: 5000, pollMs: 10 });
    const b = createLeaseLocks({ db: dbs[0] as Kysely<DB>, leaseMs: 5000, pollMs: 10 });
    let active = 0;
    let most = 0;
    const order: string[] = [];
    const work = (who: string) => async () => {
      active++;
      most = Math.max(most, active);
      order.push(who);
      await sleep(5);
      active--;
      return who;
    };
    const results = await Promise.all([
      a.withLock("k", work("a1")),
      b.withLock("k", work("b1")),
      a.withLock("k", work("a2")),
      b.withLock("k", work("b2")),
    ]);
    expect(results).toEqual(["a1", "b1", "a2", "b2"]);
    expect(most).toBe(1);
    expect(order).toHaveLength(4);
    expect(await gallery.db.selectFrom("leases").selectAll().execute()).toEqual([]);

    // A holder that died: its row stays until the lease runs out, then the next one takes over.
    expect(await a.tryAcquire("dead")).toBe(true);
    expect(await b.tryAcquire("dead")).toBe(false);
    await gallery.db
      .updateTable("leases")
      .set({ locked_until: Date.now() - 1 })
      .where("name", "=", "dead")
      .execute();
    expect(await b.tryAcquire("dead")).toBe(true);
    // The former holder's release no longer touches it.
    await a.release("dead");
    expect(await gallery.db.selectFrom("leases").select("holder").execute()).toEqual([{ holder: b.holder }]);
    await expect(
      createLeaseLocks({ db: gallery.db, waitMs: 50, pollMs: 10 }).withLock("dead", async () => 1),
    ).rejects.toMatchObject({ code: "DATABASE_BUSY" });
  });
});
