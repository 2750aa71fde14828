import { ERROR_CATALOGUE, type GalleryErrorCode, type PluginRoute } from "@vernissage/core";
import { z } from "zod";
import { isIdempotentRoute } from "./idempotency.js";
import { exampleOf, type JsonSchema } from "./openapi-examples.js";
import { RESUMABLE_UPLOAD_OPERATIONS } from "./openapi-uploads.js";
import { pluginRouteScope } from "./plugin-routes.js";
import type { ApiRoute, RouteScope } from "./route.js";
import { ProblemSchema } from "./schemas.js";

/** A route a plugin serves under `/api/v1/plugins/<plugin>/`, as documented in the OpenAPI document. */
export interface DocumentedPluginRoute {
  /** The plugin whose prefix serves the route. */
  plugin: string;
  route: PluginRoute;
}

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  title: string;
  version: string;
  /** Server URL prefix (the base path the app is mounted under). */
  basePath: string;
  /** Routes of enabled plugins (`ctx.registerRoute`, `http:routes:extend`) to document too. @default none */
  pluginRoutes?: readonly DocumentedPluginRoute[];
}

/** Descriptions of the tags routes use; a tag missing here still gets a generic one. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  auth: "Sessions: sign in and out with a password, register, reset a password. Browsers use the session cookie.",
  albums: "The album tree: create, move, reorder, describe albums, and put photos into them.",
  photos: "Upload, list, edit and delete photos; batch edits; metadata.",
  tags: "Tags and their photos. Tag counts only count photos the caller may see.",
  search: "Full-text and `key:value` search over the photos the caller may see.",
  jobs: "The durable job queue (derivatives, metadata, webhooks): inspect and retry (admins).",
  derivatives: "Derivative presets (thumbnail and display sizes) and their regeneration.",
  plugins: "Installed plugins: state and settings (admins).",
  settings:
    "Gallery settings changed at run time: title, description, registration, login-only, language (admins).",
  users: "Accounts, the signed-in user's profile and the activity log.",
  groups: "User groups, used to grant album access to many users at once (admins).",
  grants: "Album access grants to users and groups (viewer, contributor, manager); grants inherit downward.",
  tokens: "API tokens with scopes and optional album limits; a token never exceeds its user's rights.",
  shares: "Share links: an album subtree or a set of photos for people without an account.",
  events:
    "The change feed of domain events (`photo.created`, `album.updated`…), filtered by what the caller sees.",
  webhooks: "Webhook subscriptions and their delivery log (Standard Webhooks signatures).",
  "plugin routes": "Routes served by enabled plugins under `/plugins/<name>/`.",
  uploads:
    "Resumable uploads (tus 1.0.0): large files in chunks that survive a dropped connection, then the same " +
    "ingest as `uploadPhoto`.",
};

const RATE_LIMIT_CODES: GalleryErrorCode[] = ["RATE_LIMITED"];

/**
 * Every error code a route may answer with: the ones it declares, plus those the HTTP layer adds around every
 * handler (input validation, authentication, token scopes, the CSRF check, rate limits, idempotency keys).
 */
export function documentedErrors(route: ApiRoute): GalleryErrorCode[] {
  const codes = new Set<GalleryErrorCode>(route.errors);
  codes.add("INTERNAL");
  for (const c of RATE_LIMIT_CODES) codes.add(c);
  if (route.params || route.query || route.body || route.multipart) codes.add("VALIDATION_FAILED");
  if (route.body || route.multipart) codes.add("PAYLOAD_TOO_LARGE");
  // Guests get 401 on required-auth routes, and on every non-public route of a login-only gallery.
  if (route.auth === "required" || route.scope !== "public") codes.add("UNAUTHENTICATED");
  if (route.scope !== "public" && route.scope !== "user") codes.add("INSUFFICIENT_SCOPE");
  if (route.method !== "GET") codes.add("CSRF_REJECTED");
  if (isIdempotentRoute(route)) for (const c of idempotencyCodes()) codes.add(c);
  return [...codes].filter((c) => c in ERROR_CATALOGUE);
}

function idempotencyCodes(): GalleryErrorCode[] {
  return (Object.keys(ERROR_CATALOGUE) as GalleryErrorCode[]).filter((c) => c.includes("IDEMPOTENCY"));
}

/** Names of the components every document carries (headers, parameters). */
const HEADERS = {
  requestId: "X-Request-Id",
  rateLimitPolicy: "RateLimit-Policy",
  rateLimit: "RateLimit",
  retryAfter: "Retry-After",
  replayed: "Idempotent-Replayed",
} as const;

