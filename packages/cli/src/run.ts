import { isGalleryError } from "@vernissage/core";
import { type ArgsDef, type CommandDef, renderUsage, runCommand } from "citty";
import { consola } from "consola";
import { type CliIO, createMainCommand, VERSION } from "./commands.js";
import { CliError } from "./errors.js";

type Resolvable<T> = T | Promise<T> | (() => T) | (() => Promise<T>);
const resolveValue = async <T>(value: Resolvable<T>): Promise<T> =>
  typeof value === "function" ? (value as () => T | Promise<T>)() : value;

/** The deepest command named by the positional words of `rawArgs`, and its parent. */
async function findCommand(
  root: CommandDef<ArgsDef>,
  rawArgs: readonly string[],
): Promise<[CommandDef<ArgsDef>, CommandDef<ArgsDef> | undefined]> {
  let command = root;
  let parent: CommandDef<ArgsDef> | undefined;
  for (const word of rawArgs) {
    if (word.startsWith("-")) continue;
    const subCommands = command.subCommands ? await resolveValue(command.subCommands) : undefined;
    const next = subCommands?.[word];
    if (!next) break;
    parent = command;
    command = (await resolveValue(next)) as CommandDef<ArgsDef>;
  }
  return [command, parent];
}

/**
 * Run the `vernissage` command line and return the exit code (the `vernissage` binary sets it on the
 * process). Errors are reported as one clear line; usage errors also print the command's help.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(rawArgs: readonly string[], io: Partial<CliIO> = {}): Promise<number> {
  const command = createMainCommand(io);
  const log = io.logger ?? consola;
  const args = [...rawArgs];
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
    log.log(VERSION);
    return 0;
  }
  if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
    log.log(await renderUsage(...(await findCommand(command, args))));
    return 0;
  }
  try {
    await runCommand(command, { rawArgs: args });
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      log.error(error.message);
      return error.exitCode;
    }
    if (error instanceof Error && error.name === "CLIError") {
      // citty's usage errors (unknown command, missing argument): show the help of the command concerned.
      log.log(await renderUsage(...(await findCommand(command, args))));
      log.error(error.message);
      return 1;
    }
    if (isGalleryError(error)) {
      log.error(`${error.code}: ${error.detail}`);
      return 1;
    }
    log.error(error);
    return 1;
  }
}
