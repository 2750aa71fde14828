import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";
import { HOSTILE, pageContext, parseHtml, tagsNamed } from "./helpers.js";

const { account } = defaultTheme.templates;

describe("account", () => {
  it("renders the registration form with labelled fields and kept values, never the password", () => {
    const out = account(pageContext(), {
      view: "register",
      notice: null,
      error: "This username is already taken.",
      values: { username: HOSTILE, email: "a@b.c" },
    }).toString();
    const tags = parseHtml(out);
    expect(tagsNamed(tags, "form")[0]?.attributes.get("action")).toBe("/gallery/register");
    for (const input of tagsNamed(tags, "input")) {
      const id = input.attributes.get("id") ?? "";
      expect(tagsNamed(tags, "label", ["for", id]), id).toHaveLength(1);
    }
    expect(tagsNamed(tags, "input", ["name", "password"])[0]?.attributes.has("value")).toBe(false);
    expect(tagsNamed(tags, "input", ["name", "username"])[0]?.attributes.get("aria-invalid")).toBe("true");
    expect(out).not.toContain("<script>alert");
  });

  it("renders the forgot and reset forms, and a notice instead of the form once done (in French)", () => {
    const forgot = account(pageContext(), { view: "forgot", notice: null, error: null }).toString();
    expect(tagsNamed(parseHtml(forgot), "form")[0]?.attributes.get("action")).toBe(
      "/gallery/forgot-password",
    );
    const reset = account(pageContext(), { view: "reset", notice: null, error: null }).toString();
    const tokenField = tagsNamed(parseHtml(reset), "input", ["name", "token"])[0];
    expect(tokenField?.attributes.has("data-fragment-token")).toBe(true);
    const done = account(pageContext({ lang: "fr" }), {
      view: "reset",
      notice: "Fait.",
      error: null,
    }).toString();
    expect(done).not.toContain("<form");
    expect(done).toContain('role="status">Fait.</p>');
    expect(done).toContain("Choisir un nouveau mot de passe");
    expect(done).toContain('href="/gallery/login"');
  });
});
