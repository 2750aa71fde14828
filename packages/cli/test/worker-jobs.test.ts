import { setTimeout as sleep } from "node:timers/promises";
import { SYSTEM } from "@vernissage/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openGallery, runCli } from "../src/index.js";
import { databaseFromUrl, storageFromUrl } from "../src/open-gallery.js";
import { captureLogger, captureStream, makeJpeg, tempDir } from "./helpers.js";

describe("where the gallery lives (flags and environment)", () => {
  it("picks PostgreSQL, SQLite, S3 or local files from the URL and refuses other schemes", async () => {
    const pg = databaseFromUrl("postgres://someone@127.0.0.1:1/nothing", "./data");
    expect(pg.kind).toBe("postgres");
    await (pg as unknown as { close(): Promise<void> }).close();
    const dir = await tempDir();
    try {
      const sqlite = databaseFromUrl(`${dir.path}/other.db`, dir.path);
      expect(sqlite.kind).toBe("sqlite");
      await (sqlite as unknown as { close(): Promise<void> }).close();
      expect(storageFromUrl(undefined, dir.path).name).toBe("fs");
      const s3 = storageFromUrl(
        "s3://photos/g?endpoint=http://127.0.0.1:9&forcePathStyle=true&region=x",
        dir.path,
      );
      expect(s3.name).toBe("s3");
      await s3.close?.();
    } finally {
      await dir.dispose();
    }
    expect(() => databaseFromUrl("mysql://root@localhost/x", "./data")).toThrow(/Unsupported database URL/);
    expect(() => storageFromUrl("ftp://host/x", "./data")).toThrow(/Unsupported storage URL/);
    expect(() => storageFromUrl("s3://user:secret@bucket/x", "./data")).toThrow();
  });

  it("reports an unreachable database URL from the environment as one error line with exit code 1", async () => {
    const { logger, lines } = captureLogger();
    const code = await runCli(["jobs", "list"], {
      logger,
      env: { VERNISSAGE_DATABASE_URL: "postgres://nobody:hunter2@127.0.0.1:1/none" },
    });
    expect(code).toBe(1);
    expect(lines.join("\n")).not.toContain("hunter2");
  });
});

