import { GalleryError, HookBus, type Logger } from "@vernissage/core";
import { describe, expect, it } from "vitest";

function recordingLogger() {
  const errors: Record<string, unknown>[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (obj) => errors.push(obj) };
  return { logger, errors };
}

const album = {
  id: "a1",
  parentId: null,
  name: "A",
  slug: "a",
  description: "",
  visibility: "public" as const,
  rank: 0,
  coverPhotoId: null,
  photoCount: 0,
  photoOrder: "manual" as const,
  createdAt: 0,
  updatedAt: 0,
};

describe("HookBus", () => {
  it("orders handlers: pre first, then registration order, then post", async () => {
    const bus = new HookBus(recordingLogger().logger);
    const seen: string[] = [];
    bus.hook("plugin:enable:after", () => void seen.push("plain-1"));
    bus.hook("plugin:enable:after", () => void seen.push("post"), { order: "post" });
    bus.hook("plugin:enable:after", () => void seen.push("plain-2"));
    bus.hook("plugin:enable:after", () => void seen.push("pre"), { order: "pre", plugin: "p" });
    await bus.after("plugin:enable:after", { name: "x", version: "1.0.0" });
    expect(seen).toEqual(["pre", "plain-1", "plain-2", "post"]);
  });

  it("lets before handlers change mutable fields, in order", async () => {
    const bus = new HookBus(recordingLogger().logger);
    bus.hook("album:create:before", (ctx) => {
      ctx.fields.name = `${ctx.fields.name}!`;
    });
    bus.hook(
      "album:create:before",
      (ctx) => {
        ctx.fields.name = ctx.fields.name.toUpperCase();
      },
      { order: "pre" },
    );
    const ctx = {
      actor: { kind: "system" as const },
      fields: { name: "trip", description: "", visibility: "public" as const, parentId: null },
    };
    await bus.before("album:create:before", ctx);
    expect(ctx.fields.name).toBe("TRIP!");
  });

  it("a throwing before handler vetoes with its code, attributed to plugin and hook; later handlers do not run", async () => {
    const bus = new HookBus(recordingLogger().logger);
    let later = false;
    bus.hook(
      "album:create:before",
      () => {
        throw new GalleryError("HOOK_VETOED", { detail: "no" });
      },
      "censor",
    );
    bus.hook("album:create:before", () => {
      later = true;
    });
    const error = await bus
      .before("album:create:before", {
        actor: { kind: "system" },
        fields: { name: "x", description: "", visibility: "public", parentId: null },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GalleryError);
    expect(error).toMatchObject({
      code: "HOOK_VETOED",
      data: { plugin: "censor", hook: "album:create:before" },
    });
    expect(later).toBe(false);
  });

  it("wraps a non-GalleryError as PLUGIN_ERROR with the plugin and hook name", async () => {
    const bus = new HookBus(recordingLogger().logger);
    bus.hook(
      "derivative:presets:extend",
      () => {
        throw new TypeError("boom");
      },
      { plugin: "broken" },
    );
    await expect(bus.before("derivative:presets:extend", { presets: [] })).rejects.toMatchObject({
      code: "PLUGIN_ERROR",
      data: { plugin: "broken", hook: "derivative:presets:extend" },
    });
  });

  it("after hooks: a failing handler is logged with plugin and hook, the others still run, nothing is thrown", async () => {
    const { logger, errors } = recordingLogger();
    const bus = new HookBus(logger);
    const seen: string[] = [];
    bus.hook(
      "album:create:after",
      () => {
        throw new Error("first fails");
      },
      "flaky",
    );
    bus.hook("album:create:after", ({ album: a }) => void seen.push(a.id));
    const result = await bus.after("album:create:after", { actor: { kind: "system" }, album });
    expect(seen).toEqual(["a1"]);
    expect(result.map((e) => e.code)).toEqual(["PLUGIN_ERROR"]);
    expect(errors).toEqual([expect.objectContaining({ hook: "album:create:after", plugin: "flaky" })]);
  });

  it("unregisters, and has() follows registrations", async () => {
    const bus = new HookBus(recordingLogger().logger);
    let calls = 0;
    expect(bus.has("gallery:ready")).toBe(false);
    const off = bus.hook("gallery:ready", () => {
      calls++;
    });
    expect(bus.has("gallery:ready")).toBe(true);
    await bus.after("gallery:ready", {});
    off();
    off();
    expect(bus.has("gallery:ready")).toBe(false);
    await bus.after("gallery:ready", {});
    expect(calls).toBe(1);
  });
});
