import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { type ConsolaInstance, createConsola } from "consola";
import sharp from "sharp";

/** A temporary directory removed by `dispose()`. */
export async function tempDir(
  prefix = "vernissage-cli-",
): Promise<{ path: string; dispose(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/** A small JPEG of one flat colour (distinct colours give distinct files). */
export function makeJpeg(color: string, width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Write `files` (relative path → content) under `root`. */
export async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** A consola that records every message as text instead of printing it. */
export function captureLogger(): { logger: ConsolaInstance; lines: string[] } {
  const lines: string[] = [];
  const logger = createConsola({
    level: 5,
    reporters: [{ log: (entry) => lines.push(`${entry.type}: ${entry.args.map(String).join(" ")}`) }],
  });
  return { logger, lines };
}

/** A non-TTY writable that keeps what was written. */
export function captureStream(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}
