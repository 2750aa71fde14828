import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";
import { emptyMetadata, pageContext, parseHtml, photoView, tagsNamed } from "./helpers.js";

const { photo } = defaultTheme.templates;

describe("photo", () => {
  it("shows the large image with a srcset of all sources, title, description and details", () => {
    const view = photoView({
      title: "Sunset over the Tagus",
      description: "Taken from the ferry.\nWindy.",
      author: "Ada",
      width: 6000,
      height: 4000,
      takenAt: Date.UTC(2024, 4, 17, 19, 30),
    });
    const out = photo(pageContext(), { photo: view, albumHref: "/gallery/albums/a1" }).toString();
    const tags = parseHtml(out);
    const img = tagsNamed(tags, "img")[0];
    expect(img?.attributes.get("src")).toBe("/gallery/media/pho_1/large.webp");
    expect(img?.attributes.get("srcset")?.split(", ")).toHaveLength(4);
    expect(img?.attributes.get("sizes")).toBeTruthy();
    expect(img?.attributes.get("width")).toBe("1008");
    expect(img?.attributes.get("height")).toBe("756");
    expect(img?.attributes.get("alt")).toBe("Sunset over the Tagus");
    expect(out).toContain('<h1 class="page-title">Sunset over the Tagus</h1>');
    expect(out).toContain("<p>Taken from the ferry.</p>");
    expect(out).toContain("6,000 × 4,000 pixels");
    expect(out).toContain("<dd>Ada</dd>");
    expect(tagsNamed(tags, "time")[0]?.attributes.get("datetime")).toBe("2024-05-17T19:30:00.000Z");
    expect(out).toContain("2024");
    expect(tagsNamed(tags, "a").map((a) => a.attributes.get("href"))).toEqual(["/gallery/albums/a1"]);
  });

  it("falls back to the largest source and to the file name", () => {
    const view = photoView(
      { title: "", originalFilename: "IMG_4242.HEIC" },
      {
        thumb: { url: "/m/t.jpg", width: 144, height: 96 },
        xlarge: { url: "/m/xl.jpg", width: 1224, height: 816 },
        small: { url: "/m/s.jpg", width: 576, height: 384 },
      },
    );
    const out = photo(pageContext(), { photo: view, albumHref: null }).toString();
    const tags = parseHtml(out);
    const img = tagsNamed(tags, "img")[0];
    expect(img?.attributes.get("src")).toBe("/m/xl.jpg");
    expect(img?.attributes.get("srcset")).toBe("/m/t.jpg 144w, /m/s.jpg 576w, /m/xl.jpg 1224w");
    expect(img?.attributes.get("alt")).toBe("IMG_4242.HEIC");
    expect(out).toContain('<h1 class="page-title">IMG_4242.HEIC</h1>');
    expect(tagsNamed(tags, "a").map((a) => a.attributes.get("href"))).toEqual(["/gallery/"]);
    expect(out).not.toContain("<time");
    expect(out).not.toContain("Author");
  });

  it("renders a placeholder when no image exists yet", () => {
    const out = photo(pageContext(), { photo: photoView({}, {}), albumHref: null }).toString();
    expect(tagsNamed(parseHtml(out), "img")).toHaveLength(0);
    expect(out).toContain("photo-placeholder");
  });

  it("survives a request language that is not a valid locale", () => {
    const view = photoView({ takenAt: Date.UTC(2020, 0, 1) });
    const out = photo(pageContext({ lang: "not a locale!" }), { photo: view, albumHref: null }).toString();
    expect(out).toContain("2020");
    parseHtml(out);
  });

  it("shows camera data, albums, previous/next and the download link, in French when asked", () => {
    const view = photoView({
      metadata: emptyMetadata({
        cameraMake: "Canon",
        cameraModel: "Canon EOS 5D",
        lens: "EF 24-70mm",
        focalLength: 35,
        aperture: 2.8,
        exposureTime: 0.004,
        iso: 1600,
      }),
    });
    const data = {
      photo: view,
      albumHref: "/gallery/albums/a1/trip",
      albums: [
        { label: "Trip", href: "/gallery/albums/a1/trip" },
        { label: "Best of", href: "/gallery/albums/a2/best" },
      ],
      previous: { label: "Before", href: "/gallery/photos/p0?album=a1" },
      next: { label: "After", href: "/gallery/photos/p2?album=a1" },
      originalHref: "/gallery/media/photos/pho_1/original/abab",
    };
    const out = photo(pageContext(), data).toString();
    const tags = parseHtml(out);
    expect(out).toContain("<dd>Canon EOS 5D</dd>");
    expect(out).toContain("<dd>EF 24-70mm</dd>");
    expect(out).toContain("35 mm · ƒ/2.8 · 1/250 s · ISO 1,600");
    const links = tagsNamed(tags, "a");
    expect(links.find((a) => a.attributes.get("rel") === "prev")?.attributes.get("href")).toBe(
      data.previous.href,
    );
    expect(links.find((a) => a.attributes.get("rel") === "next")?.attributes.get("href")).toBe(
      data.next.href,
    );
    const download = links.find((a) => a.attributes.get("data-testid") === "download-original");
    expect(download?.attributes.get("href")).toBe(data.originalHref);
    expect(download?.attributes.get("download")).toBe("IMG_0001.jpg");
    expect(links.map((a) => a.attributes.get("href"))).toContain("/gallery/albums/a2/best");

    const fr = photo(pageContext({ lang: "fr" }), data).toString();
    expect(fr).toContain("Photo précédente");
    expect(fr).toContain("Télécharger l’original");
    expect(fr).toContain("ƒ/2,8");
    expect(fr).toContain("Appareil");
  });

  it("shows where the photo was taken when its coordinates are given, with a map link that sends no referrer", () => {
    const view = photoView({
      metadata: emptyMetadata({ latitude: -33.856784, longitude: 151.215297, altitude: 5 }),
    });
    const out = photo(pageContext(), { photo: view, albumHref: null }).toString();
    const link = tagsNamed(parseHtml(out), "a").find(
      (a) => a.attributes.get("data-testid") === "photo-location",
    );
    // The attribute as written (escaped): the parser here does not decode entities.
    expect(link?.attributes.get("href")).toBe(
      "https://www.openstreetmap.org/?mlat=-33.85678&amp;mlon=151.21530#map=15/-33.85678/151.21530",
    );
    expect(link?.attributes.get("rel")).toContain("noreferrer");
    expect(out).toContain("33.8568° S, 151.2153° E");
    const fr = photo(pageContext({ lang: "fr" }), {
      photo: photoView({ metadata: emptyMetadata({ latitude: 48.8584, longitude: -2.2945 }) }),
      albumHref: null,
    }).toString();
    expect(fr).toContain("<dt>Lieu</dt>");
    expect(fr).toContain("48,8584° N, 2,2945° O");
  });

  it("leaves out the download link, neighbours and camera rows when there are none", () => {
    const out = photo(pageContext(), { photo: photoView(), albumHref: null }).toString();
    parseHtml(out);
    expect(out).not.toContain("download-original");
    expect(out).not.toContain('rel="prev"');
    expect(out).not.toContain("Camera");
    expect(out).not.toContain("photo-location");
    expect(out).toContain("Back to the gallery");
  });
});
