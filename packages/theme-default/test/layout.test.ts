import { html } from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";
import { decodeEntities, HOSTILE, pageContext, parseHtml, tagsNamed } from "./helpers.js";

const { layout } = defaultTheme.templates;
const main = html`<h1>Hello</h1>`;

describe("layout", () => {
  it("renders a complete document with head, landmarks and skip link", () => {
    const out = layout(pageContext({ lang: "fr" }), { title: "Holidays", main }).toString();
    expect(out.startsWith("<!doctype html>")).toBe(true);
    const tags = parseHtml(out);
    expect(tagsNamed(tags, "html")[0]?.attributes.get("lang")).toBe("fr");
    expect(tagsNamed(tags, "meta", ["charset", "utf-8"])).toHaveLength(1);
    expect(tagsNamed(tags, "meta", ["name", "viewport"])[0]?.attributes.get("content")).toContain(
      "width=device-width",
    );
    expect(out).toContain("<title>Holidays · My Gallery</title>");
    for (const landmark of ["header", "main", "footer"]) expect(tagsNamed(tags, landmark).length).toBe(1);
    // Site navigation (tags, search) and the account area, each labelled.
    expect(tagsNamed(tags, "nav").map((nav) => nav.attributes.get("aria-label"))).toEqual(["Site", "Compte"]);
    expect(tagsNamed(tags, "main")[0]?.attributes.get("id")).toBe("main");
    const skip = tagsNamed(tags, "a")[0];
    expect(skip?.attributes.get("href")).toBe("#main");
    expect(out).toContain("<h1>Hello</h1>");
  });

  it("links the fingerprinted stylesheet and makes no other request", () => {
    const tags = parseHtml(layout(pageContext(), { title: "x", main }).toString());
    const links = tagsNamed(tags, "link");
    expect(links).toHaveLength(1);
    expect(links[0]?.attributes.get("rel")).toBe("stylesheet");
    expect(links[0]?.attributes.get("href")).toBe("/gallery/_theme/style.3f2a1c.css");
    for (const tag of tags) {
      for (const name of ["src", "href", "action"]) {
        const value = tag.attributes.get(name);
        if (value !== undefined) expect(value).not.toMatch(/^(?:[a-z]+:)?\/\//i);
      }
    }
  });

  it("omits the stylesheet link when the asset is not available", () => {
    const tags = parseHtml(layout(pageContext({ assets: {} }), { title: "x", main }).toString());
    expect(tagsNamed(tags, "link")).toHaveLength(0);
  });

  it("uses the gallery title alone when the page title is the same or empty", () => {
    expect(layout(pageContext(), { title: "My Gallery", main }).toString()).toContain(
      "<title>My Gallery</title>",
    );
    expect(layout(pageContext(), { title: "", main }).toString()).toContain("<title>My Gallery</title>");
  });

  it("links the title home under the base path and offers a login link to guests", () => {
    const tags = parseHtml(layout(pageContext(), { title: "x", main }).toString());
    const hrefs = tagsNamed(tags, "a").map((a) => a.attributes.get("href"));
    expect(hrefs).toContain("/gallery/");
    expect(hrefs).toContain("/gallery/login");
    expect(tagsNamed(tags, "form")).toHaveLength(0);
  });

  it("works at the root base path", () => {
    const tags = parseHtml(layout(pageContext({ basePath: "" }), { title: "x", main }).toString());
    const hrefs = tagsNamed(tags, "a").map((a) => a.attributes.get("href"));
    expect(hrefs).toContain("/");
    expect(hrefs).toContain("/login");
  });

  it("shows the signed-in user and a POST logout form", () => {
    const out = layout(pageContext({ userName: "Ada" }), { title: "x", main }).toString();
    const tags = parseHtml(out);
    expect(out).toContain("<strong>Ada</strong>");
    const form = tagsNamed(tags, "form")[0];
    expect(form?.attributes.get("method")).toBe("post");
    expect(form?.attributes.get("action")).toBe("/gallery/logout");
    expect(tagsNamed(tags, "button", ["type", "submit"])).toHaveLength(1);
    expect(tagsNamed(tags, "a").map((a) => a.attributes.get("href"))).not.toContain("/gallery/login");
  });

  it("renders breadcrumbs when the caller passes them", () => {
    const out = layout(pageContext(), {
      title: "x",
      main,
      breadcrumbs: [{ label: "Holidays", href: "/gallery/albums/a1" }],
    }).toString();
    const tags = parseHtml(out);
    expect(tagsNamed(tags, "nav", ["aria-label", "Breadcrumb"])).toHaveLength(1);
    expect(out).toContain('<a href="/gallery/albums/a1">Holidays</a>');
  });

  it("escapes the gallery title, page title, user name, language and asset URL", () => {
    const out = layout(
      pageContext({ title: HOSTILE, userName: HOSTILE, lang: HOSTILE, assets: { "style.css": HOSTILE } }),
      { title: HOSTILE, main, breadcrumbs: [{ label: HOSTILE, href: HOSTILE }] },
    ).toString();
    expect(out).not.toContain("<script>");
    expect(out).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    parseHtml(out);
  });

  it("emits canonical, Open Graph and feed links, the deferred lightbox script and its messages", () => {
    const ctx = pageContext({
      lang: "fr",
      assets: {
        "style.css": "/gallery/assets/abc/style.css",
        "lightbox.js": "/gallery/assets/def/lightbox.js",
      },
    });
    const out = layout(ctx, {
      title: HOSTILE,
      main: html`<p>x</p>`,
      meta: {
        canonical: "https://example.org/gallery/photos/p1",
        description: "A tram",
        type: "article",
        image: { url: "https://example.org/m/large.jpg", width: 1008, height: 756, alt: HOSTILE },
        alternates: [{ href: "/gallery/feed.atom", type: "application/atom+xml", title: "Photos récentes" }],
      },
    }).toString();
    const tags = parseHtml(out);
    const meta = (property: string) =>
      tagsNamed(tags, "meta")
        .find((m) => m.attributes.get("property") === property)
        ?.attributes.get("content");
    expect(tagsNamed(tags, "link", ["rel", "canonical"])[0]?.attributes.get("href")).toBe(
      "https://example.org/gallery/photos/p1",
    );
    expect(meta("og:type")).toBe("article");
    expect(meta("og:image")).toBe("https://example.org/m/large.jpg");
    expect(meta("og:locale")).toBe("fr_FR");
    expect(decodeEntities(meta("og:title") ?? "")).toBe(HOSTILE);
    expect(tagsNamed(tags, "link", ["type", "application/atom+xml"])).toHaveLength(1);
    const scripts = tagsNamed(tags, "script");
    expect(scripts.map((s) => s.attributes.get("src") ?? s.attributes.get("type"))).toEqual([
      "/gallery/assets/def/lightbox.js",
      "application/json",
    ]);
    expect(scripts[0]?.attributes.has("defer")).toBe(true);
    const json = out.match(
      /<script type="application\/json" id="vernissage-messages">([^<]*)<\/script>/,
    )?.[1];
    expect(JSON.parse(json ?? "{}")["lightbox.next"]).toBe("Suivante");
    expect(out).toContain("Propulsé par Vernissage");
    expect(out).toContain('href="/gallery/feed.atom"');
  });
});
