/**
 * The logger core writes to. Compatible with pino (`logger.info(obj, msg)`), so an embedder can pass their own.
 * Never log secrets: core logs ids, codes and counts only.
 */
export interface Logger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
  /** A logger whose lines carry `bindings` too. */
  child?(bindings: Record<string, unknown>): Logger;
}

/** A logger that writes warnings and errors as JSON lines to stderr and drops the rest. */
export function createConsoleLogger(bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (obj: Record<string, unknown>, msg?: string) => {
    process.stderr.write(`${JSON.stringify({ level, time: Date.now(), ...bindings, ...obj, msg })}\n`);
  };
  const noop = () => {};
  return {
    debug: noop,
    info: noop,
    warn: write("warn"),
    error: write("error"),
    child: (more) => createConsoleLogger({ ...bindings, ...more }),
  };
}

/** Turn any thrown value into loggable fields without leaking stack traces to clients. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { err: { name: error.name, message: error.message, code, stack: error.stack } };
  }
  return { err: { message: String(error) } };
}
