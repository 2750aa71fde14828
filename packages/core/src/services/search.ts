import type { Actor } from "../actor.js";
import { GalleryError } from "../errors.js";
import type { Page, Photo } from "../types.js";
import type { ListPhotosInput, PhotoService } from "./photos.js";
import { searchWords } from "./photos.js";

/** Input of {@link SearchService.photos}. */
export interface SearchPhotosInput extends Omit<ListPhotosInput, "text"> {
  /** The words to find (each matches as a prefix; all must match). */
  q: string;
}

/**
 * Basic search: text over title, description, file name, tags and album names (SQLite FTS5 or PostgreSQL
 * full-text search), filterable by album subtree, tag and dates, cursor-paginated, newest first. Only photos
 * the actor may see are ever returned.
 */
export interface SearchService {
  /** Photos matching every word of `q`. */
  photos(actor: Actor, input: SearchPhotosInput): Promise<Page<Photo>>;
}

/** @internal */
export function createSearchService(deps: { photos: PhotoService }): SearchService {
  return {
    async photos(actor, input) {
      const q = input.q.trim();
      if (q.length === 0 || q.length > 200 || searchWords(q).length === 0) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "q", message: "1–200 characters with at least one letter or digit" }],
        });
      }
      const { q: _q, ...rest } = input;
      return deps.photos.list(actor, { ...rest, text: q });
    },
  };
}
