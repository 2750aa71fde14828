import { createRequire } from "node:module";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Plugin, type PluginInfo, SYSTEM } from "@vernissage/core";
import { type ArgsDef, type CommandDef, defineCommand } from "citty";
import type { CliIO } from "../commands.js";
import { CliError } from "../errors.js";
import { openGallery } from "../open-gallery.js";
import { galleryArgs, galleryLocation } from "./gallery-args.js";

function isPlugin(value: unknown): value is Plugin<unknown> {
  const v = value as Partial<Plugin<unknown>> | null;
  return !!v && typeof v.name === "string" && typeof v.version === "string" && typeof v.setup === "function";
}

/**
 * Load plugins from module specifiers: paths (relative to `cwd`) or package names (resolved from `cwd`). Each
 * module's default export, or its `plugin` export, must be a plugin made with `definePlugin`.
 */
export async function loadPlugins(
  specs: readonly string[],
  cwd: string = process.cwd(),
): Promise<Plugin<unknown>[]> {
  const plugins: Plugin<unknown>[] = [];
  for (const spec of specs) {
    const isPath = spec.startsWith(".") || isAbsolute(spec);
    let url: string;
    try {
      url = isPath
        ? pathToFileURL(resolve(cwd, spec)).href
        : pathToFileURL(createRequire(resolve(cwd, "package.json")).resolve(spec)).href;
    } catch {
      throw new CliError(`Cannot find plugin module "${spec}".`);
    }
    const module = (await import(url)) as { default?: unknown; plugin?: unknown };
    const plugin = isPlugin(module.default) ? module.default : module.plugin;
    if (!isPlugin(plugin)) {
      throw new CliError(
        `Module "${spec}" exports no plugin (a default or \`plugin\` export from definePlugin).`,
      );
    }
    plugins.push(plugin);
  }
  return plugins;
}

/** Plugin module specifiers from `--plugins a,b` or `VERNISSAGE_PLUGINS`. */
export function pluginSpecs(io: CliIO, value: string | undefined): string[] {
  return (value ?? io.env.VERNISSAGE_PLUGINS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** `{ gallery: { plugins } }` for the modules `VERNISSAGE_PLUGINS` names, or `{}` when it names none. */
export async function pluginsFromEnv(io: CliIO): Promise<{ gallery?: { plugins: Plugin<unknown>[] } }> {
  const specs = pluginSpecs(io, undefined);
  return specs.length === 0 ? {} : { gallery: { plugins: await loadPlugins(specs) } };
}

const pluginArgs = {
  ...galleryArgs,
  plugins: {
    type: "string",
    description: "Plugin modules, comma-separated paths or packages [env VERNISSAGE_PLUGINS]",
    valueHint: "mods",
  },
} as const;

function line(p: PluginInfo): string {
  return [
    p.name,
    p.state.padEnd(12),
    `code ${p.version ?? "-"}`,
    `installed ${p.installedVersion ?? "-"}`,
    p.error ? `error: ${p.error}` : "",
  ]
    .join("  ")
    .trimEnd();
}

/**
 * `vernissage plugins list|enable|disable|uninstall`: the plugin lifecycle from the command line (the same as
 * the admin API's `listPlugins` / `updatePlugin`). Plugins in code come from `--plugins` / `VERNISSAGE_PLUGINS`;
 * these commands never install a plugin as a side effect (only `enable` does, on purpose).
 */
export function pluginsCommand(io: CliIO): CommandDef<ArgsDef> {
  const withGallery = async <T>(
    args: {
      plugins?: string | undefined;
      data?: string | undefined;
      "database-url"?: string | undefined;
      "storage-url"?: string | undefined;
    },
    fn: (gallery: Awaited<ReturnType<typeof openGallery>>) => Promise<T>,
  ): Promise<T> => {
    const plugins = await loadPlugins(pluginSpecs(io, args.plugins));
    const gallery = await openGallery({
      ...galleryLocation(io, args),
      jobs: false,
      gallery: { plugins: plugins.map((plugin) => ({ plugin, autoInstall: false })) },
    });
    try {
      return await fn(gallery);
    } finally {
      await gallery.close();
    }
  };
  const list = defineCommand({
    meta: { name: "list", description: "List plugins and their state" },
    args: pluginArgs,
    async run({ args }) {
      await withGallery(args, async (gallery) => {
        const items = await gallery.plugins.list(SYSTEM);
        if (items.length === 0) io.logger.info("No plugins.");
        for (const p of items) io.stdout.write(`${line(p)}\n`);
      });
    },
  });
  const change = (name: "enable" | "disable" | "uninstall", description: string, done: string) =>
    defineCommand({
      meta: { name, description },
      args: { name: { type: "positional", description: "Plugin name", required: true }, ...pluginArgs },
      async run({ args }) {
        await withGallery(args, async (gallery) => {
          const info = await gallery.plugins[name](SYSTEM, args.name);
          io.logger.success(`Plugin ${info.name} ${done} (${info.state}).`);
        });
      },
    }) as CommandDef<ArgsDef>;
  return defineCommand({
    meta: { name: "plugins", description: "List, enable, disable and uninstall plugins" },
    subCommands: {
      list: list as CommandDef<ArgsDef>,
      enable: change("enable", "Install (when needed) and enable a plugin", "enabled"),
      disable: change("disable", "Disable a plugin (its tables and settings stay)", "disabled"),
      uninstall: change("uninstall", "Disable a plugin and drop its tables", "uninstalled"),
    },
  }) as CommandDef<ArgsDef>;
}
