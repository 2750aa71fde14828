export type { GalleryAppOptions } from "./app.js";
export { createGalleryApp, listApiRoutes } from "./app.js";
export type { OpenApiOptions } from "./openapi.js";
export { buildOpenApiDocument } from "./openapi.js";
export type { ProblemDocument } from "./problem.js";
export type { ApiRoute, RateClass, RouteContext, RouteScope } from "./route.js";
export { SESSION_COOKIE } from "./session.js";
