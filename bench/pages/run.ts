/**
 * bench/pages: requests/second and latency of the server-rendered pages (home, an album of 100 photos, a
 * photo page) for a guest and for a member who sees a private album through a grant, against the JSON
 * `GET /api/v1/albums/{id}/photos` for the same photos, in the same run (autocannon over loopback). The
 * server runs in its own process; autocannon runs here. The album page shows 60 photos (its page size), so
 * the JSON is asked for `limit=60`: the same data.
 * Usage: `pnpm --filter @vernissage/bench pages` (BENCH_SECONDS, BENCH_CONNECTIONS to change the load;
 * BENCH_RATE_LIMITS=off to measure without API rate limiting; BENCH_ONLY=<regex> to measure only the targets whose
 * name matches, e.g. with BENCH_CPU_PROF to profile one page).
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PHOTOS = 100;
const PAGE = 60;

interface Target {
  name: string;
  path: string;
  cookie?: string;
}

interface Ready {
  origin: string;
  targets: Target[];
}

/** Child: a gallery with a public and a granted private album of 100 photos each, served over node:http. */
async function galleryServer(dataDir: string): Promise<void> {
  const { createGallery, SYSTEM } = await import("@vernissage/core");
  const { sqliteDatabase } = await import("@vernissage/db-sqlite");
  const { fsStorage } = await import("@vernissage/storage-fs");
  const { createGalleryApp } = await import("@vernissage/http-h3");
  const { toNodeHandler } = await import("h3/node");
  const pino = (await import("pino")).default;
  const sharp = (await import("sharp")).default;
  const gallery = await createGallery({
    database: sqliteDatabase({ filename: join(dataDir, "gallery.db") }),
    storage: fsStorage({ root: join(dataDir, "files") }),
    jobs: { run: false },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const owner = await gallery.users.create(SYSTEM, {
    username: "owner",
    password: "bench owner password",
    role: "owner",
  });
  const member = await gallery.users.create(SYSTEM, {
    username: "member",
    password: "bench member password",
  });
  const publicAlbum = await gallery.albums.create(SYSTEM, { name: "Public", description: "A public album." });
  const privateAlbum = await gallery.albums.create(SYSTEM, { name: "Family’s trip", visibility: "private" });
  await gallery.access.grant(SYSTEM, privateAlbum.id, { userId: member.id, role: "viewer" });
  for (let i = 0; i < 12; i++) await gallery.albums.create(SYSTEM, { name: `Album ${i}` });
  const firstPhoto: Record<string, string> = {};
  for (const album of [publicAlbum, privateAlbum]) {
    for (let i = 0; i < PHOTOS; i++) {
      // Distinct small images (a different colour and aspect each), so no upload is a duplicate.
      const seed = album === publicAlbum ? i : i + PHOTOS;
      const file = await sharp({
        create: {
          width: 60 + (seed % 5) * 20,
          height: 60,
          channels: 3,
          background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 53) % 256 },
        },
      })
        .jpeg()
        .toBuffer();
      const { photo } = await gallery.photos.upload(SYSTEM, {
        albumId: album.id,
        file,
        filename: `p${seed}.jpg`,
        title: `Photo ${seed}`,
        description: "A photo made for the page benchmark.",
      });
      if (i === 50) firstPhoto[album.id] = photo.id;
    }
  }
  void owner;
  const session = await gallery.auth.login("member", "bench member password");
  const cookie = `vernissage_session=${session.token}`;
  // Rate limits stay on (their cost is part of every API request) with a limit the load never reaches;
  // BENCH_RATE_LIMITS=off measures without them.
  const rateLimits =
    process.env.BENCH_RATE_LIMITS === "off"
      ? { enabled: false }
      : { limits: { read: { limit: 1_000_000_000, windowSeconds: 60 } } };
  const app = createGalleryApp(gallery, { logger: pino({ level: "silent" }), rateLimits });
  const server = createServer(toNodeHandler(app));
  const albumPath = (a: { id: string; slug: string }) => `/albums/${a.id}/${a.slug}`;
  // Exit normally on SIGTERM so a CPU profile (BENCH_CPU_PROF) is written; answer CPU questions from the parent.
  process.once("SIGTERM", () => process.exit(0));
  process.on("message", (message) => {
    if (message === "cpu") process.send?.({ cpu: process.cpuUsage() });
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    process.send?.({
      origin: `http://127.0.0.1:${port}`,
      targets: [
        { name: "guest  home", path: "/" },
        { name: "guest  album (60 of 100)", path: albumPath(publicAlbum) },
        { name: "guest  photo page", path: `/photos/${firstPhoto[publicAlbum.id]}?album=${publicAlbum.id}` },
        { name: "guest  JSON album photos", path: `/api/v1/albums/${publicAlbum.id}/photos?limit=${PAGE}` },
        { name: "member home", path: "/", cookie },
        { name: "member album (grant, 60 of 100)", path: albumPath(privateAlbum), cookie },
        {
          name: "member photo page",
          path: `/photos/${firstPhoto[privateAlbum.id]}?album=${privateAlbum.id}`,
          cookie,
        },
        {
          name: "member JSON album photos",
          path: `/api/v1/albums/${privateAlbum.id}/photos?limit=${PAGE}`,
          cookie,
        },
      ],
    } satisfies Ready);
  });
}

