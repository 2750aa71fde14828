import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "./logger.js";

const context = new AsyncLocalStorage<Record<string, unknown>>();

/**
 * Run `fn` with fields every log line written during it carries (through loggers made by
 * {@link contextualLogger}, such as `gallery.logger`), e.g. the HTTP request id. Nested calls add fields.
 *
 * @example
 * await withLogContext({ reqId }, () => gallery.photos.upload(actor, input));
 */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** Add a field to the current log context (no effect outside {@link withLogContext}). */
export function setLogContextField(name: string, value: unknown): void {
  const store = context.getStore();
  if (store) store[name] = value;
}

/** A logger that adds the current log context's fields to each line (the line's own fields win). */
export function contextualLogger(logger: Logger): Logger {
  const at =
    (level: "debug" | "info" | "warn" | "error") =>
    (obj: Record<string, unknown>, msg?: string): void => {
      const fields = context.getStore();
      logger[level](fields ? { ...fields, ...obj } : obj, msg);
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    ...(logger.child ? { child: (bindings) => contextualLogger(logger.child?.(bindings) ?? logger) } : {}),
  };
}
