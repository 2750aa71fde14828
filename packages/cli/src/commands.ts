import { createRequire } from "node:module";
import type { Readable, Writable } from "node:stream";
import { type ArgsDef, type CommandDef, defineCommand } from "citty";
import { type ConsolaInstance, consola } from "consola";
import { apiLimitOptions } from "./api-limits.js";
import { derivativesCommand } from "./commands/derivatives.js";
import { galleryArgs, galleryLocation } from "./commands/gallery-args.js";
import { housekeepingCommand } from "./commands/housekeeping.js";
import { jobsCommand } from "./commands/jobs.js";
import { mcpCommand } from "./commands/mcp.js";
import { pluginsCommand, pluginsFromEnv } from "./commands/plugins.js";
import { syncCommand } from "./commands/sync.js";
import { tokensCommand, usersCommand } from "./commands/users.js";
import { workerCommand } from "./commands/worker.js";
import { CliError } from "./errors.js";
import { importDirectory } from "./import-directory.js";
import { openGallery } from "./open-gallery.js";
import { createImportProgress } from "./progress.js";
import { FIRST_ADMIN_USERNAME, startServer } from "./server.js";

/** What the commands read from and write to; tests pass their own. */
export interface CliIO {
  /** Standard input (`users add --password-stdin`). @default process.stdin */
  stdin: Readable;
  /** Where progress goes; a bar is drawn when it is a terminal. @default process.stdout */
  stdout: Writable & { isTTY?: boolean };
  /** Environment variables (`VERNISSAGE_*`). @default process.env */
  env: Record<string, string | undefined>;
  /** Messages to the operator. @default consola */
  logger: ConsolaInstance;
  /**
   * Resolves when a long-running command (`serve`) should stop.
   * @default the first SIGINT or SIGTERM
   */
  untilShutdown: () => Promise<string>;
}

const require = createRequire(import.meta.url);
/** Version of this package (the same for `src/` and `dist/`, both one level under the package root). */
export const VERSION: string = (require("../package.json") as { version: string }).version;

/** Wait for SIGINT or SIGTERM, whichever comes first; a second signal then gets Node's default (exit). */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

/** `io` with the process's streams filled in lazily (touching `process.stdin` early has side effects). */
function withDefaults(io: Partial<CliIO>): CliIO {
  return {
    get stdin() {
      return io.stdin ?? process.stdin;
    },
    get stdout() {
      return io.stdout ?? process.stdout;
    },
    get env() {
      return io.env ?? process.env;
    },
    get logger() {
      return io.logger ?? consola;
    },
    get untilShutdown() {
      return io.untilShutdown ?? untilSignal;
    },
  };
}

function dataDir(io: CliIO, value: string | undefined): string {
  const dir = value ?? io.env.VERNISSAGE_DATA_DIR ?? "./data";
  if (dir.trim() === "") throw new CliError("The data directory is empty.");
  return dir;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port > 65_535) {
    throw new CliError(`Invalid port "${value}": expected a number from 0 to 65535.`);
  }
  return port;
}

function serveCommand(io: CliIO): CommandDef<ArgsDef> {
  return defineCommand({
    meta: { name: "serve", description: "Serve the gallery over HTTP" },
    args: {
      ...galleryArgs,
      port: {
        type: "string",
        description: "Port, 0 for any free one [env VERNISSAGE_PORT, default 3000]",
        valueHint: "n",
      },
      host: {
        type: "string",
        description: "Interface to listen on [env VERNISSAGE_HOST, default 127.0.0.1]",
        valueHint: "host",
      },
      basePath: {
        type: "string",
        description: "Path to serve the gallery under, e.g. /photos",
        valueHint: "path",
      },
      title: { type: "string", description: "Gallery title", valueHint: "text" },
      jobs: {
        type: "boolean",
        default: true,
        description: "Process background jobs",
        negativeDescription: "Leave jobs to a worker",
      },
      "trust-proxy": {
        type: "string",
        description:
          "Believe X-Forwarded-For/Forwarded from: true, a hop count, or addresses/CIDRs/loopback/private, comma-separated [env VERNISSAGE_TRUST_PROXY, default false]",
        valueHint: "list",
      },
      "rate-limits": {
        type: "string",
        description:
          "API rate limits: off, or class=limit/seconds pairs (read, write, upload, search, login), comma-separated [env VERNISSAGE_RATE_LIMITS]",
        valueHint: "spec",
      },
      "rate-limit-store": {
        type: "string",
        description:
          "Where rate-limit counters live: database (shared), memory, or a redis:// URL (shared) [env VERNISSAGE_RATE_LIMIT_STORE, default database]",
        valueHint: "store",
      },
    },
    async run({ args }) {
      const log = io.logger;
      const limits = apiLimitOptions(io.env, args as Record<string, string | undefined>);
      const server = await startServer({
        app: limits,
        ...galleryLocation(io, args),
        port: parsePort(args.port ?? io.env.VERNISSAGE_PORT ?? "3000"),
        host: args.host ?? io.env.VERNISSAGE_HOST ?? "127.0.0.1",
        basePath: typeof args["base-path"] === "string" ? args["base-path"] : "",
        jobs: args.jobs !== false,
        ...(args.title ? { title: args.title } : {}),
        adminPassword: io.env.VERNISSAGE_ADMIN_PASSWORD,
        // Plugin modules named in VERNISSAGE_PLUGINS run in the server (installed on first sight).
        ...(await pluginsFromEnv(io)),
      });
      if (server.adminCreated)
        log.success(
          `Created the owner "${FIRST_ADMIN_USERNAME}" with the password from VERNISSAGE_ADMIN_PASSWORD.`,
        );
      if (server.needsUser) {
        log.warn(
          [
            "The gallery has no user yet, so nobody can sign in. Create the owner with:",
            `  printf '%s' 'a long password' | vernissage users add ${FIRST_ADMIN_USERNAME} --role owner --password-stdin --data ${dataDir(io, args.data)}`,
            "or start once with VERNISSAGE_ADMIN_PASSWORD set in the environment.",
          ].join("\n"),
        );
      }
      log.ready(`Vernissage is listening on ${server.url}${args.jobs === false ? " (jobs off)" : ""}`);
      const signal = await io.untilShutdown();
      log.info(`${signal}: shutting down…`);
      await server.close();
      await limits.rateLimits?.store?.close?.();
      log.success("Stopped.");
    },
  }) as CommandDef<ArgsDef>;
}

