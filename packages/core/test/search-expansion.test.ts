import { SYSTEM } from "@vernissage/core";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { sqliteMatchQuery } from "../src/services/search.js";
import { jpeg, openGallery } from "./helpers.js";

const stack = process.env.VERNISSAGE_TEST_STACK ?? "sqlite-fs";

// Words chosen so prefixes expand to one term, to a few, to more than the expansion takes, or to none; with
// accents, non-Latin scripts, digits and mixed case.
const VOCABULARY = [
  "harbour",
  "harbours",
  "harbourmaster",
  "Harbor",
  "hárbol",
  "hat",
  "hats",
  "head",
  "heart",
  "heat",
  "help",
  "hello",
  "hero",
  "hill",
  "hope",
  "horse",
  "hour",
  "2024",
  "2024a",
  "20",
  "Ünïcode",
  "東京",
  "café",
  "cafés",
  "zz",
];

// SQLite's FTS5 query rewriting only: PostgreSQL searches through `tsvector` prefix queries, which this does not
// touch, so the PostgreSQL pass skips it (its search paging is tested by tag-order-search-scan.test.ts).
describe.skipIf(stack !== "sqlite-fs")("SQLite search: words expanded to the terms they prefix", () => {
  it("matches exactly the rows the prefix query matches, for every prefix of every word", async () => {
    const { gallery } = await openGallery();
    const album = await gallery.albums.create(SYSTEM, { name: "Words" });
    // 60 photos, each titled with two or three words of the vocabulary.
    for (let i = 0; i < 60; i++) {
      const words = [i, i * 7 + 3, i * 13 + 5]
        .slice(0, 2 + (i % 2))
        .map((k) => VOCABULARY[k % VOCABULARY.length]);
      const { photo } = await gallery.photos.upload(SYSTEM, {
        albumId: album.id,
        file: await jpeg(
          16 + (i % 9),
          12 + (i % 7),
          `#${(i * 40_503).toString(16).padStart(6, "0").slice(-6)}`,
        ),
        filename: `w${i}.jpg`,
      });
      await gallery.photos.update(SYSTEM, photo.id, { title: words.join(" ") });
    }
    const rows = async (match: string) =>
      (
        await sql<{
          rowid: number;
        }>`select rowid from photo_search where photo_search match ${match} order by rowid desc`.execute(
          gallery.db,
        )
      ).rows.map((r) => r.rowid);
    const prefixes = new Set<string>();
    for (const word of VOCABULARY) {
      for (let n = 1; n <= word.length; n++) prefixes.add(word.slice(0, n));
    }
    prefixes.add("nothing");
    prefixes.add("HARB");
    let expanded = 0;
    for (const prefix of prefixes) {
      const query = await sqliteMatchQuery(gallery.db, [prefix]);
      if (!query.endsWith("*")) expanded++;
      expect({ prefix, rows: await rows(query) }).toEqual({ prefix, rows: await rows(`"${prefix}"*`) });
    }
    // Most prefixes were expanded; "h" (too many terms) and the non-ASCII ones were not.
    expect(expanded).toBeGreaterThan(prefixes.size / 2);
    expect(await sqliteMatchQuery(gallery.db, ["h"])).toBe('"h"*');
    expect(await sqliteMatchQuery(gallery.db, ["Harbour"])).toBe(
      '("harbour" OR "harbourmaster" OR "harbours")',
    );
    expect(await sqliteMatchQuery(gallery.db, ["café"])).toBe('"café"*');
    // Several words: all must match.
    const both = await sqliteMatchQuery(gallery.db, ["harbour", "hat"]);
    expect(await rows(both)).toEqual(await rows('"harbour"* "hat"*'));
    // The search service gives the same pages as before the expansion (newest first).
    const page = await gallery.search.photos(SYSTEM, { q: "harbour", limit: 100 });
    expect(page.items.length).toBe((await rows('"harbour"*')).length);
  });
});
