import { randomUUID } from "node:crypto";
import {
  type Actor,
  type Gallery,
  GalleryError,
  resolveProviderActor,
  setLogContextField,
  type Theme,
  withLogContext,
} from "@vernissage/core";
import { defaultTheme } from "@vernissage/theme-default";
import { getRouterParams, H3, type H3Event } from "h3";
import pino, { type Logger } from "pino";
import { FastResponse } from "srvx";
import type { z } from "zod";
import { mountApiDocs } from "./api-docs.js";
import { apiRoutes, assertUniqueOperationIds } from "./api-routes.js";
import {
  rememberClientIp,
  resolveClientIp,
  resolvedClientIp,
  type TrustProxy,
  trustPredicate,
} from "./client-ip.js";
import { runIdempotent } from "./idempotency.js";
import { createLinks } from "./links.js";
import { type McpEndpointOptions, mountMcp } from "./mcp.js";
import { sendMedia } from "./media.js";
import { createOpenApiDocuments } from "./openapi.js";
import { createPageRoutes } from "./page-routes.js";
import { htmlResponse, preferredLanguage } from "./pages.js";
import { activePluginRoutes, collectExtendedRoutes, mountPluginRoutes } from "./plugin-routes.js";
import { problemResponse, toGalleryError } from "./problem.js";
import { createRateLimiter, type RateLimitOptions } from "./rate-limit.js";
import type { ApiRoute, RateClass } from "./route.js";
import { assertRouteScope, assertSameOrigin, type RequestIdentity, resolveIdentity } from "./session.js";
import { createThemeSelection } from "./theme-selection.js";
import { mountUploadRoutes } from "./uploads.js";

