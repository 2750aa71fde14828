import { createHash } from "node:crypto";
import { GalleryError } from "../errors.js";

/** Output formats a derivative can be encoded in. */
export type DerivativeFormat = "jpeg" | "webp" | "avif";

/** MIME type per format. */
export const FORMAT_MIME: Record<DerivativeFormat, string> = {
  jpeg: "image/jpeg",
  webp: "image/webp",
  avif: "image/avif",
};

/** A named derivative size. */
export interface DerivativePreset {
  /** Name used in URLs and APIs (`thumb`, `medium`…). */
  name: string;
  /** Box width in pixels. */
  width: number;
  /** Box height in pixels. */
  height: number;
  /** Crop to fill the box exactly (around the centre) instead of fitting inside it. @default false */
  crop: boolean;
  /** Encoder quality 1–100. @default 82 */
  quality: number;
  /** Unsharp-mask sigma applied after resizing, or 0 for none. @default 0 */
  sharpen: number;
  /** Whether the preset is served. A disabled preset answers with the next smaller enabled one. @default true */
  enabled: boolean;
  /**
   * Formats this preset may be served in, overriding the gallery's `derivatives.formats` (JPEG stays the
   * fallback). @default the gallery's formats
   */
  formats?: readonly DerivativeFormat[] | undefined;
  /** Encode JPEG with mozjpeg (smaller files, more CPU). @default false */
  mozjpeg?: boolean | undefined;
  /**
   * Extra recipe input contributed by plugins that change this preset's output (e.g. a watermark's settings):
   * part of the recipe hash, so changing it regenerates exactly this preset's derivatives. @default none
   */
  salt?: string | undefined;
}

/** Per-photo inputs of a recipe: what besides the preset changes a photo's output. */
export interface RecipeOptions {
  /**
   * Centre of interest for cropped presets, as fractions of the displayed width and height (0–1).
   * @default the centre
   */
  focus?: { x: number; y: number } | null | undefined;
  /** Keep the animation of an animated source (WebP output only). @default false */
  animated?: boolean | undefined;
}

/** Version of the resize/encode code; bump it to regenerate every derivative. */
export const PIPELINE_VERSION = 1;

const box = (
  name: string,
  width: number,
  height: number,
  extra: Partial<DerivativePreset> = {},
): DerivativePreset => ({
  name,
  width,
  height,
  crop: false,
  quality: 82,
  sharpen: 0,
  enabled: true,
  ...extra,
});

/** Piwigo's preset names and default boxes, smallest first. Outputs are never upscaled. */
export const DEFAULT_PRESETS: readonly DerivativePreset[] = Object.freeze([
  box("square", 120, 120, { crop: true }),
  box("thumb", 144, 144),
  box("2small", 240, 240),
  box("xsmall", 432, 324),
  box("small", 576, 432),
  box("medium", 792, 594),
  box("large", 1008, 756),
  box("xlarge", 1224, 918),
  box("xxlarge", 1656, 1242),
  box("3xlarge", 2232, 1674, { enabled: false }),
  box("4xlarge", 3000, 2250, { enabled: false }),
]);

/** Override of a preset in configuration: any field but the name. */
export type PresetOverride = Partial<Omit<DerivativePreset, "name">>;

/** Merge configured overrides and extra presets into the default list. */
export function resolvePresets(
  overrides: Record<string, PresetOverride> = {},
  base: readonly DerivativePreset[] = DEFAULT_PRESETS,
): DerivativePreset[] {
  const byName = new Map(base.map((p) => [p.name, { ...p }]));
  for (const [name, override] of Object.entries(overrides)) {
    const existing = byName.get(name);
    if (!existing && (override.width === undefined || override.height === undefined)) {
      throw new GalleryError("INVALID_CONFIGURATION", {
        detail: `New preset "${name}" needs width and height.`,
      });
    }
    byName.set(name, { ...(existing ?? box(name, 0, 0)), ...override, name });
  }
  return [...byName.values()].sort((a, b) => a.width * a.height - b.width * b.height);
}

/**
 * Hash of everything that changes a preset's output; part of the derivative's storage key. The crop's centre of
 * interest only counts for cropped presets, and animation only for WebP, so other files keep their keys.
 */
export function recipeHash(
  preset: DerivativePreset,
  format: DerivativeFormat,
  options: RecipeOptions = {},
): string {
  const recipe: unknown[] = [
    PIPELINE_VERSION,
    preset.width,
    preset.height,
    preset.crop,
    preset.quality,
    preset.sharpen,
    format,
  ];
  if (format === "jpeg" && preset.mozjpeg) recipe.push("mozjpeg");
  if (preset.salt) recipe.push(["salt", preset.salt]);
  if (preset.crop && options.focus) recipe.push(["focus", focusPermille(options.focus)]);
  if (format === "webp" && options.animated) recipe.push("animated");
  return createHash("sha256").update(JSON.stringify(recipe)).digest("hex").slice(0, 12);
}

