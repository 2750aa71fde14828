import type { AddressInfo } from "node:net";
import type { Gallery } from "@vernissage/core";
import { createGalleryApp, type GalleryAppOptions } from "@vernissage/http-h3";
import { serve } from "h3";
import pino from "pino";
import { CliError } from "./errors.js";
import { type OpenGalleryOptions, openGallery } from "./open-gallery.js";
import { addUser } from "./users.js";

/** Username of the owner created on first start from `VERNISSAGE_ADMIN_PASSWORD`. */
export const FIRST_ADMIN_USERNAME = "admin";

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Data directory (database and files). @default "./data" */
  dataDir?: string;
  /** Database URL (`postgres://…`, or a SQLite path); see {@link OpenGalleryOptions.databaseUrl}. */
  databaseUrl?: string | undefined;
  /** Storage URL (`s3://bucket/prefix?…`, or a folder); see {@link OpenGalleryOptions.storageUrl}. */
  storageUrl?: string | undefined;
  /** Further `createGallery` options (job lease, derivatives…). */
  gallery?: OpenGalleryOptions["gallery"];
  /** TCP port; `0` picks a free one (read it back from `port`/`url`). @default 3000 */
  port?: number;
  /** Interface to listen on. `0.0.0.0` exposes the gallery to the network. @default "127.0.0.1" */
  host?: string;
  /** Path the gallery is served under, e.g. `/photos`. @default "" */
  basePath?: string;
  /** Process background jobs (derivatives) in this process; turn off when separate workers run them. @default true */
  jobs?: boolean;
  /** Gallery title. @default "Vernissage" */
  title?: string;
  /**
   * Password of the owner `admin` created when the gallery has no user yet. Never logged. Pass `undefined`
   * explicitly to ignore the environment.
   * @default process.env.VERNISSAGE_ADMIN_PASSWORD
   */
  adminPassword?: string | undefined;
  /** Write one JSON line per request to stdout. @default true */
  requestLog?: boolean;
  /** Further options of `createGalleryApp` (theme, allowed origins, upload limit…). */
  app?: Omit<GalleryAppOptions, "basePath">;
}

/** A running server, as {@link startServer} returns it. */
export interface RunningServer {
  /** URL of the gallery home page, base path included, e.g. `http://127.0.0.1:3000/`. */
  url: string;
  /** The port actually listened on (useful with `port: 0`). */
  port: number;
  /** The open gallery (closed by `close()`). */
  gallery: Gallery;
  /** True when this start created the owner `admin` from the admin password. */
  adminCreated: boolean;
  /** True when the gallery has no user at all (nobody can log in yet). */
  needsUser: boolean;
  /** Stop accepting requests, close open connections, stop jobs and close the gallery. Safe to call twice. */
  close(): Promise<void>;
}

function formatHost(host: string): string {
  // A wildcard address is not something to type in a browser.
  if (host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Open the gallery of a data directory and serve it over HTTP (the `vernissage serve` command without the
 * terminal output). On a gallery without users, creates the owner `admin` when an admin password is given.
 *
 * @example
 * const server = await startServer({ dataDir: "./data", port: 0 });
 * console.log(`Gallery at ${server.url}`);
 * // later
 * await server.close();
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new RangeError("port must be an integer from 0 to 65535.");
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");
  const gallery = await openGallery({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.title === undefined ? {} : { title: options.title }),
    databaseUrl: options.databaseUrl,
    storageUrl: options.storageUrl,
    ...(options.gallery === undefined ? {} : { gallery: options.gallery }),
    jobs: options.jobs ?? true,
  });
  try {
    let adminCreated = false;
    let users = await gallery.users.count();
    const adminPassword =
      "adminPassword" in options ? options.adminPassword : process.env.VERNISSAGE_ADMIN_PASSWORD;
    if (users === 0 && adminPassword) {
      await addUser(gallery, { username: FIRST_ADMIN_USERNAME, password: adminPassword, role: "owner" });
      adminCreated = true;
      users = 1;
    }

    const app = createGalleryApp(gallery, {
      ...options.app,
      basePath,
      ...(options.requestLog === false ? { logger: pino({ level: "silent" }) } : {}),
    });
    // Signals are handled by the caller (the CLI closes the gallery too), not by srvx.
    const server = serve(app, { port, hostname: host, silent: true, gracefulShutdown: false });
    await server.ready().catch((error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      throw new CliError(
        `Cannot listen on ${formatHost(host)}:${port}: ${typeof code === "string" ? code : String(error)}`,
        {
          cause: error,
        },
      );
    });
    const address = server.node?.server?.address() as AddressInfo | null | undefined;
    const actualPort = address?.port ?? port;

    let closing: Promise<void> | undefined;
    return {
      url: `http://${formatHost(host)}:${actualPort}${basePath}/`,
      port: actualPort,
      gallery,
      adminCreated,
      needsUser: users === 0,
      close() {
        closing ??= (async () => {
          try {
            await server.close(true);
          } finally {
            await gallery.close();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await gallery.close();
    throw error;
  }
}
