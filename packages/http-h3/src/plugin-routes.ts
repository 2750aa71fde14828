import {
  type ExtendedRoute,
  type Gallery,
  GalleryError,
  isAdminActor,
  type PluginRoute,
  type TokenScope,
} from "@vernissage/core";
import type { H3 } from "h3";
import { type createPageRenderer, htmlResponse, preferredLanguage } from "./pages.js";
import type { RouteScope } from "./route.js";
import type { Wrap } from "./session.js";
import { assertRouteScope } from "./session.js";

const NAME = "((?:@[a-z0-9-]+\\/)?[a-z0-9][a-z0-9._-]*)";
const PREFIX = new RegExp(`^/api/v1/plugins/${NAME}(/.*)$`);
const PAGE_PREFIX = new RegExp(`^/plugins/${NAME}(/.*)?$`);

const PLUGIN_NAME = new RegExp(`^${NAME}$`);

/** A route collected from `http:routes:extend`, with its path compiled. */
export interface CompiledExtendedRoute {
  route: ExtendedRoute;
  pattern: RegExp;
  names: string[];
}

function compileRoute(route: ExtendedRoute): CompiledExtendedRoute {
  const methods: readonly string[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
  if (
    typeof route.plugin !== "string" ||
    !PLUGIN_NAME.test(route.plugin) ||
    !methods.includes(route.method) ||
    typeof route.path !== "string" ||
    !route.path.startsWith("/") ||
    typeof route.handler !== "function"
  ) {
    throw new GalleryError("INVALID_CONFIGURATION", {
      detail: "A route pushed in http:routes:extend needs a plugin name, a method, a /path and a handler.",
      data: { hook: "http:routes:extend", plugin: String(route.plugin), path: String(route.path) },
    });
  }
  const names: string[] = [];
  const source = route.path
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
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

/**
 * Run `http:routes:extend` once, as the app is built. The promise settles with the compiled routes; it rejects
 * (and every plugin API route answers with that error) when a handler throws or pushes an invalid route.
 */
export function collectExtendedRoutes(
  gallery: Gallery,
  onError: (error: unknown) => void,
): Promise<CompiledExtendedRoute[]> {
  const routes: ExtendedRoute[] = [];
  const collected = gallery.hooks
    .before("http:routes:extend", { routes })
    .then(() => routes.map(compileRoute));
  collected.catch(onError);
  return collected;
}

/** The routes of enabled plugins, registered or pushed in `http:routes:extend`, for the OpenAPI document. */
export async function activePluginRoutes(
  gallery: Gallery,
  extended: Promise<CompiledExtendedRoute[]>,
): Promise<{ plugin: string; route: PluginRoute }[]> {
  const pushed = await extended.catch(() => [] as CompiledExtendedRoute[]);
  return [
    ...gallery.plugins.activeRoutes(),
    ...pushed
      .filter((c) => gallery.plugins.isActive(c.route.plugin))
      .map((c) => ({ plugin: c.route.plugin, route: c.route })),
  ];
}

async function matchExtended(
  gallery: Gallery,
  extended: Promise<CompiledExtendedRoute[]>,
  plugin: string,
  method: string,
  path: string,
): Promise<{ route: PluginRoute; params: Record<string, string> } | null> {
  for (const compiled of await extended) {
    if (compiled.route.plugin !== plugin || compiled.route.method !== method) continue;
    if (!gallery.plugins.isActive(plugin)) continue;
    const match = compiled.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    compiled.names.forEach((n, i) => {
      params[n] = decodeURIComponent(match[i + 1] ?? "");
    });
    return { route: compiled.route, params };
  }
  return null;
}

/**
 * Serve routes that enabled plugins registered (`ctx.registerRoute`) under `/api/v1/plugins/<name>/…`, and their
 * pages (`ctx.registerPage`) under `/plugins/<name>/…` inside the theme's layout. A disabled or unknown plugin
 * answers `NOT_FOUND`; errors become problem documents (API) or the error page (pages).
 */
export function mountPluginRoutes(input: {
  app: H3;
  base: string;
  gallery: Gallery;
  wrap: Wrap;
  renderer: ReturnType<typeof createPageRenderer>;
  /** Routes collected from `http:routes:extend` (see {@link collectExtendedRoutes}). */
  extended: Promise<CompiledExtendedRoute[]>;
}): void {
  const { app, base, gallery, wrap, renderer, extended } = input;
  app.all(
    `${base}/api/v1/plugins/**`,
    wrap("api", async (event, identity, _requestId, headers) => {
      const rest = event.url.pathname.slice(base.length);
      const match = PREFIX.exec(rest);
      const found = match
        ? (gallery.plugins.matchRoute(match[1] ?? "", event.req.method, match[2] ?? "/") ??
          (await matchExtended(gallery, extended, match[1] ?? "", event.req.method, match[2] ?? "/")))
        : null;
      if (!found) throw new GalleryError("NOT_FOUND", { detail: "No such plugin route." });
      if (found.route.admin && !isAdminActor(identity.actor)) {
        throw new GalleryError(identity.actor.kind === "guest" ? "UNAUTHENTICATED" : "FORBIDDEN");
      }
      assertRouteScope(pluginRouteScope(found.route), identity.actor);
      let result: unknown;
      try {
        result = await found.route.handler({
          request: event.req,
          actor: identity.actor,
          params: found.params,
        });
      } catch (error) {
        if (error instanceof GalleryError) throw error;
        throw new GalleryError("PLUGIN_ERROR", {
          detail: `A route of plugin "${match?.[1]}" failed.`,
          data: { plugin: match?.[1] },
          cause: error,
        });
      }
      if (result instanceof Response) return result;
      headers.set("cache-control", "no-store");
      if (result === undefined) return new Response(null, { status: 204, headers });
      headers.set("content-type", "application/json; charset=utf-8");
      return new Response(JSON.stringify(result), { headers });
    }),
  );

  // Pages of enabled plugins under /plugins/<name>/…, inside the theme's layout (errors get the error page).
  app.get(
    `${base}/plugins/**`,
    wrap("page", async (event, identity, _requestId, headers) => {
      const match = PAGE_PREFIX.exec(event.url.pathname.slice(base.length));
      const found = match ? gallery.plugins.matchPage(match[1] ?? "", match[2] ?? "/") : null;
      if (!found) throw new GalleryError("NOT_FOUND");
      if (found.page.admin && !isAdminActor(identity.actor)) {
        throw new GalleryError(identity.actor.kind === "guest" ? "UNAUTHENTICATED" : "FORBIDDEN");
      }
      let result: Awaited<ReturnType<typeof found.page.render>>;
      try {
        result = await found.page.render({ request: event.req, actor: identity.actor, params: found.params });
      } catch (error) {
        if (error instanceof GalleryError) throw error;
        throw new GalleryError("PLUGIN_ERROR", { data: { plugin: match?.[1] }, cause: error });
      }
      if (result instanceof Response) return result;
      const ctx = renderer.context(
        identity.session?.user.displayName ?? null,
        event.req,
        preferredLanguage(identity.session),
      );
      return htmlResponse(renderer.page(ctx, result.title, result.main), { headers });
    }),
  );
}

/** The scope a token needs for a plugin route: the declared one, `admin` for admin routes, else none. */
export function pluginRouteScope(route: { admin?: boolean; scope?: TokenScope }): RouteScope {
  return route.scope ?? (route.admin ? "admin" : "public");
}
