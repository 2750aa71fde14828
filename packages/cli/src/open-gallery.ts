import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createGallery,
  type DatabaseAdapter,
  type Gallery,
  type GalleryOptions,
  type StorageAdapter,
} from "@vernissage/core";
import { postgresDatabase } from "@vernissage/db-postgres";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { fsStorage } from "@vernissage/storage-fs";
import { parseS3Url, s3Storage } from "@vernissage/storage-s3";
import { CliError } from "./errors.js";

/** Options of {@link openGallery}. */
export interface OpenGalleryOptions {
  /**
   * Data directory: the SQLite database is `<dataDir>/gallery.db`, files live under `<dataDir>/files`, unless
   * `databaseUrl` / `storageUrl` say otherwise. Created when missing; a relative path is resolved against the
   * working directory.
   * @default "./data"
   */
  dataDir?: string;
  /**
   * Where the database is: `postgres://user:password@host:5432/name` (or `postgresql://`) for PostgreSQL, a
   * `file:` URL or a path for SQLite. Several processes sharing one gallery need PostgreSQL.
   * @default `<dataDir>/gallery.db`
   * @example "postgres://vernissage@db.internal/vernissage"
   */
  databaseUrl?: string | undefined;
  /**
   * Where files are: `s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=true` for S3-compatible storage
   * (credentials from the standard AWS environment variables or shared files), a `file:` URL or a folder path
   * for local files.
   * @default `<dataDir>/files`
   * @example "s3://photos/gallery?endpoint=http://minio:9000&forcePathStyle=true"
   */
  storageUrl?: string | undefined;
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

/** A URL-looking string (`scheme:`), as opposed to a plain path (Windows drive letters are paths). */
const hasScheme = (value: string) => /^[a-z][a-z0-9+.-]+:/i.test(value);

/** The database adapter a `databaseUrl` names (or the data directory's SQLite file). */
export function databaseFromUrl(url: string | undefined, dataDir: string): DatabaseAdapter {
  if (url === undefined || url.trim() === "")
    return sqliteDatabase({ filename: dataPaths(dataDir).database });
  if (/^postgres(ql)?:\/\//i.test(url)) return postgresDatabase({ connectionString: url });
  if (/^file:/i.test(url)) return sqliteDatabase({ filename: fileURLToPath(url) });
  if (/^sqlite:/i.test(url))
    return sqliteDatabase({ filename: resolve(url.replace(/^sqlite:(\/\/)?/i, "")) });
  if (hasScheme(url)) {
    throw new CliError(
      `Unsupported database URL scheme in "${redact(url)}": use postgres://, file: or a path.`,
    );
  }
  return sqliteDatabase({ filename: resolve(url) });
}

/** The storage adapter a `storageUrl` names (or the data directory's `files` folder). */
export function storageFromUrl(url: string | undefined, dataDir: string): StorageAdapter {
  if (url === undefined || url.trim() === "") return fsStorage({ root: dataPaths(dataDir).files });
  if (/^s3:/i.test(url)) return s3Storage(parseS3Url(url));
  if (/^file:/i.test(url)) return fsStorage({ root: fileURLToPath(url) });
  if (hasScheme(url))
    throw new CliError(`Unsupported storage URL scheme in "${url}": use s3://, file: or a path.`);
  return fsStorage({ root: resolve(url) });
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}

/**
 * Open the self-hosted gallery: by default SQLite at `<dataDir>/gallery.db` and local files at
 * `<dataDir>/files`; `databaseUrl` and `storageUrl` point it at PostgreSQL and S3 instead (what several
 * processes sharing one gallery need). Migrations are applied (safely from several processes at once). Call
 * `gallery.close()` when done.
 *
 * @example
 * const gallery = await openGallery({ dataDir: "./data", jobs: false });
 * try {
 *   console.log(await gallery.users.count());
 * } finally {
 *   await gallery.close();
 * }
 * @example
 * const worker = await openGallery({
 *   databaseUrl: "postgres://vernissage@db/vernissage",
 *   storageUrl: "s3://photos/gallery?region=eu-central-1",
 * });
 */
export async function openGallery(options: OpenGalleryOptions = {}): Promise<Gallery> {
  const dataDir = options.dataDir ?? "./data";
  const extra = options.gallery ?? {};
  const database = databaseFromUrl(options.databaseUrl, dataDir);
  let storage: StorageAdapter;
  try {
    storage = storageFromUrl(options.storageUrl, dataDir);
  } catch (error) {
    await closeDatabase(database);
    throw error;
  }
  try {
    return await createGallery({
      ...extra,
      ...(options.title === undefined ? {} : { title: options.title }),
      database,
      storage,
      jobs: { ...extra.jobs, run: options.jobs ?? extra.jobs?.run ?? true },
    });
  } catch (error) {
    // The gallery never took ownership of the handles: release them so nothing is left open or locked.
    await closeDatabase(database);
    await storage.close?.();
    throw error;
  }
}

async function closeDatabase(database: DatabaseAdapter): Promise<void> {
  const closable = database as DatabaseAdapter & { close?: () => Promise<void> };
  await closable.close?.();
}
