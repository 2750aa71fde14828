import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../packages/db-postgres/test/pg-test-db.js";
import { type CliProcess, ensureCliBuilt, startCli } from "./support/processes.js";
import { testStack } from "./support/stack-name.js";

const PHOTOS = 24;
const EAGER = ["medium", "square", "thumb"];
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A distinct noisy JPEG (noise makes decoding and resizing cost something, so jobs overlap the kill). */
async function photo(n: number): Promise<Buffer> {
  const noise = await sharp({
    create: {
      width: 1600,
      height: 1200,
      channels: 3,
      background: "#000000",
      noise: { type: "gaussian", mean: 40 + n * 7, sigma: 30 },
    },
  })
    .jpeg({ quality: 80 })
    .toBuffer();
  return noise;
}

// This test is PostgreSQL + S3 by nature; it runs in the postgres-s3 pass (`pnpm test:postgres-s3`), which
// provides s3rver and is skipped (or, strict, failed) as a whole without PostgreSQL.
describe.skipIf(testStack() !== "postgres-s3")(
  "two HTTP processes and two workers on one PostgreSQL and one S3, one worker SIGKILLed",
  () => {
    let database: TestDatabase;
    let client: pg.Client;
    const processes: CliProcess[] = [];

    // A developer's stale build is rebuilt first (CI builds before testing), which can take minutes.
    beforeAll(async () => {
      ensureCliBuilt();
      database = await createTestDatabase();
      client = new pg.Client({ connectionString: database.url });
      await client.connect();
    }, 600_000);
    afterAll(async () => {
      await Promise.all(processes.map((p) => p.stop()));
      await client?.end();
      await database?.drop();
    });

    it("ends with every photo's eager derivatives, no job lost or run twice, and matching counts and checksums", async () => {
      const s3 = inject("vernissageS3");
      if (!s3) throw new Error("the postgres-s3 pass provides s3rver");
      const storageUrl = `s3://${s3.bucket}/multi-${Date.now()}?endpoint=${encodeURIComponent(s3.endpoint)}&forcePathStyle=true&region=us-east-1`;
      const env = {
        VERNISSAGE_DATABASE_URL: database.url,
        VERNISSAGE_STORAGE_URL: storageUrl,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_REGION: "us-east-1",
        VERNISSAGE_JOB_LEASE_MS: "2000",
      };

      // Two HTTP processes without jobs (the first creates the owner), then the uploads spread over both.
      const serve = (extra: Record<string, string>) => {
        const p = startCli(["serve", "--no-jobs", "--port", "0"], { ...env, ...extra });
        processes.push(p);
        return p;
      };
      const httpA = serve({ VERNISSAGE_ADMIN_PASSWORD: "multi process password" });
      const urlA = (await httpA.waitFor(/listening on (http:\/\/\S+?)\/? /))[1] as string;
      const httpB = serve({});
      const urlB = (await httpB.waitFor(/listening on (http:\/\/\S+?)\/? /))[1] as string;
      expect(httpA.output()).toContain("(jobs off)");

      const login = await fetch(`${urlA}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: urlA },
        body: JSON.stringify({ username: "admin", password: "multi process password" }),
      });
      expect(login.status).toBe(200);
      // Sessions live in the database: the cookie from A works on B.
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      const albumRes = await fetch(`${urlB}/api/v1/albums`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: urlB, cookie },
        body: JSON.stringify({ name: "Many processes" }),
      });
      expect(albumRes.status).toBe(201);
      const album = (await albumRes.json()) as { id: string };

      const uploaded = new Map<string, string>(); // photo id → sha256 of the uploaded bytes
      const upload = async (n: number) => {
        const base = n % 2 === 0 ? urlA : urlB;
        const bytes = await photo(n);
        const form = new FormData();
        form.append("albumId", album.id);
        form.append("file", new Blob([bytes as BlobPart], { type: "image/jpeg" }), `p${n}.jpg`);
        const res = await fetch(`${base}/api/v1/photos`, {
          method: "POST",
          headers: { origin: base, cookie },
          body: form,
        });
        expect(res.status).toBe(201);
        const { photo: created } = (await res.json()) as { photo: { id: string; sha256: string } };
        expect(created.sha256).toBe(sha256(bytes));
        uploaded.set(created.id, created.sha256);
      };
      for (let n = 0; n < PHOTOS / 2; n++) await upload(n);

      // Two workers; the first is killed (SIGKILL: no cleanup, its leases just stop being renewed) while it holds
      // at least one running job.
      const worker = () => {
        const p = startCli(["worker", "--concurrency", "2"], env);
        processes.push(p);
        return p;
      };
      const victim = worker();
      const survivor = worker();
      await victim.waitFor(/worker \d+ is processing jobs \(postgres\)/);
      await survivor.waitFor(/worker \d+ is processing jobs \(postgres\)/);
      const pid = victim.child.pid;
      const heldByVictim = async () =>
        (
          await client.query<{ id: string }>(
            "select id from jobs where status = 'running' and locked_by like $1",
            [`%:${pid}:%`],
          )
        ).rows.map((r) => r.id);
      for (let i = 0; i < 2000 && (await heldByVictim()).length === 0; i++) await sleep(5);
      const exited = new Promise((resolve) => victim.child.once("exit", resolve));
      victim.child.kill("SIGKILL");
      await exited;
      // What the dead worker left running (its state is frozen now): these must come back after the lease.
      const held = await heldByVictim();
      expect(held.length).toBeGreaterThan(0);

      // More uploads after the kill, and on-demand thumbnails asked of both HTTP processes at once while the
      // surviving worker is making the same files: one generation per file across processes.
      for (let n = PHOTOS / 2; n < PHOTOS; n++) await upload(n);
      const ids = [...uploaded.keys()];
      const thumbs = await Promise.all(
        ids.slice(PHOTOS - 6).flatMap((id) =>
          [urlA, urlB].map(async (base) => {
            const list = await fetch(`${base}/api/v1/photos/${id}`, { headers: { cookie } });
            const json = (await list.json()) as { derivatives: Record<string, { url: string }> };
            const res = await fetch(`${base}${json.derivatives.thumb?.url ?? ""}`, { headers: { cookie } });
            return res.status;
          }),
        ),
      );
      expect(thumbs.every((s) => s === 200)).toBe(true);

      // Wait for the queue to drain (the victim's jobs come back after their 2 s lease).
      for (let i = 0; i < 1200; i++) {
        const left = await client.query<{ n: string }>(
          "select count(*) as n from jobs where status <> 'done'",
        );
        if (Number(left.rows[0]?.n) === 0) break;
        await sleep(100);
      }
      const jobs = await client.query<{ id: string; status: string; attempts: number; dedupe_key: string }>(
        "select id, status, attempts, dedupe_key from jobs where type = 'derivatives:eager'",
      );
      // No job lost: one per photo, all done.
      expect(jobs.rows).toHaveLength(PHOTOS);
      expect(new Set(jobs.rows.map((j) => j.dedupe_key)).size).toBe(PHOTOS);
      expect(jobs.rows.every((j) => j.status === "done")).toBe(true);
      // Run again only when its worker died holding it: every other job ran exactly once.
      for (const job of jobs.rows) expect(job.attempts).toBe(held.includes(job.id) ? 2 : 1);

      // Every photo has its eager derivatives, each made once (one row per key, the same number of files).
      const photos = await client.query<{ id: string; sha256: string }>("select id, sha256 from photos");
      expect(photos.rows).toHaveLength(PHOTOS);
      const derivatives = await client.query<{ source_sha256: string; preset: string; storage_key: string }>(
        "select source_sha256, preset, storage_key from derivatives where format = 'jpeg'",
      );
      for (const row of photos.rows) {
        expect(row.sha256).toBe(uploaded.get(row.id));
        const presets = derivatives.rows.filter((d) => d.source_sha256 === row.sha256).map((d) => d.preset);
        expect(presets.sort()).toEqual(EAGER);
      }
      expect(await client.query("select * from leases").then((r) => r.rowCount)).toBe(0);

      // Counts and checksums: every original read back through either process matches what was uploaded.
      for (const [i, [id, hash]] of [...uploaded].entries()) {
        const base = i % 2 === 0 ? urlB : urlA;
        const meta = (await (await fetch(`${base}/api/v1/photos/${id}`, { headers: { cookie } })).json()) as {
          originalUrl: string;
        };
        const res = await fetch(`${base}${meta.originalUrl}`, { headers: { cookie } });
        expect(res.status).toBe(200);
        expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(hash);
      }

      await survivor.stop();
      expect(survivor.child.exitCode).toBe(0);
      expect(survivor.output()).toContain("Stopped.");
    }, 240_000);
  },
);
