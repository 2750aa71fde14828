import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createGallery,
  definePlugin,
  type Gallery,
  GalleryError,
  GUEST,
  type Logger,
  type Plugin,
  type PluginEntry,
  SYSTEM,
  type UserActor,
} from "@vernissage/core";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type StackAdapters, stackAdapters } from "../../../e2e/support/stack.js";

const member: UserActor = { kind: "user", userId: "u1", role: "member", privacyLevel: 0, groupIds: [] };

interface Harness {
  adapters: StackAdapters;
  logs: Record<string, unknown>[];
  /** Start a gallery on the harness database (again: as after a restart). */
  open(plugins: (Plugin<unknown> | PluginEntry)[]): Promise<Gallery>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function harness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-plugins-"));
  const adapters = await stackAdapters(dir);
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (obj) => logs.push(obj) };
  const galleries: Gallery[] = [];
  cleanups.push(async () => {
    for (const g of galleries) await g.close();
    await adapters.dispose();
    await rm(dir, { recursive: true, force: true });
  });
  let first = true;
  return {
    adapters,
    logs,
    async open(plugins) {
      const database = first ? adapters.database : adapters.connectAgain();
      first = false;
      const gallery = await createGallery({
        database,
        storage: adapters.storage,
        jobs: { run: false },
        logger,
        plugins,
      });
      galleries.push(gallery);
      return gallery;
    },
  };
}

async function tableNames(gallery: Gallery): Promise<string[]> {
  const tables = await gallery.db.introspection.getTables();
  return tables.map((t) => t.name);
}

/** A plugin with a table, a hook counting created albums, and a route. */
function visitsPlugin(version = "1.0.0", extraMigration = false) {
  const calls: string[] = [];
  const plugin = definePlugin({
    name: "visits",
    version,
    description: "Counts albums",
    config: z.object({ label: z.string().default("album") }),
    migrations: {
      "001_visits": {
        async up(db) {
          await db.schema
            .createTable("visits_log")
            .addColumn("id", "text", (c) => c.primaryKey())
            .addColumn("label", "text", (c) => c.notNull())
            .execute();
        },
        async down(db) {
          await db.schema.dropTable("visits_log").execute();
        },
      },
      ...(extraMigration
        ? {
            "002_visits_note": {
              async up(db) {
                await db.schema.alterTable("visits_log").addColumn("note", "text").execute();
              },
              async down(db) {
                await db.schema.alterTable("visits_log").dropColumn("note").execute();
              },
            },
          }
        : {}),
    },
    setup(ctx) {
      ctx.hook("album:create:after", async ({ album }) => {
        calls.push(`${ctx.config.label}:${album.name}`);
        await ctx
          .db<{ visits_log: { id: string; label: string } }>()
          .insertInto("visits_log")
          .values({ id: album.id, label: ctx.config.label })
          .execute();
      });
      ctx.registerRoute({
        method: "GET",
        path: "/count/{label}",
        handler: ({ params }) => ({ label: params.label }),
      });
    },
  });
  return { plugin, calls };
}

