import type {
  Album,
  AlbumView,
  ImageSource,
  PageContext,
  Photo,
  PhotoMetadata,
  PhotoView,
} from "@vernissage/core";
import { emptyMetadata as noMetadata } from "@vernissage/core";
import { expect } from "vitest";

/** A hostile string that would break out of text and attributes if it were not escaped. */
export const HOSTILE = `<script>alert(1)</script>" onmouseover="alert(2)' onfocus='x`;

export function pageContext(overrides: Partial<PageContext> = {}): PageContext {
  return {
    title: "My Gallery",
    basePath: "/gallery",
    userName: null,
    assets: { "style.css": "/gallery/_theme/style.3f2a1c.css" },
    lang: "en",
    ...overrides,
  };
}

export function makeAlbum(overrides: Partial<Album> = {}): Album {
  return {
    id: "alb_1",
    parentId: null,
    name: "Holidays",
    slug: "holidays",
    description: "",
    visibility: "public",
    rank: 0,
    coverPhotoId: null,
    photoCount: 3,
    photoOrder: "manual",
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function albumView(overrides: Partial<Album> = {}, cover: ImageSource | null = null): AlbumView {
  const album = makeAlbum(overrides);
  return { album, href: `/gallery/albums/${album.id}`, cover };
}

export function makePhoto(overrides: Partial<Photo> = {}): Photo {
  return {
    id: "pho_1",
    title: "Sunset",
    description: "",
    author: "",
    originalFilename: "IMG_0001.jpg",
    mimeType: "image/jpeg",
    byteSize: 123_456,
    width: 4000,
    height: 3000,
    orientation: 1,
    sha256: "ab".repeat(32),
    takenAt: null,
    addedAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    privacyLevel: 0,
    uploaderId: null,
    thumbhash: null,
    metadata: emptyMetadata(),
    ...overrides,
  };
}

export function emptyMetadata(overrides: Partial<PhotoMetadata> = {}): PhotoMetadata {
  return { ...noMetadata(), ...overrides };
}

export function imagesFor(id: string): Record<string, ImageSource> {
  return {
    thumb: { url: `/gallery/media/${id}/thumb.webp`, width: 144, height: 108 },
    small: { url: `/gallery/media/${id}/small.webp`, width: 576, height: 432 },
    medium: { url: `/gallery/media/${id}/medium.webp`, width: 792, height: 594 },
    large: { url: `/gallery/media/${id}/large.webp`, width: 1008, height: 756 },
  };
}

export function photoView(overrides: Partial<Photo> = {}, images?: Record<string, ImageSource>): PhotoView {
  const photo = makePhoto(overrides);
  return { photo, images: images ?? imagesFor(photo.id), href: `/gallery/photos/${photo.id}` };
}

const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);
const TOKEN =
  /<!--[\s\S]*?-->|<!doctype html>|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'<>/=]+(?:="[^"]*")?)*)\s*>/gi;
const ATTRIBUTE = /([^\s"'<>/=]+)(?:="([^"]*)")?/g;

/** One start tag found in a document. */
export interface Tag {
  name: string;
  attributes: Map<string, string>;
}

/**
 * Checks that markup is well-formed the way these templates write it: every attribute value double-quoted,
 * elements balanced, no raw `<`/`>` or bare `&` in text, no inline script, style or event handler.
 * Returns the start tags for further assertions.
 */
export function parseHtml(markup: string): Tag[] {
  const tags: Tag[] = [];
  const stack: string[] = [];
  let last = 0;
  for (const match of markup.matchAll(TOKEN)) {
    checkText(markup.slice(last, match.index));
    last = match.index + match[0].length;
    const [, closing, rawName, rawAttributes] = match;
    if (rawName === undefined) continue;
    const name = rawName.toLowerCase();
    if (closing) {
      expect(stack.pop(), `closing </${name}> at ${match.index}`).toBe(name);
      continue;
    }
    const attributes = new Map<string, string>();
    for (const attribute of (rawAttributes ?? "").matchAll(ATTRIBUTE)) {
      const attributeName = (attribute[1] ?? "").toLowerCase();
      expect(attributes.has(attributeName), `duplicate ${attributeName} on <${name}>`).toBe(false);
      attributes.set(attributeName, attribute[2] ?? "");
      checkText(attribute[2] ?? "");
    }
    expect([...attributes.keys()].filter((key) => key.startsWith("on") || key === "style")).toEqual([]);
    // Scripts only from files (same-origin src) or as inert JSON data: never inline code.
    if (name === "script") {
      expect(attributes.has("src") || attributes.get("type") === "application/json", "inline script").toBe(
        true,
      );
    }
    expect(name).not.toBe("style");
    tags.push({ name, attributes });
    if (!VOID.has(name)) stack.push(name);
  }
  checkText(markup.slice(last));
  expect(stack, "unclosed elements").toEqual([]);
  return tags;
}

function checkText(text: string): void {
  expect(text, "raw < or > in text").not.toMatch(/[<>]/);
  expect(text, "bare &").not.toMatch(/&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)/);
}

/** Start tags with the given name (and, optionally, a given attribute value). */
export function tagsNamed(tags: Tag[], name: string, attribute?: [string, string]): Tag[] {
  return tags.filter(
    (tag) =>
      tag.name === name && (attribute === undefined || tag.attributes.get(attribute[0]) === attribute[1]),
  );
}

/** Decode the entities `escapeHtml` produces, to compare attribute values with their source text. */
export function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, "`")
    .replace(/&amp;/g, "&");
}
