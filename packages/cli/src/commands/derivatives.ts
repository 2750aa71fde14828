import { SYSTEM } from "@vernissage/core";
import { type ArgsDef, type CommandDef, defineCommand } from "citty";
import type { CliIO } from "../commands.js";
import { CliError } from "../errors.js";
import { openGallery } from "../open-gallery.js";
import { galleryArgs, galleryLocation } from "./gallery-args.js";

const FORMATS = ["jpeg", "webp", "avif"] as const;
type Format = (typeof FORMATS)[number];

/** Split a comma-separated option (`--preset thumb,medium`, or the option repeated). */
function listOf(value: unknown): string[] | undefined {
  const raw = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  const items = raw
    .flatMap((v) => String(v).split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
  return items.length > 0 ? items : undefined;
}

/**
 * `vernissage derivatives build [--preset thumb,medium] [--format jpeg,webp] [--force]`: make (or with
 * `--force` remake) derivatives of every photo now, one decode per photo, photos in parallel up to the
 * machine's cores; files of presets whose recipe changed are removed.
 */
export function derivativesCommand(io: CliIO): CommandDef<ArgsDef> {
  const build = defineCommand({
    meta: { name: "build", description: "Pre-generate or rebuild derivatives of every photo" },
    args: {
      preset: {
        type: "string",
        description: "Presets to make, comma-separated [default: the eager presets]",
        valueHint: "names",
      },
      format: {
        type: "string",
        description: "Formats to make, comma-separated: jpeg, webp, avif [default: jpeg]",
        valueHint: "formats",
      },
      force: { type: "boolean", description: "Remake files that already exist" },
      ...galleryArgs,
    },
    async run({ args }) {
      const formats = listOf(args.format);
      for (const f of formats ?? []) {
        if (!FORMATS.includes(f as Format))
          throw new CliError(`Unknown format "${f}": use jpeg, webp or avif.`);
      }
      const gallery = await openGallery({ ...galleryLocation(io, args), jobs: false });
      try {
        io.logger.start("Building derivatives…");
        let last = -1;
        const result = await gallery.derivatives.rebuild(SYSTEM, {
          presets: listOf(args.preset),
          formats: formats as Format[] | undefined,
          force: args.force === true,
          onProgress: (done, total) => {
            const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
            if (pct !== last) {
              last = pct;
              io.logger.debug(`${done}/${total} photos`);
            }
          },
        });
        io.logger.success(
          `Visited ${result.photos} photo${result.photos === 1 ? "" : "s"}: ${result.generated} file${result.generated === 1 ? "" : "s"} made, ${result.removed} removed, ${result.failed.length} failed.`,
        );
        for (const f of result.failed) io.logger.warn(`Photo ${f.photoId}: ${f.code}`);
        if (result.failed.length > 0) throw new CliError(`${result.failed.length} photo(s) failed.`);
      } catch (error) {
        if (error instanceof Error && "code" in error && error.code === "PRESET_NOT_FOUND") {
          throw new CliError(`Unknown or disabled preset in "${String(args.preset)}".`);
        }
        throw error;
      } finally {
        await gallery.close();
      }
    },
  });
  return defineCommand({
    meta: { name: "derivatives", description: "Manage derivatives (resized copies)" },
    subCommands: { build: build as CommandDef<ArgsDef> },
  }) as CommandDef<ArgsDef>;
}
