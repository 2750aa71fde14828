import type { Actor, GalleryHooks, HookContext, HookName, PluginContext } from "@vernissage/core";
import { HookBus } from "@vernissage/core";
import { describe, expectTypeOf, it } from "vitest";

// These assertions are checked by `tsc -p tsconfig.json` (CI's typecheck): each `@ts-expect-error` line must
// fail to compile, or the typecheck fails with "Unused '@ts-expect-error' directive".
const logger = { debug() {}, info() {}, warn() {}, error() {} };

describe("hook types", () => {
  it("infers the context of a hook from its name", () => {
    expectTypeOf<HookContext<"album:create:after">>().toHaveProperty("album");
    expectTypeOf<HookContext<"album:create:before">["fields"]["name"]>().toEqualTypeOf<string>();
    expectTypeOf<HookContext<"auth:actor:resolve">["actor"]>().toEqualTypeOf<Actor>();
    expectTypeOf<"photo:create:before">().toExtend<HookName>();
    expectTypeOf<"photo:create:maybe">().not.toExtend<HookName>();
  });

  it("rejects a wrong hook name and a wrong payload at compile time", () => {
    const bus = new HookBus(logger);
    // @ts-expect-error: "album:created:after" is not in the catalogue (wrong name)
    bus.hook("album:created:after", () => {});
    bus.hook("album:create:after", (ctx) => {
      // @ts-expect-error: the album:create:after context has no `photo`
      void ctx.photo;
      expectTypeOf(ctx.album.name).toEqualTypeOf<string>();
    });
    bus.hook("album:create:before", (ctx) => {
      // @ts-expect-error: `fields.name` is a string, a number is refused (wrong payload mutation)
      ctx.fields.name = 42;
    });
    bus.hook("derivative:encode:before", (ctx) => {
      // @ts-expect-error: derivative:encode:before has no `file` (that is photo:create:before)
      ctx.file = null;
    });
    void (async () => {
      // @ts-expect-error: calling a hook with the wrong payload
      await bus.before("album:create:before", { actor: { kind: "guest" } });
      // @ts-expect-error: `after` of an unknown hook
      await bus.after("gallery:exploded", {});
    });
  });

  it("types plugin hooks the same way", () => {
    const setup = (ctx: PluginContext<{ level: number }>) => {
      expectTypeOf(ctx.config.level).toEqualTypeOf<number>();
      // @ts-expect-error: wrong hook name in a plugin
      ctx.hook("photo:uploaded", () => {});
      ctx.hook("photo:create:before", (c) => {
        // @ts-expect-error: privacyLevel is a number
        c.fields.privacyLevel = "high";
      });
      ctx.registerSlot("photo.after-image", ({ photo }) => {
        expectTypeOf(photo.photo.title).toEqualTypeOf<string>();
        return null;
      });
      // @ts-expect-error: the layout.footer slot's data has no `photo`
      ctx.registerSlot("layout.footer", ({ photo }) => photo);
      // @ts-expect-error: not a slot of the theme contract
      ctx.registerSlot("photo.sidebar-left", () => null);
    };
    expectTypeOf(setup).parameter(0).toHaveProperty("hook");
    expectTypeOf<GalleryHooks["gallery:ready"]>().toBeFunction();
  });
});
