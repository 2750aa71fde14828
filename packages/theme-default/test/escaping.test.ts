import type { SafeHtml } from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";
import {
  albumView,
  decodeEntities,
  HOSTILE,
  makeAlbum,
  pageContext,
  parseHtml,
  photoView,
  tagsNamed,
} from "./helpers.js";

const { templates } = defaultTheme;
const ctx = pageContext({ title: HOSTILE, userName: HOSTILE, basePath: `/g${HOSTILE}` });
const hostileImages = { thumb: { url: `/m/${HOSTILE}.jpg`, width: 144, height: 144 } };
const hostilePhoto = photoView(
  { title: HOSTILE, description: `${HOSTILE}\n${HOSTILE}`, author: HOSTILE, originalFilename: HOSTILE },
  hostileImages,
);
hostilePhoto.href = `javascript:${HOSTILE}`;
const untitledHostilePhoto = photoView({ title: "", originalFilename: HOSTILE }, hostileImages);
const hostileAlbum = albumView(
  { name: HOSTILE, description: HOSTILE },
  { url: HOSTILE, width: 1, height: 1 },
);
hostileAlbum.href = HOSTILE;

const pages: Record<string, () => SafeHtml> = {
  home: () => templates.home(ctx, { albums: [hostileAlbum], nextHref: HOSTILE }),
  album: () =>
    templates.album(ctx, {
      album: makeAlbum({ name: HOSTILE, description: `${HOSTILE}\n\n${HOSTILE}` }),
      parents: [{ label: HOSTILE, href: HOSTILE }],
      children: [hostileAlbum],
      photos: [hostilePhoto, untitledHostilePhoto],
      nextHref: HOSTILE,
    }),
  photo: () => templates.photo(ctx, { photo: hostilePhoto, albumHref: HOSTILE }),
  "photo without title": () => templates.photo(ctx, { photo: untitledHostilePhoto, albumHref: null }),
  error: () => templates.error(ctx, { status: 500, code: HOSTILE, message: HOSTILE }),
  login: () => templates.login(ctx, { error: HOSTILE, next: HOSTILE }),
};

describe("escaping", () => {
  for (const [name, render] of Object.entries(pages)) {
    it(`escapes hostile names, descriptions, titles, filenames, links and breadcrumbs (${name})`, () => {
      const main = render();
      const out = templates
        .layout(ctx, { title: HOSTILE, main, breadcrumbs: [{ label: HOSTILE, href: HOSTILE }] })
        .toString();
      expect(out).not.toContain("<script>");
      // A raw quote followed by an event handler would be a breakout; escaped text inside a value is harmless.
      expect(out).not.toMatch(/["']\s*on[a-z]+\s*=/i);
      expect(out).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      // parseHtml fails on any unquoted attribute, stray quote, unbalanced element or event-handler attribute.
      const tags = parseHtml(out);
      // Every attribute that carried the hostile text still holds all of it: nothing broke out.
      const carriers = tags.flatMap((tag) =>
        [...tag.attributes.values()].filter((value) => decodeEntities(value).includes("alert(1)")),
      );
      expect(carriers.length).toBeGreaterThan(0);
      const whole = [HOSTILE, HOSTILE.replace(/\s/g, "%20")]; // srcset percent-encodes whitespace
      for (const value of carriers)
        expect(whole.some((text) => decodeEntities(value).includes(text))).toBe(true);
    });
  }

  it("keeps hostile alt text and breadcrumb labels whole", () => {
    const out = templates
      .album(ctx, {
        album: makeAlbum({ name: HOSTILE }),
        parents: [{ label: HOSTILE, href: "/p" }],
        children: [],
        photos: [hostilePhoto, untitledHostilePhoto],
        nextHref: null,
      })
      .toString();
    const tags = parseHtml(out);
    expect(tagsNamed(tags, "img").map((img) => decodeEntities(img.attributes.get("alt") ?? ""))).toEqual([
      HOSTILE,
      HOSTILE,
    ]);
    const escaped = HOSTILE.replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
    expect(out).toContain(`<a href="/p">${escaped}</a>`);
    expect(out).toContain(`<span aria-current="page">${escaped}</span>`);
  });
});
