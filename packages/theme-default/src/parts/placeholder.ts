import { deflateSync } from "node:zlib";
import { thumbHashToRGBA } from "thumbhash";

/**
 * ThumbHash placeholders as tiny PNG `data:` URLs. An `<img>` with a data URL needs no inline style and no
 * script, so it works under `img-src 'self' data:; style-src 'self'` and without JavaScript. The decoded
 * image (at most 32 px a side) is stored as compressed RGB(A), which keeps each placeholder near half a
 * kilobyte; the browser's smooth upscaling supplies the blur.
 */

const CACHE_LIMIT = 4096;
const cache = new Map<string, string | null>();

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encode pixels as a PNG: 8-bit RGB, or RGBA when any pixel is not opaque. */
function encodePng(w: number, h: number, rgba: Uint8Array): Buffer {
  let opaque = true;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) opaque = false;
  const channels = opaque ? 3 : 4;
  const raw = Buffer.alloc(h * (1 + w * channels));
  let o = 0;
  for (let y = 0; y < h; y++) {
    raw[o++] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      for (let c = 0; c < channels; c++) raw[o++] = rgba[i + c] ?? 0;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header[8] = 8;
  header[9] = opaque ? 2 : 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/**
 * The placeholder of a base64 ThumbHash as a `data:image/png;base64,…` URL, or null when there is no hash or
 * it cannot be decoded. Results are memoised (bounded).
 */
export function placeholderDataUrl(thumbhash: string | null | undefined): string | null {
  if (!thumbhash) return null;
  const cached = cache.get(thumbhash);
  if (cached !== undefined) return cached;
  let url: string | null = null;
  try {
    const bytes = Buffer.from(thumbhash, "base64");
    if (bytes.length >= 5 && bytes.length <= 64) {
      const { w, h, rgba } = thumbHashToRGBA(bytes);
      url = `data:image/png;base64,${encodePng(w, h, rgba).toString("base64")}`;
    }
  } catch {
    url = null;
  }
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(thumbhash, url);
  return url;
}
