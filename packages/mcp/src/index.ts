export type { ToolErrorContent } from "./errors.js";
export { toolError } from "./errors.js";
export type { McpLinks } from "./links.js";
export { absoluteLinks } from "./links.js";
export { RESOURCE_NOT_FOUND } from "./resources.js";
export type { CreateMcpServerOptions } from "./server.js";
export { createMcpServer, MCP_MAX_UPLOAD_BYTES } from "./server.js";
export type { McpToolInfo } from "./tools.js";
export { mcpToolCatalogue } from "./tools.js";
