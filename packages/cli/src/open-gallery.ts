import { resolve } from "node:path";
import { createGallery, type Gallery, type GalleryOptions } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { fsStorage } from "@vernissage/storage-fs";

/** Options of {@link openGallery}. */
export interface OpenGalleryOptions {
  /**
   * Data directory: the SQLite database is `<dataDir>/gallery.db`, files live under `<dataDir>/files`.
   * Created when missing; a relative path is resolved against the working directory.
   * @default "./data"
   */
  dataDir?: string;
  /** Gallery title shown on pages. @default "Vernissage" */
  title?: string;
  /** Process background jobs (derivatives) in this process. @default true */
  jobs?: boolean;
  /** Further `createGallery` options (plugins, derivatives, ingest limits…), merged over the defaults. */
  gallery?: Partial<Omit<GalleryOptions, "database" | "storage">>;
}

/** The database file and storage folder inside a data directory. */
export function dataPaths(dataDir: string): { dataDir: string; database: string; files: string } {
  const root = resolve(dataDir);
  return { dataDir: root, database: resolve(root, "gallery.db"), files: resolve(root, "files") };
}

/**
 * Open the self-hosted gallery of a data directory: SQLite at `<dataDir>/gallery.db`, local files at
 * `<dataDir>/files`. Migrations are applied. Call `gallery.close()` when done.
 *
 * @example
 * const gallery = await openGallery({ dataDir: "./data", jobs: false });
 * try {
 *   console.log(await gallery.users.count());
 * } finally {
 *   await gallery.close();
 * }
 */
export async function openGallery(options: OpenGalleryOptions = {}): Promise<Gallery> {
  const paths = dataPaths(options.dataDir ?? "./data");
  const extra = options.gallery ?? {};
  const database = sqliteDatabase({ filename: paths.database });
  try {
    return await createGallery({
      ...extra,
      ...(options.title === undefined ? {} : { title: options.title }),
      database,
      storage: fsStorage({ root: paths.files }),
      jobs: { ...extra.jobs, run: options.jobs ?? extra.jobs?.run ?? true },
    });
  } catch (error) {
    // The gallery never took ownership of the handle: release it so the file is not left locked.
    await database.close();
    throw error;
  }
}
