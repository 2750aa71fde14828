import type { PageContext } from "@vernissage/core";
import { defaultTheme } from "@vernissage/theme-default";
import { describe, expect, it } from "vitest";
import { myTheme } from "../src/my-theme.js";

const ctx: PageContext = {
  title: "<My> photos",
  basePath: "/gallery",
  userName: null,
  assets: {},
  lang: "en",
};

describe("my-theme", () => {
  it("replaces the error template and escapes what it shows", () => {
    const page = myTheme.templates
      .error(ctx, { status: 404, code: "NOT_FOUND", message: "Not found" })
      .toString();
    expect(page).toContain("<h1>Nothing here</h1>");
    expect(page).toContain('<a href="/gallery/">Back to &lt;My&gt; photos</a>');
  });

  it("inherits every other template and asset from the default theme", () => {
    expect(myTheme.templates.photo).toBe(defaultTheme.templates.photo);
    expect(myTheme.templates.layout).toBe(defaultTheme.templates.layout);
    expect(Object.keys(myTheme.assets)).toEqual([...Object.keys(defaultTheme.assets), "extra.css"]);
  });
});
