import { watch } from "node:fs";
import { type ArgsDef, type CommandDef, defineCommand } from "citty";
import type { CliIO } from "../commands.js";
import { type ImportSummary, importDirectory } from "../import-directory.js";
import { openGallery } from "../open-gallery.js";
import { createImportProgress } from "../progress.js";
import { galleryArgs, galleryLocation } from "./gallery-args.js";

/**
 * `vernissage sync DIR [--album name] [--watch]`: re-scan a folder and add what is new, mirroring its folder
 * tree as albums. Files already in their album are skipped after a hash lookup (no decode), so a sync of an
 * unchanged tree is cheap. `--watch` keeps running and syncs again a moment after the folder changes.
 */
export function syncCommand(io: CliIO): CommandDef<ArgsDef> {
  return defineCommand({
    meta: {
      name: "sync",
      description: "Add new files of a folder tree (one album per folder); --watch to keep going",
    },
    args: {
      path: {
        type: "positional",
        description: "Folder to sync (recursively; dotfiles are skipped)",
        required: true,
      },
      album: {
        type: "string",
        description: "Root album name [default: the folder's name]",
        valueHint: "name",
      },
      watch: { type: "boolean", description: "Keep watching the folder and sync on changes" },
      ...galleryArgs,
    },
    async run({ args }) {
      const log = io.logger;
      const gallery = await openGallery({ ...galleryLocation(io, args), jobs: false });
      const abort = new AbortController();
      const runOnce = async (): Promise<ImportSummary> => {
        const progress = createImportProgress(io.stdout);
        try {
          const summary = await importDirectory(gallery, args.path, {
            ...(args.album ? { album: args.album } : {}),
            albumPerFolder: true,
            signal: abort.signal,
            onStart: ({ total }) => progress.start(total),
            onFile: (result, counts) => progress.file(result, counts),
          });
          progress.stop();
          log.info(
            `Synced: ${summary.imported} new, ${summary.skipped} unchanged, ${summary.duplicates} linked, ${summary.failed} failed, ${summary.albumsCreated} album${summary.albumsCreated === 1 ? "" : "s"} created.`,
          );
          if (summary.imported > 0) await gallery.jobs.runUntilIdle();
          return summary;
        } finally {
          progress.stop();
        }
      };
      try {
        await runOnce();
        if (!args.watch) return;
        log.info(`Watching ${args.path} (Ctrl-C to stop).`);
        let timer: NodeJS.Timeout | undefined;
        let running: Promise<unknown> = Promise.resolve();
        const watcher = watch(args.path, { recursive: true }, () => {
          clearTimeout(timer);
          // Let a copy finish before scanning.
          timer = setTimeout(() => {
            running = running.then(runOnce).catch((error: unknown) => log.error(error));
          }, 2000);
        });
        await io.untilShutdown();
        abort.abort();
        clearTimeout(timer);
        watcher.close();
        await running;
      } finally {
        await gallery.close();
      }
    },
  }) as CommandDef<ArgsDef>;
}
