import type { Kysely } from "kysely";
import { z } from "zod";
import { type Actor, isAdminActor } from "./actor.js";
import type { DB } from "./db/schema.js";
import { GalleryError } from "./errors.js";
import type { SearchKey } from "./hook-contexts.js";
import type { HookBus } from "./hooks.js";
import type { Logger } from "./logger.js";
import { errorFields } from "./logger.js";
import {
  type Plugin,
  type PluginContext,
  type PluginEntry,
  type PluginPage,
  type PluginRoute,
  parsePluginConfig,
} from "./plugin.js";
import { CORE_VERSION, satisfiesRange } from "./plugin-compat.js";
import { migratePluginDown, migratePluginUp } from "./plugin-migrations.js";
import type { DatabaseKind } from "./ports/database.js";
import type { JobHandler, JobQueue } from "./ports/jobs.js";
import type { SafeHtml } from "./theme/html.js";
import { type SlotName, SlotRegistry, type ThemeSlots } from "./theme/slots.js";

/**
 * Where a plugin is in its lifecycle: `available` (in code, never installed), `enabled`, `disabled`
 * (installed: its tables exist, its hooks do not run), `uninstalled` (was installed; tables removed),
 * `incompatible` (its `compat` range excludes this core), `missing` (installed in the database, not in code).
 */
export type PluginState = "available" | "enabled" | "disabled" | "uninstalled" | "incompatible" | "missing";

/** A plugin as the plugin manager reports it. */
export interface PluginInfo {
  name: string;
  /** One line from the plugin, or null. */
  description: string | null;
  /** Version of the plugin's code, or null when it is missing from code. */
  version: string | null;
  /** Version whose migrations are applied, or null when not installed. */
  installedVersion: string | null;
  state: PluginState;
  /** The core version range the plugin declares. */
  compat: string;
  /** Admin settings saved through {@link PluginManager.configure} (merged over the code configuration). */
  settings: Record<string, unknown>;
  /** Why the plugin is not running although enabled (its setup failed), or null. */
  error: string | null;
}

/** A change to a plugin (the `updatePlugin` API operation). */
export interface PluginUpdate {
  /** Target state: `enabled` installs first when needed; `uninstalled` rolls its migrations back. */
  state?: "enabled" | "disabled" | "uninstalled";
  /** New admin settings (replacing the previous ones); validated with the plugin's schema. */
  settings?: Record<string, unknown>;
}

/**
 * The plugin lifecycle, persisted in the database: `install → enable → disable → uninstall`, with `update`
 * (new migrations) when a plugin's version changes. Every method is for admins (others get `FORBIDDEN`, guests
 * `UNAUTHENTICATED`).
 */
export interface PluginManager {
  /** Every plugin known to code or to the database, by name. */
  list(actor: Actor): Promise<PluginInfo[]>;
  /** One plugin; `PLUGIN_NOT_FOUND` when neither code nor database knows it. */
  get(actor: Actor, name: string): Promise<PluginInfo>;
  /** Apply the plugin's migrations and record it as installed (disabled). `CONFLICT` when installed. */
  install(actor: Actor, name: string): Promise<PluginInfo>;
  /** Run the plugin's setup and attach its hooks, routes, slots and jobs (installing first when needed). */
  enable(actor: Actor, name: string): Promise<PluginInfo>;
  /** Detach everything the plugin registered; its tables and settings stay. */
  disable(actor: Actor, name: string): Promise<PluginInfo>;
  /** Disable, roll back the plugin's migrations (its tables vanish) and forget its settings. */
  uninstall(actor: Actor, name: string): Promise<PluginInfo>;
  /**
   * The JSON Schema (input side) of the plugin's configuration, for generated settings forms; null when the
   * plugin declares no schema or it cannot be expressed as JSON Schema. Admins only.
   */
  settingsSchema(actor: Actor, name: string): Promise<Record<string, unknown> | null>;
  /** Validate and save admin settings; an enabled plugin is set up again with them. */
  configure(actor: Actor, name: string, settings: Record<string, unknown>): Promise<PluginInfo>;
  /** Apply a {@link PluginUpdate}: settings first, then the state change. */
  update(actor: Actor, name: string, patch: PluginUpdate): Promise<PluginInfo>;
  /**
   * Find the enabled plugin route for a request below `/api/v1/plugins/<name>/` (`path` is the rest, starting
   * with `/`). Null when the plugin is not enabled or has no such route.
   */
  matchRoute(
    name: string,
    method: string,
    path: string,
  ): { route: PluginRoute; params: Record<string, string> } | null;
  /** Find the enabled plugin page for a path below `/plugins/<name>/` (`path` starts with `/`), or null. */
  matchPage(name: string, path: string): { page: PluginPage; params: Record<string, string> } | null;
  /** Whether a plugin is enabled and running in this process. */
  isActive(name: string): boolean;
  /** The routes enabled plugins registered (`ctx.registerRoute`), with their plugin, for the API document. */
  activeRoutes(): { plugin: string; route: PluginRoute }[];
  /** The `key:value` search keys enabled plugins registered (`ctx.registerSearchKey`), for the search help. */
  searchKeys(): SearchKey[];
  /** The HTML enabled plugins render into a template slot (what a theme's `slot(ctx, name, data)` shows). */
  renderSlot<N extends SlotName>(slot: N, data: ThemeSlots[N]): SafeHtml;
}

