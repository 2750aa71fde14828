import { type Expression, type Kysely, type SqlBool, sql } from "kysely";
import type { LocationAccess } from "../access/location.js";
import { albumViewable, photoColumns, photoVisible, viewableAlbumIds } from "../access/visibility.js";
import type { Actor } from "../actor.js";
import type { DB, PhotoRow } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { SearchKey, SearchQuery } from "../hook-contexts.js";
import type { HookBus } from "../hooks.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { DatabaseKind } from "../ports/database.js";
import type { Page, Photo } from "../types.js";
import { toPhoto } from "./mappers.js";
import type { ListPhotosInput, PhotoService } from "./photos.js";
import { searchWords } from "./photos.js";

/** Input of {@link SearchService.photos}. */
export interface SearchPhotosInput extends Omit<ListPhotosInput, "text" | "ids"> {
  /**
   * The words to find (each matches as a prefix; all must match), and `key:value` filters for the search keys
   * plugins registered (e.g. `camera:nikon`).
   */
  q: string;
}

/**
 * Basic search: text over title, description, file name, tags and album names (SQLite FTS5 or PostgreSQL
 * full-text search), filterable by album subtree, tag and dates, cursor-paginated, newest first. Only photos
 * the actor may see are ever returned.
 *
 * **Cost and paging.** A search walks the text index's matches newest first (by added time; on SQLite photos
 * added in the same millisecond come in index order, on PostgreSQL by id) and checks each candidate against the
 * filters and the visibility rule, stopping after a page of results — or after examining
 * {@link SEARCH_SCAN_BUDGET} candidates. In that last case the page holds what was found so far (possibly
 * nothing) and `nextCursor` continues exactly where the walk stopped: so a page may be shorter than `limit` while
 * more results follow, and only `nextCursor: null` means the end. Paging never skips nor repeats a photo. This
 * keeps the cost of one request bounded whatever the size of the library and however few of the matches the
 * actor may see. Results are ordered by date, not by relevance. With `sort: "taken"` or a plugin's
 * `photoIds` restriction the search is a filtered listing instead (every page full; its cost grows with the
 * number of matches).
 *
 * A query is parsed into words and `key:value` filters; a filter counts only when an enabled plugin registered
 * its key (otherwise its text is searched as words). Plugins see the parsed query in `search:query:parse` and
 * restrict the results in `search:query:before`.
 */
export interface SearchService {
  /** Photos matching every word of `q` and every plugin filter. */
  photos(actor: Actor, input: SearchPhotosInput): Promise<Page<Photo>>;
}

const FILTER = /^([A-Za-z][A-Za-z0-9_-]{0,31}):(.+)$/;

/**
 * How many text matches one search request examines at most (see {@link SearchService}): the bound on its cost.
 */
export const SEARCH_SCAN_BUDGET = 1000;

/** A word is expanded to the indexed terms it prefixes when there are at most this many (else a prefix query). */
const MAX_EXPANDED_TERMS = 8;

/**
 * What SQLite's `unicode61 remove_diacritics 2` tokenizer makes of a search word (letters and digits, NFKC), when
 * that is plain lower-case ASCII: `Café` → `cafe`, `ZÜRICH` → `zurich`; else null (`東京`, `ø`, `ß` keep their
 * letters). Diacritics go with the canonical decomposition, as the tokenizer removes them; the one exception
 * found is U+01E0/U+01E1 (A with dot above and macron), which the tokenizer only lower-cases. A test checks this
 * against the tokenizer for every letter and digit of Unicode.
 */
export function sqliteFoldedWord(word: string): string | null {
  if (/[\u01e0\u01e1]/.test(word)) return null;
  const folded = word.normalize("NFKC").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  return /^[a-z0-9]+$/.test(folded) ? folded : null;
}

let foldRow = 0;

/**
 * What the index's tokenizer makes of a word no JS fold covers (`Москва`, `Ελλάδα`, `東京`): SQLite is asked, through a
 * connection-private TEMP table with the same tokenizer, each call with its own row so that concurrent calls on the
 * shared connection cannot mix. Null unless the word is exactly one token.
 */
async function tokenizedWord(db: Kysely<DB>, word: string): Promise<string | null> {
  await sql`create virtual table if not exists temp.search_fold using fts5(body, tokenize = 'unicode61 remove_diacritics 2')`.execute(
    db,
  );
  await sql`create virtual table if not exists temp.search_fold_vocab using fts5vocab(temp, 'search_fold', 'instance')`.execute(
    db,
  );
  foldRow = (foldRow % 1_000_000_000) + 1;
  const row = foldRow;
  await sql`insert into temp.search_fold (rowid, body) values (${row}, ${word})`.execute(db);
  try {
    const terms = await sql<{
      term: string;
    }>`select term from temp.search_fold_vocab where doc = ${row}`.execute(db);
    return terms.rows.length === 1 ? (terms.rows[0]?.term ?? null) : null;
  } finally {
    await sql`delete from temp.search_fold where rowid = ${row}`.execute(db);
  }
}

