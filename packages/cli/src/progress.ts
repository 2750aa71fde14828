import type { Writable } from "node:stream";
import cliProgress from "cli-progress";
import type { ImportFileResult } from "./import-directory.js";

/** Shows the progress of an import: a bar with rate and ETA on a terminal, one plain line per file otherwise. */
export interface ImportProgress {
  start(total: number): void;
  file(result: ImportFileResult, progress: { done: number; total: number }): void;
  stop(): void;
}

function failureLine(result: Extract<ImportFileResult, { status: "failed" }>): string {
  return `failed    ${result.path}: ${result.code} (${result.message})`;
}

/** A progress display writing to `stream`; a bar when the stream is a terminal. */
export function createImportProgress(stream: Writable & { isTTY?: boolean }): ImportProgress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

function lineProgress(stream: Writable): ImportProgress {
  return {
    start(total) {
      stream.write(`${total} file${total === 1 ? "" : "s"} to import\n`);
    },
    file(result, { done, total }) {
      const where = `[${done}/${total}]`;
      const line =
        result.status === "failed" ? failureLine(result) : `${result.status.padEnd(9)} ${result.path}`;
      stream.write(`${where} ${line}\n`);
    },
    stop() {},
  };
}

function barProgress(stream: Writable): ImportProgress {
  const multi = new cliProgress.MultiBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: " {bar} {percentage}% | {value}/{total} files | {rate} files/s | ETA {eta_formatted} | {file}",
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  let stopped = false;
  return {
    start(total) {
      started = performance.now();
      bar = multi.create(total, 0, { rate: "0.0", file: "" });
    },
    file(result, { done }) {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? (done / seconds).toFixed(1) : "0.0";
      bar?.update(done, { rate, file: result.path.length > 40 ? `…${result.path.slice(-39)}` : result.path });
      if (result.status === "failed") {
        multi.log(`${failureLine(result)}\n`);
        // The bar prints logged lines on its next redraw, which a fast import may never reach: redraw now.
        multi.update();
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multi.stop();
    },
  };
}
