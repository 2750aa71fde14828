import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { type Actor, type Gallery, GalleryError } from "@vernissage/core";
import { absoluteLinks, createMcpServer, MCP_MAX_UPLOAD_BYTES, mcpToolCatalogue } from "@vernissage/mcp";
import type { H3, H3Event } from "h3";
import type { Links } from "./links.js";
import type { RateClass } from "./route.js";
import type { Wrap } from "./session.js";

/** Options of the MCP endpoint (`GalleryAppOptions.mcp`). */
export interface McpEndpointOptions {
  /** Serve `/mcp`. @default true */
  enabled?: boolean;
  /**
   * Browser origins allowed to call `/mcp` (DNS-rebinding defence of the MCP specification): a request with an
   * `Origin` header not listed here is refused with `403 CSRF_REJECTED`. Clients that are not browsers send no
   * `Origin` and are not affected. @default none
   */
  allowedOrigins?: string[];
  /**
   * Origin put in front of the URLs tools return (pages, media, share links), e.g. the public URL behind a
   * proxy. @default the request's own origin
   */
  publicUrl?: string;
  /** Largest photo `upload_photo` accepts, in bytes after base64 decoding. @default 25 MiB */
  maxUploadBytes?: number;
}

/** Dependencies of {@link mountMcp}. */
export interface McpEndpointDeps {
  app: H3;
  base: string;
  gallery: Gallery;
  links: Links;
  wrap: Wrap;
  options?: McpEndpointOptions | undefined;
  version?: string | undefined;
  /**
   * The app's rate limiter: each JSON-RPC message counts in the class of what it does (`search_photos` as
   * `search`, other read-only tools and listings as `read`, `upload_photo` as `upload`, other tools as `write`).
   */
  rateLimit?: (event: H3Event, actor: Actor, rateClass: RateClass, headers: Headers) => Promise<void>;
}

const TOOL_CLASSES: ReadonlyMap<string, RateClass> = new Map(
  mcpToolCatalogue().map((t) => [
    t.name,
    t.name === "search_photos"
      ? "search"
      : t.name === "upload_photo"
        ? "upload"
        : t.annotations.readOnlyHint
          ? "read"
          : "write",
  ]),
);

/** Rate class of one JSON-RPC message. */
function rateClassOf(message: unknown): RateClass {
  if (typeof message !== "object" || message === null) return "read";
  const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
  if (method !== "tools/call") return "read";
  // An unknown tool costs as much as a write: it is refused, but only after the work of parsing it.
  return (typeof params?.name === "string" && TOOL_CLASSES.get(params.name)) || "write";
}

const JSONRPC_PARSE_ERROR = { jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null };

/**
 * Mount the MCP server at `<base>/mcp` (Streamable HTTP, stateless: no session id, any process answers any
 * request). Only bearer API tokens are accepted (a cookie session or a guest gets `401` with
 * `WWW-Authenticate: Bearer`): the token's user is the actor of every tool, narrowed by its scopes. Browser
 * origins must be listed in `allowedOrigins`. Answers are JSON (no SSE stream); `GET` and `DELETE` get `405`.
 */
export function mountMcp(deps: McpEndpointDeps): void {
  const { app, base, gallery, links, wrap, options = {} } = deps;
  if (options.enabled === false) return;
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const maxUploadBytes = options.maxUploadBytes ?? MCP_MAX_UPLOAD_BYTES;
  // base64 is 4/3 of the bytes; the rest of a message is small.
  const maxBodyBytes = Math.ceil(maxUploadBytes / 3) * 4 + 64 * 1024;

  app.all(
    `${base}/mcp`,
    wrap("api", async (event, identity, _requestId, headers) => {
      const request = event.req;
      const origin = request.headers.get("origin");
      if (origin !== null && !allowedOrigins.has(origin))
        throw new GalleryError("CSRF_REJECTED", { detail: "This origin may not call /mcp." });
      headers.set("cache-control", "no-store");
      if (identity.actor.kind !== "token" || identity.viaCookie) {
        headers.set("www-authenticate", 'Bearer realm="vernissage", error="invalid_token"');
        throw new GalleryError("UNAUTHENTICATED", {
          detail: "/mcp needs an API token: send it as Authorization: Bearer <token>.",
        });
      }
      const actor = identity.actor;
      if (request.method !== "POST") {
        // Stateless: no server-initiated stream to open (GET) and no session to end (DELETE).
        headers.set("allow", "POST");
        headers.set("content-type", "application/json");
        return new Response(
          JSON.stringify({
            jsonrpc: "2.0",
            error: { code: -32000, message: "Method not allowed." },
            id: null,
          }),
          { status: 405, headers },
        );
      }
      const declared = Number(request.headers.get("content-length") ?? "0");
      if (declared > maxBodyBytes)
        throw new GalleryError("PAYLOAD_TOO_LARGE", { data: { maxBytes: maxBodyBytes } });
      const text = await readLimited(request, maxBodyBytes);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        headers.set("content-type", "application/json");
        return new Response(JSON.stringify(JSONRPC_PARSE_ERROR), { status: 400, headers });
      }
      if (deps.rateLimit) {
        for (const message of Array.isArray(body) ? body : [body])
          await deps.rateLimit(event, actor, rateClassOf(message), headers);
      }
      const server = createMcpServer({
        gallery,
        actor,
        mode: "http",
        links: absoluteLinks(options.publicUrl ?? event.url.origin, links),
        maxUploadBytes,
        version: deps.version,
      });
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      await server.connect(transport);
      try {
        const response = await transport.handleRequest(request, { parsedBody: body });
        // JSON answers are complete here, so the per-request server can go.
        const text = response.body === null ? null : await response.text();
        const merged = new Headers(response.headers);
        headers.forEach((value, key) => {
          if (!merged.has(key)) merged.set(key, value);
        });
        return new Response(text, { status: response.status, headers: merged });
      } finally {
        await server.close();
      }
    }),
  );
}

/** The body as text, refusing with `PAYLOAD_TOO_LARGE` once more than `max` bytes arrive. */
async function readLimited(request: Request, max: number): Promise<string> {
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new GalleryError("PAYLOAD_TOO_LARGE", { data: { maxBytes: max } });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
