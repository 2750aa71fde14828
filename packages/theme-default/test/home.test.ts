import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";
import { albumView, pageContext, parseHtml, tagsNamed } from "./helpers.js";

const { home } = defaultTheme.templates;
const cover = { url: "/gallery/media/p1/xsmall.webp", width: 432, height: 324 };

describe("home", () => {
  it("renders root album cards with cover, name and photo count", () => {
    const out = home(pageContext(), {
      albums: [
        albumView({ id: "a1", name: "Holidays", photoCount: 12 }, cover),
        albumView({ id: "a2", name: "Family", photoCount: 1 }),
      ],
      nextHref: null,
    }).toString();
    const tags = parseHtml(out);
    const cards = tagsNamed(tags, "a", ["data-testid", "album-card"]);
    expect(cards.map((card) => card.attributes.get("href"))).toEqual([
      "/gallery/albums/a1",
      "/gallery/albums/a2",
    ]);
    const images = tagsNamed(tags, "img");
    expect(images).toHaveLength(1);
    const img = images[0]!;
    expect(img.attributes.get("src")).toBe(cover.url);
    expect(img.attributes.get("width")).toBe("432");
    expect(img.attributes.get("height")).toBe("324");
    expect(img.attributes.get("loading")).toBe("lazy");
    expect(img.attributes.has("alt")).toBe(true);
    expect(out).toContain("Holidays");
    expect(out).toContain("12 photos");
    expect(out).toContain("1 photo<");
    expect(out).toMatch(/card-placeholder/);
    expect(tagsNamed(tags, "h1")).toHaveLength(1);
    expect(out).not.toContain('rel="next"');
  });

  it("links to the next page when there is one", () => {
    const out = home(pageContext(), {
      albums: [albumView()],
      nextHref: "/gallery/?cursor=abc&limit=20",
    }).toString();
    const tags = parseHtml(out);
    const next = tagsNamed(tags, "a", ["rel", "next"]);
    expect(next).toHaveLength(1);
    expect(next[0]?.attributes.get("href")).toBe("/gallery/?cursor=abc&amp;limit=20");
    expect(tagsNamed(tags, "nav", ["aria-label", "Pagination"])).toHaveLength(1);
  });

  it("shows an empty state without albums", () => {
    const out = home(pageContext(), { albums: [], nextHref: null }).toString();
    const tags = parseHtml(out);
    expect(out).toContain("empty-state");
    expect(tagsNamed(tags, "a", ["data-testid", "album-card"])).toHaveLength(0);
    expect(tagsNamed(tags, "ul")).toHaveLength(0);
  });
});
