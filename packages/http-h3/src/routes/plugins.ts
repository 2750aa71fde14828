import { type ApiRoute, defineApiRoute } from "../route.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";
import { PluginListSchema, PluginNameParams, PluginSchema, UpdatePluginBody } from "./plugin-schemas.js";

/** Plugin management routes (admins only; the check lives in core's plugin manager). */
export function pluginRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/plugins",
      operationId: "listPlugins",
      summary: "List plugins with their lifecycle state (admins)",
      description:
        "Every plugin known to code or to the database, with its version, state (installed, enabled\u2026) " +
        "and settings. Admins only.",
      tags: ["plugins"],
      scope: "admin",
      auth: "required",
      rateClass: "read",
      response: PluginListSchema,
      errors: [...READ_ERRORS, "UNAUTHENTICATED", "FORBIDDEN"],
      async handler(ctx) {
        return { items: await ctx.gallery.plugins.list(ctx.actor) };
      },
    }),
    defineApiRoute({
      method: "PATCH",
      path: "/plugins/{name}",
      operationId: "updatePlugin",
      summary: "Enable, disable, uninstall or configure a plugin (admins)",
      description:
        "Settings are applied first, then the state change. Enabling installs the plugin (its migrations) when " +
        "needed; uninstalling rolls its migrations back, dropping its tables.",
      tags: ["plugins"],
      scope: "admin",
      auth: "required",
      rateClass: "write",
      params: PluginNameParams,
      body: UpdatePluginBody,
      response: PluginSchema,
      errors: [...WRITE_ERRORS, "PLUGIN_NOT_FOUND", "PLUGIN_INCOMPATIBLE", "PLUGIN_ERROR", "CONFLICT"],
      async handler(ctx) {
        return ctx.gallery.plugins.update(ctx.actor, ctx.params.name, ctx.body ?? {});
      },
    }),
  ];
}
