import { ERROR_CATALOGUE, type GalleryErrorCode } from "@vernissage/core";
import { z } from "zod";
import type { ApiRoute } from "./route.js";
import { ProblemSchema } from "./schemas.js";

type JsonSchema = Record<string, unknown>;

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  title: string;
  version: string;
  /** Server URL prefix (the base path the app is mounted under). */
  basePath: string;
}

/**
 * Build the OpenAPI 3.1 document from the route table: paths, parameters, bodies, responses, every error
 * response with its codes, and each operation's required scope (`x-required-scope`).
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

  const problemRef = toSchema(ProblemSchema, "output");
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: unknown[] = [];
    const addParams = (schema: z.ZodType | undefined, location: "path" | "query") => {
      if (!schema) return;
      const json = toSchema(schema, "input");
      const props = (json.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((json.required ?? []) as string[]);
      for (const [name, prop] of Object.entries(props)) {
        const { description, ...rest } = prop;
        parameters.push({
          name,
          in: location,
          required: location === "path" || required.has(name),
          schema: rest,
          ...(typeof description === "string" ? { description } : {}),
        });
      }
    };
    addParams(route.params, "path");
    addParams(route.query, "query");

    const responses: Record<string, unknown> = {};
    const status = String(route.status ?? 200);
    responses[status] =
      route.response === null
        ? { description: "No content." }
        : {
            description: "Success.",
            content: { "application/json": { schema: toSchema(route.response, "output") } },
          };
    const byStatus = new Map<number, GalleryErrorCode[]>();
    for (const code of new Set(route.errors)) {
      const s = ERROR_CATALOGUE[code].status;
      byStatus.set(s, [...(byStatus.get(s) ?? []), code]);
    }
    for (const [s, codes] of [...byStatus.entries()].sort((a, b) => a[0] - b[0])) {
      responses[String(s)] = {
        description: codes.map((c) => `\`${c}\`: ${ERROR_CATALOGUE[c].description}`).join(" "),
        content: { "application/problem+json": { schema: problemRef } },
        "x-error-codes": codes,
      };
    }

    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      "x-required-scope": route.scope,
      "x-rate-limit-class": route.rateClass,
      security: securityOf(route),
      ...(parameters.length > 0 ? { parameters } : {}),
      responses,
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: toSchema(route.body, "input") } },
      };
    } else if (route.multipart) {
      operation.requestBody = {
        required: true,
        content: { "multipart/form-data": { schema: toSchema(route.multipart, "input") } },
      };
    }
    const path = route.path;
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }

  return {
    openapi: "3.1.0",
    info: {
      title: `${options.title} API`,
      version: options.version,
      description:
        "The Vernissage REST API. Errors are RFC 9457 problem documents with a stable `code`. Lists are " +
        "cursor-paginated (`limit`, `cursor` → `items`, `nextCursor`).",
    },
    servers: [{ url: `${options.basePath}/api/v1` }],
    paths,
    components: {
      schemas: components,
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

/** Security requirements of a route: a session cookie or a bearer token carrying the route's scope. */
function securityOf(route: ApiRoute): Record<string, string[]>[] {
  const bearer =
    route.scope === "session"
      ? []
      : [{ bearerToken: ["public", "user"].includes(route.scope) ? [] : [route.scope] }];
  const signedIn = [{ cookieSession: [] as string[] }, ...bearer];
  return route.auth === "required" ? signedIn : [{}, ...signedIn];
}
