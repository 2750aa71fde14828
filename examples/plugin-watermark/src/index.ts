import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { definePlugin, GalleryError } from "@vernissage/core";
import sharp from "sharp";
import { z } from "zod";

/** Where the watermark goes. */
export const POSITIONS = ["top-left", "top-right", "bottom-left", "bottom-right", "center"] as const;

/** Settings of the watermark plugin (also editable by admins through `updatePlugin`). */
export const watermarkConfig = z.object({
  /** The watermark: a path to a PNG file, or a `data:image/png;base64,…` URL. */
  image: z.string().min(1),
  /** Corner or centre of the derivative. */
  position: z.enum(POSITIONS).default("bottom-right"),
  /** 0 (invisible) to 1 (as drawn). */
  opacity: z.number().min(0).max(1).default(0.5),
  /** Width of the watermark as a fraction of the derivative's width. */
  scale: z.number().gt(0).max(1).default(0.2),
  /** Gap to the edges, as a fraction of the derivative's width. */
  margin: z.number().min(0).max(0.25).default(0.02),
  /** Derivatives smaller than this (on their shorter side, in pixels) stay unmarked. */
  minSize: z.number().int().min(0).default(300),
  /** The presets that get the watermark. */
  presets: z.array(z.string()).min(1).default(["medium", "large", "xlarge", "xxlarge"]),
});

/** Settings after defaults. */
export type WatermarkConfig = z.output<typeof watermarkConfig>;

async function loadPng(image: string): Promise<Buffer> {
  const dataUrl = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(image);
  const bytes = dataUrl?.[1] ? Buffer.from(dataUrl[1], "base64") : await readFile(image);
  const meta = await sharp(bytes).metadata();
  if (meta.format !== "png") {
    throw new GalleryError("INVALID_CONFIGURATION", { detail: "The watermark must be a PNG image." });
  }
  return bytes;
}

/** Top-left corner of a `w`×`h` mark inside a `width`×`height` image. */
export function placeMark(
  config: Pick<WatermarkConfig, "position" | "margin">,
  size: { width: number; height: number; w: number; h: number },
): { left: number; top: number } {
  const m = Math.round(size.width * config.margin);
  const right = Math.max(0, size.width - size.w - m);
  const bottom = Math.max(0, size.height - size.h - m);
  switch (config.position) {
    case "top-left":
      return { left: m, top: m };
    case "top-right":
      return { left: right, top: m };
    case "bottom-left":
      return { left: m, top: bottom };
    case "center":
      return {
        left: Math.max(0, Math.round((size.width - size.w) / 2)),
        top: Math.max(0, Math.round((size.height - size.h) / 2)),
      };
    default:
      return { left: right, top: bottom };
  }
}

/**
 * The watermark plugin: composites a PNG onto the chosen presets' derivatives before they are encoded. Its
 * settings (and the PNG's bytes) are part of those presets' recipe hash, so changing them, or disabling the
 * plugin, regenerates exactly those derivatives; other presets keep their files.
 *
 * @example
 * createGallery({ …, plugins: [{ plugin: watermark, config: { image: "./mark.png", presets: ["large"] } }] });
 */
export const watermark = definePlugin<WatermarkConfig>({
  name: "watermark",
  version: "1.0.0",
  compat: ">=0.0.0",
  description: "A PNG watermark on chosen derivative presets",
  config: watermarkConfig,
  async setup(ctx) {
    const config = ctx.config;
    const png = await loadPng(config.image);
    // Everything that changes the output: the image bytes and every setting.
    const salt = createHash("sha256")
      .update(png)
      .update(JSON.stringify({ ...config, image: undefined }))
      .digest("hex")
      .slice(0, 16);
    ctx.saltPresets(config.presets, salt);

    ctx.hook("derivative:encode:before", async (c) => {
      if (!config.presets.includes(c.preset)) return;
      if (Math.min(c.width, c.height) < config.minSize) return;
      const w = Math.max(1, Math.round(c.width * config.scale));
      const mark = await sharp(png)
        .ensureAlpha()
        .resize({ width: Math.min(w, c.width), height: c.height, fit: "inside" })
        .raw()
        .toBuffer({ resolveWithObject: true });
      // Opacity: scale the mark's alpha channel.
      const rgba = mark.data;
      for (let i = 3; i < rgba.length; i += 4) rgba[i] = Math.round((rgba[i] ?? 0) * config.opacity);
      const { left, top } = placeMark(config, {
        width: c.width,
        height: c.height,
        w: mark.info.width,
        h: mark.info.height,
      });
      let pipeline = sharp(c.pixels, {
        raw: { width: c.width, height: c.height, channels: c.channels },
      }).composite([
        { input: rgba, raw: { width: mark.info.width, height: mark.info.height, channels: 4 }, left, top },
      ]);
      if (c.channels === 3) pipeline = pipeline.removeAlpha();
      const out = await pipeline.raw().toBuffer({ resolveWithObject: true });
      c.pixels = out.data;
      c.channels = out.info.channels as 3 | 4;
    });
  },
});

export default watermark;
