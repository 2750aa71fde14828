import {
  chooseTheme,
  defineTheme,
  GUEST,
  getGalleryTheme,
  html,
  type PageContext,
  SafeHtml,
  SlotRegistry,
  SYSTEM,
  setGalleryTheme,
  slot,
  THEME_TEMPLATE_NAMES,
  type Theme,
  type ThemeTemplates,
  type UserActor,
} from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { openGallery } from "./helpers.js";

const member: UserActor = { kind: "user", userId: "u", role: "member", privacyLevel: 0, groupIds: [] };
const admin: UserActor = { ...member, role: "admin" };

/** Every required template, each naming its theme so tests can tell where a page came from. */
function templatesNamed(label: string): ThemeTemplates {
  const t = (name: string) => () => html`<p>${label}:${name}</p>`;
  const all: Record<string, unknown> = {};
  for (const name of THEME_TEMPLATE_NAMES) {
    all[name] = t(name);
  }
  return all as unknown as ThemeTemplates;
}

const ctx: PageContext = { title: "T", basePath: "", userName: null, assets: {}, lang: "en" };

describe("theme inheritance", () => {
  const parent = defineTheme({
    name: "parent",
    templates: templatesNamed("parent"),
    assets: {
      "style.css": { contentType: "text/css", body: "body{color:black}" },
      "logo.svg": { contentType: "image/svg+xml", body: "<svg/>" },
    },
    slots: { photo: ["photo.after-image", "photo.details"], layout: ["head"] },
  });

  it("an override replaces one template while the rest come from the parent", () => {
    const child = defineTheme({
      name: "child",
      extends: parent,
      templates: { home: () => html`<p>child:home</p>` },
    });
    expect(child.templates.home(ctx, { albums: [], nextHref: null } as never).toString()).toBe(
      "<p>child:home</p>",
    );
    expect(child.templates.photo(ctx, {} as never).toString()).toBe("<p>parent:photo</p>");
    expect(child.templates.login(ctx, {} as never).toString()).toBe("<p>parent:login</p>");
    expect(child.ancestors).toEqual(["parent"]);
  });

  it("replaces a parent asset of the same name and keeps the others; merges slots", () => {
    const child = defineTheme({
      name: "child",
      extends: parent,
      templates: { layout: () => html`<p>child:layout</p>` },
      assets: { "style.css": { contentType: "text/css", body: "body{color:white}" } },
      slots: { layout: ["layout.footer"], album: ["album.before-photos"] },
    });
    expect(child.assets["style.css"]?.body).toBe("body{color:white}");
    expect(child.assets["logo.svg"]?.body).toBe("<svg/>");
    expect(child.slots?.photo).toEqual(["photo.after-image", "photo.details"]);
    // The overridden layout renders only the slots it declares.
    expect(child.slots?.layout).toEqual(["layout.footer"]);
    expect(child.slots?.album).toEqual(["album.before-photos"]);
    const grandchild = defineTheme({ name: "grandchild", extends: child, templates: {} });
    expect(grandchild.ancestors).toEqual(["child", "parent"]);
    expect(grandchild.templates.layout(ctx, {} as never).toString()).toBe("<p>child:layout</p>");
  });

  it("a theme without a parent must give every template", () => {
    expect(() => defineTheme({ name: "half", templates: { home: () => html`` } })).toThrow(TypeError);
  });
});

describe("template slots", () => {
  it("render what was registered, escape nothing twice, and isolate a failing renderer", () => {
    const errors: { slot: string; owner: string }[] = [];
    const slots = new SlotRegistry((_e, info) => errors.push(info));
    const off = slots.add("layout.footer", "a", () => html`<b>${"<i>"}</b>`);
    slots.add("layout.footer", "b", () => {
      throw new Error("broken");
    });
    slots.add("layout.footer", "c", () => null);
    const page: PageContext = { ...ctx, slot: (name, data) => slots.render(name, data) };
    expect(slot(page, "layout.footer", {}).toString()).toBe("<b>&lt;i&gt;</b>");
    expect(errors).toEqual([{ slot: "layout.footer", owner: "b" }]);
    off();
    expect(slot(page, "layout.footer", {}).toString()).toBe("");
    // Outside a gallery (no ctx.slot) a slot renders nothing.
    expect(slot(ctx, "layout.footer", {})).toBeInstanceOf(SafeHtml);
    expect(slot(ctx, "layout.footer", {}).toString()).toBe("");
  });
});

describe("theme choice", () => {
  const a = { name: "a" } as Theme;
  const b = { name: "b" } as Theme;
  const fallback = { name: "default" } as Theme;
  const themes = [fallback, a, b];

  it("previews per request for admins only, else the gallery's choice, else the fallback", () => {
    expect(chooseTheme({ themes, fallback, galleryTheme: "a", preview: "b", actor: admin })).toBe(b);
    expect(chooseTheme({ themes, fallback, galleryTheme: "a", preview: "b", actor: member })).toBe(a);
    expect(chooseTheme({ themes, fallback, galleryTheme: "a", preview: "b", actor: GUEST })).toBe(a);
    expect(chooseTheme({ themes, fallback, galleryTheme: "gone", preview: "nope", actor: admin })).toBe(
      fallback,
    );
    expect(chooseTheme({ themes, fallback, galleryTheme: null, preview: null, actor: admin })).toBe(fallback);
  });

  it("stores the gallery's theme; only admins may choose it", async () => {
    const t = await openGallery();
    expect(await getGalleryTheme(t.gallery)).toBeNull();
    await expect(setGalleryTheme(t.gallery, member, "dark")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(setGalleryTheme(t.gallery, GUEST, "dark")).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    await expect(setGalleryTheme(t.gallery, SYSTEM, "<x>")).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    await setGalleryTheme(t.gallery, SYSTEM, "dark");
    expect(await getGalleryTheme(t.gallery)).toBe("dark");
    await setGalleryTheme(t.gallery, admin, null);
    expect(await getGalleryTheme(t.gallery)).toBeNull();
  });
});