describe("vernissage worker and vernissage jobs", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.dispose();
  });

  it("a worker makes the eager derivatives of photos uploaded by a process without jobs, then stops", async () => {
    const data = `${dir.path}/data`;
    const gallery = await openGallery({ dataDir: data, jobs: false });
    const album = await gallery.albums.create(SYSTEM, { name: "Queue" });
    for (const colour of ["#aa0000", "#00aa00"]) {
      await gallery.photos.upload(SYSTEM, {
        albumId: album.id,
        file: await makeJpeg(colour),
        filename: "x.jpg",
      });
    }
    const pendingJobs = await gallery.jobAdmin.list(SYSTEM, { status: "pending" });
    expect(pendingJobs.items).toHaveLength(2);

    const { logger, lines } = captureLogger();
    let drained = false;
    const code = await runCli(["worker", "--concurrency", "2"], {
      logger,
      env: { VERNISSAGE_DATA_DIR: data },
      untilShutdown: async () => {
        for (let i = 0; i < 600 && !drained; i++) {
          const left = await gallery.jobAdmin.list(SYSTEM, { status: "pending" });
          const running = await gallery.jobAdmin.list(SYSTEM, { status: "running" });
          drained = left.items.length === 0 && running.items.length === 0;
          if (!drained) await sleep(50);
        }
        return "TEST";
      },
    });
    try {
      expect(code).toBe(0);
      expect(drained).toBe(true);
      expect(lines.join("\n")).toMatch(/worker \d+ is processing jobs \(sqlite\)/);
      const done = await gallery.jobAdmin.list(SYSTEM, { status: "done" });
      expect(done.items).toHaveLength(2);
      const made = await gallery.db.selectFrom("derivatives").select("preset").execute();
      expect(made.map((d) => d.preset).sort()).toEqual([
        "medium",
        "medium",
        "square",
        "square",
        "thumb",
        "thumb",
      ]);
    } finally {
      await gallery.close();
    }
  });

  it("lists dead jobs and retries one; refuses unknown statuses and ids", async () => {
    const data = `${dir.path}/data`;
    const gallery = await openGallery({ dataDir: data, jobs: false });
    let deadId: string;
    try {
      // A job type no process handles is claimed by nobody; mark one dead as a worker would after its attempts.
      deadId = await gallery.jobs.enqueue("test:gone", { x: 1 });
      await gallery.db
        .updateTable("jobs")
        .set({ status: "dead", attempts: 5, last_error: "Error: the photo store is on fire" })
        .where("id", "=", deadId)
        .execute();
      await gallery.jobs.enqueue("test:other", {});
    } finally {
      await gallery.close();
    }

    const out = captureStream();
    const { logger, lines } = captureLogger();
    expect(
      await runCli(["jobs", "list", "--status", "dead", "--data", data], { logger, stdout: out.stream }),
    ).toBe(0);
    const listed = out.text().trim().split("\n");
    expect(listed).toHaveLength(1);
    expect(listed[0]).toContain(deadId);
    expect(listed[0]).toContain("dead");
    expect(listed[0]).toContain("the photo store is on fire");

    const all = captureStream();
    expect(await runCli(["jobs", "list", "--data", data], { logger, stdout: all.stream })).toBe(0);
    expect(all.text().trim().split("\n")).toHaveLength(2);

    expect(await runCli(["jobs", "retry", deadId, "--data", data], { logger })).toBe(0);
    expect(lines.join("\n")).toContain(`Job ${deadId} (test:gone) is pending again`);
    const again = captureLogger();
    expect(await runCli(["jobs", "retry", deadId, "--data", data], { logger: again.logger })).toBe(1);
    expect(again.lines.join("\n")).toContain("CONFLICT");
    const missing = captureLogger();
    expect(await runCli(["jobs", "retry", "01nosuchjob", "--data", data], { logger: missing.logger })).toBe(
      1,
    );
    expect(missing.lines.join("\n")).toContain("NOT_FOUND");
    const bad = captureLogger();
    expect(await runCli(["jobs", "list", "--status", "zombie", "--data", data], { logger: bad.logger })).toBe(
      1,
    );
    expect(bad.lines.join("\n")).toContain('Unknown status "zombie"');

    const check = await openGallery({ dataDir: data, jobs: false });
    try {
      expect(await check.jobs.get(deadId)).toMatchObject({ status: "pending", attempts: 0 });
    } finally {
      await check.close();
    }
  });

  it("vernissage housekeeping removes completed jobs past the retention given and reports what it removed", async () => {
    const data = `${dir.path}/data`;
    const gallery = await openGallery({ dataDir: data, jobs: false });
    const old = Date.now() - 3 * 24 * 3600_000;
    try {
      const doneId = await gallery.jobs.enqueue("test:old", {});
      const recentId = await gallery.jobs.enqueue("test:recent", {});
      await gallery.db
        .updateTable("jobs")
        .set({ status: "done", created_at: old })
        .where("id", "=", doneId)
        .execute();
      await gallery.db.updateTable("jobs").set({ status: "done" }).where("id", "=", recentId).execute();
    } finally {
      await gallery.close();
    }
    // The default keeps completed jobs 7 days: nothing goes.
    const first = captureStream();
    const quiet = captureLogger();
    expect(
      await runCli(["housekeeping", "--data", data], { logger: quiet.logger, stdout: first.stream }),
    ).toBe(0);
    expect(first.text()).toMatch(/^\s+0 {2}completed jobs past retention$/m);
    expect(quiet.lines.join("\n")).toContain("Nothing to remove.");
    // Two days: the three-day-old one goes, the fresh one stays.
    const second = captureStream();
    const { logger, lines } = captureLogger();
    expect(
      await runCli(["housekeeping", "--jobs-days", "2", "--data", data], { logger, stdout: second.stream }),
    ).toBe(0);
    expect(second.text()).toMatch(/^\s+1 {2}completed jobs past retention$/m);
    expect(lines.join("\n")).toContain("Removed 1 rows.");
    const bad = captureLogger();
    expect(await runCli(["housekeeping", "--jobs-days", "0", "--data", data], { logger: bad.logger })).toBe(
      1,
    );
    expect(bad.lines.join("\n")).toContain('Invalid jobs-days "0"');
    const check = await openGallery({ dataDir: data, jobs: false });
    try {
      const left = await check.db.selectFrom("jobs").select("type").execute();
      expect(left.map((r) => r.type)).toEqual(["test:recent"]);
    } finally {
      await check.close();
    }
  });
});