/** @internal What the gallery wires into the plugin host. */
export interface PluginHostDeps {
  db: Kysely<DB>;
  kind: DatabaseKind;
  hooks: HookBus;
  jobs: JobQueue;
  logger: Logger;
  entries: readonly (Plugin<unknown> | PluginEntry)[];
  /** Re-resolve derivative presets (plugins contribute presets and recipe salts). */
  refreshPresets?: () => Promise<void>;
}

/** @internal */
export interface PluginHost extends PluginManager {
  /** Install, update and set up plugins as the database says; never throws for one plugin's failure. */
  start(): Promise<void>;
  /** Set the preset refresher once the derivative service exists. */
  setPresetRefresher(fn: () => Promise<void>): void;
}

interface CompiledPath {
  pattern: RegExp;
  names: string[];
}

interface CompiledRoute extends CompiledPath {
  route: PluginRoute;
}

interface CompiledPage extends CompiledPath {
  page: PluginPage;
}

interface Loaded {
  plugin: Plugin<unknown>;
  entry: PluginEntry;
  compatible: boolean;
  active: {
    offs: (() => void)[];
    routes: CompiledRoute[];
    pages: CompiledPage[];
    searchKeys: SearchKey[];
  } | null;
  error: string | null;
}

interface Row {
  name: string;
  state: string;
  version: string | null;
  settings: string | null;
}