/** The smallest string above every string that starts with `prefix` (by code point), or null when none is. */
function prefixEnd(prefix: string): string | null {
  const points = [...prefix];
  const last = points.pop()?.codePointAt(0);
  if (last === undefined || last >= 0x10ffff) return null;
  // No string holds a lone surrogate: the next code point after U+D7FF is U+E000.
  const next = last + 1 >= 0xd800 && last + 1 <= 0xdfff ? 0xe000 : last + 1;
  return points.join("") + String.fromCodePoint(next);
}

/**
 * The FTS5 query for `words` on SQLite: every word must match, as a prefix. A prefix query (`"harb"*`) makes
 * FTS5 merge the doclists of every term the word prefixes before the first row comes out: O(matches), 16 ms for
 * a word matching 50,000 photos. So each word is first turned into what the tokenizer makes of it — in JS when
 * {@link sqliteFoldedWord} can (ASCII and accented Latin), else by the tokenizer itself — then looked up in the
 * index's vocabulary (`photo_search_vocab`, one seek per term) and, when it prefixes at most
 * {@link MAX_EXPANDED_TERMS} terms, written as those terms (`"harbour" OR "harbours"`), which FTS5 reads lazily in
 * rowid order: a search stops after its page. Otherwise (more terms, or not one token) it keeps the prefix query.
 * Both forms match the same rows.
 */
export async function sqliteMatchQuery(db: Kysely<DB>, words: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const word of words) {
    const prefix = sqliteFoldedWord(word) ?? (await tokenizedWord(db, word));
    const end = prefix === null ? null : prefixEnd(prefix);
    if (prefix === null || end === null) {
      parts.push(`"${word.replaceAll('"', '""')}"*`);
      continue;
    }
    // The terms from `prefix` (inclusive) up to `end` (exclusive), one index seek each: the smallest term after
    // `t` is at least `t + "\u0001"` (terms never hold control characters).
    const terms: string[] = [];
    let from = prefix;
    while (terms.length <= MAX_EXPANDED_TERMS) {
      const row = await sql<{
        term: string;
      }>`select term from photo_search_vocab where term >= ${from} and term < ${end} limit 1`.execute(db);
      const term = row.rows[0]?.term;
      if (term === undefined) break;
      terms.push(term);
      from = `${term}\u0001`;
    }
    if (terms.length === 0 || terms.length > MAX_EXPANDED_TERMS)
      parts.push(`"${word.replaceAll('"', '""')}"*`);
    else parts.push(`(${terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(" OR ")})`);
  }
  return parts.join(" AND ");
}

/** Cursor tag of a search walk (listing cursors start with 0 or 1). */
const SCAN_MODE = 3;

/** A place in the walk: SQLite `[rowid, ""]`, PostgreSQL `[added_at, photo_id]`. */
type ScanPosition = readonly [number, string];

interface Candidate {
  id: string;
  position: ScanPosition;
}

/**
 * Split a search string into words and `key:value` filters. Only keys in `keys` (lower-case) become filters;
 * any other token stays a word.
 */
export function parseSearchQuery(text: string, keys: ReadonlySet<string>): SearchQuery {
  const query: SearchQuery = { words: [], filters: [] };
  for (const token of text.trim().split(/\s+/)) {
    if (token === "") continue;
    const match = FILTER.exec(token);
    const key = match?.[1]?.toLowerCase();
    if (match && key !== undefined && keys.has(key)) query.filters.push({ key, value: match[2] ?? "" });
    else query.words.push(token);
  }
  return query;
}

