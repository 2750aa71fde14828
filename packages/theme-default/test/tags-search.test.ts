import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";
import { tagSize } from "../src/templates/tags.js";
import { HOSTILE, pageContext, parseHtml, photoView, tagsNamed } from "./helpers.js";

const { tags, tag, search } = defaultTheme.templates;

describe("tags, tag and search", () => {
  it("sizes the tag cloud by count with classes and spells counts out", () => {
    expect(tagSize(1, 100)).toBe(1);
    expect(tagSize(100, 100)).toBe(5);
    expect(tagSize(10, 100)).toBe(3);
    const out = tags(pageContext(), {
      tags: [
        { label: "Trams", href: "/gallery/tags/t1", count: 100 },
        { label: HOSTILE, href: "/gallery/tags/t2", count: 1 },
      ],
    }).toString();
    const links = tagsNamed(parseHtml(out), "a");
    expect(links.map((a) => a.attributes.get("class"))).toEqual(["tag-size-5", "tag-size-1"]);
    expect(out).toContain("(100 photos)");
    expect(out).not.toContain("<script>alert");
    expect(tags(pageContext({ lang: "fr" }), { tags: [] }).toString()).toContain(
      "Il n’y a pas encore de mot-clé.",
    );
  });

  it("renders a tag's photos with breadcrumbs through the tag cloud", () => {
    const out = tag(pageContext(), {
      tag: { label: "Trams", count: 2 },
      photos: [photoView({ id: "p1" }), photoView({ id: "p2" })],
      nextHref: "/gallery/tags/t1?cursor=abc",
    }).toString();
    const tagList = parseHtml(out);
    expect(out).toContain("Photos tagged “Trams”");
    expect(tagsNamed(tagList, "a", ["data-testid", "photo-thumb"])).toHaveLength(2);
    expect(tagsNamed(tagList, "a", ["rel", "next"])[0]?.attributes.get("href")).toBe(
      "/gallery/tags/t1?cursor=abc",
    );
    expect(tagsNamed(tagList, "a").map((a) => a.attributes.get("href"))).toContain("/gallery/tags");
  });

  it("keeps the query in a GET form, marks the chosen tag, and shows results, none, or an error", () => {
    const data = {
      query: { q: HOSTILE, tagId: "t2", takenFrom: "2024-01-01", takenTo: "" },
      tagOptions: [
        { id: "t1", label: "Trams" },
        { id: "t2", label: "Tiles" },
      ],
      results: null,
      nextHref: null,
      error: null,
    };
    const before = search(pageContext(), data).toString();
    const parsed = parseHtml(before);
    const form = tagsNamed(parsed, "form")[0];
    expect(form?.attributes.get("method")).toBe("get");
    expect(form?.attributes.get("action")).toBe("/gallery/search");
    expect(
      tagsNamed(parsed, "option")
        .filter((o) => o.attributes.has("selected"))
        .map((o) => o.attributes.get("value")),
    ).toEqual(["t2"]);
    expect(tagsNamed(parsed, "input", ["name", "from"])[0]?.attributes.get("value")).toBe("2024-01-01");
    expect(before).not.toContain("results-heading");
    for (const id of ["search-q", "search-tag", "search-from", "search-to"]) {
      expect(tagsNamed(parsed, "label", ["for", id])).toHaveLength(1);
    }
    const none = search(pageContext(), { ...data, results: [] }).toString();
    expect(none).toContain("No photo matches.");
    const found = search(pageContext(), { ...data, results: [photoView()] }).toString();
    expect(tagsNamed(parseHtml(found), "a", ["data-testid", "photo-thumb"])).toHaveLength(1);
    const error = search(pageContext(), { ...data, error: "Bad query" }).toString();
    expect(tagsNamed(parseHtml(error), "input", ["name", "q"])[0]?.attributes.get("aria-invalid")).toBe(
      "true",
    );
    expect(error).toContain("<p>Bad query</p>");
  });

  it("renders the share landing form (password optional, never in the URL) and a photo-set page", () => {
    const { share } = defaultTheme.templates;
    const out = share(pageContext(), {
      view: "unlock",
      action: "/gallery/s/abc",
      error: "Wrong password.",
    }).toString();
    const parsed = parseHtml(out);
    const form = tagsNamed(parsed, "form")[0];
    expect(form?.attributes.get("method")).toBe("post");
    expect(form?.attributes.get("action")).toBe("/gallery/s/abc");
    const password = tagsNamed(parsed, "input", ["name", "password"])[0];
    expect(password?.attributes.get("type")).toBe("password");
    expect(password?.attributes.has("required")).toBe(false);
    expect(password?.attributes.get("aria-invalid")).toBe("true");
    expect(out).toContain("<p>Wrong password.</p>");
    const photos = share(pageContext({ lang: "fr" }), {
      view: "photos",
      photos: [photoView({ id: "p1" })],
      nextHref: null,
    }).toString();
    expect(photos).toContain("Photos partagées");
    expect(tagsNamed(parseHtml(photos), "a", ["data-testid", "photo-thumb"])).toHaveLength(1);
  });

  it("renders calendar years and localised months with counts", () => {
    const { calendar } = defaultTheme.templates;
    const years = calendar(pageContext(), {
      year: null,
      entries: [
        { key: 2024, href: "/gallery/calendar/2024", count: 12 },
        { key: 2019, href: "/gallery/calendar/2019", count: 1 },
      ],
    }).toString();
    const links = tagsNamed(parseHtml(years), "a", ["data-testid", "calendar-entry"]);
    expect(links.map((a) => a.attributes.get("href"))).toEqual([
      "/gallery/calendar/2024",
      "/gallery/calendar/2019",
    ]);
    expect(years).toContain("By date taken");
    expect(years).toContain("1 photo");
    const months = calendar(pageContext({ lang: "fr" }), {
      year: 2024,
      entries: [{ key: 5, href: "/gallery/search?from=2024-05-01&to=2024-05-31", count: 3 }],
    }).toString();
    parseHtml(months);
    expect(months).toContain(">mai</span>");
    expect(months).toContain("Photos prises en 2024");
    expect(months).toContain('aria-label="Fil d’Ariane"');
    expect(calendar(pageContext(), { year: null, entries: [] }).toString()).toContain("empty-state");
  });
});
