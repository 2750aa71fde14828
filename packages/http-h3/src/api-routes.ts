import { GalleryError } from "@vernissage/core";
import type { ApiRoute } from "./route.js";
import { albumRoutes } from "./routes/albums.js";
import { authRoutes } from "./routes/auth.js";
import type { ApiRouteOptions } from "./routes/common.js";
import { derivativeRoutes } from "./routes/derivatives.js";
import { eventRoutes } from "./routes/events.js";
import { grantRoutes } from "./routes/grants.js";
import { groupRoutes } from "./routes/groups.js";
import { jobRoutes } from "./routes/jobs.js";
import { photoRoutes } from "./routes/photos.js";
import { pluginRoutes } from "./routes/plugins.js";
import { searchRoutes } from "./routes/search.js";
import { settingsRoutes } from "./routes/settings.js";
import { shareRoutes } from "./routes/shares.js";
import { tagRoutes } from "./routes/tags.js";
import { tokenRoutes } from "./routes/tokens.js";
import { userRoutes } from "./routes/users.js";
import { webhookRoutes } from "./routes/webhooks.js";

export type { ApiRouteOptions } from "./routes/common.js";

/**
 * The REST API, declared once: routing, validation, authorization and OpenAPI all come from this table. Each
 * area keeps its routes in `routes/<area>.ts`.
 */
export function apiRoutes(options: ApiRouteOptions): ApiRoute[] {
  return [
    ...authRoutes(options),
    ...albumRoutes(options),
    ...photoRoutes(options),
    ...tagRoutes(options),
    ...searchRoutes(options),
    ...jobRoutes(options),
    ...derivativeRoutes(options),
    ...pluginRoutes(options),
    ...settingsRoutes(options),
    ...userRoutes(options),
    ...groupRoutes(options),
    ...grantRoutes(options),
    ...tokenRoutes(options),
    ...shareRoutes(options),
    ...eventRoutes(options),
    ...webhookRoutes(options),
  ];
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
