import type { DerivativeFormat } from "./presets.js";

const MIME: Record<DerivativeFormat, string> = { jpeg: "image/jpeg", webp: "image/webp", avif: "image/avif" };

/**
 * Pick the first configured format the client accepts. JPEG is the fallback every client takes, so it is
 * returned when nothing better is acceptable (even if `Accept` is absent or odd).
 */
export function negotiateFormat(
  accept: string | null | undefined,
  order: readonly DerivativeFormat[],
): DerivativeFormat {
  const accepted = new Map<string, number>();
  for (const part of (accept ?? "").toLowerCase().split(",")) {
    const [type, ...params] = part.trim().split(";");
    if (!type) continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split("=");
      if (k === "q" && v !== undefined) q = Number.parseFloat(v);
    }
    if (Number.isFinite(q)) accepted.set(type, q);
  }
  for (const format of order) {
    if (format === "jpeg") return "jpeg";
    const q = accepted.get(MIME[format]);
    if (q !== undefined && q > 0) return format;
  }
  return "jpeg";
}
