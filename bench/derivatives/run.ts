/**
 * bench/derivatives: CPU, wall-clock and peak memory of producing the eager set (`thumb`, `square`, `medium`
 * as JPEG) for the 20 largest JPEGs of the real corpus, all in one run:
 *   (a) Vernissage's pipeline through its public API (`gallery.derivatives.rebuild`),
 *   (b) a naive sharp pipeline that decodes the original once per output,
 *   (c) `vipsthumbnail` (libvips-tools), one batch run per size,
 *   (d) ImageMagick `convert` with a `jpeg:size` hint, one process per photo writing the three outputs.
 * Each method runs in its own process so peak RSS is its own. Usage: `pnpm --filter @vernissage/bench derivatives`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const CORPUS = process.env.VERNISSAGE_CORPUS_DIR ?? resolve(HERE, "../../.corpus/photos");
const COUNT = Number(process.env.BENCH_PHOTOS ?? 20);
const EAGER = ["thumb", "square", "medium"] as const;
const BOXES = { thumb: [144, 144], square: [120, 120], medium: [792, 594] } as const;
const QUALITY = 82;

/** What one method's process reports. */
interface Measure {
  method: string;
  /** CPU seconds (user + sys) of the work. */
  cpu: number;
  /** Wall-clock seconds of the work. */
  wall: number;
  /** Peak resident set of the process, MB. */
  rssMb: number;
  outputs: number;
  note: string;
}

function largestJpegs(): string[] {
  const manifest = join(CORPUS, "MANIFEST.tsv");
  if (!existsSync(manifest)) {
    console.error(`Corpus missing at ${CORPUS}: run ../shared/corpus/fetch-photos.sh .corpus/photos`);
    process.exit(2);
  }
  const [header, ...lines] = readFileSync(manifest, "utf8").trim().split("\n");
  const cols = (header ?? "").split("\t");
  const col = (row: string[], name: string) => row[cols.indexOf(name)] ?? "";
  return lines
    .map((l) => l.split("\t"))
    .filter((r) => col(r, "format") === "jpeg")
    .sort((a, b) => Number(col(b, "bytes")) - Number(col(a, "bytes")))
    .slice(0, COUNT)
    .map((r) => join(CORPUS, col(r, "file")));
}

