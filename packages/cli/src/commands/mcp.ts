import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { GalleryError } from "@vernissage/core";
import { createLinks } from "@vernissage/http-h3";
import { absoluteLinks, createMcpServer, MCP_MAX_UPLOAD_BYTES, type McpLinks } from "@vernissage/mcp";
import { type ArgsDef, type CommandDef, defineCommand } from "citty";
import { type ConsolaInstance, consola, createConsola } from "consola";
import type { CliIO } from "../commands.js";
import { VERSION } from "../commands.js";
import { CliError } from "../errors.js";
import { openGallery } from "../open-gallery.js";
import { galleryArgs, galleryLocation, positiveInt } from "./gallery-args.js";

/** The URL builders of a gallery served at `publicUrl` (origin and base path), or none. */
function publicLinks(publicUrl: string | undefined): McpLinks | undefined {
  if (publicUrl === undefined || publicUrl === "") return undefined;
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new CliError(
      `Invalid public URL "${publicUrl}": expected e.g. https://photos.example.org/gallery.`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new CliError(`Invalid public URL "${publicUrl}": use http:// or https://.`);
  return absoluteLinks(url.origin, createLinks(url.pathname.replace(/\/+$/, "")));
}

/**
 * `vernissage mcp`: serve the Model Context Protocol over stdin/stdout for one API token (an MCP client such as
 * Claude Desktop starts it). Every tool acts as the token's user, narrowed by its scopes; the token is checked
 * again on every call, so revoking it takes effect at once. Messages to the operator go to stderr only: stdout
 * carries the protocol.
 */
export function mcpCommand(io: CliIO): CommandDef<ArgsDef> {
  return defineCommand({
    meta: { name: "mcp", description: "Serve MCP (Model Context Protocol) over stdio for an API token" },
    args: {
      ...galleryArgs,
      token: {
        type: "string",
        description: "API token (vrn_…) the tools act as [env VERNISSAGE_TOKEN]",
        valueHint: "token",
      },
      "files-root": {
        type: "string",
        description:
          "Folder upload_photo may read local files from (nothing outside it) [env VERNISSAGE_MCP_FILES_ROOT, default: local paths refused]",
        valueHint: "dir",
      },
      "public-url": {
        type: "string",
        description:
          "Public URL of the gallery, for the page and media URLs tools return [env VERNISSAGE_PUBLIC_URL, default: no URLs]",
        valueHint: "url",
      },
      "max-upload-bytes": {
        type: "string",
        description: `Largest photo upload_photo accepts [default ${MCP_MAX_UPLOAD_BYTES}]`,
        valueHint: "n",
      },
    },
    async run({ args }) {
      // stdout is the protocol: nothing else may be written there.
      const log: ConsolaInstance =
        io.logger === consola ? createConsola({ stdout: process.stderr, stderr: process.stderr }) : io.logger;
      const token = args.token ?? io.env.VERNISSAGE_TOKEN;
      if (!token) throw new CliError("Give an API token with --token or VERNISSAGE_TOKEN.");
      const links = publicLinks(args["public-url"] ?? io.env.VERNISSAGE_PUBLIC_URL);
      const filesRoot = args["files-root"] ?? io.env.VERNISSAGE_MCP_FILES_ROOT;
      const maxUploadBytes =
        positiveInt("maximum upload size", args["max-upload-bytes"]) ?? MCP_MAX_UPLOAD_BYTES;
      const gallery = await openGallery({ ...galleryLocation(io, args), jobs: false });
      try {
        if (!(await gallery.tokens.resolve(token)))
          throw new CliError("The token is invalid, expired or revoked.");
        const server = createMcpServer({
          gallery,
          mode: "stdio",
          links,
          filesRoot: filesRoot || undefined,
          maxUploadBytes,
          version: VERSION,
          actor: async () => {
            const actor = await gallery.tokens.resolve(token);
            if (!actor)
              throw new GalleryError("UNAUTHENTICATED", {
                detail: "The token is invalid, expired or revoked.",
              });
            return actor;
          },
        });
        const transport = new StdioServerTransport(io.stdin, io.stdout, {
          // One message holds at most one base64 photo and a little JSON.
          maxBufferSize: Math.ceil(maxUploadBytes / 3) * 4 + 64 * 1024,
        });
        const closed = new Promise<string>((resolve) => {
          transport.onclose = () => resolve("closed");
          io.stdin.once("end", () => resolve("end of input"));
        });
        transport.onerror = (error) => log.warn(`MCP transport: ${error.message}`);
        await server.connect(transport);
        log.info(`Vernissage MCP server ready on stdio (${gallery.database.kind}).`);
        const why = await Promise.race([closed, io.untilShutdown()]);
        log.info(`MCP server stopping (${why}).`);
        await server.close();
      } finally {
        await gallery.close();
      }
    },
  }) as CommandDef<ArgsDef>;
}
