import { type Kysely, type RawBuilder, sql } from "kysely";
import type { LocationAccess } from "../access/location.js";
import { albumViewable, photoColumns, photoVisible } from "../access/visibility.js";
import type { Actor } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { DatabaseKind } from "../ports/database.js";
import type { Photo } from "../types.js";
import { toPhoto } from "./mappers.js";

/** A short reference to an album, enough to link to it. */
export interface AlbumRef {
  id: string;
  parentId: string | null;
  name: string;
  slug: string;
}

/** Where a photo sits, as the actor may see it: the albums holding it and its neighbours in one of them. */
export interface PhotoContext {
  /** The photo itself (visible to the actor). */
  photo: Photo;
  /** Albums the actor may view that contain the photo, by name. */
  albums: AlbumRef[];
  /** The album the neighbours are taken from: the one asked for if it holds the photo, else the first one. */
  album: AlbumRef | null;
  /** The visible photo before this one in `album`'s order, or null at the start. */
  previous: Photo | null;
  /** The visible photo after this one in `album`'s order, or null at the end. */
  next: Photo | null;
}

/** Photos taken in one year or one month, visible to the actor. */
export interface CalendarBucket {
  /** The year (e.g. 2024), or the month (1–12) when a year was asked for. */
  key: number;
  count: number;
}

/** Browsing helpers for pages: context around one photo, the calendar. Every result obeys the visibility rule. */
export interface BrowseService {
  /**
   * The "by date taken" calendar: visible photos per year (newest first), or per month of `year` (January
   * first). Dates are read in UTC, as pages show them; photos without a date are left out.
   */
  calendar(actor: Actor, options?: { year?: number | undefined }): Promise<CalendarBucket[]>;
  /**
   * The photo with its albums and previous/next photos. `albumId` picks the album to walk (ignored when the
   * actor cannot view it or it does not hold the photo). `NOT_FOUND` when the photo is not visible.
   */
  photoContext(
    actor: Actor,
    photoId: string,
    options?: { albumId?: string | undefined },
  ): Promise<PhotoContext>;
}

/** @internal */
export interface BrowseServiceDeps {
  db: Kysely<DB>;
  /** The SQL dialect, for date functions. */
  kind: DatabaseKind;
  /** Whether an actor may read photos' coordinates. */
  location(actor: Actor): LocationAccess;
}

/** The UTC year or month (1–12) of an epoch-ms column, in the dialect's SQL. */
function datePart(kind: DatabaseKind, part: "year" | "month", column: string): RawBuilder<number> {
  const ref = sql.ref(column);
  if (kind === "postgres") {
    return sql<number>`cast(extract(${sql.raw(part)} from (to_timestamp(${ref} / 1000.0) at time zone 'UTC')) as integer)`;
  }
  const format = part === "year" ? "%Y" : "%m";
  return sql<number>`cast(strftime(${format}, ${ref} / 1000, 'unixepoch') as integer)`;
}

/** @internal */
export function createBrowseService(deps: BrowseServiceDeps): BrowseService {
  const { db } = deps;

  return {
    async calendar(actor, options = {}) {
      const { year } = options;
      if (year !== undefined && (!Number.isInteger(year) || year < 1 || year > 9999)) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "year", message: "a year from 1 to 9999" }],
        });
      }
      const part = datePart(deps.kind, year === undefined ? "year" : "month", "p.taken_at");
      let query = db
        .selectFrom("photos as p")
        .select((eb) => [part.as("bucket"), eb.fn.countAll().as("n")])
        .where("p.taken_at", "is not", null)
        .where(photoVisible(actor, photoColumns("p")))
        .groupBy(part)
        .orderBy(part, year === undefined ? "desc" : "asc");
      if (year !== undefined) {
        query = query
          .where("p.taken_at", ">=", Date.UTC(year, 0, 1))
          .where("p.taken_at", "<", Date.UTC(year + 1, 0, 1));
      }
      const rows = await query.execute();
      return rows.map((row) => ({ key: Number(row.bucket), count: Number(row.n) }));
    },

    async photoContext(actor, photoId, options = {}) {
      const row = await db
        .selectFrom("photos as p")
        .selectAll("p")
        .where("p.id", "=", photoId)
        .where(photoVisible(actor, photoColumns("p")))
        .executeTakeFirst();
      if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such photo." });
      const location = deps.location(actor);
      const photo = toPhoto(row, location);

      const memberships = await db
        .selectFrom("album_photos as ap")
        .innerJoin("albums as a", "a.id", "ap.album_id")
        .select(["a.id", "a.parent_id", "a.name", "a.slug", "ap.rank"])
        .where("ap.photo_id", "=", photoId)
        .where(albumViewable(actor, sql.ref("a.id")))
        .orderBy("a.name")
        .orderBy("a.id")
        .execute();
      const albums: AlbumRef[] = memberships.map((m) => ({
        id: m.id,
        parentId: m.parent_id,
        name: m.name,
        slug: m.slug,
      }));
      const chosen = memberships.find((m) => m.id === options.albumId) ?? memberships[0];
      if (!chosen) return { photo, albums, album: null, previous: null, next: null };

      // The same keyset as `photos.listInAlbum`: (rank, photo id).
      const neighbour = (direction: "previous" | "next") => {
        const before = direction === "previous";
        return db
          .selectFrom("album_photos as ap")
          .innerJoin("photos as p", "p.id", "ap.photo_id")
          .selectAll("p")
          .where("ap.album_id", "=", chosen.id)
          .where(photoVisible(actor, photoColumns("p")))
          .where((eb) =>
            eb.or([
              eb("ap.rank", before ? "<" : ">", chosen.rank),
              eb.and([eb("ap.rank", "=", chosen.rank), eb("ap.photo_id", before ? "<" : ">", photoId)]),
            ]),
          )
          .orderBy("ap.rank", before ? "desc" : "asc")
          .orderBy("ap.photo_id", before ? "desc" : "asc")
          .limit(1)
          .executeTakeFirst();
      };
      const [previous, next] = await Promise.all([neighbour("previous"), neighbour("next")]);
      return {
        photo,
        albums,
        album: albums.find((a) => a.id === chosen.id) ?? null,
        previous: previous ? toPhoto(previous, location) : null,
        next: next ? toPhoto(next, location) : null,
      };
    },
  };
}