/** The size a preset produces for a source of `width`×`height` (displayed size), never upscaled. */
export function outputSize(
  preset: DerivativePreset,
  width: number,
  height: number,
): { width: number; height: number } {
  if (preset.crop) {
    return { width: Math.min(preset.width, width), height: Math.min(preset.height, height) };
  }
  const scale = Math.min(1, preset.width / width, preset.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The scale (≤ 1) of the source needed to produce `preset` with full quality. */
export function neededScale(preset: DerivativePreset, width: number, height: number): number {
  const out = outputSize(preset, width, height);
  return preset.crop
    ? Math.max(out.width / width, out.height / height)
    : Math.max(out.width / width, out.height / height);
}

/** A centre of interest rounded to thousandths, so equal points hash equally. */
function focusPermille(focus: { x: number; y: number }): [number, number] {
  const clamp = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 1000);
  return [clamp(focus.x), clamp(focus.y)];
}

/** Storage key of a derivative: content hash, preset, recipe hash and format. */
export function derivativeKey(
  sha256: string,
  preset: DerivativePreset,
  format: DerivativeFormat,
  options: RecipeOptions = {},
  /** A precomputed {@link recipeHash} of the same arguments (callers that cache it). */
  recipe: string = recipeHash(preset, format, options),
): string {
  return `derivatives/${sha256.slice(0, 2)}/${sha256}/${preset.name}-${recipe}.${format === "jpeg" ? "jpg" : format}`;
}

/**
 * The preset that answers for `name`: the preset itself when enabled; for a disabled one, the next smaller
 * enabled preset (by area); `undefined` when the name is unknown or nothing smaller is enabled.
 */
export function servingPreset(
  presets: readonly DerivativePreset[],
  name: string,
): DerivativePreset | undefined {
  const preset = presets.find((p) => p.name === name);
  if (!preset) return undefined;
  if (preset.enabled) return preset;
  const area = preset.width * preset.height;
  let best: DerivativePreset | undefined;
  for (const p of presets) {
    if (!p.enabled || p.width * p.height > area) continue;
    if (!best || p.width * p.height > best.width * best.height) best = p;
  }
  return best;
}

/** Parse-time check of a resolved preset list: sizes and qualities in range, names unique. */
export function assertValidPresets(presets: readonly DerivativePreset[]): void {
  const seen = new Set<string>();
  for (const p of presets) {
    const bad =
      !/^[a-z0-9][a-z0-9_-]{0,31}$/.test(p.name) ||
      seen.has(p.name) ||
      p.name === "original" ||
      !Number.isInteger(p.width) ||
      !Number.isInteger(p.height) ||
      p.width < 1 ||
      p.height < 1 ||
      p.width > 8192 ||
      p.height > 8192 ||
      !Number.isInteger(p.quality) ||
      p.quality < 1 ||
      p.quality > 100 ||
      !(p.sharpen >= 0 && p.sharpen <= 10);
    if (bad)
      throw new GalleryError("INVALID_CONFIGURATION", { detail: `Invalid derivative preset "${p.name}".` });
    seen.add(p.name);
  }
}

/** An admin's stored change to one preset (the settings service): only these two fields may change at run time. */
export interface PresetSetting {
  /** Serve the preset (`false`: requests get the next smaller enabled one). */
  enabled?: boolean | undefined;
  /** Encoder quality 1–100. */
  quality?: number | undefined;
}

/** Derivative settings stored by admins, applied over configuration and plugins (the last layer). */
export interface DerivativeSettings {
  /** Changes by preset name; presets not listed keep their configured values. */
  presets: Record<string, PresetSetting>;
  /** Negotiation order of output formats (JPEG included, the fallback), or null for the configured order. */
  formats: DerivativeFormat[] | null;
}

/**
 * Apply stored settings to a resolved preset list: unknown names are ignored, eager presets (`keepEnabled`) are
 * never disabled (uploads make them), and a list left with no enabled preset keeps its configured switches.
 */
export function applyPresetSettings(
  presets: readonly DerivativePreset[],
  settings: DerivativeSettings | null,
  keepEnabled: readonly string[] = [],
): DerivativePreset[] {
  if (settings === null) return presets.map((p) => ({ ...p }));
  const out = presets.map((p) => {
    const s = Object.hasOwn(settings.presets, p.name) ? settings.presets[p.name] : undefined;
    if (!s) return { ...p };
    return {
      ...p,
      ...(s.quality === undefined ? {} : { quality: s.quality }),
      ...(s.enabled === undefined || (s.enabled === false && keepEnabled.includes(p.name))
        ? {}
        : { enabled: s.enabled }),
    };
  });
  if (!out.some((p) => p.enabled))
    return out.map((p, i) => ({ ...p, enabled: presets[i]?.enabled ?? p.enabled }));
  return out;
}
