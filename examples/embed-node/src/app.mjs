// An existing node:http app ("Acme intranet") with its own pages and its own login, which mounts a Vernissage
// gallery under /gallery and tells the gallery who its logged-in user is.
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import { createGallery, SYSTEM } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { createGalleryApp } from "@vernissage/http-h3";
import { fsStorage } from "@vernissage/storage-fs";
import { toNodeHandler } from "h3/node";
import pino from "pino";

/** Where the gallery is mounted. */
export const GALLERY_PATH = "/gallery";

/** Cookie of the app's TOY login. */
export const APP_USER_COOKIE = "app_user";

/**
 * The app's users that get a Vernissage account, and its role. Any other app user is a guest in the gallery.
 * @type {Readonly<Record<string, import("@vernissage/core").UserRole>>}
 */
export const GALLERY_ROLES = Object.freeze({ alice: "admin" });

const USERNAME = /^[a-z][a-z0-9]{0,31}$/;

/**
 * The app's logged-in user from a Cookie header, or null.
 *
 * TOY LOGIN, for the example only: the cookie holds the bare user name, so anyone can claim to be anyone.
 * A real app reads its own signed session here.
 *
 * @param {string | null | undefined} cookieHeader
 * @returns {string | null}
 */
export function appUserFromCookie(cookieHeader) {
  for (const part of (cookieHeader ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name !== APP_USER_COOKIE) continue;
    const value = rest.join("=");
    return USERNAME.test(value) ? value : null;
  }
  return null;
}

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {string} title
 * @param {string} body HTML, already escaped
 */
function sendPage(res, status, title, body) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
      `<body><nav><a href="/">Home</a> · <a href="/account">Account</a> · <a href="${GALLERY_PATH}/">Photos</a></nav>` +
      `<h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  );
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {string} location
 * @param {string} [cookie] a Set-Cookie value
 */
function redirect(res, location, cookie) {
  res.writeHead(303, { location, ...(cookie ? { "set-cookie": cookie } : {}) });
  res.end();
}

/**
 * @typedef {object} EmbedAppOptions
 * @property {string} dataDir Folder of the gallery's database (`gallery.db`) and files (`files/`).
 * @property {boolean} [jobs] Make thumbnails in the background in this process. Default `true`.
 * @property {string} [logLevel] Level of the gallery's request log (pino). Default `"info"`.
 */

/**
 * @typedef {object} EmbedApp
 * @property {import("node:http").Server} server The app's server, not yet listening: call `server.listen(port)`.
 * @property {import("@vernissage/core").Gallery} gallery The embedded gallery.
 * @property {() => Promise<void>} close Stop the server (open connections too) and close the gallery.
 */

/**
 * Build the app: its own routes (`/`, `/account`, the toy `/app-login` and `/app-logout`) and the gallery
 * under `/gallery`. The app's user `alice` is an admin in the gallery; everyone else is a guest there.
 *
 * @param {EmbedAppOptions} options
 * @returns {Promise<EmbedApp>}
 * @example
 * const { server } = await createEmbedApp({ dataDir: "./data" });
 * server.listen(3001);
 */
export async function createEmbedApp(options) {
  const dataDir = resolve(options.dataDir);
  const gallery = await createGallery({
    database: sqliteDatabase({ filename: join(dataDir, "gallery.db") }),
    storage: fsStorage({ root: join(dataDir, "files") }),
    title: "Acme photos",
    jobs: { run: options.jobs ?? true },
  });

  // Each mapped app user gets a Vernissage account, made on first start. It has no password: these users
  // sign in through the app, never through the gallery's own login.
  /** @type {Map<string, import("@vernissage/core").UserActor>} */
  const actors = new Map();
  try {
    for (const [username, role] of Object.entries(GALLERY_ROLES)) {
      const user =
        (await gallery.users.findByUsername(SYSTEM, username)) ??
        (await gallery.users.create(SYSTEM, { username, role }));
      actors.set(username, {
        kind: "user",
        userId: user.id,
        role: user.role,
        privacyLevel: /** @type {import("@vernissage/core").PrivacyLevel} */ (user.privacyLevel),
        groupIds: [],
      });
    }
  } catch (error) {
    await gallery.close();
    throw error;
  }

  const galleryApp = createGalleryApp(gallery, {
    basePath: GALLERY_PATH,
    logger: pino({ level: options.logLevel ?? "info" }),
    // Called for requests without a Vernissage session: the app's own user decides who is asking.
    resolveActor: (request) => {
      const name = appUserFromCookie(request.headers.get("cookie"));
      return name ? (actors.get(name) ?? null) : null;
    },
  });
  const galleryHandler = toNodeHandler(galleryApp);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://app.invalid");
    const path = url.pathname;
    if (path === GALLERY_PATH || path.startsWith(`${GALLERY_PATH}/`)) {
      Promise.resolve(galleryHandler(req, res)).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" });
      res.end();
      return;
    }
    const user = appUserFromCookie(req.headers.cookie);
    switch (path) {
      case "/":
        sendPage(
          res,
          200,
          "Acme intranet",
          `<p>Welcome${user ? `, ${escapeHtml(user)}` : ""}. Our photos are in <a href="${GALLERY_PATH}/">the gallery</a>.</p>` +
            (user ? "" : '<p><a href="/app-login?user=alice">Sign in as alice</a> (toy login)</p>'),
        );
        return;
      case "/account":
        sendPage(
          res,
          200,
          "Account",
          user
            ? `<p>Signed in as <strong>${escapeHtml(user)}</strong>` +
                `${actors.has(user) ? ` (${escapeHtml(GALLERY_ROLES[user] ?? "")} in the gallery)` : " (guest in the gallery)"}.</p>` +
                '<p><a href="/app-logout">Sign out</a></p>'
            : '<p>Not signed in. <a href="/app-login?user=alice">Sign in as alice</a> (toy login)</p>',
        );
        return;
      case "/app-login": {
        // TOY LOGIN: no password, the cookie is not signed. Never do this in a real app.
        const name = url.searchParams.get("user") ?? "";
        if (!USERNAME.test(name)) {
          sendPage(res, 400, "Sign in", "<p>Give a user name: /app-login?user=alice</p>");
          return;
        }
        redirect(res, "/account", `${APP_USER_COOKIE}=${name}; Path=/; HttpOnly; SameSite=Lax`);
        return;
      }
      case "/app-logout":
        redirect(res, "/", `${APP_USER_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
        return;
      default:
        sendPage(res, 404, "Not found", "<p>No such page.</p>");
    }
  });

  let closing;
  return {
    server,
    gallery,
    close() {
      closing ??= (async () => {
        await new Promise((done) => {
          server.close(() => done(undefined));
          server.closeAllConnections();
        });
        await gallery.close();
      })();
      return closing;
    },
  };
}
