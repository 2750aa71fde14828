import exifr from "exifr";
import type { PhotoMetadata } from "../types.js";

/** What {@link extractMetadata} read from a file. */
export interface ExtractedMetadata {
  /** Capture time as a UTC instant (epoch ms). Without a recorded offset, the wall-clock time read as UTC. */
  takenAt: number | null;
  /** Typed fields for the columns. */
  metadata: PhotoMetadata;
  /** The raw record, JSON-safe (binary blobs dropped, long strings cut). */
  raw: Record<string, unknown>;
}

/** Metadata with every field unknown. */
export function emptyMetadata(): PhotoMetadata {
  return {
    takenAtOffset: null,
    cameraMake: null,
    cameraModel: null,
    lens: null,
    exposureTime: null,
    aperture: null,
    iso: null,
    focalLength: null,
    latitude: null,
    longitude: null,
    altitude: null,
    title: null,
    description: null,
    keywords: [],
    rating: null,
  };
}

const str = (value: unknown): string | null => {
  if (typeof value === "string") {
    const s = value.replace(/\0+$/g, "").trim();
    return s === "" ? null : s.slice(0, 1000);
  }
  // XMP language alternatives come as { lang, value }.
  if (value && typeof value === "object" && "value" in value) return str((value as { value: unknown }).value);
  if (Array.isArray(value)) return str(value[0]);
  return null;
};

const finite = (value: unknown): number | null => {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : null;
};

const strings = (value: unknown): string[] => {
  if (typeof value === "string") return value.split(/[,;]/).map((s) => s.trim());
  if (Array.isArray(value)) return value.flatMap((v) => strings(v));
  return [];
};

/** "+02:00" / "-05:30" → minutes east of UTC. */
export function parseOffset(value: unknown): number | null {
  const m = typeof value === "string" ? /^([+-])(\d{2}):?(\d{2})$/.exec(value.trim()) : null;
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (minutes > 14 * 60) return null;
  return m[1] === "-" ? -minutes : minutes;
}

/** EXIF "YYYY:MM:DD HH:MM:SS" (optionally with sub-seconds) → the wall-clock time as if it were UTC. */
export function parseExifDate(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value !== "string") return null;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (y < 1800 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

function jsonSafe(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string") return value.length > 2000 ? value.slice(0, 2000) : value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (depth > 3 || ArrayBuffer.isView(value)) return undefined;
  if (Array.isArray(value)) {
    const out = value.slice(0, 100).map((v) => jsonSafe(v, depth + 1));
    return out.every((v) => v !== undefined) ? out : undefined;
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const safe = jsonSafe(v, depth + 1);
      if (safe !== undefined) out[k] = safe;
    }
    return out;
  }
  return undefined;
}

/**
 * Read EXIF, IPTC, XMP and GPS with exifr and map them to typed fields. Unreadable metadata never fails an
 * ingest: the pixels are what matter, so a broken block just yields empty fields.
 */
export async function extractMetadata(path: string): Promise<ExtractedMetadata> {
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = (await exifr.parse(path, {
      tiff: true,
      exif: true,
      gps: true,
      iptc: true,
      xmp: true,
      icc: false,
      reviveValues: false,
      translateValues: false,
      mergeOutput: true,
    })) as Record<string, unknown> | undefined;
  } catch {
    parsed = undefined;
  }
  const metadata = emptyMetadata();
  if (!parsed) return { takenAt: null, metadata, raw: {} };

  const wallClock = parseExifDate(parsed.DateTimeOriginal) ?? parseExifDate(parsed.CreateDate);
  const offset = parseOffset(parsed.OffsetTimeOriginal) ?? parseOffset(parsed.OffsetTime);
  metadata.takenAtOffset = wallClock === null ? null : offset;
  const takenAt = wallClock === null ? null : wallClock - (offset ?? 0) * 60_000;

  metadata.cameraMake = str(parsed.Make);
  metadata.cameraModel = str(parsed.Model);
  metadata.lens = str(parsed.LensModel) ?? str(parsed.Lens) ?? str(parsed.LensInfo);
  metadata.exposureTime = finite(parsed.ExposureTime);
  metadata.aperture = finite(parsed.FNumber);
  metadata.iso = finite(parsed.ISO);
  if (metadata.iso !== null) metadata.iso = Math.round(metadata.iso);
  metadata.focalLength = finite(parsed.FocalLength);
  const lat = finite(parsed.latitude);
  const lon = finite(parsed.longitude);
  if (lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
    metadata.latitude = lat;
    metadata.longitude = lon;
    const alt = finite(parsed.GPSAltitude);
    if (alt !== null) {
      const ref = parsed.GPSAltitudeRef;
      const below = ref === 1 || (ArrayBuffer.isView(ref) && (ref as Uint8Array)[0] === 1);
      metadata.altitude = below ? -alt : alt;
    }
  }
  metadata.title = str(parsed.title) ?? str(parsed.ObjectName) ?? str(parsed.Headline);
  metadata.description =
    str(parsed.description) ?? str(parsed.Caption) ?? str(parsed.ImageDescription) ?? null;
  const keywords = [...strings(parsed.subject), ...strings(parsed.Keywords)]
    .map((k) => k.trim())
    .filter((k) => k !== "" && k.length <= 100);
  const seen = new Set<string>();
  metadata.keywords = keywords.filter((k) => {
    const key = k.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rating = finite(parsed.Rating);
  metadata.rating = rating !== null && rating >= -1 && rating <= 5 ? Math.round(rating) : null;

  const raw = (jsonSafe(parsed) as Record<string, unknown> | undefined) ?? {};
  return { takenAt, metadata, raw };
}
