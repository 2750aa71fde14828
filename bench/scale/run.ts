// Scale benchmark: synthetic libraries of 10k / 100k / 1M photos on SQLite and PostgreSQL; p50/p99 of the
// queries behind an album page, the home page, a tag page and a search, as a member with grants.
//
//   pnpm --filter @vernissage/bench scale --db sqlite --sizes 10000,100000,1000000
//   pnpm --filter @vernissage/bench scale --db postgres --pg postgres://postgres@127.0.0.1:5432/postgres
//   pnpm --filter @vernissage/bench scale --db sqlite --sizes 1000000 --keep /tmp/scale   (SQLite: generate once,
//     keep the library in /tmp/scale/<size>, measure it again on the next run with the same --keep)
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Actor, createGallery, type Gallery } from "@vernissage/core";
import { postgresDatabase } from "@vernissage/db-postgres";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { fsStorage } from "@vernissage/storage-fs";
import pg from "pg";
import { generateLibrary, type Library } from "./generate.js";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "sqlite" },
    sizes: { type: "string", default: "10000,100000" },
    iterations: { type: "string", default: "1000" },
    keep: { type: "string" },
    pg: {
      type: "string",
      default: process.env.VERNISSAGE_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres",
    },
  },
});
const kind = values.db === "postgres" ? "postgres" : "sqlite";
const sizes = (values.sizes ?? "").split(",").map(Number);
const iterations = Number(values.iterations);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * p50/p99 over `iterations` runs (default 1,000, so the p99 is the 10th slowest, not one hiccup), after 5 warm-up
 * runs, or fewer (at least 30) when a query is slow.
 */
async function measure(
  fn: (i: number) => Promise<unknown>,
): Promise<{ p50: number; p99: number; n: number }> {
  // Start each query's block with a collected heap (the generation before leaves a lot to collect), so a major
  // collection owed to earlier work does not land in this block's tail.
  (globalThis as { gc?: () => void }).gc?.();
  for (let i = 0; i < 5; i++) await fn(i);
  const times: number[] = [];
  const deadline = Date.now() + 20_000;
  for (let i = 0; i < iterations && (i < 30 || Date.now() < deadline); i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), n: times.length };
}

async function open(dir: string): Promise<{ gallery: Gallery; drop(): Promise<void> }> {
  if (kind === "sqlite") {
    const gallery = await createGallery({
      database: sqliteDatabase({ filename: join(dir, "gallery.db") }),
      storage: fsStorage({ root: join(dir, "files") }),
      jobs: { run: false },
      logger: quiet,
    });
    return { gallery, drop: async () => {} };
  }
  const name = `vbench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: values.pg });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(values.pg ?? "");
  url.pathname = `/${name}`;
  const gallery = await createGallery({
    database: postgresDatabase({ connectionString: url.toString() }),
    storage: fsStorage({ root: join(dir, "files") }),
    jobs: { run: false },
    logger: quiet,
  });
  return {
    gallery,
    async drop() {
      const c = new pg.Client({ connectionString: values.pg });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function bench(size: number) {
  const keep = kind === "sqlite" && values.keep ? join(values.keep, String(size)) : undefined;
  if (keep) await mkdir(keep, { recursive: true });
  const dir = keep ?? (await mkdtemp(join(tmpdir(), "vernissage-scale-")));
  const kept = keep !== undefined && existsSync(join(keep, "library.json"));
  const { gallery, drop } = await open(dir);
  try {
    const t0 = Date.now();
    const lib: Library = kept
      ? (JSON.parse(await readFile(join(dir, "library.json"), "utf8")) as Library)
      : await generateLibrary(gallery, { photos: size });
    if (keep && !kept) await writeFile(join(dir, "library.json"), JSON.stringify(lib));
    const generatedMs = kept ? 0 : Date.now() - t0;
    const member: Actor = {
      kind: "user",
      userId: lib.memberId,
      role: "member",
      privacyLevel: 2,
      groupIds: [],
    };
    const pick = <T>(list: readonly T[], i: number) => list[(i * 7919) % list.length] as T;
    const album = await measure((i) =>
      gallery.photos.listInAlbum(member, pick(lib.visibleAlbums, i), { limit: 50 }),
    );
    const home = await measure(() => gallery.albums.list(member, { parentId: null, limit: 48 }));
    const newest = await measure(() => gallery.photos.list(member, { limit: 50 }));
    const tag = await measure((i) => gallery.photos.list(member, { tagId: pick(lib.tagIds, i), limit: 50 }));
    const search = await measure((i) => gallery.search.photos(member, { q: pick(lib.words, i), limit: 50 }));
    const row = { kind, size, generatedMs, album, home, newest, tag, search };
    console.log(JSON.stringify(row));
    return row;
  } finally {
    await gallery.close();
    await drop();
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

const rows = [];
for (const size of sizes) rows.push(await bench(size));
const f = (v: { p50: number; p99: number }) => `${v.p50.toFixed(2)} / ${v.p99.toFixed(2)}`;
console.log(
  `\n| db | photos | generate | album page | home (root albums) | newest photos | tag page | search |`,
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) {
  console.log(
    `| ${r.kind} | ${r.size.toLocaleString("en")} | ${(r.generatedMs / 1000).toFixed(1)} s | ${f(r.album)} | ${f(r.home)} | ${f(r.newest)} | ${f(r.tag)} | ${f(r.search)} |`,
  );
}
