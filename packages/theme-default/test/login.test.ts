import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";
import { pageContext, parseHtml, tagsNamed } from "./helpers.js";

const { login } = defaultTheme.templates;

describe("login", () => {
  it("renders a labelled POST form with username, password and next", () => {
    const out = login(pageContext(), { error: null, next: "/gallery/albums/a1" }).toString();
    const tags = parseHtml(out);
    const form = tagsNamed(tags, "form")[0];
    expect(form?.attributes.get("method")).toBe("post");
    expect(form?.attributes.get("action")).toBe("/gallery/login");
    const inputs = tagsNamed(tags, "input");
    expect(inputs.map((input) => [input.attributes.get("name"), input.attributes.get("type")])).toEqual([
      ["next", "hidden"],
      ["username", "text"],
      ["password", "password"],
    ]);
    expect(inputs[0]?.attributes.get("value")).toBe("/gallery/albums/a1");
    const labelled = new Set(tagsNamed(tags, "label").map((label) => label.attributes.get("for")));
    for (const input of inputs.slice(1)) expect(labelled.has(input.attributes.get("id"))).toBe(true);
    expect(inputs[2]?.attributes.get("autocomplete")).toBe("current-password");
    const alert = tagsNamed(tags, "div", ["role", "alert"]);
    expect(alert).toHaveLength(1);
    expect(out).toContain('role="alert"></div>');
    expect(inputs[1]?.attributes.has("aria-invalid")).toBe(false);
  });

  it("shows the error in the alert region and marks the fields invalid", () => {
    const out = login(pageContext(), { error: "Wrong username or password.", next: "/" }).toString();
    const tags = parseHtml(out);
    expect(out).toMatch(/role="alert"><p>Wrong username or password\.<\/p><\/div>/);
    const inputs = tagsNamed(tags, "input").slice(1);
    for (const input of inputs) {
      expect(input.attributes.get("aria-invalid")).toBe("true");
      expect(input.attributes.get("aria-describedby")).toBe("login-error");
    }
  });
});
