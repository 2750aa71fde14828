import { type Kysely, type SqlBool, sql } from "kysely";
import { albumViewable, photoColumns, photoVisible } from "../access/visibility.js";
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

  /** Text matches after `after`, newest first, at most `n` (the engine's full-text index, in listing order). */
  async function candidates(words: string[], after: ScanPosition | null, n: number): Promise<Candidate[]> {
    if (deps.kind === "postgres") {
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
    // FTS5 walks its rowids (added time × 1024 + slot, see migration 0010) in descending order, stopping at `n`.
    const match = words.map((w) => `"${w}"*`).join(" ");
    const from = after === null ? sql`` : sql`and rowid < ${after[0]}`;
    const rows = await sql<{
      k: number;
      photo_id: string;
    }>`select rowid as k, photo_id from photo_search where photo_search match ${match} ${from} order by rowid desc limit ${n}`.execute(
      deps.db,
    );
    return rows.rows.map((r) => ({ id: r.photo_id, position: [Number(r.k), ""] }));
  }

  /** The rows of those candidates that pass the listing filters and that the actor may see. */
  async function accepted(
    actor: Actor,
    input: Omit<SearchPhotosInput, "q">,
    ids: string[],
  ): Promise<Map<string, PhotoRow>> {
    let query = deps.db.selectFrom("photos as p").selectAll("p").where("p.id", "in", ids);
    if (input.albumId !== undefined) {
      query = query.where(
        sql<SqlBool>`exists (select 1 from album_photos fap inner join album_closure fc on fc.descendant_id = fap.album_id where fap.photo_id = p.id and fc.ancestor_id = ${input.albumId} and ${albumViewable(actor, sql.ref("fap.album_id"))})`,
      );
    }
    if (input.tagId !== undefined) {
      query = query.where(
        sql<SqlBool>`exists (select 1 from photo_tags fpt where fpt.photo_id = p.id and fpt.tag_id = ${input.tagId})`,
      );
    }
    if (input.takenFrom !== undefined) query = query.where("p.taken_at", ">=", input.takenFrom);
    if (input.takenTo !== undefined) query = query.where("p.taken_at", "<=", input.takenTo);
    if (input.addedFrom !== undefined) query = query.where("p.added_at", ">=", input.addedFrom);
    if (input.addedTo !== undefined) query = query.where("p.added_at", "<=", input.addedTo);
    query = query.where(photoVisible(actor, photoColumns("p")));
    const rows = await query.execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  /**
   * Walk the matches newest first in doubling chunks (the first one twice a page), keep those that pass, and stop after `limit + 1` results
   * (a full page and proof of a next one), at the end of the matches, or after {@link SEARCH_SCAN_BUDGET}
   * candidates (then the cursor is the last candidate examined).
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
    const found: { row: PhotoRow; position: ScanPosition }[] = [];
    let examined = 0;
    let chunk = Math.max(32, (limit + 1) * 2);
    let ended = false;
    while (found.length <= limit && examined < SEARCH_SCAN_BUDGET) {
      const n = Math.min(chunk, SEARCH_SCAN_BUDGET - examined);
      const batch = await candidates(words, position, n);
      const rows =
        batch.length === 0 ? new Map() : await accepted(actor, input, [...new Set(batch.map((c) => c.id))]);
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
    if (found.length > limit) {
      const last = found[limit - 1] as (typeof found)[number];
      return {
        items: found.slice(0, limit).map((f) => toPhoto(f.row)),
        nextCursor: encodeCursor([SCAN_MODE, last.position[0], last.position[1]]),
      };
    }
    return {
      items: found.map((f) => toPhoto(f.row)),
      nextCursor: ended || position === null ? null : encodeCursor([SCAN_MODE, position[0], position[1]]),
    };
  }
}