/** Run `command` under GNU time; CPU and peak RSS come from the kernel's accounting of the whole tree. */
function timed(
  command: string,
  args: string[],
): { cpu: number; wall: number; rssMb: number; stdout: string } {
  const result = spawnSync("/usr/bin/time", ["-f", "BENCH_TIME %e %U %S %M", command, ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = result.stderr.split("\n").find((l) => l.startsWith("BENCH_TIME"));
  if (result.status !== 0 || !line) {
    throw new Error(`${command} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  }
  const [, e, u, s, m] = line.split(" ").map(Number);
  return { wall: e ?? 0, cpu: (u ?? 0) + (s ?? 0), rssMb: (m ?? 0) / 1024, stdout: result.stdout };
}

function countFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

/** Child process: run method (a) or (b) and print its own measurement as JSON. */
async function child(method: string, dataDir: string, files: string[]): Promise<void> {
  const sharp = (await import("sharp")).default;
  sharp.cache(false);
  if (method === "a") {
    const { createGallery, SYSTEM } = await import("@vernissage/core");
    const { sqliteDatabase } = await import("@vernissage/db-sqlite");
    const { fsStorage } = await import("@vernissage/storage-fs");
    const gallery = await createGallery({
      database: sqliteDatabase({ filename: join(dataDir, "gallery.db") }),
      storage: fsStorage({ root: join(dataDir, "files") }),
      jobs: { run: false },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await gallery.derivatives.rebuild(SYSTEM, { presets: [...EAGER] });
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await gallery.close();
    if (result.failed.length > 0) throw new Error(`failures: ${JSON.stringify(result.failed)}`);
    report({
      method,
      cpu: (cpu.user + cpu.system) / 1e6,
      wall,
      rssMb: process.resourceUsage().maxRSS / 1024,
      outputs: result.generated,
      note: `gallery.derivatives.rebuild, concurrency ${availableParallelism()}`,
    });
    return;
  }
  // (b) naive: each output decodes the original again; two photos at a time like (a).
  const out = join(dataDir, "naive");
  mkdirSync(out, { recursive: true });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i] as string;
      for (const preset of EAGER) {
        const [w, h] = BOXES[preset];
        await sharp(file)
          .autoOrient()
          .resize(w, h, { fit: preset === "square" ? "cover" : "inside", withoutEnlargement: true })
          .jpeg({ quality: QUALITY })
          .toFile(join(out, `${i}-${preset}.jpg`));
      }
    }
  };
  await Promise.all(Array.from({ length: availableParallelism() }, worker));
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  report({
    method,
    cpu: (cpu.user + cpu.system) / 1e6,
    wall,
    rssMb: process.resourceUsage().maxRSS / 1024,
    outputs: countFiles(out),
    note: `sharp, 3 decodes per photo, ${availableParallelism()} photos at once`,
  });
}

function report(m: Measure): void {
  console.log(`BENCH_RESULT ${JSON.stringify(m)}`);
}

function runNodeMethod(method: "a" | "b", dataDir: string, files: string[]): Measure {
  const tsx = resolve(HERE, "../node_modules/.bin/tsx");
  const run = timed(tsx, [
    "--tsconfig",
    resolve(HERE, "../tsconfig.json"),
    fileURLToPath(import.meta.url),
    "--child",
    method,
    dataDir,
    ...files,
  ]);
  const line = run.stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (!line) throw new Error(`method ${method} printed no result:\n${run.stdout}`);
  const m = JSON.parse(line.slice("BENCH_RESULT ".length)) as Measure;
  // CPU, wall and peak RSS of the method's own Node process, measured inside (the tree also holds tsx's esbuild).
  return {
    ...m,
    note: `${m.note}; whole process tree ${run.cpu.toFixed(2)} s CPU, largest process ${run.rssMb.toFixed(0)} MB`,
  };
}

function vipsthumbnail(dataDir: string, files: string[]): Measure | string {
  if (!existsSync("/usr/bin/vipsthumbnail")) return "vipsthumbnail ABSENT (apt-get install -y libvips-tools)";
  const out = join(dataDir, "vips");
  mkdirSync(out, { recursive: true });
  const script = [
    `vipsthumbnail -s 144x144 -o '${out}/%s-thumb.jpg[Q=${QUALITY},strip]' "$@"`,
    `vipsthumbnail -s 120x120 -m centre -o '${out}/%s-square.jpg[Q=${QUALITY},strip]' "$@"`,
    `vipsthumbnail -s 792x594 -o '${out}/%s-medium.jpg[Q=${QUALITY},strip]' "$@"`,
  ].join(" && ");
  const run = timed("/bin/sh", ["-c", script, "sh", ...files]);
  const version = execFileSync("vipsthumbnail", ["--version"], { encoding: "utf8" }).trim();
  return {
    method: "c",
    cpu: run.cpu,
    wall: run.wall,
    rssMb: run.rssMb,
    outputs: countFiles(out),
    note: `${version}, one batch run per size`,
  };
}

function imagemagick(dataDir: string, files: string[]): Measure | string {
  // /usr/local/bin/convert may be a stand-in on some machines: use ImageMagick's own binary.
  const convert = ["/usr/bin/convert-im6.q16", "/usr/bin/convert"].find((p) => existsSync(p));
  if (!convert) return "ImageMagick convert ABSENT (apt-get install -y imagemagick)";
  const out = join(dataDir, "magick");
  mkdirSync(out, { recursive: true });
  // One process per photo: decode once with a size hint (2× the largest box, as ImageMagick advises), then
  // the three outputs from clones; two processes at once like the others.
  const perPhoto = [
    `n=$(basename "$1" .jpg);`,
    `${convert} -define jpeg:size=1584x1188 "$1" -auto-orient -strip -quality ${QUALITY}`,
    `\\( +clone -thumbnail 792x594 -write '${out}'/"$n"-medium.jpg +delete \\)`,
    `\\( +clone -thumbnail 144x144 -write '${out}'/"$n"-thumb.jpg +delete \\)`,
    `-thumbnail 120x120^ -gravity center -extent 120x120 '${out}'/"$n"-square.jpg`,
  ].join(" ");
  writeFileSync(join(dataDir, "magick.sh"), `${perPhoto}\n`);
  const run = timed("/bin/sh", [
    "-c",
    `printf '%s\\0' "$@" | xargs -0 -n1 -P${availableParallelism()} sh '${join(dataDir, "magick.sh")}'`,
    "sh",
    ...files,
  ]);
  const version = execFileSync(convert, ["-version"], { encoding: "utf8" }).split("\n")[0] ?? "";
  return {
    method: "d",
    cpu: run.cpu,
    wall: run.wall,
    rssMb: run.rssMb,
    outputs: countFiles(out),
    note: `${version.replace("Version: ", "")}, jpeg:size hint, ${availableParallelism()} at once (RSS: largest process)`,
  };
}

/** Encode each photo's medium with libjpeg-turbo and with mozjpeg at the same quality: bytes and CPU. */
async function mozjpegTrial(
  files: string[],
): Promise<{ bytesSaved: number; cpuFactor: number; turboMs: number; mozMs: number }> {
  const sharp = (await import("sharp")).default;
  let turboBytes = 0;
  let mozBytes = 0;
  let turboCpu = 0;
  let mozCpu = 0;
  for (const file of files) {
    const { data, info } = await sharp(file)
      .autoOrient()
      .resize(792, 594, { fit: "inside" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
    for (const mozjpeg of [false, true]) {
      const c0 = process.cpuUsage();
      const out = await sharp(data, raw).jpeg({ quality: QUALITY, mozjpeg }).toBuffer();
      const c = process.cpuUsage(c0);
      const ms = (c.user + c.system) / 1000;
      if (mozjpeg) {
        mozBytes += out.length;
        mozCpu += ms;
      } else {
        turboBytes += out.length;
        turboCpu += ms;
      }
    }
  }
  return {
    bytesSaved: (1 - mozBytes / turboBytes) * 100,
    cpuFactor: mozCpu / turboCpu,
    turboMs: turboCpu / files.length,
    mozMs: mozCpu / files.length,
  };
}

async function prepare(dataDir: string, files: string[]): Promise<void> {
  const { createGallery, SYSTEM } = await import("@vernissage/core");
  const { sqliteDatabase } = await import("@vernissage/db-sqlite");
  const { fsStorage } = await import("@vernissage/storage-fs");
  const { createReadStream } = await import("node:fs");
  const gallery = await createGallery({
    database: sqliteDatabase({ filename: join(dataDir, "gallery.db") }),
    storage: fsStorage({ root: join(dataDir, "files") }),
    jobs: { run: false },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const album = await gallery.albums.create(SYSTEM, { name: "Bench" });
  for (const file of files) {
    await gallery.photos.upload(SYSTEM, { albumId: album.id, file: createReadStream(file), filename: file });
  }
  await gallery.close();
}

async function main(): Promise<void> {
  const files = largestJpegs();
  const megapixels = await (async () => {
    const sharp = (await import("sharp")).default;
    let sum = 0;
    for (const f of files) {
      const m = await sharp(f).metadata();
      sum += (m.width ?? 0) * (m.height ?? 0);
    }
    return sum / files.length / 1e6;
  })();
  const dataDir = mkdtempSync(join(tmpdir(), "vernissage-bench-"));
  try {
    console.log(
      `${files.length} largest corpus JPEGs (${megapixels.toFixed(1)} MP average), outputs: ${EAGER.join(", ")} as JPEG q${QUALITY}`,
    );
    console.log(
      `machine: ${cpus()[0]?.model ?? "?"} × ${availableParallelism()}, node ${process.version}, load average ${loadavg()[0]?.toFixed(2)} (wall-clock figures suffer from other load; CPU figures do not)`,
    );
    await prepare(dataDir, files);
    const results: (Measure | string)[] = [
      runNodeMethod("a", dataDir, files),
      runNodeMethod("b", dataDir, files),
      vipsthumbnail(dataDir, files),
      imagemagick(dataDir, files),
    ];
    const names: Record<string, string> = {
      a: "(a) vernissage",
      b: "(b) naive sharp",
      c: "(c) vipsthumbnail",
      d: "(d) imagemagick",
    };
    console.log("");
    console.log("method               CPU s/photo   photos/s (wall)   peak RSS MB   outputs   note");
    for (const r of results) {
      if (typeof r === "string") {
        console.log(r);
        continue;
      }
      console.log(
        `${(names[r.method] ?? r.method).padEnd(20)} ${(r.cpu / files.length).toFixed(3).padStart(11)}   ${(files.length / r.wall).toFixed(2).padStart(15)}   ${r.rssMb.toFixed(0).padStart(11)}   ${String(r.outputs).padStart(7)}   ${r.note}`,
      );
    }
    const a = results[0] as Measure;
    console.log("");
    for (const [other, target] of [
      ["b", 2.0],
      ["c", 1.5],
      ["d", 1.0],
    ] as const) {
      const r = results.find((x): x is Measure => typeof x !== "string" && x.method === other);
      if (!r) continue;
      const ratio = r.cpu / a.cpu;
      console.log(
        `CPU efficiency (a) vs ${names[other]}: ${ratio.toFixed(2)}×${other !== "d" ? ` (target ≥ ${target.toFixed(1)}×: ${ratio >= target ? "met" : "NOT met"})` : ""}`,
      );
    }
    const moz = await mozjpegTrial(files);
    console.log(
      `mozjpeg for the medium JPEGs: ${moz.bytesSaved.toFixed(1)} % fewer bytes for ${moz.cpuFactor.toFixed(1)}× the encode CPU (${moz.turboMs.toFixed(1)} → ${moz.mozMs.toFixed(1)} ms per photo)`,
    );
    const parallel = a.cpu / a.wall;
    console.log(`(a) parallelism (CPU / wall): ${parallel.toFixed(2)} on ${availableParallelism()} cores`);
    console.log(
      `(a) peak RSS: ${a.rssMb.toFixed(0)} MB (target < 400 MB: ${a.rssMb < 400 ? "met" : "NOT met"})`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  const [, , , method = "a", dataDir = "", ...files] = process.argv;
  await child(method, dataDir, files);
} else {
  await main();
}
