import { definePlugin, GalleryError, html, SYSTEM } from "@vernissage/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { setup } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

const echo = definePlugin({
  name: "echo",
  version: "1.2.0",
  description: "Echoes",
  config: z.object({ prefix: z.string().default(">") }),
  setup(ctx) {
    ctx.hook("http:request:before", ({ request }) => {
      if (request.headers.has("x-block")) throw new GalleryError("FORBIDDEN", { detail: "blocked" });
    });
    ctx.hook("http:response:before", ({ headers, status }) => {
      headers.set("x-echo-status", String(status));
    });
    ctx.registerRoute({
      method: "GET",
      path: "/say/{word}",
      handler: ({ params, actor }) => ({ said: `${ctx.config.prefix}${params.word}`, actor: actor.kind }),
    });
    ctx.registerRoute({ method: "POST", path: "/admin-only", admin: true, handler: () => ({ ok: true }) });
    ctx.registerRoute({
      method: "POST",
      path: "/notes",
      scope: "photos:write",
      handler: ({ actor }) => ({ stored: true, by: actor.kind }),
    });
    ctx.registerPage({
      path: "/hello/{who}",
      render: ({ params }) => ({
        title: `Hello ${params.who}`,
        main: html`<p class="echo">Hi ${params.who}</p>`,
      }),
    });
    ctx.registerPage({
      path: "/secret",
      admin: true,
      render: () => ({ title: "Secret", main: html`<p>s</p>` }),
    });
    ctx.registerRoute({
      method: "GET",
      path: "/fail",
      handler: () => {
        throw new GalleryError("CONFLICT", { detail: "nope" });
      },
    });
  },
});

async function open() {
  const t = await setup({ gallery: { plugins: [echo] } });
  cleanups.push(t.close);
  return t;
}

describe("plugin API", () => {
  it("listPlugins and updatePlugin are for admins; updatePlugin configures and changes state", async () => {
    const t = await open();
    expect((await t.request("/api/v1/plugins")).status).toBe(401);
    await t.gallery.users.create(SYSTEM, {
      username: "bob",
      password: "correct horse battery",
      role: "member",
    });
    const bob = await t.login("bob");
    expect((await t.request("/api/v1/plugins", { cookie: bob })).status).toBe(403);

    const admin = await t.login();
    const list = await t.request("/api/v1/plugins", { cookie: admin });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({
      items: [
        expect.objectContaining({
          name: "echo",
          state: "enabled",
          version: "1.2.0",
          installedVersion: "1.2.0",
        }),
      ],
    });

    const patch = (body: unknown) =>
      t.request("/api/v1/plugins/echo", {
        method: "PATCH",
        cookie: admin,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const bad = await patch({ settings: { prefix: 3 } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await patch({ state: "sideways" })).status).toBe(400);

    const configured = await patch({ settings: { prefix: "#" } });
    expect(await configured.json()).toMatchObject({ state: "enabled", settings: { prefix: "#" } });
    expect(await (await t.request("/api/v1/plugins/echo/say/hi")).json()).toEqual({
      said: "#hi",
      actor: "guest",
    });

    const disabled = await patch({ state: "disabled" });
    expect(await disabled.json()).toMatchObject({ state: "disabled" });
    const gone = await t.request("/api/v1/plugins/echo/say/hi");
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: "NOT_FOUND" });

    const missing = await t.request("/api/v1/plugins/nope", {
      method: "PATCH",
      cookie: admin,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ state: "enabled" }),
    });
    expect(await missing.json()).toMatchObject({ code: "PLUGIN_NOT_FOUND" });
  });

  it("serves plugin routes under /api/v1/plugins/<name>/ with admin checks and problem documents", async () => {
    const t = await open();
    expect((await t.request("/api/v1/plugins/echo/admin-only", { method: "POST" })).status).toBe(401);
    const admin = await t.login();
    const ok = await t.request("/api/v1/plugins/echo/admin-only", { method: "POST", cookie: admin });
    expect(await ok.json()).toEqual({ ok: true });
    const fail = await t.request("/api/v1/plugins/echo/fail");
    expect(fail.status).toBe(409);
    expect(await fail.json()).toMatchObject({ code: "CONFLICT" });
    expect((await t.request("/api/v1/plugins/echo/unknown")).status).toBe(404);
  });

  it("enforces a plugin route's declared token scope (and documents it); sessions are not affected", async () => {
    const t = await open();
    const owner = (await t.gallery.users.list(SYSTEM, {})).items.find((u) => u.username === "admin");
    if (!owner) throw new Error("no owner");
    const actor = {
      kind: "user" as const,
      userId: owner.id,
      role: "owner" as const,
      privacyLevel: 8 as const,
      groupIds: [],
    };
    const read = await t.gallery.tokens.create(actor, { name: "read", scopes: ["photos:read"] });
    const write = await t.gallery.tokens.create(actor, { name: "write", scopes: ["photos:write"] });
    const call = (secret: string) =>
      t.request("/api/v1/plugins/echo/notes", {
        method: "POST",
        headers: { authorization: `Bearer ${secret}` },
      });
    const refused = await call(read.secret);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "INSUFFICIENT_SCOPE" });
    const allowed = await call(write.secret);
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ stored: true, by: "token" });
    // An admin route needs the admin scope from a token, even an owner's.
    const adminOnly = await t.request("/api/v1/plugins/echo/admin-only", {
      method: "POST",
      headers: { authorization: `Bearer ${write.secret}` },
    });
    expect(adminOnly.status).toBe(403);
    const session = await t.login();
    expect((await t.request("/api/v1/plugins/echo/notes", { method: "POST", cookie: session })).status).toBe(
      200,
    );
    const doc = (await (await t.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { "x-required-scope": string }>>;
    };
    expect(doc.paths["/plugins/echo/notes"]?.post?.["x-required-scope"]).toBe("photos:write");
  });

  it("documents listPlugins and updatePlugin in OpenAPI", async () => {
    const t = await open();
    const doc = (await (await t.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(doc.paths["/plugins"]?.get?.operationId).toBe("listPlugins");
    expect(doc.paths["/plugins/{name}"]?.patch?.operationId).toBe("updatePlugin");
  });

  it("runs http:request:before (may refuse a request) and http:response:before (may add headers)", async () => {
    const t = await open();
    const ok = await t.request("/api/v1/albums");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-echo-status")).toBe("200");
    const blocked = await t.request("/api/v1/albums", { headers: { "x-block": "1" } });
    expect(blocked.status).toBe(403);
    expect(blocked.headers.get("x-echo-status")).toBe("403");
    await t.gallery.plugins.disable(SYSTEM, "echo");
    const off = await t.request("/api/v1/albums", { headers: { "x-block": "1" } });
    expect(off.status).toBe(200);
    expect(off.headers.get("x-echo-status")).toBeNull();
  });

  it("serves plugin pages under /plugins/<name>/ inside the theme's layout, escaped", async () => {
    const t = await open();
    const page = await t.request(`/plugins/echo/hello/${encodeURIComponent("<b>you</b>")}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const body = await page.text();
    expect(body).toContain('<p class="echo">Hi &lt;b&gt;you&lt;/b&gt;</p>');
    expect(body).toMatch(/<html[\s>]/);
    expect((await t.request("/plugins/echo/secret")).status).toBe(401);
    expect((await t.request("/plugins/echo/secret", { cookie: await t.login() })).status).toBe(200);
    expect((await t.request("/plugins/echo/nothing")).status).toBe(404);
    await t.gallery.plugins.disable(SYSTEM, "echo");
    expect((await t.request("/plugins/echo/hello/x")).status).toBe(404);
  });
});