/** @internal */
export function createSearchService(deps: {
  db: Kysely<DB>;
  kind: DatabaseKind;
  photos: PhotoService;
  hooks: HookBus;
  /** The search keys of enabled plugins. */
  searchKeys: () => readonly SearchKey[];
  /** Whether an actor may read photos' coordinates. */
  location(actor: Actor): LocationAccess;
}): SearchService {
  const { hooks } = deps;
  return {
    async photos(actor, input) {
      const q = input.q.trim();
      const invalid = () =>
        new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "q", message: "1–200 characters with at least one letter or digit" }],
        });
      if (q.length === 0 || q.length > 200) throw invalid();
      const query = parseSearchQuery(q, new Set(deps.searchKeys().map((k) => k.name.toLowerCase())));
      await hooks.before("search:query:parse", { actor, text: q, query });
      const text = searchWords(query.words.join(" ")).join(" ");
      if (text === "" && query.filters.length === 0) throw invalid();
      const ctx = { actor, query, photoIds: null as string[] | null };
      await hooks.before("search:query:before", ctx);
      const { q: _q, ...rest } = input;
      if (text !== "" && ctx.photoIds === null && input.sort !== "taken") return scan(actor, rest, text);
      return deps.photos.list(actor, {
        ...rest,
        text: text === "" ? undefined : text,
        ids: ctx.photoIds ?? undefined,
      });
    },
  };

  /**
   * PostgreSQL text matches after `after`, newest first, at most `n` (the full-text index in listing order).
   * SQLite walks in one statement instead ({@link scanSqlite}).
   */
  async function candidates(words: string[], after: ScanPosition | null, n: number): Promise<Candidate[]> {
    const tsquery = words.map((w) => `${w}:*`).join(" & ");
    const from = after === null ? sql`` : sql`and (s.added_at, s.photo_id) < (${after[0]}, ${after[1]})`;
    const rows = await sql<{
      photo_id: string;
      added_at: string | number;
    }>`select s.photo_id, s.added_at from photo_search s where s.tsv @@ to_tsquery('simple', ${tsquery}) ${from} order by s.added_at desc, s.photo_id desc limit ${n}`.execute(
      deps.db,
    );
    return rows.rows.map((r) => ({ id: r.photo_id, position: [Number(r.added_at), r.photo_id] }));
  }

  /**
   * The listing filters and the visibility rule on the photo row aliased `p`. With `albumSet`, visibility checks
   * the photo's albums against the actor's viewable album set, computed once per statement (its cost grows with
   * the albums the actor may view), instead of walking each album's path up the tree per candidate (a cost per
   * candidate): the set pays once a walk checks hundreds of candidates, i.e. when the actor sees few of them.
   */
  function conditions(
    actor: Actor,
    input: Omit<SearchPhotosInput, "q">,
    albumSet: boolean,
  ): Expression<SqlBool>[] {
    const out: Expression<SqlBool>[] = [];
    if (input.albumId !== undefined) {
      const set = albumSet ? viewableAlbumIds(actor) : null;
      const viewable =
        set === null
          ? albumViewable(actor, sql.ref("fap.album_id"))
          : sql<SqlBool>`(fap.album_id || '') in (${set})`;
      out.push(
        sql<SqlBool>`exists (select 1 from album_photos fap inner join album_closure fc on fc.descendant_id = fap.album_id where fap.photo_id = p.id and fc.ancestor_id = ${input.albumId} and ${viewable})`,
      );
    }
    if (input.tagId !== undefined) {
      out.push(
        sql<SqlBool>`exists (select 1 from photo_tags fpt where fpt.photo_id = p.id and fpt.tag_id = ${input.tagId})`,
      );
    }
    if (input.takenFrom !== undefined) out.push(sql<SqlBool>`p.taken_at >= ${input.takenFrom}`);
    if (input.takenTo !== undefined) out.push(sql<SqlBool>`p.taken_at <= ${input.takenTo}`);
    if (input.addedFrom !== undefined) out.push(sql<SqlBool>`p.added_at >= ${input.addedFrom}`);
    if (input.addedTo !== undefined) out.push(sql<SqlBool>`p.added_at <= ${input.addedTo}`);
    out.push(photoVisible(actor, photoColumns("p"), { albumSet }));
    return out;
  }

  /** The rows of those candidates that pass the listing filters and that the actor may see. */
  async function accepted(
    actor: Actor,
    input: Omit<SearchPhotosInput, "q">,
    ids: string[],
    albumSet: boolean,
  ): Promise<Map<string, PhotoRow>> {
    let query = deps.db.selectFrom("photos as p").selectAll("p").where("p.id", "in", ids);
    for (const condition of conditions(actor, input, albumSet)) query = query.where(condition);
    const rows = await query.execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Candidates checked with the per-candidate rule before the album set takes over (twice a page). */
  function firstChunk(limit: number): number {
    return Math.min(SEARCH_SCAN_BUDGET, Math.max(32, (limit + 1) * 2));
  }

  /**
   * The SQLite walk in one statement: FTS5 streams the matches newest first (its rowid order, no sort), each is
   * joined to its photo and checked, and the statement stops after `limit + 1` results or at the rowid of the
   * {@link SEARCH_SCAN_BUDGET}-th match (computed once, by an uncorrelated subquery). Only when the page is not
   * full is that rowid read again, as the place to continue from. Same results and cursors as the chunked walk.
   */
  async function scanSqlite(
    actor: Actor,
    input: Omit<SearchPhotosInput, "q">,
    words: string[],
    after: number | null,
    limit: number,
  ): Promise<Page<Photo>> {
    const match = await sqliteMatchQuery(deps.db, words);
    const below = (alias: string) =>
      after === null ? sql`` : sql`and ${sql.ref(`${alias}.rowid`)} < ${after}`;
    // The rowid of the last match the budget allows (null when fewer matches remain).
    const bound = sql`select b.rowid as k from photo_search b where b.photo_search match ${match} ${below("b")} order by b.rowid desc limit 1 offset ${SEARCH_SCAN_BUDGET - 1}`;
    // The first chunk's worth of matches is checked with the per-candidate rule, the rest with the album set:
    // SQLite evaluates only the CASE branch taken and builds the set on its first use, so an actor whose page
    // fills early (an admin-like member, a guest of a public gallery) never pays for it. Admins (no set) skip it.
    const first = sql`select f.rowid from photo_search f where f.photo_search match ${match} ${below("f")} order by f.rowid desc limit 1 offset ${firstChunk(limit) - 1}`;
    const and = (list: Expression<SqlBool>[]) => sql<SqlBool>`(${sql.join(list, sql` and `)})`;
    const where =
      viewableAlbumIds(actor) === null
        ? and(conditions(actor, input, false))
        : sql<SqlBool>`(case when ps.rowid >= coalesce((${first}), -1) then ${and(conditions(actor, input, false))} else ${and(conditions(actor, input, true))} end)`;
    const result = await sql<
      PhotoRow & { search_key: number }
    >`select ps.rowid as search_key, p.* from photo_search ps inner join photos p on p.id = ps.photo_id where ps.photo_search match ${match} ${below("ps")} and ps.rowid >= coalesce((${bound}), -1) and ${where} order by ps.rowid desc limit ${limit + 1}`.execute(
      deps.db,
    );
    const rows = result.rows;
    const location = deps.location(actor);
    if (rows.length > limit) {
      const last = rows[limit - 1] as (typeof rows)[number];
      return {
        items: rows.slice(0, limit).map(({ search_key: _k, ...row }) => toPhoto(row as PhotoRow, location)),
        nextCursor: encodeCursor([SCAN_MODE, Number(last.search_key), ""]),
      };
    }
    const end = await sql<{ k: number | null }>`${bound}`.execute(deps.db);
    const stop = end.rows[0]?.k;
    return {
      items: rows.map(({ search_key: _k, ...row }) => toPhoto(row as PhotoRow, location)),
      nextCursor: stop === undefined || stop === null ? null : encodeCursor([SCAN_MODE, Number(stop), ""]),
    };
  }

  /**
   * Walk the matches newest first, keep those that pass, and stop after `limit + 1` results (a full page and proof
   * of a next one), at the end of the matches, or after {@link SEARCH_SCAN_BUDGET} candidates (then the cursor is
   * the last candidate examined). SQLite does it in one statement; PostgreSQL in doubling chunks of candidates
   * (the first one twice a page), each checked by one statement.
   */
  async function scan(actor: Actor, input: Omit<SearchPhotosInput, "q">, text: string): Promise<Page<Photo>> {
    const limit = pageLimit(input.limit);
    const words = searchWords(text);
    if (words.length === 0) return { items: [], nextCursor: null };
    let position: ScanPosition | null = null;
    if (input.cursor) {
      const [mode, key, id] = decodeCursor(input.cursor, ["n", "n", "s"]) as [number, number, string];
      if (mode !== SCAN_MODE || !Number.isSafeInteger(key)) throw new GalleryError("INVALID_CURSOR");
      position = [key, id];
    }
    if (deps.kind === "sqlite") return scanSqlite(actor, input, words, position?.[0] ?? null, limit);
    const found: { row: PhotoRow; position: ScanPosition }[] = [];
    let examined = 0;
    let chunk = firstChunk(limit);
    let ended = false;
    while (found.length <= limit && examined < SEARCH_SCAN_BUDGET) {
      const n = Math.min(chunk, SEARCH_SCAN_BUDGET - examined);
      const batch = await candidates(words, position, n);
      const rows =
        batch.length === 0
          ? new Map()
          : await accepted(actor, input, [...new Set(batch.map((c) => c.id))], examined > 0);
      for (const c of batch) {
        examined++;
        position = c.position;
        const row = rows.get(c.id);
        if (row !== undefined) {
          found.push({ row, position: c.position });
          if (found.length > limit) break;
        }
      }
      if (batch.length < n) {
        ended = found.length <= limit;
        break;
      }
      // Doubling keeps both the number of index queries (each FTS5 prefix query merges the word's doclist) and
      // the candidates checked beyond what the page needed (at most as many again) small.
      chunk *= 2;
    }
    const location = deps.location(actor);
    if (found.length > limit) {
      const last = found[limit - 1] as (typeof found)[number];
      return {
        items: found.slice(0, limit).map((f) => toPhoto(f.row, location)),
        nextCursor: encodeCursor([SCAN_MODE, last.position[0], last.position[1]]),
      };
    }
    return {
      items: found.map((f) => toPhoto(f.row, location)),
      nextCursor: ended || position === null ? null : encodeCursor([SCAN_MODE, position[0], position[1]]),
    };
  }
}
