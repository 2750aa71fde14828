/**
 * bench/serve: requests/second for a cached `medium` derivative over HTTP with Vernissage's media route (a
 * permission check on every request) against a bare `node:http` server returning the same bytes from memory,
 * in the same run (autocannon, loopback, 10 s each). Each server runs in its own process; autocannon runs here.
 * Usage: `pnpm --filter @vernissage/bench serve`.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const CORPUS = process.env.VERNISSAGE_CORPUS_DIR ?? resolve(HERE, "../../.corpus/photos");
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

interface Ready {
  url: string;
  bytes: number;
}

/** Child: the gallery app over node:http; prints the medium URL of a public photo, already generated. */
async function galleryServer(dataDir: string, photoPath: string): Promise<void> {
  const { createGallery, GUEST, SYSTEM } = await import("@vernissage/core");
  const { sqliteDatabase } = await import("@vernissage/db-sqlite");
  const { fsStorage } = await import("@vernissage/storage-fs");
  const { createGalleryApp } = await import("@vernissage/http-h3");
  const { toNodeHandler } = await import("h3/node");
  const pino = (await import("pino")).default;
  const gallery = await createGallery({
    database: sqliteDatabase({ filename: join(dataDir, "gallery.db") }),
    storage: fsStorage({ root: join(dataDir, "files") }),
    jobs: { run: false },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const album = await gallery.albums.create(SYSTEM, { name: "Bench" });
  const { photo } = await gallery.photos.upload(SYSTEM, {
    albumId: album.id,
    file: createReadStream(photoPath),
    filename: "bench.jpg",
  });
  const medium = gallery.derivatives.describe(photo).find((d) => d.preset === "medium");
  if (!medium) throw new Error("no medium preset");
  const file = await gallery.derivatives.get(GUEST, photo.id, "medium");
  const app = createGalleryApp(gallery, { logger: pino({ level: "silent" }) });
  const server = createServer(toNodeHandler(app));
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    send({
      url: `http://127.0.0.1:${port}/media/photos/${photo.id}/medium/${medium.version}`,
      bytes: file.size,
    });
  });
}

/** Child: a bare node:http server answering every request with the same bytes from memory. */
async function bareServer(bytesPath: string): Promise<void> {
  const body = readFileSync(bytesPath);
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "image/jpeg", "content-length": body.length });
    res.end(body);
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    send({ url: `http://127.0.0.1:${port}/medium.jpg`, bytes: body.length });
  });
}

function send(ready: Ready): void {
  process.send?.(ready);
  // Exit normally on SIGTERM so a CPU profile (BENCH_CPU_PROF) is written.
  process.once("SIGTERM", () => process.exit(0));
  // Answer CPU questions from the parent: CPU per request is the figure a busy machine cannot distort.
  process.on("message", (message) => {
    if (message === "cpu") process.send?.({ cpu: process.cpuUsage() });
  });
}

/** CPU (user + system, µs) a server child has used so far. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolveCpu) => {
    const onMessage = (message: unknown) => {
      const cpu = (message as { cpu?: NodeJS.CpuUsage }).cpu;
      if (!cpu) return;
      child.off("message", onMessage);
      resolveCpu(cpu.user + cpu.system);
    };
    child.on("message", onMessage);
    child.send("cpu");
  });
}

function start(args: string[]): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(fileURLToPath(import.meta.url), args, {
    // BENCH_CPU_PROF=dir writes a CPU profile of each server (on exit) into dir.
    execArgv: [
      "--import",
      "tsx",
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    env: { ...process.env, TSX_TSCONFIG_PATH: resolve(HERE, "../tsconfig.json") },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolveReady, reject) => {
    child.once("message", (ready) => resolveReady({ child, ready: ready as Ready }));
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

interface Load {
  rps: number;
  /** Server CPU per request, µs. */
  cpuPerRequest: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  bytes: number;
}

async function load(url: string, server: ChildProcess): Promise<Load> {
  const autocannon = (await import("autocannon")).default;
  const before = await cpuOf(server);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, pipelining: 1 });
  const cpu = (await cpuOf(server)) - before;
  return {
    rps: result.requests.average,
    cpuPerRequest: cpu / Math.max(1, result.requests.total),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    bytes: result.throughput.average,
  };
}

async function main(): Promise<void> {
  const manifest = join(CORPUS, "MANIFEST.tsv");
  if (!existsSync(manifest)) {
    console.error(`Corpus missing at ${CORPUS}: run ../shared/corpus/fetch-photos.sh .corpus/photos`);
    process.exit(2);
  }
  const photo = join(CORPUS, "lomiri/Bridge_by_Sander_Klootwijk.jpg");
  const dataDir = mkdtempSync(join(tmpdir(), "vernissage-serve-"));
  const children: ChildProcess[] = [];
  try {
    const gallery = await start(["--gallery", dataDir, photo]);
    children.push(gallery.child);
    // The bare server sends exactly the bytes the gallery serves.
    const sample = await fetch(gallery.ready.url);
    const body = Buffer.from(await sample.arrayBuffer());
    if (sample.status !== 200 || body.length !== gallery.ready.bytes)
      throw new Error("gallery sample failed");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dataDir, "medium.jpg"), body);
    const bare = await start(["--bare", join(dataDir, "medium.jpg")]);
    children.push(bare.child);

    console.log(
      `cached medium (${body.length} bytes, ${sample.headers.get("cache-control")}), autocannon ${CONNECTIONS} connections × ${DURATION} s, loopback; ${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(2)}`,
    );
    const bareLoad = await load(bare.ready.url, bare.child);
    const galleryLoad = await load(gallery.ready.url, gallery.child);
    const row = (name: string, l: Load) =>
      `${name.padEnd(34)} ${l.rps.toFixed(0).padStart(8)} req/s   p50 ${String(l.p50).padStart(3)} ms   p99 ${String(l.p99).padStart(3)} ms   server CPU ${l.cpuPerRequest.toFixed(0).padStart(4)} µs/req   errors ${l.errors + l.non2xx}`;
    console.log(row("bare node:http (bytes in memory)", bareLoad));
    console.log(row("vernissage media route", galleryLoad));
    const ratio = galleryLoad.rps / bareLoad.rps;
    console.log(
      `ratio vernissage / bare: ${ratio.toFixed(2)} (target ≥ 0.5: ${ratio >= 0.5 ? "met" : "NOT met"})`,
    );
    const cpuRatio = bareLoad.cpuPerRequest / galleryLoad.cpuPerRequest;
    console.log(
      `server CPU per request, bare / vernissage: ${cpuRatio.toFixed(2)} (the throughput ratio with a core for each server)`,
    );
  } finally {
    for (const c of children) c.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--gallery") await galleryServer(process.argv[3] ?? "", process.argv[4] ?? "");
else if (process.argv[2] === "--bare") await bareServer(process.argv[3] ?? "");
else await main();
