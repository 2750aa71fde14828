import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";
import { pageContext, parseHtml, tagsNamed } from "./helpers.js";

const { error } = defaultTheme.templates;

describe("error", () => {
  it("shows the status, a friendly title for the status and the code with a link home", () => {
    const out = error(pageContext(), {
      status: 404,
      code: "NOT_FOUND",
      message: "Album not found",
    }).toString();
    const tags = parseHtml(out);
    expect(out).toContain("404");
    expect(tagsNamed(tags, "h1")).toHaveLength(1);
    expect(out).toContain(">Page not found</h1>");
    expect(out).toContain("NOT_FOUND");
    expect(tagsNamed(tags, "h1")).toHaveLength(1);
    expect(tagsNamed(tags, "a").map((a) => a.attributes.get("href"))).toEqual(["/gallery/"]);
  });

  it("speaks French and keeps the message of statuses without a friendly title", () => {
    const fr = error(pageContext({ lang: "fr" }), {
      status: 403,
      code: "FORBIDDEN",
      message: "x",
    }).toString();
    expect(fr).toContain("Erreur 403");
    expect(fr).toContain("Vous n’avez pas le droit de voir cette page");
    expect(fr).toContain("Aller à l’accueil de la galerie");
    const conflict = error(pageContext(), {
      status: 409,
      code: "CONFLICT",
      message: "Already exists",
    }).toString();
    expect(conflict).toContain(">Already exists</h1>");
    const crash = error(pageContext(), { status: 500, code: "INTERNAL", message: "boom" }).toString();
    expect(crash).toContain(">Something went wrong</h1>");
    expect(crash).not.toContain("boom");
  });
});
