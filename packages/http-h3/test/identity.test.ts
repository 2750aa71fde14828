import { definePlugin, type Plugin, TOKEN_SCOPES } from "@vernissage/core";
import { afterEach, describe, expect, it } from "vitest";
import { listApiRoutes } from "../src/app.js";
import { makeJpeg, ORIGIN, setup } from "./helpers.js";

type Env = Awaited<ReturnType<typeof setup>>;
const envs: Env[] = [];
afterEach(async () => {
  while (envs.length) await envs.pop()?.close();
});
async function open(options: Parameters<typeof setup>[0] = {}) {
  const env = await setup(options);
  envs.push(env);
  return env;
}

const json = { "content-type": "application/json" };

async function call(
  env: Env,
  method: string,
  path: string,
  opts: { cookie?: string; bearer?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(opts.body !== undefined ? json : {}), ...opts.headers };
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const res = await env.request(path, {
    method,
    cookie: opts.cookie,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many shapes, checked field by field
  return { res, status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

describe("route table", () => {
  it("declares a known scope on every route, and OpenAPI shows it as x-required-scope", async () => {
    const allowed = new Set<string>(["public", "user", "session", ...TOKEN_SCOPES]);
    const routes = listApiRoutes();
    const missing = routes.filter((r) => !allowed.has(r.scope)).map((r) => r.operationId);
    expect(missing).toEqual([]);
    const env = await open();
    const doc = (await call(env, "GET", "/api/v1/openapi.json")).body as {
      paths: Record<string, Record<string, { operationId: string; "x-required-scope"?: string }>>;
    };
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
    for (const op of ops) expect(allowed.has(op["x-required-scope"] ?? ""), op.operationId).toBe(true);
    for (const id of [
      "login",
      "logout",
      "getSession",
      "getMe",
      "updateMe",
      "listUsers",
      "createUser",
      "updateUser",
      "deleteUser",
      "listGroups",
      "createGroup",
      "updateGroup",
      "deleteGroup",
      "addGroupMembers",
      "removeGroupMembers",
      "listAlbumGrants",
      "grantAlbumAccess",
      "revokeAlbumAccess",
      "listApiTokens",
      "createApiToken",
      "revokeApiToken",
      "listShareLinks",
      "createShareLink",
      "updateShareLink",
      "revokeShareLink",
      "unlockShareLink",
      "listActivity",
    ]) {
      expect(
        ops.some((op) => op.operationId === id),
        id,
      ).toBe(true);
    }
  });
});

describe("sessions and login attacks", () => {
  it("rotates the session on login (no fixation), logs out everywhere, and rejects CSRF without Origin", async () => {
    const env = await open();
    const first = await env.login();
    const second = await env.login();
    const fixated = await call(env, "POST", "/api/v1/auth/login", {
      cookie: first,
      body: { username: "admin", password: "correct horse battery" },
    });
    expect(fixated.status).toBe(200);
    // The session the client came with is gone.
    expect((await call(env, "GET", "/api/v1/auth/session", { cookie: first })).body?.authenticated).toBe(
      false,
    );
    expect((await call(env, "GET", "/api/v1/auth/session", { cookie: second })).body?.authenticated).toBe(
      true,
    );

    // CSRF: a cookie write with no Origin and no Sec-Fetch-Site is refused; a cross-site one too.
    const noOrigin = await env.app.fetch(
      new Request(`${ORIGIN}/api/v1/groups`, {
        method: "POST",
        headers: { cookie: second, ...json },
        body: JSON.stringify({ name: "x" }),
      }),
    );
    expect(noOrigin.status).toBe(403);
    expect(((await noOrigin.json()) as { code: string }).code).toBe("CSRF_REJECTED");
    const crossSite = await call(env, "POST", "/api/v1/groups", {
      cookie: second,
      body: { name: "x" },
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.body?.code).toBe("CSRF_REJECTED");

    const everywhere = await call(env, "POST", "/api/v1/auth/logout?everywhere=true", { cookie: second });
    expect(everywhere.status).toBe(204);
    const third = fixated.res.headers.get("set-cookie")?.split(";")[0] ?? "";
    expect((await call(env, "GET", "/api/v1/auth/session", { cookie: third })).body?.authenticated).toBe(
      false,
    );
  });

  it("answers 429 with Retry-After to brute force, the same as for unknown users until then", async () => {
    const env = await open();
    const unknown = await call(env, "POST", "/api/v1/auth/login", {
      body: { username: "ghost", password: "x" },
    });
    const wrong = await call(env, "POST", "/api/v1/auth/login", {
      body: { username: "admin", password: "x" },
    });
    expect([unknown.status, unknown.body?.code]).toEqual([401, "INVALID_CREDENTIALS"]);
    expect([wrong.status, wrong.body?.code]).toEqual([401, "INVALID_CREDENTIALS"]);
    expect(unknown.body?.detail).toBe(wrong.body?.detail);
    let last = wrong;
    for (let i = 0; i < 6 && last.status !== 429; i++) {
      last = await call(env, "POST", "/api/v1/auth/login", {
        body: { username: "admin", password: `x${i}` },
      });
    }
    expect(last.status).toBe(429);
    expect(last.body?.code).toBe("RATE_LIMITED");
    expect(Number(last.res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Even the right password waits out the lock.
    const right = await call(env, "POST", "/api/v1/auth/login", {
      body: { username: "admin", password: "correct horse battery" },
    });
    expect(right.status).toBe(429);
  });
});

describe("users, groups and grants over HTTP", () => {
  it("lets admins manage users and groups and managers grant access", async () => {
    const env = await open();
    const admin = await env.login();
    const created = await call(env, "POST", "/api/v1/users", {
      cookie: admin,
      body: { username: "dora", password: "dora-pass-1", privacyLevel: 2 },
    });
    expect(created.status).toBe(201);
    const dora = created.body?.id as string;
    const group = await call(env, "POST", "/api/v1/groups", { cookie: admin, body: { name: "Family" } });
    const groupId = group.body?.id as string;
    expect(
      (
        await call(env, "POST", `/api/v1/groups/${groupId}/members`, {
          cookie: admin,
          body: { userIds: [dora] },
        })
      ).body?.memberCount,
    ).toBe(1);
    const album = await env.createAlbum(admin, { name: "Private", visibility: "private" });
    const albumId = album.json.id as string;
    const grant = await call(env, "POST", `/api/v1/albums/${albumId}/grants`, {
      cookie: admin,
      body: { groupId, role: "viewer" },
    });
    expect(grant.status).toBe(201);

    const member = await env.login("dora", "dora-pass-1");
    expect((await call(env, "GET", `/api/v1/albums/${albumId}`, { cookie: member })).status).toBe(200);
    expect((await call(env, "GET", "/api/v1/users", { cookie: member })).body?.code).toBe("FORBIDDEN");
    expect((await call(env, "GET", "/api/v1/me", { cookie: member })).body?.username).toBe("dora");

    const listed = await call(env, "GET", `/api/v1/albums/${albumId}/grants`, { cookie: admin });
    expect(listed.body?.items).toHaveLength(1);
    await call(env, "DELETE", `/api/v1/albums/${albumId}/grants/${grant.body?.id}`, { cookie: admin });
    expect((await call(env, "GET", `/api/v1/albums/${albumId}`, { cookie: member })).status).toBe(404);

    // A level change ends dora's sessions.
    await call(env, "PATCH", `/api/v1/users/${dora}`, { cookie: admin, body: { privacyLevel: 4 } });
    expect((await call(env, "GET", "/api/v1/me", { cookie: member })).status).toBe(401);

    const activity = await call(env, "GET", "/api/v1/activity?action=grant.create", { cookie: admin });
    expect(activity.body?.items).toHaveLength(1);
    expect((await call(env, "DELETE", `/api/v1/users/${dora}`, { cookie: admin })).status).toBe(204);
  });
});

describe("API tokens over HTTP", () => {
  it("authenticates with Bearer only, enforces the route scope, and never widens itself", async () => {
    const env = await open();
    const admin = await env.login();
    const album = await env.createAlbum(admin, { name: "Open" });
    const created = await call(env, "POST", "/api/v1/tokens", {
      cookie: admin,
      body: { name: "reader", scopes: ["albums:read", "photos:read"] },
    });
    expect(created.status).toBe(201);
    const secret = created.body?.secret as string;
    expect(created.body?.token.prefix).toBe(secret.split(".")[0]);

    expect((await call(env, "GET", `/api/v1/albums/${album.json.id}`, { bearer: secret })).status).toBe(200);
    // The route's scope is enforced on tokens, with no CSRF check (no ambient credentials).
    const write = await call(env, "POST", "/api/v1/albums", { bearer: secret, body: { name: "nope" } });
    expect([write.status, write.body?.code]).toEqual([403, "INSUFFICIENT_SCOPE"]);
    expect((await call(env, "GET", "/api/v1/users", { bearer: secret })).body?.code).toBe(
      "INSUFFICIENT_SCOPE",
    );
    expect(
      (await call(env, "PATCH", "/api/v1/me", { bearer: secret, body: { displayName: "x" } })).body?.code,
    ).toBe("INSUFFICIENT_SCOPE");
    // A token trying to raise its own scopes.
    const raise = await call(env, "POST", "/api/v1/tokens", {
      bearer: secret,
      body: { name: "wider", scopes: ["admin"] },
    });
    expect(raise.body?.code).toBe("INSUFFICIENT_SCOPE");
    // Never from a query parameter; an invalid bearer is refused, not downgraded to a guest.
    const viaQuery = await call(env, "GET", `/api/v1/users?access_token=${secret}&token=${secret}`);
    expect(viaQuery.status).toBe(401);
    expect((await call(env, "GET", "/api/v1/albums", { bearer: `${secret}x` })).status).toBe(401);

    const id = created.body?.token.id as string;
    expect((await call(env, "DELETE", `/api/v1/tokens/${id}`, { cookie: admin })).status).toBe(204);
    expect((await call(env, "GET", "/api/v1/albums", { bearer: secret })).status).toBe(401);
    const listed = await call(env, "GET", "/api/v1/tokens", { cookie: admin });
    expect(listed.body?.items[0].revokedAt).toEqual(expect.any(String));
    expect(JSON.stringify(listed.body)).not.toContain(secret.split(".")[1]);
  });
});

describe("share links over HTTP", () => {
  it("unlocks by POST only, scopes the share session, and revocation stops media URLs", async () => {
    const env = await open();
    const admin = await env.login();
    const album = await env.createAlbum(admin, { name: "Trip", visibility: "private" });
    const albumId = album.json.id as string;
    const { json: uploaded } = await env.upload(admin, albumId, await makeJpeg(64, 48));
    const photo = uploaded.photo as { id: string; derivatives: Record<string, { url: string }> };
    const thumb = photo.derivatives.thumb?.url as string;
    expect((await env.request(thumb)).status).toBe(404);

    const created = await call(env, "POST", "/api/v1/shares", {
      cookie: admin,
      body: { albumId, password: "let me in" },
    });
    expect(created.status).toBe(201);
    const token = created.body?.token as string;
    expect(created.body?.url).toBe(`${ORIGIN}/s/${token}`);

    // A password in the URL is not accepted.
    const inUrl = await call(
      env,
      "POST",
      `/api/v1/share-sessions?password=${encodeURIComponent("let me in")}`,
      {
        body: { token },
      },
    );
    expect(inUrl.status).toBe(401);
    const wrong = await call(env, "POST", "/api/v1/share-sessions", { body: { token, password: "nope" } });
    expect(wrong.body?.code).toBe("INVALID_CREDENTIALS");
    const unlocked = await call(env, "POST", "/api/v1/share-sessions", {
      body: { token, password: "let me in" },
    });
    expect(unlocked.status).toBe(201);
    const share = unlocked.res.headers.get("set-cookie")?.split(";")[0] ?? "";
    expect(share.startsWith("vernissage_share=")).toBe(true);

    expect((await call(env, "GET", `/api/v1/photos/${photo.id}`, { cookie: share })).status).toBe(200);
    expect((await env.request(thumb, { cookie: share })).status).toBe(200);
    // The share session is scoped to the link: nothing else, no writes.
    const other = await env.createAlbum(admin, { name: "Else", visibility: "private" });
    expect((await call(env, "GET", `/api/v1/albums/${other.json.id}`, { cookie: share })).status).toBe(404);

    const shareId = created.body?.share.id as string;
    expect((await call(env, "DELETE", `/api/v1/shares/${shareId}`, { cookie: admin })).status).toBe(204);
    expect((await env.request(thumb, { cookie: share })).status).toBe(404);
    expect((await call(env, "GET", `/api/v1/photos/${photo.id}`, { cookie: share })).status).toBe(404);
    expect(
      (await call(env, "POST", "/api/v1/share-sessions", { body: { token, password: "let me in" } })).status,
    ).toBe(404);
  });
});

describe("SQL metacharacters", () => {
  const PAYLOADS = [
    "' OR '1'='1",
    '"; DROP TABLE users; --',
    "%' UNION SELECT secret_hash FROM sessions --",
    "_%\\",
    "') OR 1=1 /*",
    "名前; DELETE FROM photos",
  ];

  it("in every query parameter of every GET route: never a 5xx, never a leak, the data intact", async () => {
    const env = await open();
    const admin = await env.login();
    const album = await env.createAlbum(admin, { name: "Secret", visibility: "private" });
    const token = (
      await call(env, "POST", "/api/v1/tokens", { cookie: admin, body: { name: "all", scopes: ["admin"] } })
    ).body?.secret as string;
    const routes = listApiRoutes().filter((r) => r.method === "GET" && !r.path.includes("{"));
    let checked = 0;
    for (const route of routes) {
      const shape = (route.query as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
      for (const key of [...Object.keys(shape), "sort", "q", "cursor"]) {
        for (const payload of PAYLOADS) {
          for (const credential of [{}, { bearer: token }]) {
            const res = await call(
              env,
              "GET",
              `/api/v1${route.path}?${key}=${encodeURIComponent(payload)}`,
              credential,
            );
            expect(res.status, `${route.operationId} ${key}=${payload}`).toBeLessThan(500);
            if (!("bearer" in credential))
              expect(JSON.stringify(res.body ?? {}), route.operationId).not.toContain(
                album.json.id as string,
              );
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(await env.gallery.users.count()).toBe(1);
    expect((await call(env, "GET", `/api/v1/albums/${album.json.id}`, { cookie: admin })).status).toBe(200);
  });

  it("in text fields of bodies: stored and returned literally", async () => {
    const env = await open();
    const admin = await env.login();
    for (const payload of PAYLOADS) {
      const created = await call(env, "POST", "/api/v1/groups", { cookie: admin, body: { name: payload } });
      expect(created.body?.name).toBe(payload.trim());
    }
    const listed = await call(env, "GET", "/api/v1/groups?limit=200", { cookie: admin });
    expect(listed.body?.items).toHaveLength(PAYLOADS.length);
    const user = await call(env, "POST", "/api/v1/users", { cookie: admin, body: { username: PAYLOADS[0] } });
    expect(user.body?.code).toBe("VALIDATION_FAILED");
    const login = await call(env, "POST", "/api/v1/auth/login", {
      body: { username: PAYLOADS[0], password: PAYLOADS[1] },
    });
    expect(login.body?.code).toBe("INVALID_CREDENTIALS");
  });
});

describe("registration, password reset and login-only galleries", () => {
  it("keeps registration closed by default and login-only galleries closed to guests", async () => {
    const env = await open({ gallery: { identity: { loginOnly: true } } });
    const closed = await call(env, "POST", "/api/v1/auth/register", {
      body: { username: "eve", password: "eve-password-1" },
    });
    expect(closed.body?.code).toBe("REGISTRATION_CLOSED");
    const admin = await env.login();
    const album = await env.createAlbum(admin, { name: "Public" });
    const { json } = await env.upload(admin, album.json.id as string, await makeJpeg(32, 24));
    const photo = json.photo as { id: string; derivatives: Record<string, { url: string }> };
    expect((await call(env, "GET", "/api/v1/albums")).status).toBe(401);
    expect((await env.request(photo.derivatives.thumb?.url as string)).status).toBe(401);
    expect((await call(env, "GET", "/api/v1/albums", { cookie: admin })).status).toBe(200);
    expect((await call(env, "GET", "/api/v1/auth/session")).status).toBe(200);

    // Pages too: a guest is sent to the login page (with the way back), and nothing of the gallery is shown.
    for (const path of [
      "/",
      String(album.json.url).replace(/^https?:\/\/[^/]+/, ""),
      `/photos/${photo.id}`,
      "/feed.atom",
    ]) {
      const page = await env.request(path);
      expect(page.status, path).toBe(303);
      expect(page.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
      expect(await page.text()).not.toContain("Public");
    }
    for (const path of ["/login", "/register", "/forgot-password"]) {
      expect((await env.request(path)).status, path).not.toBe(303);
    }
    const signedIn = await env.request("/", { cookie: admin });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).toContain("Public");
  });

  it("registers into default groups, resets passwords once through the mail hook, never trusting Host", async () => {
    const mails: { to: string[]; text: string }[] = [];
    const env = await open({
      gallery: {
        identity: { registration: "open", publicUrl: "https://photos.example.org" },
        plugins: [
          definePlugin({
            name: "test-mailer",
            version: "1.0.0",
            setup(ctx) {
              ctx.hook("mail:send:before", ({ message }) => {
                mails.push(message);
              });
            },
          }) as Plugin<unknown>,
        ],
      },
    });
    const admin = await env.login();
    const group = await call(env, "POST", "/api/v1/groups", {
      cookie: admin,
      body: { name: "New", isDefault: true },
    });
    const registered = await call(env, "POST", "/api/v1/auth/register", {
      body: { username: "frank", password: "frank-password-1", email: "frank@example.org" },
    });
    expect(registered.status).toBe(201);
    expect(registered.res.headers.get("set-cookie")).toContain("vernissage_session=");
    const members = await env.gallery.groups.members({ kind: "system" }, group.body?.id as string);
    expect(members).toEqual([registered.body?.id]);

    const asked = await call(env, "POST", "/api/v1/auth/password-reset", {
      body: { username: "frank@example.org" },
      headers: { host: "evil.example" },
    });
    expect(asked.status).toBe(202);
    // Unknown accounts get the same answer and no mail.
    expect(
      (await call(env, "POST", "/api/v1/auth/password-reset", { body: { username: "nobody" } })).status,
    ).toBe(202);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual(["frank@example.org"]);
    expect(mails[0]?.text).toContain("https://photos.example.org/reset-password#token=");
    expect(mails[0]?.text).not.toContain("evil.example");
    const token = /token=(\S+)/.exec(mails[0]?.text ?? "")?.[1] as string;

    const reset = await call(env, "POST", "/api/v1/auth/password-reset/confirm", {
      body: { token, newPassword: "frank-password-2" },
    });
    expect(reset.status).toBe(204);
    const again = await call(env, "POST", "/api/v1/auth/password-reset/confirm", {
      body: { token, newPassword: "frank-password-3" },
    });
    expect(again.body?.code).toBe("INVALID_TOKEN");
    expect((await env.login("frank", "frank-password-2")).startsWith("vernissage_session=")).toBe(true);
  });
});