function importCommand(io: CliIO): CommandDef<ArgsDef> {
  return defineCommand({
    meta: { name: "import", description: "Import a folder of photos into an album" },
    args: {
      path: {
        type: "positional",
        description: "Folder to import (recursively; dotfiles are skipped)",
        required: true,
      },
      album: { type: "string", description: "Album name [default: the folder's name]", valueHint: "name" },
      "album-per-folder": {
        type: "boolean",
        description: "Make one sub-album per sub-folder (mirrors the folder tree)",
      },
      ...galleryArgs,
    },
    async run({ args }) {
      const log = io.logger;
      const gallery = await openGallery({ ...galleryLocation(io, args), jobs: false });
      const progress = createImportProgress(io.stdout);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once("SIGINT", onSignal);
      try {
        const summary = await importDirectory(gallery, args.path, {
          ...(args.album ? { album: args.album } : {}),
          albumPerFolder: args["album-per-folder"] === true,
          signal: abort.signal,
          onStart: ({ total, album, albumCreated }) => {
            log.info(`${albumCreated ? "Created" : "Adding to"} the album "${album.name}".`);
            progress.start(total);
          },
          onFile: (result, counts) => progress.file(result, counts),
        });
        progress.stop();
        log.info(
          `Imported ${summary.imported}, skipped ${summary.skipped}, duplicates ${summary.duplicates}, failed ${summary.failed} (of ${summary.total}).`,
        );
        if (summary.aborted) {
          log.warn(
            "Interrupted: run the same import again to resume (files already imported are skipped); thumbnails are made on the next `serve`.",
          );
          return;
        }
        if (summary.imported > 0) {
          log.start("Generating thumbnails…");
          const ran = await gallery.jobs.runUntilIdle();
          log.success(`Ran ${ran} derivative job${ran === 1 ? "" : "s"}.`);
        }
      } finally {
        progress.stop();
        process.off("SIGINT", onSignal);
        await gallery.close();
      }
    },
  }) as CommandDef<ArgsDef>;
}

/**
 * Build the `vernissage` command tree (`serve`, `users add`, `import`) reading from and writing to `io`.
 *
 * @example
 * import { runCommand } from "citty";
 * await runCommand(createMainCommand({ stdin: Readable.from(["secret-password\n"]) }), {
 *   rawArgs: ["users", "add", "alice", "--role", "admin", "--password-stdin", "--data", "./data"],
 * });
 */
export function createMainCommand(io: Partial<CliIO> = {}): CommandDef<ArgsDef> {
  const full = withDefaults(io);
  return defineCommand({
    meta: { name: "vernissage", version: VERSION, description: "Vernissage photo gallery" },
    subCommands: {
      serve: serveCommand(full),
      users: usersCommand(full),
      tokens: tokensCommand(full),
      import: importCommand(full),
      sync: syncCommand(full),
      worker: workerCommand(full),
      jobs: jobsCommand(full),
      housekeeping: housekeepingCommand(full),
      derivatives: derivativesCommand(full),
      plugins: pluginsCommand(full),
      mcp: mcpCommand(full),
    },
  }) as CommandDef<ArgsDef>;
}

/** The `vernissage` command (citty definition) on the process's stdin, stdout and environment. */
export const main: CommandDef<ArgsDef> = createMainCommand();