function compilePath(path: string): CompiledPath {
  if (!path.startsWith("/")) {
    throw new GalleryError("INVALID_CONFIGURATION", { detail: `Plugin path "${path}" must start with /.` });
  }
  const names: string[] = [];
  const source = path
    .split("/")
    .map((segment) => {
      const param = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(segment);
      if (param?.[1]) {
        names.push(param[1]);
        return "([^/]+)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { pattern: new RegExp(`^${source}/?$`), names };
}

function matchPath(compiled: CompiledPath, path: string): Record<string, string> | null {
  const match = compiled.pattern.exec(path);
  if (!match) return null;
  const params: Record<string, string> = {};
  compiled.names.forEach((n, i) => {
    params[n] = decodeURIComponent(match[i + 1] ?? "");
  });
  return params;
}

/** An error with the plugin (and hook) it came from, keeping a GalleryError's code. */
function attributeTo(error: unknown, plugin: string, hook: string): GalleryError {
  if (error instanceof GalleryError) {
    if (error.data?.plugin) return error;
    return new GalleryError(error.code, {
      detail: error.detail,
      status: error.status,
      data: { ...error.data, plugin, hook },
      errors: error.errors,
      cause: error.cause,
    });
  }
  return new GalleryError("PLUGIN_ERROR", {
    detail: `Plugin "${plugin}" failed.`,
    data: { plugin, hook },
    cause: error,
  });
}

/** @internal Create the plugin host over the gallery's database, hooks and jobs. */
export function createPluginHost(deps: PluginHostDeps): PluginHost {
  const { db, hooks, logger } = deps;
  const anyDb = db as unknown as Kysely<unknown>;
  const loaded = new Map<string, Loaded>();
  const jobHandlers = new Map<string, { plugin: string; handler: JobHandler<unknown> }>();
  const registeredJobTypes = new Set<string>();
  let refreshPresets = deps.refreshPresets;
  const slots = new SlotRegistry((error, { slot, owner }) => {
    logger.error({ plugin: owner, slot, ...errorFields(error) }, "template slot failed");
  });

  for (const item of deps.entries) {
    const entry: PluginEntry = "plugin" in item ? (item as PluginEntry) : { plugin: item as Plugin<unknown> };
    const plugin = entry.plugin;
    if (loaded.has(plugin.name)) {
      throw new GalleryError("INVALID_CONFIGURATION", { detail: `Plugin "${plugin.name}" is listed twice.` });
    }
    let compatible: boolean;
    try {
      compatible = satisfiesRange(CORE_VERSION, plugin.compat ?? "*");
    } catch {
      throw new GalleryError("INVALID_CONFIGURATION", {
        detail: `Plugin "${plugin.name}" has an invalid compat range "${plugin.compat}".`,
      });
    }
    // Fail fast on configuration given in code; admin settings are checked when saved.
    parsePluginConfig(plugin, entry.config);
    loaded.set(plugin.name, { plugin, entry, compatible, active: null, error: null });
  }

  function assertAdmin(actor: Actor): void {
    if (isAdminActor(actor)) return;
    if (actor.kind === "guest") throw new GalleryError("UNAUTHENTICATED");
    throw new GalleryError("FORBIDDEN", { detail: "Only admins may manage plugins." });
  }

  async function readRow(name: string): Promise<Row | undefined> {
    return db
      .selectFrom("plugins")
      .select(["name", "state", "version", "settings"])
      .where("name", "=", name)
      .executeTakeFirst();
  }

  function settingsOf(row: Row | undefined): Record<string, unknown> {
    if (!row?.settings) return {};
    try {
      const value: unknown = JSON.parse(row.settings);
      return value && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : {};
    } catch {
      return {};
    }
  }

  function effectiveConfig(l: Loaded, settings: Record<string, unknown>): unknown {
    const base = l.entry.config;
    const merged =
      base && typeof base === "object" && !Array.isArray(base) ? { ...base, ...settings } : { ...settings };
    return parsePluginConfig(
      l.plugin,
      Object.keys(merged).length === 0 && base === undefined ? undefined : merged,
    );
  }

  function info(name: string, row: Row | undefined): PluginInfo {
    const l = loaded.get(name);
    let state: PluginState;
    if (!l) state = "missing";
    else if (!l.compatible) state = "incompatible";
    else if (!row) state = "available";
    else state = row.state as PluginState;
    return {
      name,
      description: l?.plugin.description ?? null,
      version: l?.plugin.version ?? null,
      installedVersion: row?.version ?? null,
      state,
      compat: l?.plugin.compat ?? "*",
      settings: settingsOf(row),
      error: l?.error ?? null,
    };
  }

  function loadedOrThrow(name: string): Loaded {
    const l = loaded.get(name);
    if (!l) throw new GalleryError("PLUGIN_NOT_FOUND", { data: { plugin: name } });
    if (!l.compatible) {
      throw new GalleryError("PLUGIN_INCOMPATIBLE", {
        detail: `Plugin "${name}" requires core ${l.plugin.compat}; this is ${CORE_VERSION}.`,
        data: { plugin: name, compat: l.plugin.compat, core: CORE_VERSION },
      });
    }
    return l;
  }

  async function writeRow(
    name: string,
    values: Partial<Omit<Row, "name">> & { installed_at?: number | null },
  ) {
    const now = Date.now();
    const existing = await readRow(name);
    if (existing) {
      await db
        .updateTable("plugins")
        .set({ ...values, updated_at: now })
        .where("name", "=", name)
        .execute();
    } else {
      await db
        .insertInto("plugins")
        .values({
          name,
          state: values.state ?? "disabled",
          version: values.version ?? null,
          settings: values.settings ?? null,
          installed_at: values.installed_at ?? null,
          updated_at: now,
        })
        .onConflict((oc) => oc.column("name").doUpdateSet({ ...values, updated_at: now }))
        .execute();
    }
  }

  async function activate(l: Loaded, settings: Record<string, unknown>): Promise<void> {
    const { plugin } = l;
    const config = effectiveConfig(l, settings);
    const offs: (() => void)[] = [];
    const routes: CompiledRoute[] = [];
    const pages: CompiledPage[] = [];
    const searchKeys: SearchKey[] = [];
    const own = { plugin: plugin.name };
    const ctx: PluginContext<unknown> = {
      name: plugin.name,
      version: plugin.version,
      config,
      kind: deps.kind,
      logger: logger.child?.({ plugin: plugin.name }) ?? logger,
      db: <T>() => db as unknown as Kysely<T>,
      hook: (name, fn, options) => {
        const off = hooks.hook(name, fn, { ...own, order: options?.order });
        offs.push(off);
        return off;
      },
      registerJob: <P>(type: string, handler: JobHandler<P>) => {
        if (!type.startsWith(`${plugin.name}:`)) {
          throw new GalleryError("INVALID_CONFIGURATION", {
            detail: `Job type "${type}" of plugin "${plugin.name}" must start with "${plugin.name}:".`,
          });
        }
        jobHandlers.set(type, { plugin: plugin.name, handler: handler as JobHandler<unknown> });
        offs.push(() => jobHandlers.delete(type));
        if (registeredJobTypes.has(type)) return;
        registeredJobTypes.add(type);
        deps.jobs.register(type, async (payload, job) => {
          const current = jobHandlers.get(type);
          if (!current || !loaded.get(current.plugin)?.active) {
            throw new GalleryError("PLUGIN_ERROR", {
              detail: `Plugin of job "${type}" is not enabled in this process.`,
              data: { plugin: plugin.name, job: type },
            });
          }
          try {
            await current.handler(payload, job);
          } catch (error) {
            if (error instanceof GalleryError) throw error;
            throw new GalleryError("PLUGIN_ERROR", {
              detail: `Job "${type}" of plugin "${current.plugin}" failed.`,
              data: { plugin: current.plugin, job: type },
              cause: error,
            });
          }
        });
      },
      registerPreset: (preset) => {
        ctx.hook("derivative:presets:extend", ({ presets }) => {
          const index = presets.findIndex((p) => p.name === preset.name);
          const full = {
            crop: false,
            quality: 82,
            sharpen: 0,
            enabled: true,
            ...(index >= 0 ? presets[index] : {}),
            ...preset,
          };
          if (index >= 0) presets[index] = full;
          else presets.push(full);
        });
      },
      saltPresets: (names, salt) => {
        ctx.hook("derivative:presets:extend", ({ presets }) => {
          for (const preset of presets) {
            if (!names.includes(preset.name)) continue;
            const part = `${plugin.name}=${salt}`;
            preset.salt = preset.salt ? `${preset.salt};${part}` : part;
          }
        });
      },
      registerMetadataExtractor: (fn) => {
        ctx.hook("metadata:extract:after", fn);
      },
      registerSearchKey: (key, filter) => {
        searchKeys.push({ name: key.name.toLowerCase(), description: key.description });
        ctx.hook("search:query:before", async (c) => {
          if (c.query.filters.some((f) => f.key === key.name)) await filter(c);
        });
      },
      registerRoute: (route) => {
        routes.push({ route, ...compilePath(route.path) });
      },
      registerPage: (page) => {
        pages.push({ page, ...compilePath(page.path) });
      },
      registerSlot: (slot, render) => {
        offs.push(slots.add(slot, plugin.name, render));
      },
    };
    try {
      await plugin.setup(ctx);
    } catch (error) {
      for (const off of offs) off();
      throw error instanceof GalleryError && error.data?.plugin
        ? error
        : new GalleryError(error instanceof GalleryError ? error.code : "PLUGIN_ERROR", {
            detail: `Setup of plugin "${plugin.name}" failed.`,
            data: { plugin: plugin.name, hook: "setup" },
            cause: error,
          });
    }
    l.active = { offs, routes, pages, searchKeys };
    l.error = null;
  }

  function deactivate(l: Loaded): boolean {
    if (!l.active) return false;
    for (const off of l.active.offs) off();
    l.active = null;
    return true;
  }

  async function presetsChanged(): Promise<void> {
    if (refreshPresets) await refreshPresets();
  }

  async function install(l: Loaded): Promise<void> {
    await migratePluginUp(anyDb, l.plugin, deps.kind);
    await writeRow(l.plugin.name, { state: "disabled", version: l.plugin.version, installed_at: Date.now() });
    logger.info({ plugin: l.plugin.name, version: l.plugin.version }, "plugin installed");
  }

  async function enable(l: Loaded, row: Row | undefined): Promise<void> {
    if (!row || row.state === "uninstalled") {
      await install(l);
      row = await readRow(l.plugin.name);
    }
    const wasActive = l.active !== null;
    if (!wasActive) await activate(l, settingsOf(row));
    try {
      await presetsChanged();
    } catch (error) {
      // The plugin's presets are invalid: leave it off rather than keep a gallery that cannot restart.
      if (!wasActive) deactivate(l);
      await presetsChanged();
      throw attributeTo(error, l.plugin.name, "derivative:presets:extend");
    }
    if (row?.state !== "enabled") await writeRow(l.plugin.name, { state: "enabled" });
    await hooks.after("plugin:enable:after", { name: l.plugin.name, version: l.plugin.version });
  }

  async function disable(name: string): Promise<void> {
    const l = loaded.get(name);
    const wasActive = l ? deactivate(l) : false;
    await writeRow(name, { state: "disabled" });
    if (wasActive) await presetsChanged();
    await hooks.after("plugin:disable:after", { name, version: l?.plugin.version ?? "" });
  }

  const manager: PluginHost = {
    async start() {
      const rows = new Map(
        (await db.selectFrom("plugins").select(["name", "state", "version", "settings"]).execute()).map(
          (r) => [r.name, r],
        ),
      );
      for (const l of loaded.values()) {
        const name = l.plugin.name;
        const row = rows.get(name);
        if (!l.compatible) {
          logger.error({ plugin: name, compat: l.plugin.compat, core: CORE_VERSION }, "plugin incompatible");
          continue;
        }
        try {
          if (!row) {
            if (l.entry.autoInstall === false) continue;
            await install(l);
            await activate(l, {});
            await writeRow(name, { state: "enabled" });
            continue;
          }
          if (row.state === "uninstalled") continue;
          if (row.version !== l.plugin.version) {
            // The update step: new migrations of the new version.
            await migratePluginUp(anyDb, l.plugin, deps.kind);
            await writeRow(name, { version: l.plugin.version });
            logger.info({ plugin: name, from: row.version, to: l.plugin.version }, "plugin updated");
          }
          if (row.state === "enabled") await activate(l, settingsOf(row));
        } catch (error) {
          // One plugin's failure never stops the gallery: it stays off and says why.
          l.error = error instanceof GalleryError ? error.detail : String(error);
          logger.error({ plugin: name, ...errorFields(error) }, "plugin failed to start");
        }
      }
    },

    setPresetRefresher(fn) {
      refreshPresets = fn;
    },

    async list(actor) {
      assertAdmin(actor);
      const rows = await db.selectFrom("plugins").select(["name", "state", "version", "settings"]).execute();
      const byName = new Map(rows.map((r) => [r.name, r]));
      const names = [...new Set([...loaded.keys(), ...byName.keys()])].sort();
      return names.map((name) => info(name, byName.get(name)));
    },

    async get(actor, name) {
      assertAdmin(actor);
      const row = await readRow(name);
      if (!row && !loaded.has(name)) throw new GalleryError("PLUGIN_NOT_FOUND", { data: { plugin: name } });
      return info(name, row);
    },

    async settingsSchema(actor, name) {
      assertAdmin(actor);
      const l = loaded.get(name);
      if (!l) throw new GalleryError("PLUGIN_NOT_FOUND", { data: { plugin: name } });
      if (!l.plugin.config) return null;
      try {
        return z.toJSONSchema(l.plugin.config, { io: "input", unrepresentable: "any" }) as Record<
          string,
          unknown
        >;
      } catch {
        return null;
      }
    },

    async install(actor, name) {
      assertAdmin(actor);
      const l = loadedOrThrow(name);
      const row = await readRow(name);
      if (row && row.state !== "uninstalled") {
        throw new GalleryError("CONFLICT", { detail: `Plugin "${name}" is already installed.` });
      }
      await install(l);
      return info(name, await readRow(name));
    },

    async enable(actor, name) {
      assertAdmin(actor);
      const l = loadedOrThrow(name);
      await enable(l, await readRow(name));
      return info(name, await readRow(name));
    },

    async disable(actor, name) {
      assertAdmin(actor);
      const row = await readRow(name);
      if (!row || row.state === "uninstalled") {
        if (!loaded.has(name)) throw new GalleryError("PLUGIN_NOT_FOUND", { data: { plugin: name } });
        throw new GalleryError("CONFLICT", { detail: `Plugin "${name}" is not installed.` });
      }
      if (row.state !== "disabled" || loaded.get(name)?.active) await disable(name);
      return info(name, await readRow(name));
    },

    async uninstall(actor, name) {
      assertAdmin(actor);
      const l = loadedOrThrow(name);
      const row = await readRow(name);
      if (!row || row.state === "uninstalled") {
        throw new GalleryError("CONFLICT", { detail: `Plugin "${name}" is not installed.` });
      }
      if (row.state === "enabled" || l.active) await disable(name);
      await migratePluginDown(anyDb, l.plugin, deps.kind);
      await writeRow(name, { state: "uninstalled", version: null, settings: null, installed_at: null });
      logger.info({ plugin: name }, "plugin uninstalled");
      return info(name, await readRow(name));
    },

    async configure(actor, name, settings) {
      assertAdmin(actor);
      const l = loadedOrThrow(name);
      const row = await readRow(name);
      if (!row || row.state === "uninstalled") {
        throw new GalleryError("CONFLICT", { detail: `Install plugin "${name}" before configuring it.` });
      }
      try {
        effectiveConfig(l, settings);
      } catch (error) {
        // Settings come from an admin: a bad value is a validation error of the input, not a broken gallery.
        if (!(error instanceof GalleryError) || error.code !== "INVALID_CONFIGURATION") throw error;
        throw new GalleryError("VALIDATION_FAILED", {
          detail: error.detail,
          data: { plugin: name },
          errors: error.errors?.map((e) => ({ ...e, path: e.path ? `settings.${e.path}` : "settings" })),
        });
      }
      if (l.active) {
        // Set up again with the new settings; on failure put the previous setup back.
        const previous = settingsOf(row);
        deactivate(l);
        try {
          await activate(l, settings);
          await presetsChanged();
        } catch (error) {
          deactivate(l);
          await activate(l, previous).catch(() => {});
          await presetsChanged().catch(() => {});
          throw attributeTo(error, name, "setup");
        }
      }
      await writeRow(name, { settings: JSON.stringify(settings) });
      return info(name, await readRow(name));
    },

    async update(actor, name, patch) {
      assertAdmin(actor);
      if (patch.settings !== undefined) await manager.configure(actor, name, patch.settings);
      if (patch.state === "enabled") return manager.enable(actor, name);
      if (patch.state === "disabled") return manager.disable(actor, name);
      if (patch.state === "uninstalled") return manager.uninstall(actor, name);
      return manager.get(actor, name);
    },

    matchRoute(name, method, path) {
      const l = loaded.get(name);
      if (!l?.active) return null;
      for (const compiled of l.active.routes) {
        if (compiled.route.method !== method) continue;
        const params = matchPath(compiled, path);
        if (params) return { route: compiled.route, params };
      }
      return null;
    },

    matchPage(name, path) {
      const l = loaded.get(name);
      if (!l?.active) return null;
      for (const compiled of l.active.pages) {
        const params = matchPath(compiled, path);
        if (params) return { page: compiled.page, params };
      }
      return null;
    },

    isActive(name) {
      return loaded.get(name)?.active != null;
    },

    activeRoutes() {
      return [...loaded.entries()].flatMap(([plugin, l]) =>
        (l.active?.routes ?? []).map((compiled) => ({ plugin, route: compiled.route })),
      );
    },

    searchKeys() {
      return [...loaded.values()].flatMap((l) => l.active?.searchKeys.map((k) => ({ ...k })) ?? []);
    },

    renderSlot(slot, data) {
      return slots.render(slot, data);
    },
  };
  return manager;
}
