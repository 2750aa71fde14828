import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";
import { albumView, makeAlbum, pageContext, parseHtml, photoView, tagsNamed } from "./helpers.js";

const { album } = defaultTheme.templates;
const parents = [
  { label: "Travel", href: "/gallery/albums/t" },
  { label: "2024", href: "/gallery/albums/t24" },
];

describe("album", () => {
  it("renders breadcrumbs, name, description, sub-albums and photos in that order", () => {
    const out = album(pageContext(), {
      album: makeAlbum({ name: "Lisbon", description: "First line\n\nSecond line\r\nThird" }),
      parents,
      children: [albumView({ id: "c1", name: "Day one" })],
      photos: [photoView({ id: "p1" }), photoView({ id: "p2", title: "" })],
      nextHref: null,
    }).toString();
    const tags = parseHtml(out);

    const nav = out.slice(
      out.indexOf('<nav class="breadcrumbs" aria-label="Breadcrumb">'),
      out.indexOf("</nav>"),
    );
    expect(nav).toMatch(
      /href="\/gallery\/">Home<.*href="\/gallery\/albums\/t">Travel<.*href="\/gallery\/albums\/t24">2024</s,
    );
    expect(nav).toContain('<span aria-current="page">Lisbon</span>');
    expect(tagsNamed(tags, "h1")).toHaveLength(1);
    expect(out).toContain("<p>First line</p>");
    expect(out).toContain("<p>Second line</p>");
    expect(out).toContain("<p>Third</p>");

    const cards = tagsNamed(tags, "a", ["data-testid", "album-card"]);
    expect(cards.map((card) => card.attributes.get("href"))).toEqual(["/gallery/albums/c1"]);
    const thumbs = tagsNamed(tags, "a", ["data-testid", "photo-thumb"]);
    expect(thumbs.map((thumb) => thumb.attributes.get("href"))).toEqual([
      "/gallery/photos/p1",
      "/gallery/photos/p2",
    ]);
    expect(out.indexOf("album-card")).toBeLessThan(out.indexOf("photo-thumb"));
    expect(out).not.toContain("empty-state");
  });

  it("gives each thumbnail src, srcset, sizes, dimensions, lazy loading and alt text", () => {
    const out = album(pageContext(), {
      album: makeAlbum(),
      parents: [],
      children: [],
      photos: [
        photoView({ id: "p1", title: "Tram 28" }),
        photoView({ id: "p2", title: "  ", originalFilename: "DSC_9.JPG" }),
      ],
      nextHref: null,
    }).toString();
    const images = tagsNamed(parseHtml(out), "img", ["class", "thumb-img"]);
    expect(images).toHaveLength(2);
    const [first, second] = images;
    expect(first?.attributes.get("src")).toBe("/gallery/media/p1/thumb.webp");
    expect(first?.attributes.get("srcset")).toBe(
      "/gallery/media/p1/thumb.webp 144w, /gallery/media/p1/small.webp 576w, /gallery/media/p1/medium.webp 792w, /gallery/media/p1/large.webp 1008w",
    );
    // 4000×3000 is ratio 1.3: sized for a 224 px (wide) or 160 px (narrow) row, with room to stretch.
    expect(first?.attributes.get("sizes")).toBe("(min-width: 48rem) 437px, 312px");
    expect(first?.attributes.get("width")).toBe("144");
    expect(first?.attributes.get("height")).toBe("108");
    // The first photos are likely above the fold: eager; the rest lazy (see the 100-photo test).
    expect(first?.attributes.get("loading")).toBe("eager");
    expect(first?.attributes.get("decoding")).toBe("async");
    expect(first?.attributes.get("alt")).toBe("Tram 28");
    expect(second?.attributes.get("alt")).toBe("DSC_9.JPG");
  });

  it("falls back to the first image without a thumb preset, and to a placeholder without images", () => {
    const out = album(pageContext(), {
      album: makeAlbum(),
      parents: [],
      children: [],
      photos: [
        photoView(
          { id: "p1" },
          {
            xsmall: { url: "/m/p1/xsmall.jpg", width: 432, height: 324 },
            "2small": { url: "/m/p1/2small.jpg", width: 240, height: 180 },
          },
        ),
        photoView({ id: "p2", title: "Pending" }, {}),
      ],
      nextHref: null,
    }).toString();
    const tags = parseHtml(out);
    const images = tagsNamed(tags, "img");
    expect(images).toHaveLength(1);
    expect(images[0]?.attributes.get("src")).toBe("/m/p1/xsmall.jpg");
    expect(images[0]?.attributes.get("width")).toBe("432");
    expect(images[0]?.attributes.get("srcset")).toBe("/m/p1/2small.jpg 240w, /m/p1/xsmall.jpg 432w");
    expect(tagsNamed(tags, "a", ["data-testid", "photo-thumb"])).toHaveLength(2);
    expect(out).toContain(">Pending</span>");
  });

  it("percent-encodes whitespace in srcset URLs", () => {
    const out = album(pageContext(), {
      album: makeAlbum(),
      parents: [],
      children: [],
      photos: [photoView({}, { thumb: { url: "/m/my photo.jpg", width: 144, height: 144 } })],
      nextHref: null,
    }).toString();
    expect(tagsNamed(parseHtml(out), "img")[0]?.attributes.get("srcset")).toBe("/m/my%20photo.jpg 144w");
  });

  it("links to the next page", () => {
    const out = album(pageContext(), {
      album: makeAlbum(),
      parents: [],
      children: [],
      photos: [photoView()],
      nextHref: "/gallery/albums/alb_1?cursor=xyz",
    }).toString();
    expect(tagsNamed(parseHtml(out), "a", ["rel", "next"])[0]?.attributes.get("href")).toBe(
      "/gallery/albums/alb_1?cursor=xyz",
    );
  });

  it("shows an empty state for an album with nothing in it", () => {
    const out = album(pageContext(), {
      album: makeAlbum({ photoCount: 0 }),
      parents: [],
      children: [],
      photos: [],
      nextHref: null,
    }).toString();
    const tags = parseHtml(out);
    expect(out).toContain("empty-state");
    expect(tagsNamed(tags, "ul", ["class", "photo-grid"])).toHaveLength(0);
    expect(tagsNamed(tags, "nav", ["aria-label", "Breadcrumb"])).toHaveLength(1);
    expect(out).not.toContain('class="prose"');
  });

  it("shows sub-albums without an empty photo grid", () => {
    const out = album(pageContext(), {
      album: makeAlbum(),
      parents: [],
      children: [albumView({ id: "c1" })],
      photos: [],
      nextHref: null,
    }).toString();
    const tags = parseHtml(out);
    expect(tagsNamed(tags, "ul", ["class", "album-grid"])).toHaveLength(1);
    expect(tagsNamed(tags, "ul", ["class", "photo-grid"])).toHaveLength(0);
    expect(out).not.toContain("empty-state");
  });
});
