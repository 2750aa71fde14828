import type { z } from "zod";
import { GalleryError } from "./errors.js";
import type { GalleryHooks, HookName } from "./hooks.js";
import type { Logger } from "./logger.js";
import type { JobHandler } from "./ports/jobs.js";

/** What a plugin's `setup` receives. */
export interface PluginContext<C> {
  /** The plugin's validated configuration (defaults applied). */
  config: C;
  /** A logger whose lines carry the plugin name. */
  logger: Logger;
  /** Register a hook; errors it throws are attributed to this plugin and hook. Returns an unregister function. */
  hook<N extends HookName>(name: N, fn: GalleryHooks[N]): () => void;
  /** Register a durable job type (name it `<plugin>:<job>`). */
  registerJob<P>(type: string, handler: JobHandler<P>): void;
}

/** A plugin definition. */
export interface Plugin<C = unknown> {
  /** Unique name (npm-style, e.g. `watermark` or `@acme/exif`). */
  name: string;
  /** Semver of the plugin. */
  version: string;
  /** Zod schema of the configuration; its defaults apply. */
  config?: z.ZodType<C>;
  /** Called once when the gallery starts. */
  setup(ctx: PluginContext<C>): void | Promise<void>;
}

/** A plugin with its configuration, as passed to `createGallery({ plugins })`. */
export interface PluginEntry<C = unknown> {
  plugin: Plugin<C>;
  config?: unknown;
}

/**
 * Define a plugin. A typed identity function: it exists for inference and documentation.
 *
 * @example
 * export const hello = definePlugin({
 *   name: "hello",
 *   version: "1.0.0",
 *   setup(ctx) {
 *     ctx.hook("photo:create:after", ({ photo }) => ctx.logger.info({ photo: photo.id }, "new photo"));
 *   },
 * });
 */
export function definePlugin<C = undefined>(plugin: Plugin<C>): Plugin<C> {
  if (!/^(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*$/.test(plugin.name)) {
    throw new GalleryError("INVALID_CONFIGURATION", { detail: `Invalid plugin name "${plugin.name}".` });
  }
  return plugin;
}

/** Validate a plugin's configuration, failing fast with the plugin's name. */
export function parsePluginConfig<C>(plugin: Plugin<C>, config: unknown): C {
  if (!plugin.config) return config as C;
  const result = plugin.config.safeParse(config ?? {});
  if (!result.success) {
    throw new GalleryError("INVALID_CONFIGURATION", {
      detail: `Invalid configuration for plugin "${plugin.name}".`,
      errors: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code })),
    });
  }
  return result.data;
}
