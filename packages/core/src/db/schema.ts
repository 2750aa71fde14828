import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** Epoch milliseconds. */
export type Timestamp = number;

/** `users` table. */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string | null;
  role: "owner" | "admin" | "member";
  privacy_level: number;
  shared_account: number;
  status: "active" | "disabled" | "pending";
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `sessions` table: only the SHA-256 of the secret half of a session token is stored. */
export interface SessionsTable {
  id: string;
  user_id: string;
  secret_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

/** `albums` table. */
export interface AlbumsTable {
  id: string;
  parent_id: string | null;
  name: string;
  slug: string;
  description: string;
  visibility: "public" | "private" | "hidden";
  rank: number;
  cover_photo_id: string | null;
  owner_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `album_closure`: one row per (ancestor, descendant) pair, including each album with itself at depth 0. */
export interface AlbumClosureTable {
  ancestor_id: string;
  descendant_id: string;
  depth: number;
}

/** `photos` table. Width and height are the displayed size (after EXIF orientation). */
export interface PhotosTable {
  id: string;
  sha256: string;
  storage_key: string;
  original_filename: string;
  mime_type: string;
  byte_size: number;
  width: number;
  height: number;
  orientation: number;
  title: string;
  description: string;
  author: string;
  taken_at: Timestamp | null;
  added_at: Timestamp;
  privacy_level: number;
  uploader_id: string | null;
  thumbhash: string | null;
  metadata: string | null;
  updated_at: Timestamp;
}

/** `album_photos`: a photo may sit in several albums, with a rank in each. */
export interface AlbumPhotosTable {
  album_id: string;
  photo_id: string;
  rank: number;
  added_at: Timestamp;
}

/** `derivatives`: which generated files exist, keyed by content hash, recipe hash and format. */
export interface DerivativesTable {
  storage_key: string;
  source_sha256: string;
  preset: string;
  recipe_hash: string;
  format: string;
  width: number;
  height: number;
  byte_size: number;
  created_at: Timestamp;
}

/** `jobs`: the durable job queue. */
export interface JobsTable {
  id: string;
  type: string;
  payload: string;
  status: "pending" | "running" | "done" | "dead";
  dedupe_key: string | null;
  attempts: number;
  max_attempts: number;
  run_at: Timestamp;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `settings`: gallery-wide key/value settings (JSON values). */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Timestamp;
}

/** The shared schema, as Kysely sees it. */
export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  albums: AlbumsTable;
  album_closure: AlbumClosureTable;
  photos: PhotosTable;
  album_photos: AlbumPhotosTable;
  derivatives: DerivativesTable;
  jobs: JobsTable;
  settings: SettingsTable;
}

export type UserRow = Selectable<UsersTable>;
export type AlbumRow = Selectable<AlbumsTable>;
export type PhotoRow = Selectable<PhotosTable>;
export type JobRow = Selectable<JobsTable>;
export type NewPhoto = Insertable<PhotosTable>;
export type PhotoUpdate = Updateable<PhotosTable>;
// Re-exported so adapters can speak about generated columns without importing kysely themselves.
export type { ColumnType, Generated };
