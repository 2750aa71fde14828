import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * @typedef {object} ServerConfigInput What a `vernissage.config.mjs` may set; every field is optional.
 * @property {string} [dataDir] Data directory (database and files), relative to the config file. Default `./data`.
 * @property {number} [port] TCP port, `0` for any free one. Default `3000`.
 * @property {string} [host] Interface to listen on; `0.0.0.0` exposes the gallery to the network. Default `127.0.0.1`.
 * @property {string} [title] Gallery title. Default `Vernissage`.
 * @property {string} [basePath] Path to serve the gallery under, e.g. `/photos`. Default `""`.
 * @property {boolean} [jobs] Make thumbnails in this process. Default `true`.
 */

/**
 * @typedef {object} ServerConfig The resolved configuration: every field set, `dataDir` absolute.
 * @property {string} dataDir
 * @property {number} port
 * @property {string} host
 * @property {string} title
 * @property {string} basePath
 * @property {boolean} jobs
 */

/** The defaults, before resolving `dataDir`. */
export const DEFAULTS = Object.freeze({
  dataDir: "./data",
  port: 3000,
  host: "127.0.0.1",
  title: "Vernissage",
  basePath: "",
  jobs: true,
});

/** Name of the config file looked up in the working directory. */
export const CONFIG_FILE = "vernissage.config.mjs";

/** A configuration problem; `problems` lists every invalid field. */
export class ConfigError extends Error {
  /**
   * @param {string} source Where the configuration came from (a file path or "defaults").
   * @param {string[]} problems One line per invalid field.
   */
  constructor(source, problems) {
    super(`Invalid configuration in ${source}:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
    this.source = source;
    this.problems = problems;
  }
}

/**
 * Identity function that gives a config file editor completion and type checks.
 *
 * @param {ServerConfigInput} config
 * @returns {ServerConfigInput}
 * @example
 * export default defineConfig({ port: 8080, title: "Family photos" });
 */
export function defineConfig(config) {
  return config;
}

const KEYS = new Set(Object.keys(DEFAULTS));

/**
 * Validate a configuration, fill in defaults, apply environment overrides (`VERNISSAGE_DATA_DIR`,
 * `VERNISSAGE_PORT`, `VERNISSAGE_HOST`) and resolve `dataDir` against `baseDir`.
 *
 * @param {unknown} input The config file's default export (or `{}`).
 * @param {{ env?: Record<string, string | undefined>, baseDir?: string, source?: string }} [options]
 * @returns {ServerConfig}
 * @throws {ConfigError} listing every invalid field
 */
export function resolveConfig(input, options = {}) {
  const env = options.env ?? process.env;
  const source = options.source ?? "the configuration";
  /** @type {string[]} */
  const problems = [];
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new ConfigError(source, [
      "the configuration must be an object (export default defineConfig({ … }))",
    ]);
  }
  const raw = /** @type {Record<string, unknown>} */ (input);
  for (const key of Object.keys(raw)) {
    if (!KEYS.has(key)) problems.push(`unknown option "${key}" (known: ${[...KEYS].join(", ")})`);
  }
  /** @type {Record<string, unknown>} */
  const merged = { ...DEFAULTS, ...raw };
  if (env.VERNISSAGE_DATA_DIR) merged.dataDir = env.VERNISSAGE_DATA_DIR;
  if (env.VERNISSAGE_HOST) merged.host = env.VERNISSAGE_HOST;
  if (env.VERNISSAGE_PORT) {
    merged.port = /^\d+$/.test(env.VERNISSAGE_PORT) ? Number(env.VERNISSAGE_PORT) : env.VERNISSAGE_PORT;
  }

  const { dataDir, port, host, title, basePath, jobs } = merged;
  if (typeof dataDir !== "string" || dataDir.trim() === "") problems.push("dataDir must be a non-empty path");
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65_535) {
    problems.push(`port must be an integer from 0 to 65535 (got ${JSON.stringify(port)})`);
  }
  if (typeof host !== "string" || host.trim() === "") problems.push("host must be a non-empty string");
  if (typeof title !== "string" || title.trim() === "" || title.length > 200)
    problems.push("title must have 1 to 200 characters");
  if (typeof basePath !== "string" || !/^(\/[A-Za-z0-9._~-]+)*\/?$/.test(basePath)) {
    problems.push('basePath must look like "/photos" (or be empty)');
  }
  if (typeof jobs !== "boolean") problems.push("jobs must be true or false");
  if (problems.length > 0) throw new ConfigError(source, problems);

  return {
    dataDir: resolve(options.baseDir ?? process.cwd(), /** @type {string} */ (dataDir)),
    port: /** @type {number} */ (port),
    host: /** @type {string} */ (host),
    title: /** @type {string} */ (title),
    basePath: /** @type {string} */ (basePath).replace(/\/+$/, ""),
    jobs: /** @type {boolean} */ (jobs),
  };
}

/**
 * Load and resolve the configuration. With no `path`, `vernissage.config.mjs` in the working directory is
 * used when it exists, and the defaults otherwise; a `path` given explicitly must exist.
 *
 * @param {{ path?: string, cwd?: string, env?: Record<string, string | undefined> }} [options]
 * @returns {Promise<ServerConfig & { file: string | null }>}
 * @example
 * const config = await loadConfig({ path: process.argv[2] });
 */
export async function loadConfig(options = {}) {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = resolve(cwd, options.path ?? CONFIG_FILE);
  if (!existsSync(file)) {
    if (options.path !== undefined) throw new ConfigError(file, ["the file does not exist"]);
    return { ...resolveConfig({}, { env, baseDir: cwd, source: "defaults" }), file: null };
  }
  const module = await import(pathToFileURL(file).href);
  const config = resolveConfig(module.default ?? {}, { env, baseDir: dirname(file), source: file });
  return { ...config, file };
}
