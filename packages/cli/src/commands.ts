import { createRequire } from "node:module";
import type { Readable, Writable } from "node:stream";
import type { UserRole } from "@vernissage/core";
import { type ArgsDef, type CommandDef, defineCommand } from "citty";
import { type ConsolaInstance, consola } from "consola";
import { CliError } from "./errors.js";
import { importDirectory } from "./import-directory.js";
import { openGallery } from "./open-gallery.js";
import { createImportProgress } from "./progress.js";
import { FIRST_ADMIN_USERNAME, startServer } from "./server.js";
import { addUser, readPassword, USER_ROLES } from "./users.js";

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

const dataArg = {
  type: "string",
  description: "Data directory (database and files) [env VERNISSAGE_DATA_DIR, default ./data]",
  valueHint: "dir",
} as const;

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
      data: dataArg,
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
    },
    async run({ args }) {
      const log = io.logger;
      const server = await startServer({
        dataDir: dataDir(io, args.data),
        port: parsePort(args.port ?? io.env.VERNISSAGE_PORT ?? "3000"),
        host: args.host ?? io.env.VERNISSAGE_HOST ?? "127.0.0.1",
        basePath: typeof args["base-path"] === "string" ? args["base-path"] : "",
        jobs: args.jobs !== false,
        ...(args.title ? { title: args.title } : {}),
        adminPassword: io.env.VERNISSAGE_ADMIN_PASSWORD,
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
      log.success("Stopped.");
    },
  }) as CommandDef<ArgsDef>;
}

function usersCommand(io: CliIO): CommandDef<ArgsDef> {
  const add = defineCommand({
    meta: { name: "add", description: "Create a user" },
    args: {
      name: { type: "positional", description: "Login name", required: true },
      role: { type: "enum", options: [...USER_ROLES], default: "member", description: "Role of the user" },
      "password-stdin": { type: "boolean", description: "Read the password from standard input" },
      data: dataArg,
    },
    async run({ args }) {
      if (!args["password-stdin"]) {
        throw new CliError(
          "Pass the password on standard input with --password-stdin (it never goes on the command line).",
        );
      }
      const password = await readPassword(io.stdin);
      const gallery = await openGallery({ dataDir: dataDir(io, args.data), jobs: false });
      try {
        const user = await addUser(gallery, { username: args.name, password, role: args.role as UserRole });
        io.logger.success(`Created the ${user.role} "${user.username}".`);
      } finally {
        await gallery.close();
      }
    },
  });
  return defineCommand({
    meta: { name: "users", description: "Manage users" },
    subCommands: { add: add as CommandDef<ArgsDef> },
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
      data: dataArg,
    },
    async run({ args }) {
      const log = io.logger;
      const gallery = await openGallery({ dataDir: dataDir(io, args.data), jobs: false });
      const progress = createImportProgress(io.stdout);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once("SIGINT", onSignal);
      try {
        const summary = await importDirectory(gallery, args.path, {
          ...(args.album ? { album: args.album } : {}),
          signal: abort.signal,
          onStart: ({ total, album, albumCreated }) => {
            log.info(`${albumCreated ? "Created" : "Adding to"} the album "${album.name}".`);
            progress.start(total);
          },
          onFile: (result, counts) => progress.file(result, counts),
        });
        progress.stop();
        log.info(
          `Imported ${summary.imported}, duplicates ${summary.duplicates}, failed ${summary.failed} (of ${summary.total}).`,
        );
        if (summary.aborted) {
          log.warn(
            "Interrupted: the remaining files were not imported; thumbnails are made on the next `serve`.",
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
      import: importCommand(full),
    },
  }) as CommandDef<ArgsDef>;
}

/** The `vernissage` command (citty definition) on the process's stdin, stdout and environment. */
export const main: CommandDef<ArgsDef> = createMainCommand();
