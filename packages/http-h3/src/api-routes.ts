import { GalleryError } from "@vernissage/core";
import type { ApiRoute } from "./route.js";
import { albumRoutes } from "./routes/albums.js";
import { authRoutes } from "./routes/auth.js";
import type { ApiRouteOptions } from "./routes/common.js";
import { photoRoutes } from "./routes/photos.js";

export type { ApiRouteOptions } from "./routes/common.js";

/**
 * The REST API, declared once: routing, validation, authorization and OpenAPI all come from this table. Each
 * area keeps its routes in `routes/<area>.ts`.
 */
export function apiRoutes(options: ApiRouteOptions): ApiRoute[] {
  return [...authRoutes(options), ...albumRoutes(options), ...photoRoutes(options)];
}

/** @internal Fail fast when two routes share an operationId or a method and path. */
export function assertUniqueOperationIds(routes: ApiRoute[]): void {
  const seen = new Set<string>();
  for (const r of routes) {
    for (const key of [r.operationId, `${r.method} ${r.path}`]) {
      if (seen.has(key))
        throw new GalleryError("INVALID_CONFIGURATION", { detail: `Duplicate route ${key}` });
      seen.add(key);
    }
  }
}
