/**
 * An error the CLI reports as one clear line (no stack trace) before exiting with `exitCode`.
 *
 * @example
 * throw new CliError("The password must have at least 8 characters.");
 */
export class CliError extends Error {
  /** Process exit code to use. @default 1 */
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CliError";
    this.exitCode = options.exitCode ?? 1;
  }
}
