import sharp, { type Sharp } from "sharp";
import type { HookBus } from "../hooks.js";
import { type DerivativeFormat, type DerivativePreset, neededScale, outputSize } from "./presets.js";

/** One output the renderer should produce. */
export interface RenderRequest {
  preset: DerivativePreset;
  format: DerivativeFormat;
}

/** One rendered output. */
export interface RenderedDerivative extends RenderRequest {
  data: Buffer;
  width: number;
  height: number;
}

/** Input of {@link renderDerivatives}. */
export interface RenderInput {
  /** The original: a file path or its bytes. */
  source: string | Buffer;
  /** Displayed size of the original (EXIF orientation applied). */
  width: number;
  height: number;
  sha256: string;
  photoId?: string | undefined;
  /** Decoder pixel limit (decompression bombs). */
  limitInputPixels: number;
  hooks?: HookBus | undefined;
}

/**
 * Render several derivatives from ONE decode: shrink-on-load to the largest size any output needs (EXIF
 * orientation applied, converted to 8-bit sRGB), then every output resized from that buffer. Encoders strip all
 * metadata (sharp writes none unless asked), so no EXIF or GPS leaves through a derivative.
 */
export async function renderDerivatives(
  input: RenderInput,
  requests: readonly RenderRequest[],
): Promise<RenderedDerivative[]> {
  if (requests.length === 0) return [];
  const scale = Math.min(
    1,
    Math.max(...requests.map((r) => neededScale(r.preset, input.width, input.height))),
  );
  const decodeWidth = Math.max(1, Math.ceil(input.width * scale));
  const decodeHeight = Math.max(1, Math.ceil(input.height * scale));

  const { data, info } = await sharp(input.source, {
    limitInputPixels: input.limitInputPixels,
    failOn: "error",
  })
    .autoOrient()
    .resize(decodeWidth, decodeHeight, { fit: "fill", kernel: "lanczos3" })
    .toColourspace("srgb")
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  const channels = info.channels as 3 | 4;
  const raw = { width: info.width, height: info.height, channels };

  const outputs: RenderedDerivative[] = [];
  for (const request of requests) {
    const size = outputSize(request.preset, input.width, input.height);
    let pipeline = sharp(data, { raw }).resize(size.width, size.height, {
      fit: request.preset.crop ? "cover" : "fill",
      position: "centre",
      kernel: "lanczos3",
    });
    if (request.preset.sharpen > 0) pipeline = pipeline.sharpen({ sigma: request.preset.sharpen });
    if (input.hooks?.has("derivative:encode:before")) {
      const resized = await pipeline.raw().toBuffer({ resolveWithObject: true });
      const ctx = {
        photoId: input.photoId,
        sha256: input.sha256,
        preset: request.preset.name,
        format: request.format,
        width: resized.info.width,
        height: resized.info.height,
        pixels: resized.data,
        channels: resized.info.channels as 3 | 4,
      };
      await input.hooks.before("derivative:encode:before", ctx);
      pipeline = sharp(ctx.pixels, { raw: { width: ctx.width, height: ctx.height, channels: ctx.channels } });
    }
    const encoded = await encode(pipeline, request.format, request.preset.quality, channels === 4).toBuffer({
      resolveWithObject: true,
    });
    outputs.push({ ...request, data: encoded.data, width: encoded.info.width, height: encoded.info.height });
  }
  return outputs;
}

function encode(pipeline: Sharp, format: DerivativeFormat, quality: number, hasAlpha: boolean): Sharp {
  switch (format) {
    case "jpeg":
      return (hasAlpha ? pipeline.flatten({ background: "#ffffff" }) : pipeline).jpeg({
        quality,
        mozjpeg: false,
      });
    case "webp":
      return pipeline.webp({ quality });
    case "avif":
      return pipeline.avif({ quality: Math.max(1, quality - 20), effort: 2 });
  }
}