/** Options of {@link createGalleryApp}. */
export interface GalleryAppOptions {
  /** Path the app is mounted under, e.g. `/gallery`. Every link and media URL carries it. @default "" */
  basePath?: string;
  /** Theme for the gallery pages. @default the default theme */
  theme?: Theme;
  /**
   * Other themes this app can render: an admin chooses one for the gallery (`setGalleryTheme`) or previews one
   * with `?theme=<name>` on any page. @default none
   */
  themes?: Theme[];
  /** pino logger for request logs (one JSON line per request, with its request id). @default pino at `info` */
  logger?: Logger;
  /**
   * Map a request to an actor when it has no Vernissage session, e.g. the embedding app's own logged-in user.
   * Return `null`/`undefined` for a guest.
   */
  resolveActor?: (request: Request) => Promise<Actor | null | undefined> | Actor | null | undefined;
  /** Mark cookies `Secure`: always, never, or when the request came over HTTPS. @default "auto" */
  secureCookies?: boolean | "auto";
  /** Extra origins accepted by the CSRF check (e.g. the public URL behind a proxy). */
  allowedOrigins?: string[];
  /** Largest accepted upload in bytes. @default 200 MiB */
  maxUploadBytes?: number;
  /**
   * Files at least this large go through resumable (tus) uploads on the admin upload page; smaller ones are
   * posted whole. @default 8 MiB
   */
  resumableUploadThreshold?: number;
  /** API version reported in the OpenAPI document. @default "0.0.0" */
  version?: string;
  /**
   * When to believe `Forwarded` / `X-Forwarded-For` for the client address used by rate limits, login
   * throttling and the activity log: `false` (never), `true` (always), a number of proxy hops, or a list of
   * proxy addresses and CIDR ranges (`"loopback"` and `"private"` name the usual ones). @default false
   */
  trustProxy?: TrustProxy;
  /** Rate limits of the REST API (limits per route class, the counter store). @default on, database store */
  rateLimits?: RateLimitOptions;
  /** The MCP endpoint at `/mcp` (Streamable HTTP, bearer tokens only). @default on */
  mcp?: McpEndpointOptions;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Create the HTTP app of a gallery: the REST API under `/api/v1` (with its OpenAPI document), media delivery
 * under `/media`, the gallery pages, and `/healthz`. Test it with `app.fetch(new Request(...))`; serve it with
 * h3's `serve` or mount it in another app with `toNodeHandler`.
 *
 * @example
 * const app = createGalleryApp(gallery, { basePath: "/gallery" });
 * const response = await app.fetch(new Request("http://localhost/gallery/api/v1/albums"));
 */
export function createGalleryApp(gallery: Gallery, options: GalleryAppOptions = {}): H3 {
  const base = (options.basePath ?? "").replace(/\/+$/, "");
  if (base !== "" && !/^\/[A-Za-z0-9._~\-/]*$/.test(base)) {
    throw new GalleryError("INVALID_CONFIGURATION", { detail: "basePath must look like /path" });
  }
  const log = options.logger ?? pino({ level: "info", base: undefined });
  const links = createLinks(base);
  const theme = options.theme ?? defaultTheme;
  const themes = createThemeSelection({ gallery, links, fallback: theme, themes: options.themes ?? [] });
  const { renderer, assets } = themes;
  const secure = (request: Request) =>
    options.secureCookies === "auto" || options.secureCookies === undefined
      ? new URL(request.url).protocol === "https:"
      : options.secureCookies;
  const allowedOrigins = options.allowedOrigins ?? [];
  const trusted = trustPredicate(options.trustProxy);
  const limiter = createRateLimiter(gallery, options.rateLimits);
  /** Count a request of `rateClass` (a no-op when rate limits are off). */
  const rateLimit = async (event: H3Event, actor: Actor, rateClass: RateClass, headers: Headers) => {
    await limiter?.check({ rateClass, actor, ip: resolvedClientIp(event.req), headers });
  };
  const maxUploadBytes = options.maxUploadBytes ?? 200 * 1024 * 1024;
  const routes = apiRoutes({
    maxUploadBytes,
    secureCookies: secure,
  });
  assertUniqueOperationIds(routes);
  const openapi = createOpenApiDocuments(routes, {
    title: gallery.title,
    version: options.version ?? "0.0.0",
    basePath: base,
  });

  const app = new H3({ silent: true });
  /** Pages a guest may open in a login-only gallery: signing in, registering, password reset, share links. */
  const guestPaths = ["/login", "/register", "/forgot-password", "/reset-password"].map((p) => `${base}${p}`);
  const openToGuests = (path: string) => guestPaths.includes(path) || path.startsWith(`${base}/s/`);

  /** Run `fn` with request id, identity, error mapping and one log line. */
  const wrap = (
    kind: "api" | "page" | "media",
    fn: (event: H3Event, id: RequestIdentity, requestId: string, headers: Headers) => Promise<Response>,
  ) => {
    const run = async (event: H3Event): Promise<Response> => {
      const started = performance.now();
      const incoming = event.req.headers.get("x-request-id");
      const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      setLogContextField("reqId", requestId);
      const headers = new Headers({ "x-request-id": requestId });
      rememberClientIp(event.req, resolveClientIp(event.req, trusted));
      let response: Response;
      let identity: RequestIdentity | undefined;
      try {
        identity = await resolveIdentity(event.req, gallery, options.resolveActor);
        if (gallery.hooks.has("auth:actor:resolve")) {
          // Authentication plugins (LDAP, OIDC, proxy headers) may replace the actor; treat theirs like a cookie
          // identity (a browser sends it cross-site too), so writes get the CSRF check.
          const ip = resolvedClientIp(event.req) ?? null;
          const actor = await resolveProviderActor(gallery, {
            request: event.req,
            ip,
            actor: identity.actor,
          });
          if (actor !== identity.actor) identity = { actor, session: identity.session, viaCookie: true };
        }
        if (identity.viaCookie) assertSameOrigin(event.req, event.url, allowedOrigins);
        if (gallery.hooks.has("http:request:before")) {
          const hookCtx = { request: event.req, requestId, actor: identity.actor };
          await gallery.hooks.before("http:request:before", hookCtx);
          identity = { ...identity, actor: hookCtx.actor };
        }
        const who = identity;
        if (
          kind === "page" &&
          gallery.auth.loginOnly &&
          who.actor.kind === "guest" &&
          !openToGuests(event.url.pathname)
        ) {
          // A login-only gallery shows guests nothing but the pages that let them sign in.
          headers.set(
            "location",
            `${base}/login?next=${encodeURIComponent(event.url.pathname + event.url.search)}`,
          );
          headers.set("cache-control", "no-store");
          response = new Response(null, { status: 303, headers });
        } else {
          response =
            kind === "page"
              ? await themes.run(event.url, who.actor, () => fn(event, who, requestId, headers))
              : await fn(event, who, requestId, headers);
        }
      } catch (thrown) {
        const error = toGalleryError(thrown);
        if (error.code === "INTERNAL" || error.status >= 500) {
          log.error({ reqId: requestId, code: error.code, err: error.cause ?? error }, "request failed");
        }
        if (kind === "page") {
          const ctx = renderer.context(
            identity?.session?.user.displayName ?? null,
            event.req,
            preferredLanguage(identity?.session),
          );
          const message =
            error.status === 404
              ? "Page not found"
              : error.status === 403
                ? "Forbidden"
                : "Something went wrong";
          response = htmlResponse(renderer.error(ctx, error.status, error.code, message), {
            status: error.status,
            headers,
          });
        } else {
          response = problemResponse(error, requestId, headers);
        }
      }
      if (!response.headers.has("x-request-id")) {
        // Responses built by handlers from scratch still carry the id.
        response = new Response(response.body, {
          status: response.status,
          headers: mergeHeaders(response.headers, headers),
        });
      }
      if (gallery.hooks.has("http:response:before")) {
        // Headers of a response made here are mutable; a handler's errors are logged, the response still goes.
        await gallery.hooks.after("http:response:before", {
          request: event.req,
          requestId,
          status: response.status,
          headers: response.headers,
        });
      }
      log.info(
        {
          reqId: requestId,
          method: event.req.method,
          path: event.url.pathname,
          status: response.status,
          ms: Math.round(performance.now() - started),
        },
        "request",
      );
      return response;
    };
    // Every log line written while the request runs (core, hooks, plugins) carries its id.
    return (event: H3Event): Promise<Response> => withLogContext({}, () => run(event));
  };

  // --- API ---------------------------------------------------------------------------------------------
  for (const route of routes) {
    const path = `${base}/api/v1${route.path.replace(/\{(\w+)\}/g, ":$1")}`;
    app.on(
      route.method,
      path,
      wrap("api", async (event, identity, requestId, headers) => {
        const ip = resolvedClientIp(event.req);
        await limiter?.check({ rateClass: route.rateClass, actor: identity.actor, ip, headers });
        if (route.auth === "required" && identity.actor.kind === "guest")
          throw new GalleryError("UNAUTHENTICATED");
        assertRouteScope(route.scope, identity.actor);
        // A login-only gallery shows guests nothing but the routes that sign in.
        if (gallery.auth.loginOnly && identity.actor.kind === "guest" && route.scope !== "public")
          throw new GalleryError("UNAUTHENTICATED");
        const params = route.params
          ? parse(route.params, getRouterParams(event, { decode: true }), "params")
          : {};
        const query = route.query
          ? parse(route.query, Object.fromEntries(event.url.searchParams), "query")
          : {};
        const idem = {
          gallery,
          route,
          request: event.req,
          actor: identity.actor,
          ip,
          requestId,
          headers,
          maxBodyBytes: maxUploadBytes,
        };
        return runIdempotent(idem, async (request) => {
          const body = route.body ? parse(route.body, await readJson(request), "body") : undefined;
          let status = route.status ?? 200;
          let child: Logger | undefined;
          const result = await route.handler({
            request,
            url: event.url,
            params,
            query,
            body,
            actor: identity.actor,
            session: identity.session,
            gallery,
            links,
            requestId,
            // A pino child per request costs even when no handler logs: made on first use.
            get log() {
              child ??= log.child({ reqId: requestId });
              return child;
            },
            responseHeaders: headers,
            setStatus: (s) => {
              status = s;
            },
          });
          headers.set("cache-control", "no-store");
          if (route.response === null || status === 204) return new Response(null, { status, headers });
          headers.set("content-type", "application/json; charset=utf-8");
          return new FastResponse(JSON.stringify(result), { status, headers });
        });
      }),
    );
  }
  app.get(
    `${base}/api/v1/openapi.json`,
    wrap("api", async (event, identity, _rid, headers) => {
      await rateLimit(event, identity.actor, "read", headers);
      headers.set("content-type", "application/json; charset=utf-8");
      headers.set("cache-control", "no-cache");
      return new Response(JSON.stringify(openapi(await activePluginRoutes(gallery, extended))), { headers });
    }),
  );
  mountUploadRoutes({
    app,
    base,
    gallery,
    links,
    wrap,
    maxUploadBytes,
    rateLimit,
  });
  mountMcp({
    app,
    base,
    gallery,
    links,
    wrap,
    options: options.mcp,
    version: options.version,
    rateLimit,
  });
  app.get(
    `${base}/healthz`,
    wrap("api", async (_event, _id, _rid, headers) => {
      await gallery.db.selectFrom("settings").select("key").limit(1).execute();
      headers.set("content-type", "application/json; charset=utf-8");
      headers.set("cache-control", "no-store");
      return new Response(JSON.stringify({ status: "ok" }), { headers });
    }),
  );

  // --- Media -------------------------------------------------------------------------------------------
  // GET and HEAD (a HEAD answers the same headers without the body).
  const media = (path: string, handler: Parameters<typeof wrap>[1]) => {
    const wrapped = wrap("media", handler);
    app.get(path, wrapped);
    app.on("HEAD", path, wrapped);
  };
  media(`${base}/media/photos/:id/original/:version`, async (event, identity, requestId) => {
    const { id = "", version = "" } = getRouterParams(event, { decode: true });
    if (gallery.auth.loginOnly && identity.actor.kind === "guest") throw new GalleryError("UNAUTHENTICATED");
    const file = await gallery.derivatives.original(identity.actor, id);
    return sendMedia(event.req, file, { immutable: version === file.version, requestId });
  });
  media(`${base}/media/photos/:id/:preset/:version`, async (event, identity, requestId) => {
    const { id = "", preset = "", version = "" } = getRouterParams(event, { decode: true });
    if (gallery.auth.loginOnly && identity.actor.kind === "guest") throw new GalleryError("UNAUTHENTICATED");
    const file = await gallery.derivatives.get(identity.actor, id, preset, {
      accept: event.req.headers.get("accept"),
    });
    // Only a URL carrying the current version may be cached forever (an old one now shows other bytes).
    return sendMedia(event.req, file, { immutable: version === file.version, vary: "Accept", requestId });
  });

  // --- Pages and assets --------------------------------------------------------------------------------
  app.get(
    `${base}/assets/:fingerprint/:name`,
    wrap("media", async (event) => {
      const { fingerprint = "", name = "" } = getRouterParams(event, { decode: true });
      const asset = assets.byPath.get(`${fingerprint}/${name}`);
      if (!asset) throw new GalleryError("NOT_FOUND");
      return new Response(asset.body as BodyInit, {
        headers: {
          "content-type": asset.contentType,
          "cache-control": "public, max-age=31536000, immutable",
          etag: asset.etag,
        },
      });
    }),
  );
  createPageRoutes({
    app,
    base,
    gallery,
    links,
    renderer,
    wrap,
    secureCookies: secure,
    allowedOrigins,
    maxUploadBytes,
    resumableUploadThreshold: options.resumableUploadThreshold,
  });
  const extended = collectExtendedRoutes(gallery, (error) =>
    log.error({ hook: "http:routes:extend", err: error }, "plugin routes could not be collected"),
  );
  mountPluginRoutes({ app, base, gallery, wrap, renderer, extended });
  mountApiDocs({ app, base, title: gallery.title, wrap });

  // Anything else: a problem document under /api, a friendly page elsewhere.
  app.all(
    `${base}/api/**`,
    wrap("api", async () => {
      throw new GalleryError("NOT_FOUND", { detail: "No such route." });
    }),
  );
  app.all(
    `${base}/**`,
    wrap("page", async () => {
      throw new GalleryError("NOT_FOUND");
    }),
  );
  return app;
}

function mergeHeaders(a: Headers, b: Headers): Headers {
  const out = new Headers(a);
  b.forEach((value, key) => {
    if (!out.has(key)) out.set(key, value);
  });
  return out;
}

function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new GalleryError("VALIDATION_FAILED", {
    errors: result.error.issues.map((i) => ({
      path: [where, ...i.path.map(String)].join("."),
      message: i.message,
      code: i.code,
    })),
  });
}

const MAX_JSON_BYTES = 1024 * 1024;

async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new GalleryError("VALIDATION_FAILED", { detail: "Expected an application/json body." });
  }
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_JSON_BYTES) throw new GalleryError("PAYLOAD_TOO_LARGE");
  const text = await request.text();
  if (text.length > MAX_JSON_BYTES) throw new GalleryError("PAYLOAD_TOO_LARGE");
  try {
    return JSON.parse(text);
  } catch {
    throw new GalleryError("VALIDATION_FAILED", { detail: "The body is not valid JSON." });
  }
}

/** The route table (for tests and tooling). */
export function listApiRoutes(): ApiRoute[] {
  return apiRoutes({ maxUploadBytes: 0, secureCookies: () => false });
}