/**
 * Build the OpenAPI 3.1 document from the route table: paths, parameters, bodies with examples, responses with
 * their headers, every error response with its codes (a problem+json schema whose `code` is an enum per status),
 * each operation's required scope (`x-required-scope`) and rate-limit class, security schemes, and tags.
 */
export function buildOpenApiDocument(
  routes: readonly ApiRoute[],
  options: OpenApiOptions,
): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {};

  // Named schemas (`.meta({ id })`) become components; everything else is inlined.
  const toSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
    const generated = z.toJSONSchema(schema, {
      io,
      target: "draft-2020-12",
      unrepresentable: "any",
      reused: "inline",
    });
    // Local $defs become shared components.
    const json = JSON.parse(
      JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/'),
    ) as JsonSchema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    delete json.$schema;
    for (const [id, def] of Object.entries(defs)) components[id] ??= def;
    const id = json.id ?? json.$id;
    if (typeof id === "string") {
      delete json.id;
      delete json.$id;
      components[id] ??= json;
      return { $ref: `#/components/schemas/${id}` };
    }
    return json;
  };
  const example = (schema: JsonSchema, name?: string) => exampleOf(schema, components, name);

  const problemRef = toSchema(ProblemSchema, "output");
  const problem = components.Problem;
  if (problem && typeof problem.properties === "object" && problem.properties !== null) {
    (problem.properties as Record<string, JsonSchema>).code = { $ref: "#/components/schemas/ErrorCode" };
  }
  const allCodes = Object.keys(ERROR_CATALOGUE) as GalleryErrorCode[];
  components.ErrorCode = {
    type: "string",
    enum: allCodes,
    description:
      "Stable error code. `x-error-catalogue` gives each code's HTTP status, whether a retry may succeed, and " +
      "its meaning.",
    "x-error-catalogue": Object.fromEntries(
      allCodes.map((c) => [
        c,
        {
          status: ERROR_CATALOGUE[c].status,
          retryable: ERROR_CATALOGUE[c].retryable,
          description: ERROR_CATALOGUE[c].description,
          ...retryAdvice(c),
        },
      ]),
    ),
  };

  const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });
  const commonHeaders = {
    [HEADERS.requestId]: headerRef(HEADERS.requestId),
    [HEADERS.rateLimitPolicy]: headerRef(HEADERS.rateLimitPolicy),
    [HEADERS.rateLimit]: headerRef(HEADERS.rateLimit),
  };

  /** Error responses by status, each with a problem schema whose `code` lists exactly the route's codes. */
  const responseComponents: Record<string, unknown> = {};
  const errorResponses = (codes: readonly GalleryErrorCode[]): Record<string, unknown> => {
    const byStatus = new Map<number, GalleryErrorCode[]>();
    for (const code of new Set(codes)) {
      const s = ERROR_CATALOGUE[code].status;
      byStatus.set(s, [...(byStatus.get(s) ?? []), code]);
    }
    const out: Record<string, unknown> = {};
    for (const [s, list] of [...byStatus.entries()].sort((a, b) => a[0] - b[0])) {
      const sorted = [...list].sort();
      const first = sorted[0] as GalleryErrorCode;
      const retryHeader = sorted.some((c) => ERROR_CATALOGUE[c].retryable)
        ? { [HEADERS.retryAfter]: headerRef(HEADERS.retryAfter) }
        : {};
      // One shared component per set of codes: routes with the same errors point at the same response.
      const name = sorted.map(pascal).join("Or");
      out[String(s)] = { $ref: `#/components/responses/${name}` };
      if (responseComponents[name]) continue;
      responseComponents[name] = {
        description: sorted.map((c) => `\`${c}\`: ${ERROR_CATALOGUE[c].description}`).join(" "),
        headers: { ...commonHeaders, ...retryHeader },
        content: {
          "application/problem+json": {
            schema: {
              allOf: [problemRef, { type: "object", properties: { code: { type: "string", enum: sorted } } }],
            },
            example: {
              type: `https://vernissage.dev/errors/${first.toLowerCase().replaceAll("_", "-")}`,
              title: ERROR_CATALOGUE[first].description,
              status: s,
              code: first,
              detail: ERROR_CATALOGUE[first].description,
              retryable: ERROR_CATALOGUE[first].retryable,
              requestId: "9b2f6d1e-3c4a-4e8b-a0f1-2d3c4b5a6e7f",
            },
          },
        },
        "x-error-codes": sorted,
      };
    }
    return out;
  };

  const paths: Record<string, Record<string, unknown>> = {};
  const usedTags = new Set<string>();
  for (const route of routes) {
    const parameters: unknown[] = [];
    const addParams = (schema: z.ZodType | undefined, location: "path" | "query") => {
      if (!schema) return;
      const json = toSchema(schema, "input");
      const props = (json.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((json.required ?? []) as string[]);
      for (const [name, prop] of Object.entries(props)) {
        const { description, ...rest } = prop;
        const sample = location === "path" ? example(rest, name) : undefined;
        parameters.push({
          name,
          in: location,
          required: location === "path" || required.has(name),
          schema: rest,
          ...(typeof description === "string" ? { description } : {}),
          ...(sample !== undefined ? { example: sample } : {}),
        });
      }
    };
    addParams(route.params, "path");
    addParams(route.query, "query");
    if (isIdempotentRoute(route)) parameters.push({ $ref: "#/components/parameters/IdempotencyKey" });

    const responses: Record<string, unknown> = {};
    const status = String(route.status ?? 200);
    if (route.response === null) {
      responses[status] = { description: "No content.", headers: commonHeaders };
    } else {
      const schema = toSchema(route.response, "output");
      const sample = example(schema);
      const replayed = isIdempotentRoute(route) ? { [HEADERS.replayed]: headerRef(HEADERS.replayed) } : {};
      responses[status] = {
        description: status === "201" ? "Created." : "Success.",
        headers: { ...commonHeaders, ...replayed },
        content: {
          "application/json": { schema, ...(sample !== undefined ? { example: sample } : {}) },
        },
      };
    }
    Object.assign(responses, errorResponses(documentedErrors(route)));

    for (const t of route.tags) usedTags.add(t);
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      description: describe(route.description, route.scope, route.rateClass),
      tags: route.tags,
      "x-required-scope": route.scope,
      "x-rate-limit-class": route.rateClass,
      security: securityOf(route.scope, route.auth),
      ...(parameters.length > 0 ? { parameters } : {}),
      responses,
    };
    if (route.body) {
      const schema = toSchema(route.body, "input");
      const sample = example(schema);
      operation.requestBody = {
        required: true,
        content: {
          "application/json": { schema, ...(sample !== undefined ? { example: sample } : {}) },
        },
      };
    } else if (route.multipart) {
      operation.requestBody = {
        required: true,
        content: {
          "multipart/form-data": {
            schema: toSchema(route.multipart, "input"),
            // The form is streamed in order: fields before the file.
            encoding: { file: { contentType: "image/*" } },
          },
        },
      };
    }
    const path = route.path;
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }

  for (const { plugin, route } of options.pluginRoutes ?? []) {
    const tag = "plugin routes";
    usedTags.add(tag);
    const path = `/plugins/${plugin}${route.path === "/" ? "" : route.path}`;
    const scope: RouteScope = pluginRouteScope(route);
    const parameters = [...route.path.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (route.query) {
      const json = toSchema(route.query, "input");
      const required = new Set((json.required ?? []) as string[]);
      for (const [name, prop] of Object.entries((json.properties ?? {}) as Record<string, JsonSchema>)) {
        parameters.push({ name, in: "query", required: required.has(name), schema: prop as never });
      }
    }
    const codes: GalleryErrorCode[] = [
      "NOT_FOUND",
      "PLUGIN_ERROR",
      "RATE_LIMITED",
      "INTERNAL",
      ...(route.admin ? (["UNAUTHENTICATED", "FORBIDDEN"] as const) : []),
      ...(route.method !== "GET" ? (["CSRF_REJECTED"] as const) : []),
      ...(route.errors ?? []),
    ];
    const status = String(route.status ?? 200);
    const responses: Record<string, unknown> = {};
    if (route.response) {
      const schema = toSchema(route.response, "output");
      const sample = example(schema);
      responses[status] = {
        description: "Success.",
        headers: commonHeaders,
        content: { "application/json": { schema, ...(sample !== undefined ? { example: sample } : {}) } },
      };
    } else {
      responses[status] = {
        description: "The plugin's answer (JSON unless the plugin sends its own response).",
        headers: commonHeaders,
      };
    }
    Object.assign(responses, errorResponses(codes.filter((c) => c in ERROR_CATALOGUE)));
    const operation: Record<string, unknown> = {
      operationId: `${pluginIdentifier(plugin)}_${route.operationId ?? `${route.method.toLowerCase()}${pathIdentifier(route.path)}`}`,
      summary: route.summary ?? `${route.method} ${route.path} (plugin ${plugin})`,
      description: describe(
        `${route.description ?? `A route of the plugin \`${plugin}\`.`} Served while the plugin is enabled.`,
        scope,
        route.method === "GET" ? "read" : "write",
      ),
      tags: [tag],
      "x-required-scope": scope,
      "x-rate-limit-class": route.method === "GET" ? "read" : "write",
      "x-plugin": plugin,
      security: securityOf(scope, route.admin ? "required" : "optional"),
      ...(parameters.length > 0 ? { parameters } : {}),
      responses,
    };
    if (route.body) {
      const schema = toSchema(route.body, "input");
      const sample = example(schema);
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema, ...(sample !== undefined ? { example: sample } : {}) } },
      };
    }
    paths[path] ??= {};
    const item = paths[path] as Record<string, unknown>;
    item[route.method.toLowerCase()] ??= operation;
  }

  // Resumable (tus) uploads are not JSON routes of the table; their operations come from their own list.
  for (const op of RESUMABLE_UPLOAD_OPERATIONS) {
    usedTags.add("uploads");
    paths[op.path] ??= {};
    (paths[op.path] as Record<string, unknown>)[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      description: describe(op.description, op.scope, op.rateClass),
      tags: ["uploads"],
      "x-required-scope": op.scope,
      "x-rate-limit-class": op.rateClass,
      security: op.scope === "public" ? [{}] : securityOf(op.scope, "required"),
      ...(op.parameters.length > 0 ? { parameters: op.parameters } : {}),
      ...(op.requestBody ? { requestBody: op.requestBody } : {}),
      responses: {
        [String(op.status)]: {
          description: op.statusDescription,
          headers: { ...commonHeaders, ...op.responseHeaders },
          ...(op.responseContent ? { content: op.responseContent } : {}),
        },
        ...errorResponses([...op.errors, "RATE_LIMITED", "INTERNAL"]),
      },
    };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: `${options.title} API`,
      version: options.version,
      summary: "Albums, photos, tags, search, sharing and administration of a Vernissage gallery.",
      description: [
        "The Vernissage REST API.",
        "",
        "- **Auth**: a session cookie (browsers; writes need a same-origin `Origin` or `Sec-Fetch-Site`) or an",
        "  API token in `Authorization: Bearer` carrying the scope in each operation's `x-required-scope`.",
        "- **Errors**: RFC 9457 `application/problem+json` with a stable `code` (see the `ErrorCode` schema),",
        "  `retryable`, and the `requestId` also sent as `X-Request-Id` on every response.",
        "- **Lists**: cursor pagination (`limit`, `cursor` → `items`, `nextCursor`; `null` on the last page).",
        "- **Retries**: retry only problems with `retryable: true` (and 429), after `Retry-After` seconds.",
        "- **Idempotency**: creating POSTs accept an `Idempotency-Key`; the same key and body replay the first",
        "  response.",
        "- **Rate limits**: `RateLimit-Policy` and `RateLimit` headers on every response; `x-rate-limit-class`",
        "  names the class of each operation.",
      ].join("\n"),
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: `${options.basePath}/api/v1`, description: "This gallery." }],
    tags: [...usedTags].sort().map((name) => ({
      name,
      description: TAG_DESCRIPTIONS[name] ?? `Operations on ${name}.`,
    })),
    paths,
    components: {
      schemas: components,
      responses: Object.fromEntries(
        Object.entries(responseComponents).sort(([a], [b]) => a.localeCompare(b)),
      ),
      headers: {
        [HEADERS.requestId]: {
          description:
            "The request's id (the caller's own `X-Request-Id` when it is 1–64 characters of `A-Za-z0-9._-`). " +
            "It is in every log line of the request and in problem documents.",
          schema: { type: "string" },
        },
        [HEADERS.rateLimitPolicy]: {
          description:
            "The rate-limit policies that apply to this request (IETF draft `RateLimit-Policy`), e.g. " +
            '`"read";q=600;w=60`.',
          schema: { type: "string" },
        },
        [HEADERS.rateLimit]: {
          description:
            "What is left of the policy closest to its limit (IETF draft `RateLimit`), e.g. " +
            '`"read";r=599;t=60`.',
          schema: { type: "string" },
        },
        [HEADERS.replayed]: {
          description:
            "`true` when this response is the stored response of an earlier request with the same " +
            "`Idempotency-Key` and body (nothing was created again).",
          schema: { type: "string", enum: ["true"] },
        },
        [HEADERS.retryAfter]: {
          description: "Seconds to wait before retrying.",
          schema: { type: "integer", minimum: 1 },
        },
      },
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description:
            "A unique key (e.g. a UUID) for this creation. Sending the same key and body again within 24 hours " +
            "replays the first response instead of creating twice; the same key with another body is refused " +
            "with 409.",
          schema: { type: "string", minLength: 1, maxLength: 255 },
          example: "5f0c3a8e-7d2b-4c1e-9a6f-0b1d2e3f4a5b",
        },
      },
      securitySchemes: {
        cookieSession: {
          type: "apiKey",
          in: "cookie",
          name: "vernissage_session",
          description: "Session cookie set by login.",
        },
        bearerToken: {
          type: "http",
          scheme: "bearer",
          description: "An API token (`vrn_….…`) in `Authorization: Bearer`; never in a query parameter.",
        },
        shareSession: {
          type: "apiKey",
          in: "cookie",
          name: "vernissage_share",
          description: "Share-link session cookie set by unlockShareLink.",
        },
      },
    },
  };
}

function retryAdvice(code: GalleryErrorCode): { retry?: string } {
  const retry = (ERROR_CATALOGUE[code] as { retry?: unknown }).retry;
  return typeof retry === "string" ? { retry } : {};
}

/**
 * Documents for an app: the route table's, plus the routes of the plugins enabled at the time of the request.
 * A document is rebuilt only when the set of plugin routes changed.
 */
export function createOpenApiDocuments(
  routes: readonly ApiRoute[],
  options: Omit<OpenApiOptions, "pluginRoutes">,
): (pluginRoutes: readonly DocumentedPluginRoute[]) => Record<string, unknown> {
  let last: { key: readonly DocumentedPluginRoute[]; doc: Record<string, unknown> } | undefined;
  return (pluginRoutes) => {
    const same =
      last !== undefined &&
      last.key.length === pluginRoutes.length &&
      last.key.every((p, i) => p.plugin === pluginRoutes[i]?.plugin && p.route === pluginRoutes[i]?.route);
    if (!same || !last)
      last = { key: [...pluginRoutes], doc: buildOpenApiDocument(routes, { ...options, pluginRoutes }) };
    return last.doc;
  };
}

/** The operation's description with its scope and rate-limit class spelled out. */
function describe(description: string | undefined, scope: RouteScope, rateClass: string): string {
  const who =
    scope === "public"
      ? "Anyone may call it (results are filtered by what the caller may see)."
      : scope === "user"
        ? "Needs a signed-in user or any API token."
        : scope === "session"
          ? "Needs a browser session; API tokens are refused."
          : `API tokens need the \`${scope}\` scope (\`admin\` carries every scope).`;
  return [description, `${who} Rate-limit class: \`${rateClass}\`.`].filter(Boolean).join("\n\n");
}

/** Security requirements of a route: a session cookie or a bearer token carrying the route's scope. */
function securityOf(scope: RouteScope, auth: "optional" | "required"): Record<string, string[]>[] {
  // OpenAPI 3.1 lets non-OAuth requirements name roles: a token needs the route's scope.
  const bearer =
    scope === "session" ? [] : [{ bearerToken: scope === "public" || scope === "user" ? [] : [scope] }];
  const signedIn = [{ cookieSession: [] as string[] }, ...bearer];
  // A share link's session (unlocked by a guest) reads what the link covers through the public routes.
  return auth === "required" ? signedIn : [{}, ...signedIn, { shareSession: [] }];
}

/** `RATE_LIMITED` → `RateLimited`. */
function pascal(code: string): string {
  return code
    .toLowerCase()
    .split("_")
    .map((w) => (w[0]?.toUpperCase() ?? "") + w.slice(1))
    .join("");
}

function pluginIdentifier(plugin: string): string {
  return plugin
    .replace(/^@/, "")
    .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase());
}

function pathIdentifier(path: string): string {
  return path
    .split("/")
    .filter(Boolean)
    .map((s) => s.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+/g, ""))
    .map((s) => (s ? s[0]?.toUpperCase() + s.slice(1) : s))
    .join("");
}
