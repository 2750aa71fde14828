import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GalleryError } from "../errors.js";

/** A file spooled to a private temporary folder while hashing. */
export interface SpooledFile {
  path: string;
  sha256: string;
  byteSize: number;
  /** First bytes, for sniffing. */
  head: Buffer;
  /** Remove the temporary folder. */
  dispose(): Promise<void>;
}

/**
 * Stream `source` to a temporary file, computing SHA-256 and the size on the way and stopping as soon as
 * `maxBytes` is exceeded (the partial file is removed).
 */
export async function spoolToTemp(source: Readable | Uint8Array, maxBytes: number): Promise<SpooledFile> {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-ingest-"));
  const path = join(dir, "upload");
  const hash = createHash("sha256");
  let byteSize = 0;
  const headChunks: Buffer[] = [];
  let headLength = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      byteSize += chunk.length;
      if (byteSize > maxBytes) {
        done(new GalleryError("FILE_TOO_LARGE", { data: { maxBytes } }));
        return;
      }
      if (headLength < 64) {
        headChunks.push(chunk.subarray(0, 64 - headLength));
        headLength += Math.min(chunk.length, 64 - headLength);
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const input = source instanceof Uint8Array ? Readable.from([Buffer.from(source)]) : source;
  try {
    await pipeline(input, meter, createWriteStream(path, { flags: "wx", mode: 0o600 }));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    if (error instanceof GalleryError) throw error;
    throw new GalleryError("BAD_REQUEST", { detail: "The upload stream failed.", cause: error });
  }
  return {
    path,
    sha256: hash.digest("hex"),
    byteSize,
    head: Buffer.concat(headChunks),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
