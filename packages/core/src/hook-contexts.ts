import type { Actor } from "./actor.js";
import type { DerivativePreset } from "./derivatives/presets.js";
import type { PluginRoute } from "./plugin.js";
import type { Album } from "./types.js";

/**
 * Context types of the hook catalogue ({@link GalleryHooks} in `hooks.ts`). Subjects whose services are still
 * being built (tags, groups, grants, shares) are described by small, stable "info" shapes: the
 * fields a plugin can rely on whatever the service returns.
 */

/** A tag as hooks see it. */
export interface TagInfo {
  id: string;
  name: string;
}

/** A user as hooks see it (never the password hash). */
export interface UserInfo {
  id: string;
  username: string;
  displayName: string;
  role: "owner" | "admin" | "member";
}

/** A group as hooks see it. */
export interface GroupInfo {
  id: string;
  name: string;
}

/** An album grant as hooks see it. */
export interface GrantInfo {
  albumId: string;
  /** Who holds the grant. */
  subject: { kind: "user" | "group"; id: string };
  role: "viewer" | "contributor" | "manager";
}

/** A share link as hooks see it (never its token or password). */
export interface ShareInfo {
  id: string;
  /** An album subtree or a set of photos. */
  target: { kind: "album"; albumId: string } | { kind: "photos"; photoIds: readonly string[] };
  expiresAt: number | null;
  createdBy: string | null;
}

/** Before-create context shared by simple subjects: `fields` is mutable. */
export interface CreateBeforeContext<F> {
  actor: Actor;
  /** Mutable: the values about to be written. */
  fields: F;
}

/** Before-update context: the current value and the mutable patch about to be applied. */
export interface UpdateBeforeContext<T, F> {
  actor: Actor;
  /** The current value (read-only). */
  readonly current: T;
  /** Mutable: the fields about to change. */
  patch: Partial<F>;
}

/** Before-delete context. */
export interface DeleteBeforeContext<T> {
  actor: Actor;
  /** What is about to be deleted (read-only). */
  readonly target: T;
}

/** After-update context. */
export interface UpdateAfterContext<T> {
  actor: Actor;
  /** The value before the change. */
  readonly previous: T;
  /** The value after the change. */
  readonly current: T;
}

/** After-delete context. */
export interface DeleteAfterContext<T> {
  actor: Actor;
  /** What was deleted. */
  readonly deleted: T;
}

/** Editable album fields. */
export interface AlbumFields {
  name: string;
  description: string;
  visibility: Album["visibility"];
  parentId: string | null;
}

/** Editable photo fields. */
export interface PhotoFields {
  title: string;
  description: string;
  author: string;
  privacyLevel: number;
  takenAt: number | null;
}

/** A search key a plugin adds to the query language (`key:value`). */
export interface SearchKey {
  /** The key as typed by users, e.g. `camera`. */
  name: string;
  /** One line for the search help. */
  description: string;
}

/** A parsed search query. */
export interface SearchQuery {
  /** Free-text words. */
  words: string[];
  /** `key:value` filters. */
  filters: { key: string; value: string }[];
}

/** An outgoing e-mail. */
export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string | null;
}

/** Context of `derivative:presets:extend`. */
export interface DerivativePresetsExtendContext {
  /** Mutable: push presets or change existing ones. */
  presets: DerivativePreset[];
}

/** Context of `auth:login:before`. */
export interface AuthLoginBeforeContext {
  /** The username as typed (read-only). */
  readonly username: string;
  /** The client's address, when known. */
  readonly ip: string | null;
}

/** Context of `auth:actor:resolve`: the entry point for LDAP, OIDC or proxy-header authentication. */
export interface AuthActorResolveContext {
  /** The incoming request (read-only). */
  readonly request: Request;
  /** The client's address as seen by the server socket, when known. */
  readonly ip: string | null;
  /** Mutable: the actor resolved so far (guest, or the session's user); replace it to authenticate. */
  actor: Actor;
  /**
   * Look a user up by username and build their actor (role, privacy level, groups); `null` when there is no
   * such active user. Offered so providers map an external identity without touching the database.
   */
  actorForUsername(username: string): Promise<Actor | null>;
}

/** Context of `ingest:file:accepted`. */
export interface IngestFileAcceptedContext {
  actor: Actor;
  albumId: string;
  /** What was learned from the file (read-only). */
  readonly file: {
    readonly sha256: string;
    readonly mimeType: string;
    readonly byteSize: number;
    readonly originalFilename: string;
  };
}

/** A route pushed in `http:routes:extend`: a plugin route and the plugin it is served under. */
export interface ExtendedRoute extends PluginRoute {
  /** The plugin whose prefix (`/api/v1/plugins/<plugin>/`) serves it; served only while it is enabled. */
  plugin: string;
}

/** Context of `http:routes:extend`. */
export interface HttpRoutesExtendContext {
  /** Mutable: push routes. */
  routes: ExtendedRoute[];
}

/** Context of `http:request:before`. */
export interface HttpRequestContext {
  readonly request: Request;
  readonly requestId: string;
  actor: Actor;
}

/** Context of `http:response:before`. */
export interface HttpResponseContext {
  readonly request: Request;
  readonly requestId: string;
  readonly status: number;
  /** Mutable: headers of the response about to be sent. */
  headers: Headers;
}
