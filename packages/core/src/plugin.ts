import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { z } from "zod";
import type { Actor, TokenScope } from "./actor.js";
import { GalleryError, type GalleryErrorCode } from "./errors.js";
import type { SearchKey } from "./hook-contexts.js";
import type { GalleryHooks, HookName, HookOrder } from "./hooks.js";
import type { Logger } from "./logger.js";
import type { DatabaseKind } from "./ports/database.js";
import type { JobHandler } from "./ports/jobs.js";
import type { SafeHtml } from "./theme/html.js";
import type { SlotName, SlotRenderer } from "./theme/slots.js";

/** A plugin's migrations: a record (names sort in application order), or a function of the engine. */
export type PluginMigrations =
  | Record<string, Migration>
  | ((kind: DatabaseKind) => Record<string, Migration>);

/** Options of {@link PluginContext.hook}. */
export interface PluginHookOptions {
  /** Run before (`pre`) or after (`post`) handlers registered without an order. @default registration order */
  order?: HookOrder;
}

/** A route a plugin serves under `/api/v1/plugins/<name>/` (see {@link PluginContext.registerRoute}). */
export interface PluginRoute {
  /** HTTP method. */
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path below the plugin's prefix, starting with `/`; `{param}` segments are captured (e.g. `/items/{id}`). */
  path: string;
  /** Only admins may call it (others get `FORBIDDEN`). @default false */
  admin?: boolean;
  /**
   * Token scope an API token must carry to call the route (`INSUFFICIENT_SCOPE` otherwise); browser sessions are
   * not affected. Declare it for routes that change the plugin's own data: core services check scopes for their
   * own writes, but not for what a plugin stores itself. @default `admin` for admin routes, else none
   */
  scope?: TokenScope;
  /** One line for the OpenAPI document. @default "<METHOD> <path> (plugin <name>)" */
  summary?: string;
  /** Longer OpenAPI description (Markdown). */
  description?: string;
  /** OpenAPI operationId; the document prefixes it with the plugin's name. @default derived from method and path */
  operationId?: string;
  /** Query schema, documented in OpenAPI (documentation only: validate in the handler, e.g. with this schema). */
  query?: z.ZodType;
  /** JSON body schema, documented in OpenAPI (documentation only: validate in the handler). */
  body?: z.ZodType;
  /** Schema of the JSON the handler returns, documented in OpenAPI. */
  response?: z.ZodType;
  /** Success status, for the OpenAPI document. @default 200 */
  status?: number;
  /** Error codes the handler may throw, documented in OpenAPI (`NOT_FOUND`, `PLUGIN_ERROR`… are always listed). */
  errors?: GalleryErrorCode[];
  /**
   * Answer the request. A returned `Response` is sent as is; any other value is sent as JSON. Throw a
   * `GalleryError` to answer with a problem document.
   */
  handler(input: {
    request: Request;
    actor: Actor;
    params: Record<string, string>;
  }): unknown | Promise<unknown>;
}

/**
 * What a plugin's `setup` receives. Everything registered here belongs to the plugin: it is attached while the
 * plugin is enabled and detached when it is disabled (a disabled plugin's hooks, routes, slots and jobs do not
 * run). Errors thrown from anything registered here carry the plugin's name and the hook's.
 */
export interface PluginContext<C> {
  /** The plugin's name. */
  name: string;
  /** The plugin's version. */
  version: string;
  /** The plugin's validated configuration (defaults applied, admin settings merged over code config). */
  config: C;
  /** A logger whose lines carry the plugin name. */
  logger: Logger;
  /** The database engine, for plugins that write engine-specific SQL. */
  kind: DatabaseKind;
  /**
   * The gallery's Kysely instance typed with the plugin's own table interfaces (tables the plugin's
   * migrations created). Use parameterised queries only.
   */
  db<T>(): Kysely<T>;
  /** Register a hook handler. Returns an unregister function. */
  hook<N extends HookName>(name: N, fn: GalleryHooks[N], options?: PluginHookOptions): () => void;
  /** Register a durable job type; name it `<plugin>:<job>`. Jobs of a disabled plugin fail and are retried. */
  registerJob<P>(type: string, handler: JobHandler<P>): void;
  /**
   * Add a derivative preset (applied when presets are resolved: at start and whenever a plugin is enabled,
   * disabled or reconfigured).
   */
  registerPreset(preset: {
    name: string;
    width: number;
    height: number;
    crop?: boolean;
    quality?: number;
    sharpen?: number;
    enabled?: boolean;
  }): void;
  /**
   * Declare that this plugin changes the output of the named presets, with `salt` summarising its settings:
   * the salt is part of those presets' recipe hash, so changing the settings, or disabling the plugin,
   * regenerates exactly those presets' derivatives (others keep their keys).
   */
  saltPresets(presets: readonly string[], salt: string): void;
  /** Adjust the normalised metadata of every ingested file (a `metadata:extract:after` handler). */
  registerMetadataExtractor(fn: GalleryHooks["metadata:extract:after"]): void;
  /** Add a `key:value` search key (offered to the search service through `search:query:before`). */
  registerSearchKey(key: SearchKey, filter: GalleryHooks["search:query:before"]): void;
  /** Serve a route under `/api/v1/plugins/<name>/`. */
  registerRoute(route: PluginRoute): void;
  /** Serve a GET page under `/plugins/<name>/`, rendered inside the gallery theme's layout. */
  registerPage(page: PluginPage): void;
  /**
   * Render HTML into a theme's template slot (e.g. `photo.after-image`); `render` gets the slot's typed data and
   * returns `html```…`` or nothing. A throwing renderer is logged and left out; the page still renders.
   */
  registerSlot<N extends SlotName>(slot: N, render: SlotRenderer<N>): void;
}

