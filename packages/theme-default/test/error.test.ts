import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";
import { pageContext, parseHtml, tagsNamed } from "./helpers.js";

const { error } = defaultTheme.templates;

describe("error", () => {
  it("shows the status, message and code with a link home", () => {
    const out = error(pageContext(), {
      status: 404,
      code: "NOT_FOUND",
      message: "Album not found",
    }).toString();
    const tags = parseHtml(out);
    expect(out).toContain("404");
    expect(out).toContain("Album not found");
    expect(out).toContain("NOT_FOUND");
    expect(tagsNamed(tags, "h1")).toHaveLength(1);
    expect(tagsNamed(tags, "a").map((a) => a.attributes.get("href"))).toEqual(["/gallery/"]);
  });
});
