import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";

const css = String(defaultTheme.assets["style.css"]?.body ?? "");

describe("style.css", () => {
  it("has light and dark schemes and a visible focus style", () => {
    expect(css).toContain("@media (prefers-color-scheme: dark)");
    expect(css).toMatch(/:focus-visible\s*\{[^}]*outline:\s*3px solid/);
    expect(css).toContain(".skip-link:focus");
  });

  it("styles every class the templates use", () => {
    for (const name of [
      "album-card",
      "photo-thumb",
      "album-grid",
      "photo-grid",
      "card-placeholder",
      "empty-state",
      "breadcrumbs",
      "visually-hidden",
      "form-error",
    ]) {
      expect(css).toContain(`.${name}`);
    }
  });

  it("makes no third-party request and has balanced braces", () => {
    expect(css).not.toMatch(/@import|url\(/);
    expect(css.split("{").length).toBe(css.split("}").length);
  });
});