function start(dataDir: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(fileURLToPath(import.meta.url), ["--gallery", dataDir], {
    // BENCH_CPU_PROF=dir writes a CPU profile of the server (on exit) into dir.
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

/** CPU (user + system, µs) the server child has used so far. */
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

interface Load {
  rps: number;
  /** Server CPU per request, µs: the figure a busy machine distorts least. */
  cpuPerRequest: number;
  p50: number;
  p99: number;
  errors: number;
  bytes: number;
}

async function load(url: string, server: ChildProcess, cookie?: string): Promise<Load> {
  const autocannon = (await import("autocannon")).default;
  const before = await cpuOf(server);
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    pipelining: 1,
    headers: cookie ? { cookie } : {},
  });
  const cpu = (await cpuOf(server)) - before;
  return {
    rps: result.requests.average,
    cpuPerRequest: cpu / Math.max(1, result.requests.total),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    bytes: result.throughput.average / Math.max(1, result.requests.average),
  };
}

/**
 * Server CPU per request of `a` and `b` measured in alternating batches of sequential requests (one keep-alive
 * connection), so that drifts of the machine (other work, frequency, the server's heap) hit both alike; the
 * median batch of each. Steadier than the autocannon figures on a shared machine.
 */
async function pairedCpu(
  origin: string,
  server: ChildProcess,
  a: Target,
  b: Target,
): Promise<{ a: number; b: number }> {
  const BATCHES = Number(process.env.BENCH_BATCHES ?? 15);
  const PER_BATCH = 40;
  const run = async (target: Target) => {
    const before = await cpuOf(server);
    for (let i = 0; i < PER_BATCH; i++) {
      const res = await fetch(`${origin}${target.path}`, {
        headers: target.cookie ? { cookie: target.cookie } : {},
      });
      await res.arrayBuffer();
    }
    return ((await cpuOf(server)) - before) / PER_BATCH;
  };
  await run(a);
  await run(b);
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < BATCHES; i++) {
    as.push(await run(a));
    bs.push(await run(b));
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
  return { a: median(as), b: median(bs) };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "vernissage-pages-"));
  let child: ChildProcess | undefined;
  try {
    const started = await start(dataDir);
    child = started.child;
    const { origin, targets } = started.ready;
    // Every target must answer 200 before it is measured (a 404 page is fast and proves nothing).
    for (const target of targets) {
      const res = await fetch(`${origin}${target.path}`, {
        headers: target.cookie ? { cookie: target.cookie } : {},
      });
      if (res.status !== 200) throw new Error(`${target.name}: ${res.status}`);
      await res.arrayBuffer();
    }
    console.log(
      `pages vs JSON, autocannon ${CONNECTIONS} connections × ${DURATION} s each, loopback; ${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(2)}`,
    );
    const results = new Map<string, Load>();
    const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
    for (const target of targets) {
      if (only && !only.test(target.name)) continue;
      const l = await load(`${origin}${target.path}`, started.child, target.cookie);
      results.set(target.name, l);
      console.log(
        `${target.name.padEnd(34)} ${l.rps.toFixed(0).padStart(7)} req/s   p50 ${String(l.p50).padStart(3)} ms   p99 ${String(l.p99).padStart(4)} ms   CPU ${l.cpuPerRequest.toFixed(0).padStart(5)} µs/req   ${(l.bytes / 1024).toFixed(1).padStart(6)} KiB/resp   errors ${l.errors}`,
      );
    }
    // Each page against the JSON for the same album, by throughput and by server CPU per request (the steady
    // figure on a shared machine): the target is every page within 2× of the JSON.
    for (const who of ["guest ", "member"]) {
      const json = results.get(`${who} JSON album photos`);
      if (!json) continue;
      for (const [name, page] of results) {
        if (!name.startsWith(who) || name.includes("JSON")) continue;
        const byRps = json.rps / page.rps;
        const byCpu = page.cpuPerRequest / json.cpuPerRequest;
        const met = byRps <= 2 && byCpu <= 2;
        console.log(
          `${name.padEnd(34)} vs JSON: ${byRps.toFixed(2)}× by req/s, ${byCpu.toFixed(2)}× by CPU/req (target ≤ 2×: ${met ? "met" : "NOT met"})`,
        );
      }
    }
    // The same comparison, paired: the target's deciding figure (page CPU / JSON CPU, alternating batches).
    console.log("paired CPU per request (alternating batches of 40 sequential requests, medians):");
    for (const who of ["guest ", "member"]) {
      const json = targets.find((t) => t.name === `${who} JSON album photos`);
      if (!json) continue;
      for (const page of targets) {
        if (!page.name.startsWith(who) || page.name.includes("JSON")) continue;
        if (only && !only.test(page.name)) continue;
        const cpu = await pairedCpu(origin, started.child, page, json);
        const ratio = cpu.a / cpu.b;
        console.log(
          `${page.name.padEnd(34)} ${cpu.a.toFixed(0).padStart(5)} µs vs JSON ${cpu.b.toFixed(0).padStart(5)} µs: ${ratio.toFixed(2)}× (target ≤ 2×: ${ratio <= 2 ? "met" : "NOT met"})`,
        );
      }
    }
  } finally {
    child?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--gallery") await galleryServer(process.argv[3] ?? "");
else await main();
