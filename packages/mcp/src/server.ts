import { resolve } from "node:path";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type Actor, type Gallery, requireScope } from "@vernissage/core";
import { z } from "zod";
import { toolError } from "./errors.js";
import type { McpLinks } from "./links.js";
import { registerResources } from "./resources.js";
import { buildTools, type ToolContext, type ToolSpec } from "./tools.js";

/** Options of {@link createMcpServer}. */
export interface CreateMcpServerOptions {
  /** The gallery whose services the tools call. */
  gallery: Gallery;
  /**
   * Who is asking: every tool and resource calls the core services as this actor, so the core's permission
   * rules apply, and a token's scopes are checked per tool. A function is called on every tool call and read
   * (stdio resolves its token each time, so a revoked token stops working at once).
   */
  actor: Actor | (() => Actor | Promise<Actor>);
  /** How the server is reached: `stdio` also accepts local file paths for uploads (see `filesRoot`). */
  mode: "http" | "stdio";
  /** URL builders for the URLs tools return. @default none: URLs are left out */
  links?: McpLinks | undefined;
  /**
   * stdio only: the folder `upload_photo` may read local files from (symbolic links are resolved and must stay
   * inside it). @default none: local paths are refused
   */
  filesRoot?: string | undefined;
  /** Largest photo `upload_photo` accepts, in bytes (after base64 decoding). @default 25 MiB */
  maxUploadBytes?: number | undefined;
  /** Version reported to clients. @default "0.0.0" */
  version?: string | undefined;
}

/** Default largest upload through MCP (base64 makes a request a third larger than the file). */
export const MCP_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

const INSTRUCTIONS =
  "Vernissage photo gallery. Albums form a tree; a photo may be in several albums. Every tool acts as the " +
  "caller and only ever shows what the caller may see. Lists are paginated: pass `nextCursor` back as " +
  "`cursor`. Errors come back as tool errors whose text is the JSON { error: { code, detail, retryable } } " +
  "with stable codes (NOT_FOUND, FORBIDDEN, INSUFFICIENT_SCOPE, VALIDATION_FAILED…).";

/**
 * Build an MCP server whose tools and resources call the gallery's core services as `actor`. Connect it to a
 * transport: `StdioServerTransport` (the `vernissage mcp` command) or a stateless
 * `WebStandardStreamableHTTPServerTransport` per request (`/mcp` in `@vernissage/http-h3`).
 *
 * Permission checks all stay in core; each tool also requires of an API token the scope the REST route of the
 * same action requires (`photos:read`, `albums:write`…, checked by core's `requireScope`), answering a tool
 * error with code `INSUFFICIENT_SCOPE` otherwise.
 *
 * @example
 * const server = createMcpServer({ gallery, actor: await gallery.tokens.resolve(secret), mode: "stdio" });
 * await server.connect(new StdioServerTransport());
 */
export function createMcpServer(options: CreateMcpServerOptions): McpServer {
  const { gallery } = options;
  const getActor = async (): Promise<Actor> =>
    typeof options.actor === "function" ? await options.actor() : options.actor;
  const ctx: ToolContext = {
    gallery,
    links: options.links,
    mode: options.mode,
    filesRoot:
      options.mode === "stdio" && options.filesRoot !== undefined ? resolve(options.filesRoot) : undefined,
    maxUploadBytes: options.maxUploadBytes ?? MCP_MAX_UPLOAD_BYTES,
  };
  const server = new McpServer(
    { name: "vernissage", title: gallery.title, version: options.version ?? "0.0.0" },
    {
      capabilities: { tools: {}, resources: {} },
      instructions: INSTRUCTIONS,
      // Bounds the work of validating arguments (photo id lists are at most 100 long anyway).
      maxToolInputElements: 1000,
    },
  );
  for (const spec of buildTools()) registerTool(server, spec, ctx, getActor);
  registerResources(server, ctx, getActor);
  return server;
}

function registerTool(
  server: McpServer,
  spec: ToolSpec,
  ctx: ToolContext,
  getActor: () => Promise<Actor>,
): void {
  const handler = async (args: Record<string, unknown>): Promise<CallToolResult> => {
    try {
      const actor = await getActor();
      requireScope(actor, spec.scope);
      const result = await spec.run(args as never, actor, ctx);
      return { content: [{ type: "text", text: JSON.stringify(result) }], structuredContent: result };
    } catch (error) {
      return toolError(error, ctx.gallery.logger);
    }
  };
  server.registerTool(
    spec.name,
    {
      title: spec.title,
      description: `${spec.description} API tokens need the \`${spec.scope}\` scope.`,
      inputSchema: z.object(spec.input).strict(),
      ...(spec.output ? { outputSchema: spec.output } : {}),
      annotations: { title: spec.title, ...spec.annotations },
    },
    handler as never,
  );
}
