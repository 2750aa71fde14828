import sharp, { type Sharp } from "sharp";
import { rgbaToThumbHash } from "thumbhash";
import type { HookBus } from "../hooks.js";
import {
  type DerivativeFormat,
  type DerivativePreset,
  neededScale,
  outputSize,
  type RecipeOptions,
} from "./presets.js";

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
  /** Whether the output kept the source's animation. */
  animated: boolean;
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
  /** Centre of interest for cropped presets (fractions 0–1). @default the centre */
  focus?: RecipeOptions["focus"];
  /** Keep the animation of an animated source in WebP outputs (else a still first frame). @default false */
  keepAnimation?: boolean | undefined;
  /** Also compute the ThumbHash placeholder from the same decode. @default false */
  thumbhash?: boolean | undefined;
}

/** Result of {@link renderDerivatives}. */
export interface RenderResult {
  outputs: RenderedDerivative[];
  /** ThumbHash (base64) when asked for. */
  thumbhash: string | undefined;
}

/**
 * Render several derivatives from ONE decode: shrink-on-load to the largest size any output needs (EXIF
 * orientation applied, mirrored ones too; converted to 8-bit sRGB through the embedded ICC profile, CMYK and
 * 16-bit included), then every output resized from that buffer. Encoders write no metadata (sharp keeps none
 * unless asked), so no EXIF, GPS, XMP or IPTC leaves through a derivative. An animated source whose WebP output
 * keeps its animation gets one more (animated) decode for those outputs only.
 */
export async function renderDerivatives(
  input: RenderInput,
  requests: readonly RenderRequest[],
): Promise<RenderResult> {
  if (requests.length === 0 && !input.thumbhash) return { outputs: [], thumbhash: undefined };
  const animatedWanted =
    input.keepAnimation === true &&
    !input.hooks?.has("derivative:encode:before") &&
    requests.some((r) => r.format === "webp") &&
    ((await sharp(input.source, { limitInputPixels: input.limitInputPixels }).metadata()).pages ?? 1) > 1;
  const animatedRequests = animatedWanted ? requests.filter((r) => r.format === "webp") : [];
  const stillRequests = animatedWanted ? requests.filter((r) => r.format !== "webp") : requests;

  const outputs: RenderedDerivative[] = [];
  let thumbhash: string | undefined;
  if (stillRequests.length > 0 || input.thumbhash) {
    const scale = Math.min(
      1,
      Math.max(
        input.thumbhash ? Math.min(1, 100 / Math.max(input.width, input.height)) : 0,
        ...stillRequests.map((r) => neededScale(r.preset, input.width, input.height)),
      ),
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
    const raw = { width: info.width, height: info.height, channels: info.channels as 3 | 4 };

    if (input.thumbhash) thumbhash = await thumbHashOf(data, raw);
    for (const request of stillRequests) {
      const size = outputSize(request.preset, input.width, input.height);
      let pipeline = sharp(data, { raw });
      pipeline = request.preset.crop
        ? cropAround(pipeline, raw, size, input.focus)
        : pipeline.resize(size.width, size.height, { fit: "fill", kernel: "lanczos3" });
      if (request.preset.sharpen > 0) pipeline = pipeline.sharpen({ sigma: request.preset.sharpen });
      let channels = raw.channels;
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
        channels = ctx.channels;
        pipeline = sharp(ctx.pixels, {
          raw: { width: ctx.width, height: ctx.height, channels: ctx.channels },
        });
      }
      const encoded = await encode(pipeline, request, channels === 4).toBuffer({ resolveWithObject: true });
      outputs.push({
        ...request,
        data: encoded.data,
        width: encoded.info.width,
        height: encoded.info.height,
        animated: false,
      });
    }
  }

  for (const request of animatedRequests) {
    const size = outputSize(request.preset, input.width, input.height);
    const encoded = await sharp(input.source, {
      limitInputPixels: input.limitInputPixels,
      failOn: "error",
      animated: true,
    })
      .resize(size.width, size.height, { fit: request.preset.crop ? "cover" : "fill", kernel: "lanczos3" })
      .webp({ quality: request.preset.quality })
      .toBuffer({ resolveWithObject: true });
    outputs.push({
      ...request,
      data: encoded.data,
      width: encoded.info.width,
      height: size.height,
      animated: true,
    });
  }
  return { outputs, thumbhash };
}

/**
 * Cover-resize the decoded buffer, then cut the box around the centre of interest (clamped inside the image),
 * so a cropped preset keeps the subject even when it is off-centre.
 */
function cropAround(
  pipeline: Sharp,
  source: { width: number; height: number },
  box: { width: number; height: number },
  focus: RecipeOptions["focus"],
): Sharp {
  const scale = Math.max(box.width / source.width, box.height / source.height);
  const width = Math.max(box.width, Math.round(source.width * scale));
  const height = Math.max(box.height, Math.round(source.height * scale));
  const fx = focus ? Math.min(1, Math.max(0, focus.x)) : 0.5;
  const fy = focus ? Math.min(1, Math.max(0, focus.y)) : 0.5;
  const left = Math.min(width - box.width, Math.max(0, Math.round(fx * width - box.width / 2)));
  const top = Math.min(height - box.height, Math.max(0, Math.round(fy * height - box.height / 2)));
  return pipeline
    .resize(width, height, { fit: "fill", kernel: "lanczos3" })
    .extract({ left, top, width: box.width, height: box.height });
}

async function thumbHashOf(
  data: Buffer,
  raw: { width: number; height: number; channels: 3 | 4 },
): Promise<string> {
  const small = await sharp(data, { raw })
    .resize(100, 100, { fit: "inside", kernel: "lanczos3" })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(small.info.width, small.info.height, small.data)).toString("base64");
}

function encode(pipeline: Sharp, request: RenderRequest, hasAlpha: boolean): Sharp {
  const { quality } = request.preset;
  switch (request.format) {
    case "jpeg":
      return (hasAlpha ? pipeline.flatten({ background: "#ffffff" }) : pipeline).jpeg({
        quality,
        mozjpeg: request.preset.mozjpeg === true,
      });
    case "webp":
      return pipeline.webp({ quality });
    case "avif":
      // Default-effort AVIF costs ~10x more CPU than effort 2 for ~14 % fewer bytes (TOOLCHAIN.md).
      return pipeline.avif({ quality: Math.max(1, quality - 20), effort: 2 });
  }
}
