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
  /** How the album's photos are ordered (0003): `manual`, `takenAt`, `addedAt` or `title`. */
  photo_order: ColumnType<"manual" | "takenAt" | "addedAt" | "title", string | undefined, string>;
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
  /** Typed metadata columns (0003); null when the file did not say. */
  taken_at_offset: ColumnType<number | null, number | null | undefined, number | null>;
  camera_make: ColumnType<string | null, string | null | undefined, string | null>;
  camera_model: ColumnType<string | null, string | null | undefined, string | null>;
  lens: ColumnType<string | null, string | null | undefined, string | null>;
  exposure_time: ColumnType<number | null, number | null | undefined, number | null>;
  aperture: ColumnType<number | null, number | null | undefined, number | null>;
  iso: ColumnType<number | null, number | null | undefined, number | null>;
  focal_length: ColumnType<number | null, number | null | undefined, number | null>;
  gps_latitude: ColumnType<number | null, number | null | undefined, number | null>;
  gps_longitude: ColumnType<number | null, number | null | undefined, number | null>;
  gps_altitude: ColumnType<number | null, number | null | undefined, number | null>;
  meta_title: ColumnType<string | null, string | null | undefined, string | null>;
  meta_description: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON array of strings. */
  keywords: ColumnType<string | null, string | null | undefined, string | null>;
  rating: ColumnType<number | null, number | null | undefined, number | null>;
  /** Centre of interest for cropped derivatives (0004), thousandths of width and height; null: the centre. */
  focus_x: ColumnType<number | null, number | null | undefined, number | null>;
  focus_y: ColumnType<number | null, number | null | undefined, number | null>;
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

