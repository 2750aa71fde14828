import { inflateSync } from "node:zlib";
import { rgbaToThumbHash } from "thumbhash";
import { describe, expect, it } from "vitest";
import { placeholderDataUrl } from "../src/index.js";

function hashOf(w: number, h: number, pixel: (x: number, y: number) => [number, number, number, number]) {
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgba.set(pixel(x, y), (y * w + x) * 4);
  return Buffer.from(rgbaToThumbHash(w, h, rgba)).toString("base64");
}

function decodePng(url: string) {
  const png = Buffer.from(url.replace(/^data:image\/png;base64,/, ""), "base64");
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const colourType = png[25];
  const idatLength = png.readUInt32BE(33);
  expect(png.toString("ascii", 37, 41)).toBe("IDAT");
  const raw = inflateSync(png.subarray(41, 41 + idatLength));
  return { width, height, colourType, raw, bytes: png.length };
}

describe("ThumbHash placeholders", () => {
  it("decodes a hash to a small valid PNG with the image's aspect and colours", () => {
    // Left half red, right half blue, 4:3.
    const hash = hashOf(40, 30, (x) => (x < 20 ? [255, 0, 0, 255] : [0, 0, 255, 255]));
    const url = placeholderDataUrl(hash);
    expect(url).toMatch(/^data:image\/png;base64,/);
    const png = decodePng(url ?? "");
    expect(png.colourType).toBe(2); // opaque: RGB
    expect(png.width / png.height).toBeCloseTo(4 / 3, 0);
    expect(png.raw.length).toBe(png.height * (1 + png.width * 3));
    const row = png.raw.subarray(1 + Math.floor(png.height / 2) * (1 + png.width * 3));
    const left = [row[0], row[1], row[2]] as number[];
    const right = [
      row[(png.width - 1) * 3],
      row[(png.width - 1) * 3 + 1],
      row[(png.width - 1) * 3 + 2],
    ] as number[];
    expect(left[0]).toBeGreaterThan(left[2] ?? 0);
    expect(right[2]).toBeGreaterThan(right[0] ?? 0);
    expect(png.bytes).toBeLessThan(1500);
  });

  it("keeps transparency as RGBA, and returns null for missing or broken hashes", () => {
    const hash = hashOf(20, 20, (x) => [0, 128, 0, x < 10 ? 0 : 255]);
    expect(decodePng(placeholderDataUrl(hash) ?? "").colourType).toBe(6);
    expect(placeholderDataUrl(null)).toBeNull();
    expect(placeholderDataUrl("")).toBeNull();
    expect(placeholderDataUrl("AA==")).toBeNull();
    expect(placeholderDataUrl("x".repeat(500))).toBeNull();
  });
});
