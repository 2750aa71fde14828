import { z } from "zod";

/** A plugin as the API shows it. */
export const PluginSchema = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    version: z.string().nullable().describe("Version of the plugin's code; null when missing from code."),
    installedVersion: z.string().nullable().describe("Version whose migrations are applied."),
    state: z.enum(["available", "enabled", "disabled", "uninstalled", "incompatible", "missing"]),
    compat: z.string().describe("Range of core versions the plugin supports."),
    settings: z
      .record(z.string(), z.unknown())
      .describe("Admin settings merged over the code configuration."),
    error: z.string().nullable().describe("Why an enabled plugin is not running, or null."),
  })
  .meta({ id: "Plugin" });

/** Path parameters naming a plugin. */
export const PluginNameParams = z.object({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*$/),
});

/** Body of `updatePlugin`. */
export const UpdatePluginBody = z
  .object({
    state: z
      .enum(["enabled", "disabled", "uninstalled"])
      .optional()
      .describe("`enabled` installs first when needed; `uninstalled` drops the plugin's tables."),
    settings: z.record(z.string(), z.unknown()).optional().describe("New settings, validated by the plugin."),
  })
  .strict();

/** List of plugins. */
export const PluginListSchema = z.object({ items: z.array(PluginSchema) });
