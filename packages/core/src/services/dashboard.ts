import { type Kysely, sql } from "kysely";
import { managedAlbumIds } from "../access/permissions.js";
import { photoColumns, photoVisible } from "../access/visibility.js";
import { type Actor, isAdminActor } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { AlbumVisibility } from "../types.js";

/** Job counts by status. */
export interface JobCounts {
  pending: number;
  running: number;
  done: number;
  dead: number;
}

/** What the admin dashboard shows: sizes of the gallery and the state of its work. */
export interface GallerySummary {
  albums: number;
  photos: number;
  users: number;
  tags: number;
  /** Bytes of original files. */
  originalBytes: number;
  /** Derivative files made so far, and their bytes. */
  derivativeFiles: number;
  derivativeBytes: number;
  jobs: JobCounts;
}

/** One album of the whole tree, as the admin album manager lists it. */
export interface AlbumTreeEntry {
  id: string;
  parentId: string | null;
  name: string;
  slug: string;
  visibility: AlbumVisibility;
  rank: number;
  /** Photos directly in the album (all of them for admins; for a manager, those the manager may see). */
  photoCount: number;
  /** Nesting depth, 0 for root albums. */
  depth: number;
}

/** Read-only figures for the admin pages. Admins only (the album tree also answers managers): anyone else gets `FORBIDDEN`. */
export interface DashboardService {
  /** Counts, storage used and job states, each from one aggregate query. */
  summary(actor: Actor): Promise<GallerySummary>;
  /**
   * Every album in tree order (parents before children, siblings by rank), from one query. A user holding
   * `manager` grants gets the subtrees it manages (depth counted from the top of each managed subtree, whose
   * `parentId` it may not manage); anyone managing nothing gets `FORBIDDEN`.
   */
  albumTree(actor: Actor): Promise<AlbumTreeEntry[]>;
}

/** @internal */
export interface DashboardServiceDeps {
  db: Kysely<DB>;
}

const num = (value: unknown): number => Number(value ?? 0);

function assertAdmin(actor: Actor): void {
  if (!isAdminActor(actor)) throw new GalleryError("FORBIDDEN", { detail: "Only admins see the dashboard." });
}

/** @internal */
export function createDashboardService(deps: DashboardServiceDeps): DashboardService {
  const { db } = deps;
  return {
    async summary(actor) {
      assertAdmin(actor);
      const [albums, photos, users, tags, derivatives, jobs] = await Promise.all([
        db
          .selectFrom("albums")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirst(),
        db
          .selectFrom("photos")
          .select((eb) => [eb.fn.countAll().as("n"), eb.fn.sum("byte_size").as("bytes")])
          .executeTakeFirst(),
        db
          .selectFrom("users")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirst(),
        db
          .selectFrom("tags")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirst(),
        db
          .selectFrom("derivatives")
          .select((eb) => [eb.fn.countAll().as("n"), eb.fn.sum("byte_size").as("bytes")])
          .executeTakeFirst(),
        db
          .selectFrom("jobs")
          .select((eb) => ["status", eb.fn.countAll().as("n")])
          .groupBy("status")
          .execute(),
      ]);
      const jobCounts: JobCounts = { pending: 0, running: 0, done: 0, dead: 0 };
      for (const row of jobs) if (row.status in jobCounts) jobCounts[row.status] = num(row.n);
      return {
        albums: num(albums?.n),
        photos: num(photos?.n),
        users: num(users?.n),
        tags: num(tags?.n),
        originalBytes: num(photos?.bytes),
        derivativeFiles: num(derivatives?.n),
        derivativeBytes: num(derivatives?.bytes),
        jobs: jobCounts,
      };
    },

    async albumTree(actor) {
      const managed = isAdminActor(actor) ? "all" : await managedAlbumIds(db, actor);
      if (managed !== "all" && managed.length === 0)
        throw new GalleryError("FORBIDDEN", { detail: "You manage no album." });
      const photoCount =
        managed === "all"
          ? sql<number>`(select count(*) from album_photos ap where ap.album_id = a.id)`
          : // A manager's counts never include photos it may not see.
            sql<number>`(select count(*) from album_photos ap inner join photos p on p.id = ap.photo_id
                where ap.album_id = a.id and ${photoVisible(actor, photoColumns("p"))})`;
      let query = db
        .selectFrom("albums as a")
        .select([
          "a.id",
          "a.parent_id",
          "a.name",
          "a.slug",
          "a.visibility",
          "a.rank",
          photoCount.as("photo_count"),
        ]);
      if (managed !== "all") query = query.where("a.id", "in", managed);
      const rows = await query.execute();
      if (managed !== "all") {
        // The top of each managed subtree hangs from the root of the walk; entries keep their real parent.
        const inSet = new Set(managed);
        const real = new Map(rows.map((r) => [r.id, r.parent_id]));
        for (const row of rows) if (row.parent_id !== null && !inSet.has(row.parent_id)) row.parent_id = null;
        return walkTree(rows).map((entry) => ({ ...entry, parentId: real.get(entry.id) ?? null }));
      }
      return walkTree(rows);
    },
  };
}

function walkTree(
  rows: {
    id: string;
    parent_id: string | null;
    name: string;
    slug: string;
    visibility: AlbumVisibility;
    rank: number;
    photo_count: unknown;
  }[],
): AlbumTreeEntry[] {
  const children = new Map<string | null, typeof rows>();
  for (const row of rows) {
    const list = children.get(row.parent_id) ?? [];
    list.push(row);
    children.set(row.parent_id, list);
  }
  const out: AlbumTreeEntry[] = [];
  const walk = (parentId: string | null, depth: number) => {
    const list = (children.get(parentId) ?? []).sort((a, b) => a.rank - b.rank || a.id.localeCompare(b.id));
    for (const row of list) {
      out.push({
        id: row.id,
        parentId: row.parent_id,
        name: row.name,
        slug: row.slug,
        visibility: row.visibility,
        rank: row.rank,
        photoCount: num(row.photo_count),
        depth,
      });
      walk(row.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}
