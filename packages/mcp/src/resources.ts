import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  ErrorCode,
  McpError,
  type ReadResourceResult,
  type Resource,
} from "@modelcontextprotocol/sdk/types.js";
import { type Actor, GalleryError, requireScope, type TokenScope } from "@vernissage/core";
import { toGalleryError } from "./errors.js";
import { albumOut, albumUri, photoOut, photoUri } from "./shapes.js";
import type { ToolContext } from "./tools.js";

/** JSON-RPC error code for a missing resource (MCP specification). */
export const RESOURCE_NOT_FOUND = -32002;

/** How many albums and photos `resources/list` names (the newest photos, the root albums). */
const LIST_LIMIT = 100;

const ID = /^[0-9a-z]{1,64}$/;

/** A resource error as a JSON-RPC error carrying the gallery's code (`data.code`), never internals. */
function resourceError(error: unknown, ctx: ToolContext): McpError {
  const e = toGalleryError(error, ctx.gallery.logger);
  const message = e.code === "INTERNAL" ? "An unexpected error occurred." : e.detail;
  const code =
    e.code === "NOT_FOUND"
      ? RESOURCE_NOT_FOUND
      : e.status >= 500
        ? ErrorCode.InternalError
        : ErrorCode.InvalidRequest;
  return new McpError(code, message, { code: e.code, status: e.status });
}

/** Whether a token may read with `scope` (listings quietly leave out what it may not read). */
function mayRead(actor: Actor, scope: TokenScope): boolean {
  try {
    requireScope(actor, scope);
    return true;
  } catch {
    return false;
  }
}

/**
 * Register the album and photo resources: `vernissage://albums/{id}` and `vernissage://photos/{id}` templates,
 * listed (root albums, newest photos the actor may see) and read as JSON. Reads go through the same core
 * services and scope checks as the tools, so a resource never shows what `get_album` / `get_photo` would not.
 */
export function registerResources(server: McpServer, ctx: ToolContext, getActor: () => Promise<Actor>): void {
  const read = async (
    uri: URL,
    id: unknown,
    scope: TokenScope,
    load: (actor: Actor, id: string) => Promise<unknown>,
  ): Promise<ReadResourceResult> => {
    try {
      if (typeof id !== "string" || !ID.test(id)) throw new GalleryError("NOT_FOUND");
      const actor = await getActor();
      requireScope(actor, scope);
      const value = await load(actor, id);
      return { contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(value) }] };
    } catch (error) {
      throw resourceError(error, ctx);
    }
  };

  server.registerResource(
    "album",
    new ResourceTemplate("vernissage://albums/{id}", {
      list: async () => {
        try {
          const actor = await getActor();
          if (!mayRead(actor, "albums:read")) return { resources: [] };
          const page = await ctx.gallery.albums.list(actor, { parentId: null, limit: LIST_LIMIT });
          const resources: Resource[] = page.items.map((a) => ({
            uri: albumUri(a.id),
            name: a.name,
            description: a.description || undefined,
            mimeType: "application/json",
          }));
          return { resources };
        } catch (error) {
          throw resourceError(error, ctx);
        }
      },
    }),
    {
      title: "Album",
      description: "An album the caller may view, as JSON (root albums are listed).",
      mimeType: "application/json",
    },
    (uri, { id }) =>
      read(uri, id, "albums:read", async (actor, albumId) =>
        albumOut(ctx.links, await ctx.gallery.albums.get(actor, albumId)),
      ),
  );

  server.registerResource(
    "photo",
    new ResourceTemplate("vernissage://photos/{id}", {
      list: async () => {
        try {
          const actor = await getActor();
          if (!mayRead(actor, "photos:read")) return { resources: [] };
          const page = await ctx.gallery.photos.list(actor, { limit: LIST_LIMIT });
          const resources: Resource[] = page.items.map((p) => ({
            uri: photoUri(p.id),
            name: p.title || p.originalFilename,
            mimeType: "application/json",
          }));
          return { resources };
        } catch (error) {
          throw resourceError(error, ctx);
        }
      },
    }),
    {
      title: "Photo",
      description: "A photo the caller may see, as JSON with its sizes' URLs (the newest photos are listed).",
      mimeType: "application/json",
    },
    (uri, { id }) =>
      read(uri, id, "photos:read", async (actor, photoId) =>
        photoOut(ctx.gallery, ctx.links, await ctx.gallery.photos.get(actor, photoId)),
      ),
  );
}