describe("plugin lifecycle", () => {
  it("install → enable → disable → uninstall: tables appear and vanish, a disabled plugin's hooks do not run", async () => {
    const h = await harness();
    const { plugin, calls } = visitsPlugin();
    const gallery = await h.open([{ plugin, autoInstall: false }]);

    expect(await gallery.plugins.get(SYSTEM, "visits")).toMatchObject({
      state: "available",
      installedVersion: null,
    });
    expect(await tableNames(gallery)).not.toContain("visits_log");

    const installed = await gallery.plugins.install(SYSTEM, "visits");
    expect(installed).toMatchObject({ state: "disabled", installedVersion: "1.0.0" });
    expect(await tableNames(gallery)).toEqual(
      expect.arrayContaining(["visits_log", "plugin_visits_migrations"]),
    );
    await gallery.albums.create(SYSTEM, { name: "while installed" });
    expect(calls).toEqual([]);
    await expect(gallery.plugins.install(SYSTEM, "visits")).rejects.toMatchObject({ code: "CONFLICT" });

    expect(await gallery.plugins.enable(SYSTEM, "visits")).toMatchObject({ state: "enabled" });
    await gallery.albums.create(SYSTEM, { name: "while enabled" });
    expect(calls).toEqual(["album:while enabled"]);
    expect(gallery.plugins.matchRoute("visits", "GET", "/count/x")).toMatchObject({ params: { label: "x" } });

    expect(await gallery.plugins.disable(SYSTEM, "visits")).toMatchObject({ state: "disabled" });
    await gallery.albums.create(SYSTEM, { name: "while disabled" });
    expect(calls).toEqual(["album:while enabled"]);
    expect(gallery.plugins.matchRoute("visits", "GET", "/count/x")).toBeNull();
    // Data stays while disabled.
    const rows = await sql<{ n: number }>`select count(*) as n from visits_log`.execute(gallery.db);
    expect(Number(rows.rows[0]?.n)).toBe(1);

    expect(await gallery.plugins.uninstall(SYSTEM, "visits")).toMatchObject({
      state: "uninstalled",
      installedVersion: null,
    });
    const after = await tableNames(gallery);
    expect(after).not.toContain("visits_log");
    expect(after.filter((t) => t.startsWith("plugin_visits"))).toEqual([]);
    await gallery.albums.create(SYSTEM, { name: "after uninstall" });
    expect(calls).toEqual(["album:while enabled"]);
  });

  it("auto-installs on first start, keeps the database's state across restarts, updates on a version change", async () => {
    const h = await harness();
    const v1 = visitsPlugin("1.0.0");
    const first = await h.open([v1.plugin]);
    expect(await first.plugins.get(SYSTEM, "visits")).toMatchObject({
      state: "enabled",
      installedVersion: "1.0.0",
    });
    await first.plugins.disable(SYSTEM, "visits");
    await first.close();

    const v2 = visitsPlugin("1.1.0", true);
    const second = await h.open([v2.plugin]);
    const info = await second.plugins.get(SYSTEM, "visits");
    expect(info).toMatchObject({ state: "disabled", version: "1.1.0", installedVersion: "1.1.0" });
    const columns = (await second.db.introspection.getTables()).find((t) => t.name === "visits_log")?.columns;
    expect(columns?.map((c) => c.name)).toContain("note");
    await second.albums.create(SYSTEM, { name: "still disabled" });
    expect(v2.calls).toEqual([]);
    await second.plugins.uninstall(SYSTEM, "visits");
    await second.close();

    // An uninstalled plugin is not installed again at start; one absent from code is listed as missing.
    const third = await h.open([v2.plugin]);
    expect(await third.plugins.get(SYSTEM, "visits")).toMatchObject({ state: "uninstalled" });
    await third.close();
    const fourth = await h.open([]);
    expect(await fourth.plugins.list(SYSTEM)).toEqual([
      expect.objectContaining({ name: "visits", state: "missing" }),
    ]);
  });

  it("is for admins only", async () => {
    const h = await harness();
    const gallery = await h.open([visitsPlugin().plugin]);
    await expect(gallery.plugins.list(member)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(gallery.plugins.disable(GUEST, "visits")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(gallery.as(member).plugins.enable("visits")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(gallery.plugins.get(SYSTEM, "nope")).rejects.toMatchObject({ code: "PLUGIN_NOT_FOUND" });
  });
});

describe("plugin configuration", () => {
  it("fails fast on invalid code configuration, applies defaults, validates and applies admin settings", async () => {
    const h = await harness();
    const { plugin, calls } = visitsPlugin();
    await expect(h.open([{ plugin, config: { label: 42 } }])).rejects.toMatchObject({
      code: "INVALID_CONFIGURATION",
      data: { plugin: "visits" },
    });
    const gallery = await h.open([plugin]);
    await gallery.albums.create(SYSTEM, { name: "a" });
    await expect(gallery.plugins.configure(SYSTEM, "visits", { label: 7 })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      errors: [expect.objectContaining({ path: "settings.label" })],
    });
    const updated = await gallery.plugins.update(SYSTEM, "visits", { settings: { label: "set" } });
    expect(updated.settings).toEqual({ label: "set" });
    await gallery.albums.create(SYSTEM, { name: "b" });
    expect(calls).toEqual(["album:a", "set:b"]);
  });

  it("refuses an incompatible plugin and a malformed definition", async () => {
    const h = await harness();
    const old = definePlugin({ name: "old", version: "1.0.0", compat: ">=99.0.0", setup() {} });
    const gallery = await h.open([old]);
    expect(await gallery.plugins.get(SYSTEM, "old")).toMatchObject({ state: "incompatible" });
    await expect(gallery.plugins.enable(SYSTEM, "old")).rejects.toMatchObject({
      code: "PLUGIN_INCOMPATIBLE",
    });
    expect(() => definePlugin({ name: "Bad Name", version: "1.0.0", setup() {} })).toThrow(GalleryError);
    expect(() => definePlugin({ name: "v", version: "one", setup() {} })).toThrow(GalleryError);
    expect(() =>
      definePlugin({
        name: "nodown",
        version: "1.0.0",
        migrations: { "001": { up: async () => {} } },
        setup() {},
      }),
    ).toThrow(GalleryError);
  });
});

describe("plugin error isolation and ordering", () => {
  it("a failing setup is logged with the plugin's name; the gallery starts", async () => {
    const h = await harness();
    const broken = definePlugin({
      name: "broken",
      version: "1.0.0",
      setup() {
        throw new Error("cannot start");
      },
    });
    const gallery = await h.open([broken]);
    const info = await gallery.plugins.get(SYSTEM, "broken");
    expect(info.error).toBeTruthy();
    expect(gallery.plugins.isActive("broken")).toBe(false);
    expect(h.logs).toEqual(expect.arrayContaining([expect.objectContaining({ plugin: "broken" })]));
    await expect(gallery.plugins.enable(SYSTEM, "broken")).rejects.toMatchObject({
      code: "PLUGIN_ERROR",
      data: { plugin: "broken", hook: "setup" },
    });
  });

  it("a failing before hook fails only that request; a failing after hook is logged; pre runs before post", async () => {
    const h = await harness();
    const order: string[] = [];
    const guard = definePlugin({
      name: "guard",
      version: "1.0.0",
      setup(ctx) {
        ctx.hook(
          "album:create:before",
          ({ fields }) => {
            order.push("guard");
            if (fields.name === "forbidden") throw new Error("no such name");
          },
          { order: "post" },
        );
        ctx.hook("album:create:after", () => {
          throw new Error("after fails");
        });
      },
    });
    const tidy = definePlugin({
      name: "tidy",
      version: "1.0.0",
      setup(ctx) {
        ctx.hook(
          "album:create:before",
          (c) => {
            order.push("tidy");
            c.fields.name = c.fields.name.trim();
          },
          { order: "pre" },
        );
      },
    });
    const gallery = await h.open([guard, tidy]);
    const error = await gallery.albums.create(SYSTEM, { name: " forbidden " }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "PLUGIN_ERROR",
      data: { plugin: "guard", hook: "album:create:before" },
    });
    expect(order).toEqual(["tidy", "guard"]);
    const album = await gallery.albums.create(SYSTEM, { name: " fine " });
    expect(album.name).toBe("fine");
    expect(h.logs).toEqual(
      expect.arrayContaining([expect.objectContaining({ plugin: "guard", hook: "album:create:after" })]),
    );
  });
});

describe("plugin registration points", () => {
  it("presets and recipe salts: disabling the plugin changes exactly the salted presets' versions", async () => {
    const h = await harness();
    const marker = definePlugin({
      name: "marker",
      version: "1.0.0",
      config: z.object({ strength: z.number().default(1) }),
      setup(ctx) {
        ctx.registerPreset({ name: "banner", width: 900, height: 300, crop: true });
        ctx.saltPresets(["medium", "banner"], `s${ctx.config.strength}`);
      },
    });
    const gallery = await h.open([marker]);
    const photo = { sha256: "a".repeat(64), width: 4000, height: 3000, mimeType: "image/jpeg" };
    const versions = () =>
      Object.fromEntries(gallery.derivatives.describe(photo).map((d) => [d.preset, d.version]));
    const on = versions();
    expect(on.banner).toBeDefined();
    await gallery.plugins.configure(SYSTEM, "marker", { strength: 2 });
    const changed = versions();
    await gallery.plugins.disable(SYSTEM, "marker");
    const off = versions();
    expect(off.banner).toBeUndefined();
    for (const preset of Object.keys(off)) {
      if (preset === "medium") {
        expect(changed[preset]).not.toBe(on[preset]);
        expect(off[preset]).not.toBe(on[preset]);
        expect(off[preset]).not.toBe(changed[preset]);
      } else {
        expect(changed[preset]).toBe(on[preset]);
        expect(off[preset]).toBe(on[preset]);
      }
    }
  });

  it("enabling a plugin with an invalid preset fails and leaves it off, presets unchanged", async () => {
    const h = await harness();
    const bad = definePlugin({
      name: "badpreset",
      version: "1.0.0",
      setup(ctx) {
        ctx.registerPreset({ name: "huge", width: 100_000, height: 10 });
      },
    });
    const gallery = await h.open([{ plugin: bad, autoInstall: false }]);
    const before = gallery.derivatives.presets().map((p) => p.name);
    await expect(gallery.plugins.enable(SYSTEM, "badpreset")).rejects.toMatchObject({
      code: "INVALID_CONFIGURATION",
      data: { plugin: "badpreset" },
    });
    expect(gallery.plugins.isActive("badpreset")).toBe(false);
    expect((await gallery.plugins.get(SYSTEM, "badpreset")).state).not.toBe("enabled");
    expect(gallery.derivatives.presets().map((p) => p.name)).toEqual(before);
  });

  it("jobs of a plugin run only while it is enabled and must be named after it", async () => {
    const h = await harness();
    const seen: number[] = [];
    const worker = definePlugin({
      name: "worker",
      version: "1.0.0",
      setup(ctx) {
        ctx.registerJob<{ n: number }>("worker:count", async ({ n }) => {
          seen.push(n);
        });
      },
    });
    const badJob = definePlugin({
      name: "badjob",
      version: "1.0.0",
      setup(ctx) {
        ctx.registerJob("other:thing", async () => {});
      },
    });
    const gallery = await h.open([worker, badJob]);
    expect((await gallery.plugins.get(SYSTEM, "badjob")).error).toBeTruthy();
    await gallery.jobs.enqueue("worker:count", { n: 1 });
    await gallery.jobs.runUntilIdle();
    expect(seen).toEqual([1]);
    await gallery.plugins.disable(SYSTEM, "worker");
    const id = await gallery.jobs.enqueue("worker:count", { n: 2 }, { maxAttempts: 1 });
    await gallery.jobs.runUntilIdle();
    expect(seen).toEqual([1]);
    expect(await gallery.jobs.get(id)).toMatchObject({ status: "dead" });
  });
});
