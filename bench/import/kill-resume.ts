/**
 * bench/import/kill-resume: start an import of BENCH_FILES (default 1,000) generated JPEGs in a child process,
 * SIGKILL it mid-run, then run the same import again and check that it completes: every file imported exactly
 * once, every row has its stored original, and no stored original lacks a row.
 * Usage: `pnpm --filter @vernissage/bench import:kill-resume`.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createGallery, type Gallery } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { fsStorage } from "@vernissage/storage-fs";
import sharp from "sharp";
import { importDirectory } from "../../packages/cli/src/import-directory.js";

const FILES = Number(process.env.BENCH_FILES ?? 1000);
const child = process.argv[2] === "--child";
const [, , , workArg] = process.argv;

async function open(work: string): Promise<Gallery> {
  return createGallery({
    database: sqliteDatabase({ filename: join(work, "gallery.db") }),
    storage: fsStorage({ root: join(work, "files") }),
    jobs: { run: false },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

if (child && workArg) {
  const gallery = await open(workArg);
  let n = 0;
  await importDirectory(gallery, join(workArg, "tree"), {
    albumPerFolder: true,
    onFile: () => {
      n++;
      if (n % 50 === 0) process.stdout.write(`${n}\n`);
    },
  });
  process.stdout.write("finished\n");
} else {
  const work = mkdtempSync(join(tmpdir(), "vernissage-kill-"));
  try {
    for (let i = 0; i < FILES; i++) {
      const folder = join(work, "tree", `f${Math.floor(i / 100)}`);
      if (i % 100 === 0) mkdirSync(folder, { recursive: true });
      const img = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#000" } })
        .withExif({ IFD0: { ImageDescription: `kill ${i}` } })
        .jpeg()
        .toBuffer();
      await writeFile(join(folder, `${i}.jpg`), img);
    }
    const self = fileURLToPath(import.meta.url);
    const proc = spawn(process.execPath, [...process.execArgv, self, "--child", work], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let killedAt = 0;
    await new Promise<void>((resolve) => {
      proc.stdout.on("data", (chunk: Buffer) => {
        const last = Number(chunk.toString().trim().split("\n").at(-1));
        if (!killedAt && last >= FILES / 3) {
          killedAt = last;
          proc.kill("SIGKILL");
        }
      });
      proc.on("exit", () => resolve());
    });
    console.log(`child killed with SIGKILL after ≥ ${killedAt} of ${FILES} files`);
    const gallery = await open(work);
    try {
      const before = (await gallery.db.selectFrom("photos").select("id").execute()).length;
      const summary = await importDirectory(gallery, join(work, "tree"), { albumPerFolder: true });
      const rows = await gallery.db.selectFrom("photos").select(["storage_key"]).execute();
      const stored = readdirSync(join(work, "files"), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(join(work, "files").length + 1));
      const keys = new Set(rows.map((r) => r.storage_key));
      const storedSet = new Set(stored);
      const rowsWithoutFile = rows.filter((r) => !storedSet.has(r.storage_key)).length;
      const filesWithoutRow = stored.filter((k) => k.startsWith("originals/") && !keys.has(k)).length;
      console.log(
        `rows after kill: ${before}; resume: ${summary.skipped} skipped, ${summary.imported} imported, ${summary.duplicates} duplicates, ${summary.failed} failed`,
      );
      console.log(
        `final: ${rows.length} photos for ${FILES} files; rows without a file: ${rowsWithoutFile}; originals without a row: ${filesWithoutRow}`,
      );
      if (rows.length !== FILES || rowsWithoutFile !== 0 || filesWithoutRow !== 0) process.exitCode = 1;
    } finally {
      await gallery.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
