import { definePlugin, GalleryError, SYSTEM } from "@vernissage/core";
import { afterEach, describe, expect, it } from "vitest";
import { setup } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

describe("theme:render:before", () => {
  it("fires once per page with the theme, template and data; changes the data; a veto renders the error page", async () => {
    const t = await setup();
    cleanups.push(t.close);
    const calls: { theme: string; template: string }[] = [];
    const off = t.gallery.hooks.hook("theme:render:before", (ctx) => {
      calls.push({ theme: ctx.theme, template: ctx.template });
      if (ctx.template === "tags") {
        const data = ctx.data as { tags: { label: string; href: string; count: number }[] };
        data.tags.push({ label: "added-by-hook", href: "/tags/x", count: 3 });
      }
    });
    const page = await t.request("/tags");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("added-by-hook");
    expect(calls).toEqual([{ theme: "default", template: "tags" }]);
    off();

    t.gallery.hooks.hook("theme:render:before", () => {
      throw new GalleryError("FORBIDDEN", { detail: "not today" });
    });
    const refused = await t.request("/tags");
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain("added-by-hook");
  });
});

describe("http:routes:extend", () => {
  const extra = definePlugin({
    name: "extra",
    version: "1.0.0",
    setup(ctx) {
      ctx.hook("http:routes:extend", ({ routes }) => {
        routes.push({
          plugin: "extra",
          method: "GET",
          path: "/hello/{name}",
          handler: ({ params, actor }) => ({ hello: params.name, actor: actor.kind }),
        });
        routes.push({
          plugin: "extra",
          method: "POST",
          path: "/admin",
          admin: true,
          handler: () => ({ ok: 1 }),
        });
      });
    },
  });

  it("serves pushed routes under the plugin's prefix while it is enabled", async () => {
    const t = await setup({ gallery: { plugins: [extra] } });
    cleanups.push(t.close);
    const res = await t.request("/api/v1/plugins/extra/hello/world");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ hello: "world", actor: "guest" });
    expect((await t.request("/api/v1/plugins/extra/admin", { method: "POST" })).status).toBe(401);
    const admin = await t.login();
    expect((await t.request("/api/v1/plugins/extra/admin", { method: "POST", cookie: admin })).status).toBe(
      200,
    );
    expect((await t.request("/api/v1/plugins/extra/nothing")).status).toBe(404);

    await t.gallery.plugins.disable(SYSTEM, "extra");
    expect((await t.request("/api/v1/plugins/extra/hello/world")).status).toBe(404);
  });

  it("a throwing handler makes plugin routes answer with its error; the rest of the app keeps working", async () => {
    const broken = definePlugin({
      name: "broken",
      version: "1.0.0",
      setup(ctx) {
        ctx.hook("http:routes:extend", () => {
          throw new GalleryError("INVALID_CONFIGURATION", { detail: "bad routes" });
        });
        ctx.registerRoute({ method: "GET", path: "/own", handler: () => ({ own: true }) });
      },
    });
    const t = await setup({ gallery: { plugins: [broken] } });
    cleanups.push(t.close);
    // The plugin's own registered route still matches first; anything needing the collected routes fails.
    expect((await t.request("/api/v1/plugins/broken/own")).status).toBe(200);
    const failed = await t.request("/api/v1/plugins/broken/other");
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { code?: string }).code).toBe("INVALID_CONFIGURATION");
    expect((await t.request("/api/v1/albums")).status).toBe(200);
  });
});
