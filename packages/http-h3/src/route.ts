import type { Actor, Gallery, GalleryErrorCode, ResolvedSession, TokenScope } from "@vernissage/core";
import type { Logger } from "pino";
import type { z } from "zod";
import type { Links } from "./links.js";

/**
 * Scopes a route may require of an API token. `public`: any caller, tokens included (the core rule still filters
 * results); `user`: any signed-in user or token; `session`: a browser session only (tokens are refused); a
 * token scope (`albums:read`, `photos:write`, …): tokens must carry it (the `admin` scope carries all).
 */
export type RouteScope = "public" | "user" | "session" | TokenScope;

/** Rate-limit classes (limits per class are set with the app's `rateLimits` option). */
export type RateClass = "read" | "write" | "upload" | "login" | "search";

/** What a route handler receives. */
export interface RouteContext<P = unknown, Q = unknown, B = unknown> {
  request: Request;
  url: URL;
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  session: ResolvedSession | null;
  gallery: Gallery;
  links: Links;
  requestId: string;
  log: Logger;
  /** Add a header to the response. */
  responseHeaders: Headers;
  /** Set the response status (default 200, or the route's `status`). */
  setStatus(status: number): void;
}

/** One API route: the single source of routing, validation, authorization and the OpenAPI document. */
export interface ApiRoute<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** OpenAPI-style path under `/api/v1`, e.g. `/albums/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  scope: RouteScope;
  /** Whether a signed-in user is required (guests get 401). */
  auth: "optional" | "required";
  rateClass: RateClass;
  /**
   * Whether the route honours an `Idempotency-Key` header (replaying the stored response of a repeated
   * request). Off for routes whose response carries a secret shown once, since storing it would keep the
   * secret. @default true for a POST answering 201, else false
   */
  idempotent?: boolean;
  params?: P;
  query?: Q;
  /** JSON body schema, or `multipart` with a schema documenting the form. */
  body?: B;
  multipart?: z.ZodType;
  response: z.ZodType | null;
  /** Success status. @default 200 */
  status?: number;
  /** Error codes this route may answer with (documented in OpenAPI). */
  errors: GalleryErrorCode[];
  handler(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
}

/** Define a route with inference of its params, query and body types. */
export function defineApiRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  route: ApiRoute<P, Q, B>,
): ApiRoute {
  return route as unknown as ApiRoute;
}