/** A page a plugin serves under `/plugins/<name>/`, inside the theme's layout. */
export interface PluginPage {
  /** Path below the plugin's prefix, starting with `/`; `{param}` segments are captured. */
  path: string;
  /** Only admins may see it (others get the 403 page, guests 401). @default false */
  admin?: boolean;
  /**
   * Render the page's main content (escaped HTML made with `html```) and its title; the theme's layout wraps
   * it. Return a `Response` to answer otherwise (a redirect, a download). Throw a `GalleryError` for the error
   * page.
   */
  render(input: {
    request: Request;
    actor: Actor;
    params: Record<string, string>;
  }): { title: string; main: SafeHtml } | Response | Promise<{ title: string; main: SafeHtml } | Response>;
}

/** A plugin definition. */
export interface Plugin<C = unknown> {
  /** Unique name (npm-style, e.g. `watermark` or `@acme/exif`). */
  name: string;
  /** Semver of the plugin; a change runs its new migrations (the `update` step) at the next start. */
  version: string;
  /**
   * Range of `@vernissage/core` versions the plugin works with (`^1.2.0`, `>=0.1.0 <2.0.0`, `1.x || 2.x`).
   * An incompatible plugin is never installed nor enabled. @default "*"
   */
  compat?: string;
  /** One line shown in plugin lists. */
  description?: string;
  /** Zod schema of the configuration; its defaults apply. */
  config?: z.ZodType<C>;
  /**
   * Migrations of the plugin's own tables, applied at install and update, rolled back at uninstall (each
   * needs a `down`). Kept in their own bookkeeping table, `plugin_<name>_migrations`.
   */
  migrations?: PluginMigrations;
  /** Called each time the plugin is enabled (at start when enabled, and on `enable` or a settings change). */
  setup(ctx: PluginContext<C>): void | Promise<void>;
}

/** A plugin with its configuration, as passed to `createGallery({ plugins })`. */
export interface PluginEntry<C = unknown> {
  /** The plugin. */
  plugin: Plugin<C>;
  /** Configuration from code (admin settings saved through `updatePlugin` are merged over it). */
  config?: unknown;
  /**
   * Install and enable the plugin the first time a gallery sees it. After that, the state stored in the
   * database wins (an admin's `disable` or `uninstall` sticks). @default true
   */
  autoInstall?: boolean;
}

const NAME = /^(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*$/;
const VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * Define a plugin: checks the name, version and migrations at once, and returns the plugin for inference.
 *
 * @example
 * export const hello = definePlugin({
 *   name: "hello",
 *   version: "1.0.0",
 *   config: z.object({ greeting: z.string().default("Hello") }),
 *   setup(ctx) {
 *     ctx.hook("photo:create:after", ({ photo }) => ctx.logger.info({ photo: photo.id }, ctx.config.greeting));
 *   },
 * });
 */
export function definePlugin<C = undefined>(plugin: Plugin<C>): Plugin<C> {
  if (!NAME.test(plugin.name) || plugin.name.length > 100) {
    throw new GalleryError("INVALID_CONFIGURATION", { detail: `Invalid plugin name "${plugin.name}".` });
  }
  if (!VERSION.test(plugin.version)) {
    throw new GalleryError("INVALID_CONFIGURATION", {
      detail: `Plugin "${plugin.name}" has an invalid version "${plugin.version}" (expected x.y.z).`,
    });
  }
  if (typeof plugin.setup !== "function") {
    throw new GalleryError("INVALID_CONFIGURATION", { detail: `Plugin "${plugin.name}" has no setup().` });
  }
  if (plugin.migrations && typeof plugin.migrations !== "function") {
    for (const [name, migration] of Object.entries(plugin.migrations)) {
      if (typeof migration.down !== "function") {
        throw new GalleryError("INVALID_CONFIGURATION", {
          detail: `Migration "${name}" of plugin "${plugin.name}" has no down(): uninstall could not remove it.`,
        });
      }
    }
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
      data: { plugin: plugin.name },
      errors: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code })),
    });
  }
  return result.data;
}
