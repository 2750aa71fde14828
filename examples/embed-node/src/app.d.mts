// Types of app.mjs (the example is plain JavaScript so that Node 20 runs it without a build step).
import type { Server } from "node:http";
import type { Gallery, UserRole } from "@vernissage/core";

/** Where the gallery is mounted. */
export declare const GALLERY_PATH: "/gallery";

/** Cookie of the app's TOY login. */
export declare const APP_USER_COOKIE: "app_user";

/** The app's users that get a Vernissage account, and its role. Any other app user is a guest in the gallery. */
export declare const GALLERY_ROLES: Readonly<Record<string, UserRole>>;

/** The app's logged-in user from a Cookie header, or null (TOY login: the cookie holds the bare name). */
export declare function appUserFromCookie(cookieHeader: string | null | undefined): string | null;

/** Options of {@link createEmbedApp}. */
export interface EmbedAppOptions {
  /** Folder of the gallery's database (`gallery.db`) and files (`files/`). */
  dataDir: string;
  /** Make thumbnails in the background in this process. @default true */
  jobs?: boolean;
  /** Level of the gallery's request log (pino). @default "info" */
  logLevel?: string;
}

/** The app, as {@link createEmbedApp} returns it. */
export interface EmbedApp {
  /** The app's server, not yet listening: call `server.listen(port)`. */
  server: Server;
  /** The embedded gallery. */
  gallery: Gallery;
  /** Stop the server (open connections too) and close the gallery. */
  close(): Promise<void>;
}

/**
 * Build the app: its own routes (`/`, `/account`, the toy `/app-login` and `/app-logout`) and the gallery
 * under `/gallery`. The app's user `alice` is an admin in the gallery; everyone else is a guest there.
 */
export declare function createEmbedApp(options: EmbedAppOptions): Promise<EmbedApp>;
