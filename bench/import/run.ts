/**
 * bench/import: throughput of `importDirectory` (what `vernissage import` runs) on SQLite + local files.
 *   1. the real corpus (`../shared/corpus/fetch-photos.sh .corpus/photos`), one album per folder;
 *   2. a synthetic tree of BENCH_FILES (default 20,000) small generated JPEGs in 100 folders, reporting the
 *      files/second of the first and last 1,000 files and the ratio of their per-file times (must stay ≤ 1.5);
 *   3. a re-run of the synthetic tree (everything already imported: batched hash lookups, no decode).
 * Derivative jobs are not run (they are measured by bench/derivatives). Usage: `pnpm --filter @vernissage/bench import`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createGallery, type Gallery } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { fsStorage } from "@vernissage/storage-fs";
import sharp from "sharp";
import { importDirectory } from "../../packages/cli/src/import-directory.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const CORPUS = process.env.VERNISSAGE_CORPUS_DIR ?? resolve(HERE, "../../.corpus/photos");
const FILES = Number(process.env.BENCH_FILES ?? 20_000);
const WINDOW = Math.min(1000, Math.floor(FILES / 4));

async function openGallery(dir: string): Promise<Gallery> {
  return createGallery({
    database: sqliteDatabase({ filename: join(dir, "gallery.db") }),
    storage: fsStorage({ root: join(dir, "files") }),
    jobs: { run: false },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

/** A unique 48×36 JPEG: pixels derived from `i`, and `i` in the EXIF description. */
async function syntheticJpeg(i: number): Promise<Buffer> {
  const width = 48;
  const height = 36;
  const pixels = Buffer.alloc(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    pixels[p * 3] = (i * 37 + p) & 0xff;
    pixels[p * 3 + 1] = (i >> 8) & 0xff;
    pixels[p * 3 + 2] = (p * 7) & 0xff;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .withExif({ IFD0: { ImageDescription: `synthetic ${i}` } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

async function makeTree(root: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const folder = join(root, `folder-${String(Math.floor(i / 200)).padStart(3, "0")}`);
    if (i % 200 === 0) mkdirSync(folder, { recursive: true });
    await writeFile(join(folder, `img-${String(i).padStart(6, "0")}.jpg`), await syntheticJpeg(i));
  }
}

interface Run {
  seconds: number;
  filesPerSecond: number;
  /** Wall-clock seconds at which each file finished. */
  marks: number[];
  /** CPU seconds of this process (all its threads: sharp's and SQLite's work included) at each file. */
  cpuMarks: number[];
  summary: Awaited<ReturnType<typeof importDirectory>>;
}

async function timedImport(gallery: Gallery, dir: string, albumPerFolder: boolean): Promise<Run> {
  const marks: number[] = [];
  const cpuMarks: number[] = [];
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const summary = await importDirectory(gallery, dir, {
    albumPerFolder,
    onFile: () => {
      marks.push((performance.now() - start) / 1000);
      const cpu = process.cpuUsage(cpuStart);
      cpuMarks.push((cpu.user + cpu.system) / 1e6);
    },
  });
  const seconds = (performance.now() - start) / 1000;
  return { seconds, filesPerSecond: summary.total / seconds, marks, cpuMarks, summary };
}

function windowRate(marks: number[], from: number, to: number): number {
  const begin = from === 0 ? 0 : (marks[from - 1] ?? 0);
  const end = marks[to - 1] ?? begin;
  return (to - from) / (end - begin);
}

const fmt = (n: number, d = 1) => n.toFixed(d);
const work = mkdtempSync(join(tmpdir(), "vernissage-bench-import-"));
console.log(
  `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), sharp ${sharp.versions.vips}`,
);
try {
  if (existsSync(join(CORPUS, "MANIFEST.tsv"))) {
    const gallery = await openGallery(join(work, "corpus"));
    try {
      const run = await timedImport(gallery, CORPUS, true);
      const s = run.summary;
      console.log(
        `corpus: ${s.total} files (${s.imported} imported, ${s.duplicates} duplicates, ${s.failed} refused: ${[
          ...new Set(s.failures.map((f) => `${f.path.split("/")[0]}/…: ${f.code}`)),
        ].join("; ")}) in ${fmt(run.seconds)} s = ${fmt(run.filesPerSecond)} files/s`,
      );
    } finally {
      await gallery.close();
    }
  } else {
    console.log(
      `corpus: missing at ${CORPUS} (run ../shared/corpus/fetch-photos.sh .corpus/photos); skipped`,
    );
  }

  const tree = join(work, "synthetic");
  let t = performance.now();
  await makeTree(tree, FILES);
  console.log(`synthetic: generated ${FILES} JPEGs in ${fmt((performance.now() - t) / 1000)} s`);
  const gallery = await openGallery(join(work, "synthetic-gallery"));
  try {
    const run = await timedImport(gallery, tree, true);
    const first = windowRate(run.marks, 0, WINDOW);
    const last = windowRate(run.marks, FILES - WINDOW, FILES);
    // CPU per file is what the library's growth costs; wall-clock also counts other processes on the machine.
    const cpuFirst = 1000 / windowRate(run.cpuMarks, 0, WINDOW);
    const cpuLast = 1000 / windowRate(run.cpuMarks, FILES - WINDOW, FILES);
    const load = (await import("node:os")).loadavg()[0] ?? 0;
    console.log(
      `synthetic import: ${run.summary.imported} imported, ${run.summary.failed} failed, in ${fmt(run.seconds)} s = ${fmt(run.filesPerSecond)} files/s`,
    );
    console.log(
      `  wall: first ${WINDOW}: ${fmt(first)} files/s (${fmt(1000 / first, 2)} ms/file); last ${WINDOW}: ${fmt(last)} files/s (${fmt(1000 / last, 2)} ms/file); ratio last/first = ${fmt(first / last, 2)}`,
    );
    console.log(
      `  CPU:  first ${WINDOW}: ${fmt(cpuFirst, 2)} ms/file; last ${WINDOW}: ${fmt(cpuLast, 2)} ms/file; ratio last/first = ${fmt(cpuLast / cpuFirst, 2)} (1-min load average at the end: ${fmt(load)})`,
    );
    t = performance.now();
    const again = await timedImport(gallery, tree, true);
    console.log(
      `synthetic re-run (all skipped: ${again.summary.skipped}): ${fmt(again.seconds)} s = ${fmt(again.filesPerSecond)} files/s`,
    );
  } finally {
    await gallery.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
