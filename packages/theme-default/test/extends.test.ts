import { defineTheme, html } from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";
import { makeAlbum, pageContext } from "./helpers.js";

describe("extending the default theme", () => {
  const custom = defineTheme({
    name: "x",
    extends: defaultTheme,
    templates: {
      home: (ctx, data) => html`<h1>Custom ${ctx.title}</h1>${defaultTheme.templates.home(ctx, data)}`,
    },
  });

  it("overrides only the home template", () => {
    expect(custom.name).toBe("x");
    expect(custom.templates.home).not.toBe(defaultTheme.templates.home);
    for (const name of ["layout", "album", "photo", "error", "login"] as const) {
      expect(custom.templates[name]).toBe(defaultTheme.templates[name]);
    }
    expect(custom.assets).toEqual(defaultTheme.assets);
  });

  it("renders the override and keeps the rest of the default output", () => {
    const ctx = pageContext();
    const out = custom.templates.home(ctx, { albums: [], nextHref: null }).toString();
    expect(out.startsWith("<h1>Custom My Gallery</h1>")).toBe(true);
    expect(out).toContain("empty-state");
    const data = { album: makeAlbum(), parents: [], children: [], photos: [], nextHref: null };
    expect(custom.templates.album(ctx, data).toString()).toBe(
      defaultTheme.templates.album(ctx, data).toString(),
    );
  });

  it("lets a theme replace the stylesheet and keep the templates", () => {
    const restyled = defineTheme({
      name: "restyled",
      extends: defaultTheme,
      templates: {},
      assets: { "style.css": { contentType: "text/css", body: "body{}" } },
    });
    expect(restyled.assets["style.css"]?.body).toBe("body{}");
    expect(restyled.templates).toEqual(defaultTheme.templates);
  });
});