/** `tags` (0003). `name_key` is the case-folded name, unique. */
export interface TagsTable {
  id: string;
  name: string;
  name_key: string;
  slug: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `photo_tags` (0003). */
export interface PhotoTagsTable {
  photo_id: string;
  tag_id: string;
  added_at: Timestamp;
  /**
   * Copy of the photo's `added_at` (0010), written by a database trigger on insert and when the photo's dates
   * change: never set it by hand. Orders a tag's photos through `photo_tags_added_idx`.
   */
  photo_added_at: Generated<Timestamp>;
  /** Copy of the photo's `coalesce(taken_at, -1)` (0010), kept by triggers like {@link photo_added_at}. */
  photo_taken_key: Generated<number>;
}

/** `photo_search` (0003): one text body per photo (SQLite FTS5 table, or PostgreSQL table with a tsvector). */
export interface PhotoSearchTable {
  photo_id: string;
  body: string;
}

/** `groups`: named sets of users; default groups are joined at registration. */
export interface GroupsTable {
  id: string;
  name: string;
  is_default: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `group_members`. */
export interface GroupMembersTable {
  group_id: string;
  user_id: string;
  added_at: Timestamp;
}

/** `album_grants`: a role on an album (and, by inheritance, its subtree) for one user or one group. */
export interface AlbumGrantsTable {
  id: string;
  album_id: string;
  user_id: string | null;
  group_id: string | null;
  role: "viewer" | "contributor" | "manager";
  granted_by: string | null;
  created_at: Timestamp;
}

/** `api_tokens`: only the SHA-256 of the secret is stored; `scopes` and `album_ids` are JSON arrays. */
export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  scopes: string;
  album_ids: string | null;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** `share_links`: a capability over an album subtree or a set of photos (`share_link_photos`). */
export interface ShareLinksTable {
  id: string;
  token_hash: string;
  prefix: string;
  album_id: string | null;
  privacy_level: number;
  password_hash: string | null;
  expires_at: Timestamp | null;
  max_uses: number | null;
  use_count: number;
  view_count: number;
  can_download: number;
  can_upload: number;
  created_by: string | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** `share_link_photos`: the photos of a photo-set share link. */
export interface ShareLinkPhotosTable {
  share_id: string;
  photo_id: string;
}

/** `share_sessions`: a password-protected link, unlocked; only the secret's SHA-256 is stored. */
export interface ShareSessionsTable {
  id: string;
  share_id: string;
  secret_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** `login_throttle`: failed-login counters per account and per IP, shared by every process. */
export interface LoginThrottleTable {
  key: string;
  failures: number;
  locked_until: Timestamp;
  updated_at: Timestamp;
}

/** `password_resets`: one-time, short-lived reset tokens (hash only). */
export interface PasswordResetsTable {
  id: string;
  user_id: string;
  secret_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** `activity_log`: security-relevant actions. `data` is JSON. */
export interface ActivityLogTable {
  id: string;
  at: Timestamp;
  actor_kind: string;
  actor_user_id: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  ip: string | null;
  data: string | null;
}

/** `leases` (0005): a named lock held by one process until `locked_until` (epoch ms) unless renewed. */
export interface LeasesTable {
  name: string;
  holder: string;
  locked_until: Timestamp;
  created_at: Timestamp;
}

/** `uploads` (0009): one resumable (tus) upload. `metadata` is JSON; timestamps and sizes are numbers. */
export interface UploadsTable {
  id: string;
  owner_id: string;
  actor_kind: string;
  byte_length: number;
  byte_offset: number;
  metadata: string;
  state: "open" | "completing" | "done" | "failed";
  lock_id: string | null;
  locked_until: number | null;
  photo_id: string | null;
  duplicate: number;
  error_code: string | null;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

/** `upload_chunks` (0009): the stored pieces of an upload, by first byte. */
export interface UploadChunksTable {
  upload_id: string;
  start: number;
  size: number;
  storage_key: string;
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
  leases: LeasesTable;
  uploads: UploadsTable;
  upload_chunks: UploadChunksTable;
  settings: SettingsTable;
  tags: TagsTable;
  photo_tags: PhotoTagsTable;
  photo_search: PhotoSearchTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  album_grants: AlbumGrantsTable;
  api_tokens: ApiTokensTable;
  share_links: ShareLinksTable;
  share_link_photos: ShareLinkPhotosTable;
  share_sessions: ShareSessionsTable;
  login_throttle: LoginThrottleTable;
  password_resets: PasswordResetsTable;
  activity_log: ActivityLogTable;
  plugins: PluginsTable;
  events: EventsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  idempotency_keys: IdempotencyKeysTable;
  rate_limits: RateLimitsTable;
}

/** `events` (0008): the outbox of domain changes; `position` is given in commit order by the sequencer. */
export interface EventsTable {
  id: string;
  position: number | null;
  type: string;
  occurred_at: Timestamp;
  actor_kind: string;
  actor_user_id: string | null;
  subject_type: string;
  subject_id: string;
  photo_id: string | null;
  album_id: string | null;
  owner_user_id: string | null;
  /** JSON object: ids and changed fields, never secrets. */
  payload: string;
}

/** `webhooks` (0008): one subscription of one user. */
export interface WebhooksTable {
  id: string;
  user_id: string;
  url: string;
  description: ColumnType<string, string | undefined, string>;
  /** JSON array of types or `prefix.*` patterns; null for every type. */
  event_types: string | null;
  /** `v1:`-encrypted or `plain:` signing secret. */
  secret: string;
  enabled: ColumnType<number, number | undefined, number>;
  disabled_reason: string | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `webhook_deliveries` (0008): the delivery log. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string | null;
  message_id: string;
  event_type: string;
  body: string;
  status: "pending" | "delivered" | "failed" | "cancelled";
  attempts: ColumnType<number, number | undefined, number>;
  response_status: number | null;
  response_body: string | null;
  duration_ms: number | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  delivered_at: Timestamp | null;
}

/** Lifecycle state of each plugin a gallery has seen (migration 0006). */
export interface PluginsTable {
  name: string;
  /** `enabled`, `disabled` or `uninstalled`. */
  state: string;
  /** Version whose migrations are applied; null once uninstalled. */
  version: string | null;
  /** Admin settings as JSON text, merged over the code configuration. */
  settings: string | null;
  installed_at: number | null;
  updated_at: number;
}

/** `idempotency_keys` (0007): the stored outcome of a creating request, per principal and key, for 24 h. */
export interface IdempotencyKeysTable {
  /** Who sent it: `user:<id>`, `token:<id>`, `share:<id>` or `ip:<address>`. */
  principal: string;
  /** The client's `Idempotency-Key`. */
  key: string;
  /** `running` while the first request works, `done` once its response is stored. */
  state: string;
  /** SHA-256 over method, path and body bytes; null while running. */
  fingerprint: string | null;
  status: number | null;
  /** Stored response headers as a JSON object. */
  headers: string | null;
  body: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  /** A running claim older than this belongs to a dead process and may be taken over. */
  locked_until: Timestamp;
}

/** `rate_limits` (0007): one fixed-window counter per (class, principal), shared by every process. */
export interface RateLimitsTable {
  key: string;
  window_start: Timestamp;
  hits: number;
  expires_at: Timestamp;
}

export type UserRow = Selectable<UsersTable>;
export type AlbumRow = Selectable<AlbumsTable>;
export type PhotoRow = Selectable<PhotosTable>;
export type JobRow = Selectable<JobsTable>;
export type NewPhoto = Insertable<PhotosTable>;
export type PhotoUpdate = Updateable<PhotosTable>;
// Re-exported so adapters can speak about generated columns without importing kysely themselves.
export type { ColumnType, Generated };
