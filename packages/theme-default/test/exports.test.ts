import { describe, expect, it } from "vitest";
import * as themeDefault from "../src/index.js";

describe("@vernissage/theme-default exports", () => {
  it("exports exactly the documented names", () => {
    expect(Object.keys(themeDefault).sort()).toEqual([
      "SUPPORTED_LANGUAGES",
      "defaultTheme",
      "errorTitle",
      "formatNumber",
      "negotiateLanguage",
      "photoCountText",
      "placeholderDataUrl",
      "supportedLanguage",
      "translate",
    ]);
  });

  it("is a complete theme named default with a stylesheet", () => {
    const { defaultTheme } = themeDefault;
    expect(defaultTheme.name).toBe("default");
    expect(Object.keys(defaultTheme.templates).sort()).toEqual([
      "account",
      "admin",
      "album",
      "calendar",
      "error",
      "home",
      "layout",
      "login",
      "photo",
      "search",
      "share",
      "tag",
      "tags",
    ]);
    expect(defaultTheme.assets["style.css"]?.contentType).toMatch(/^text\/css/);
    expect(defaultTheme.assets["lightbox.js"]?.contentType).toMatch(/^text\/javascript/);
    expect(defaultTheme.assets["favicon.svg"]?.contentType).toBe("image/svg+xml");
  });
});
