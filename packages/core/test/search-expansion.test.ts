import { SYSTEM } from "@vernissage/core";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { searchWords } from "../src/services/photos.js";
import { sqliteFoldedWord, sqliteMatchQuery } from "../src/services/search.js";
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
  "東京タワー",
  "東北",
  "Москва",
  "москвич",
  "Ελλάδα",
  "ελληνικά",
  "서울",
  "Ǡrc",
  "Ꭰᏼ",
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
    // Most prefixes were expanded, accented Latin ones too; "h" (too many terms) and "東京" were not.
    expect(expanded).toBeGreaterThan(prefixes.size / 2);
    // Other scripts go through the tokenizer itself: Greek keeps its accents, Cyrillic is lower-cased.
    expect(await sqliteMatchQuery(gallery.db, ["東"])).toBe('("東京" OR "東京タワー" OR "東北")');
    expect(await sqliteMatchQuery(gallery.db, ["МОСКВ"])).toBe('("москва" OR "москвич")');
    expect(await sqliteMatchQuery(gallery.db, ["Ελλ"])).toBe('("ελλάδα" OR "ελληνικά")');
    // Concurrent calls on the one connection do not mix their words.
    const together = await Promise.all(
      ["Москва", "서울", "Ελλάδα", "東北", "москвич", "東京タワー"].map((w) =>
        sqliteMatchQuery(gallery.db, [w]),
      ),
    );
    expect(together).toEqual([
      '("москва")',
      '("서울")',
      '("ελλάδα")',
      '("東北")',
      '("москвич")',
      '("東京タワー")',
    ]);
    expect(await sqliteMatchQuery(gallery.db, ["h"])).toBe('"h"*');
    expect(await sqliteMatchQuery(gallery.db, ["Harbour"])).toBe(
      '("harbour" OR "harbourmaster" OR "harbours")',
    );
    expect(await sqliteMatchQuery(gallery.db, ["café"])).toBe('("cafe" OR "cafes")');
    expect(await sqliteMatchQuery(gallery.db, ["ÜNÏC"])).toBe('("unicode")');
    // Several words: all must match.
    const both = await sqliteMatchQuery(gallery.db, ["harbour", "hat"]);
    expect(await rows(both)).toEqual(await rows('"harbour"* "hat"*'));
    // The search service gives the same pages as before the expansion (newest first).
    const page = await gallery.search.photos(SYSTEM, { q: "harbour", limit: 100 });
    expect(page.items.length).toBe((await rows('"harbour"*')).length);
  });

  it("folds words exactly as the index's tokenizer does, for every letter and digit of Unicode", async () => {
    const { gallery } = await openGallery();
    // A table with the index's tokenizer and its vocabulary: what the tokenizer makes of each word.
    await sql`create virtual table temp.fold_check using fts5(body, tokenize = 'unicode61 remove_diacritics 2')`.execute(
      gallery.db,
    );
    await sql`create virtual table temp.fold_check_vocab using fts5vocab(temp, 'fold_check', 'instance')`.execute(
      gallery.db,
    );
    const claims: { word: string; folded: string }[] = [];
    let refused = 0;
    for (let c = 0x30; c <= 0x3ffff; c++) {
      const [word, ...more] = searchWords(`ab${String.fromCodePoint(c)}cd`);
      if (word === undefined || more.length > 0) continue;
      const folded = sqliteFoldedWord(word);
      if (folded === null) refused++;
      else claims.push({ word, folded });
    }
    // Letters with accents are folded (over a thousand of them), the rest refused.
    expect(claims.length).toBeGreaterThan(1500);
    expect(refused).toBeGreaterThan(100_000);
    for (let i = 0; i < claims.length; i += 200) {
      const batch = claims.slice(i, i + 200);
      await sql`delete from temp.fold_check`.execute(gallery.db);
      for (const [k, claim] of batch.entries())
        await sql`insert into temp.fold_check(rowid, body) values (${k + 1}, ${claim.word})`.execute(
          gallery.db,
        );
      const terms = await sql<{
        doc: number;
        term: string;
      }>`select doc, term from temp.fold_check_vocab`.execute(gallery.db);
      const byDoc = new Map<number, string[]>();
      for (const r of terms.rows) byDoc.set(Number(r.doc), [...(byDoc.get(Number(r.doc)) ?? []), r.term]);
      const wrong = batch
        .map((claim, k) => ({ ...claim, tokenizer: byDoc.get(k + 1) ?? [] }))
        .filter((c) => c.tokenizer.length !== 1 || c.tokenizer[0] !== c.folded);
      expect(wrong).toEqual([]);
    }
  });
});
