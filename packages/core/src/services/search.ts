import type { Actor } from "../actor.js";
import { GalleryError } from "../errors.js";
import type { SearchKey, SearchQuery } from "../hook-contexts.js";
import type { HookBus } from "../hooks.js";
import type { Page, Photo } from "../types.js";
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
      return deps.photos.list(actor, {
        ...rest,
        text: text === "" ? undefined : text,
        ids: ctx.photoIds ?? undefined,
      });
    },
  };
}
