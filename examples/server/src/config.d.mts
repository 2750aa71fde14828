// Types of config.mjs (the example is plain JavaScript so that Node 20 runs it without a build step).

/** What a `vernissage.config.mjs` may set; every field is optional. */
export interface ServerConfigInput {
  /** Data directory (database and files), relative to the config file. @default "./data" */
  dataDir?: string;
  /** TCP port, `0` for any free one. @default 3000 */
  port?: number;
  /** Interface to listen on; `0.0.0.0` exposes the gallery to the network. @default "127.0.0.1" */
  host?: string;
  /** Gallery title. @default "Vernissage" */
  title?: string;
  /** Path to serve the gallery under, e.g. `/photos`. @default "" */
  basePath?: string;
  /** Make thumbnails in this process. @default true */
  jobs?: boolean;
}

/** The resolved configuration: every field set, `dataDir` absolute. */
export interface ServerConfig {
  dataDir: string;
  port: number;
  host: string;
  title: string;
  basePath: string;
  jobs: boolean;
}

/** The defaults, before resolving `dataDir`. */
export declare const DEFAULTS: Readonly<Required<ServerConfigInput>>;

/** Name of the config file looked up in the working directory. */
export declare const CONFIG_FILE: string;

/** A configuration problem; `problems` lists every invalid field. */
export declare class ConfigError extends Error {
  constructor(source: string, problems: string[]);
  /** Where the configuration came from (a file path or "defaults"). */
  readonly source: string;
  /** One line per invalid field. */
  readonly problems: string[];
}

/** Identity function that gives a config file editor completion and type checks. */
export declare function defineConfig(config: ServerConfigInput): ServerConfigInput;

/**
 * Validate a configuration, fill in defaults, apply environment overrides (`VERNISSAGE_DATA_DIR`,
 * `VERNISSAGE_PORT`, `VERNISSAGE_HOST`) and resolve `dataDir` against `baseDir`.
 */
export declare function resolveConfig(
  input: unknown,
  options?: { env?: Record<string, string | undefined>; baseDir?: string; source?: string },
): ServerConfig;

/**
 * Load and resolve the configuration: `path` (which must exist), else `vernissage.config.mjs` in `cwd` when
 * it exists, else the defaults.
 */
export declare function loadConfig(options?: {
  path?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
}): Promise<ServerConfig & { file: string | null }>;
