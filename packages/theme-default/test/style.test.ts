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

describe("scripts", () => {
  it("keeps the visitor script small, valid, and free of inline styles and third-party URLs", () => {
    for (const name of ["lightbox.js", "admin.js", "account.js"]) {
      const body = String(defaultTheme.assets[name]?.body ?? "");
      // Parses as a script (a syntax error would throw here).
      expect(() => new Function(body)).not.toThrow();
      expect(body).not.toMatch(/https?:\/\//);
      expect(body).not.toMatch(/\.style\b|setAttribute\("style"|innerHTML/);
    }
    // The lightbox is the only script on visitor pages: its size is part of the page budget.
    expect(Buffer.byteLength(String(defaultTheme.assets["lightbox.js"]?.body))).toBeLessThan(10_000);
  });
});
