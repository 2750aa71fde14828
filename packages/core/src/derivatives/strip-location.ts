import { PassThrough, Readable } from "node:stream";

const EXIF_ID = Buffer.from("Exif\0\0", "latin1");
const XMP_IDS = [
  Buffer.from("http://ns.adobe.com/xap/1.0/\0", "latin1"),
  Buffer.from("http://ns.adobe.com/xmp/extension/\0", "latin1"),
];
const GPS_IFD_TAG = 0x8825;
/** Bytes per value of each TIFF field type (1 BYTE … 13 IFD). */
const TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
};

/** What {@link jpegWithoutLocation} found: the file's head up to its image data, rewritten. */
export type LocationScrub =
  | { kind: "scrubbed"; head: Buffer }
  /** The metadata segments run past the bytes given: read a longer head. */
  | { kind: "short" }
  /** Not a JPEG, or its metadata is malformed where the location would be: no safe rewrite. */
  | { kind: "refused" };

/**
 * The head of a JPEG (its bytes up to the first scan) with every GPS coordinate blanked, the file's length
 * unchanged: the EXIF GPS directory emptied (its entries and their values zeroed, the count set to 0) and the
 * values of XMP properties named `…:GPS…` (any namespace, any case: `exif:GPSLatitude`, `drone-dji:GpsLatitude`)
 * overwritten with spaces. Everything else — orientation, camera data, colour profile, pixels — stays byte for
 * byte, so the rest of the file is served as stored.
 */
export function jpegWithoutLocation(input: Buffer): LocationScrub {
  const walk = segmentsOf(input);
  if (walk === "short" || walk === "refused") return { kind: walk };
  const head = Buffer.from(input.subarray(0, walk.scan));
  for (const { marker, start, end } of walk.segments) {
    if (marker !== 0xe1) continue;
    const segment = head.subarray(start, end);
    if (segment.subarray(0, EXIF_ID.length).equals(EXIF_ID)) {
      if (!blankExifGps(segment.subarray(EXIF_ID.length))) return { kind: "refused" };
    } else if (XMP_IDS.some((id) => segment.subarray(0, id.length).equals(id))) {
      blankXmpGps(segment);
    }
  }
  return { kind: "scrubbed", head };
}

/** The marker segments of a JPEG before its first scan (payload offsets), and where that scan starts. */
function segmentsOf(
  input: Buffer,
): { segments: { marker: number; start: number; end: number }[]; scan: number } | "short" | "refused" {
  if (input.length < 4 || input[0] !== 0xff || input[1] !== 0xd8) return "refused";
  const segments: { marker: number; start: number; end: number }[] = [];
  let pos = 2;
  while (pos + 4 <= input.length) {
    if (input[pos] !== 0xff) return "refused";
    const marker = input[pos + 1] as number;
    // Fill bytes, and markers without a length.
    if (marker === 0xff) {
      pos += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      pos += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return { segments, scan: pos };
    const length = input.readUInt16BE(pos + 2);
    if (length < 2) return "refused";
    const end = pos + 2 + length;
    if (end > input.length) return "short";
    segments.push({ marker, start: pos + 4, end });
    pos = end;
  }
  return "short";
}

/** Empty the GPS directory of a TIFF structure in place; false when the structure is malformed. */
function blankExifGps(tiff: Buffer): boolean {
  if (tiff.length < 8) return false;
  const order = tiff.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return false;
  const little = order === "II";
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) return false;
  const ifd0 = u32(4);
  if (ifd0 + 2 > tiff.length) return false;
  const count = u16(ifd0);
  if (ifd0 + 2 + count * 12 > tiff.length) return false;
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + i * 12;
    if (u16(entry) !== GPS_IFD_TAG) continue;
    const gps = u32(entry + 8);
    if (gps + 2 > tiff.length) return false;
    const n = u16(gps);
    if (gps + 2 + n * 12 > tiff.length) return false;
    for (let k = 0; k < n; k++) {
      const field = gps + 2 + k * 12;
      const size = (TYPE_SIZE[u16(field + 2)] ?? 1) * u32(field + 4);
      if (size > 4) {
        const at = u32(field + 8);
        // Values outside the segment are not ours to touch (and no reader finds them there either).
        if (at + size <= tiff.length) tiff.fill(0, at, at + size);
      }
    }
    tiff.fill(0, gps, gps + 2 + n * 12);
  }
  return true;
}

// `prefix:GPSName="value"` / `prefix:GPSName='value'` and `<prefix:GPSName …>value</prefix:GPSName>`.
// Parts are bounded so that one match attempt in a hostile packet stays short.
const XMP_GPS_ATTRIBUTE = /([\w.-]{1,64}:gps[\w.-]{0,64}\s{0,16}=\s{0,16})("[^"]{0,4096}"|'[^']{0,4096}')/gi;
const XMP_GPS_ELEMENT = /(<([\w.-]{1,64}:gps[\w.-]{0,64})(?:\s[^<>]{0,4096})?>)([^<]*)(<\/\2\s{0,16}>)/gi;

/** Overwrite the values of GPS properties in an XMP packet with spaces, in place (the length is kept). */
function blankXmpGps(segment: Buffer): void {
  const text = segment.toString("latin1");
  const spaces = (s: string) => " ".repeat(s.length);
  const blanked = text
    .replace(
      XMP_GPS_ATTRIBUTE,
      (_m, name: string, value: string) => `${name}${value[0]}${spaces(value.slice(1, -1))}${value[0]}`,
    )
    .replace(XMP_GPS_ELEMENT, (_m, open: string, _n: string, value: string, close: string) => {
      return `${open}${spaces(value)}${close}`;
    });
  segment.write(blanked, 0, "latin1");
}

/**
 * A stream of the bytes `start..end` of a file whose first `head.length` bytes are replaced by `head`; `rest`
 * opens the stored bytes from `head.length` on (called only when the range reaches past the head).
 */
export async function withHead(
  head: Buffer,
  start: number,
  end: number,
  rest: (from: number) => Promise<Readable>,
): Promise<Readable> {
  if (start >= head.length) return rest(start);
  const first = head.subarray(start, Math.min(end + 1, head.length));
  if (end < head.length) return Readable.from([first]);
  const tail = await rest(head.length);
  const out = new PassThrough();
  out.write(first);
  tail.on("error", (error) => out.destroy(error));
  tail.pipe(out);
  return out;
}
