import { describe, expect, it } from "vitest";
import * as themeDefault from "../src/index.js";

describe("@vernissage/theme-default exports", () => {
  it("exports exactly the documented names", () => {
    expect(Object.keys(themeDefault).sort()).toEqual(["defaultTheme"]);
  });

  it("is a complete theme named default with a stylesheet", () => {
    const { defaultTheme } = themeDefault;
    expect(defaultTheme.name).toBe("default");
    expect(Object.keys(defaultTheme.templates).sort()).toEqual([
      "album",
      "error",
      "home",
      "layout",
      "login",
      "photo",
    ]);
    expect(defaultTheme.assets["style.css"]?.contentType).toMatch(/^text\/css/);
  });
});
