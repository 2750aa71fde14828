import { createHooks, type Hookable } from "hookable";
import type { Actor } from "./actor.js";
import { GalleryError } from "./errors.js";
import type {
  AlbumFields,
  AuthActorResolveContext,
  AuthLoginBeforeContext,
  CreateBeforeContext,
  DeleteAfterContext,
  DeleteBeforeContext,
  DerivativePresetsExtendContext,
  GrantInfo,
  GroupInfo,
  HttpRequestContext,
  HttpResponseContext,
  HttpRoutesExtendContext,
  IngestFileAcceptedContext,
  MailMessage,
  PhotoFields,
  SearchQuery,
  ShareInfo,
  TagInfo,
  UpdateAfterContext,
  UpdateBeforeContext,
  UserInfo,
} from "./hook-contexts.js";
import type { Logger } from "./logger.js";
import { errorFields } from "./logger.js";
import type { Album, Photo, PhotoMetadata } from "./types.js";

/** Fields of a new photo that `photo:create:before` hooks may change. */
export interface PhotoCreateFields {
  title: string;
  description: string;
  author: string;
  privacyLevel: number;
  takenAt: number | null;
}

/** Context of `photo:create:before`. */
export interface PhotoCreateBeforeContext {
  actor: Actor;
  /** Target album. */
  albumId: string;
  /** What was learned from the file; read-only. */
  readonly file: {
    readonly sha256: string;
    readonly mimeType: string;
    readonly width: number;
    readonly height: number;
    readonly byteSize: number;
    readonly originalFilename: string;
  };
  /** Mutable: hooks may change these fields. */
  fields: PhotoCreateFields;
}

/** Context of `metadata:extract:after`. */
export interface MetadataExtractContext {
  /** The photo being re-read, or undefined at first ingest. */
  photoId: string | undefined;
  /** Path of a local copy of the file (read-only). */
  readonly path: string;
  readonly sha256: string;
  /** The raw record exifr read (read-only). */
  readonly raw: Readonly<Record<string, unknown>>;
  /** Mutable: the typed fields that go into columns. */
  metadata: PhotoMetadata;
  /** Mutable: extra JSON-safe fields added by plugins, stored in the raw record. */
  extra: Record<string, unknown>;
}

/** Context of `derivative:encode:before`: the decoded, resized pixels about to be encoded. */
export interface DerivativeEncodeBeforeContext {
  photoId: string | undefined;
  sha256: string;
  preset: string;
  format: string;
  width: number;
  height: number;
  /** Mutable: replace with a pipeline step result (raw RGBA pixels of `width`×`height`). */
  pixels: Buffer;
  channels: 3 | 4;
}

/**
 * The hook catalogue: one typed interface. Names are `subject:action:phase`, phase last. `before` hooks may
 * change the named mutable fields of their context or veto by throwing a {@link GalleryError}; `after` hooks
 * run after the change is committed and their errors are logged, never thrown back.
 *
 * Documentation convention (checked by a test; `docs/hooks.md` is generated from it): every entry has a
 * JSDoc summary, a `@mutable` tag (the context fields handlers may change, or `nothing`) and a `@veto` tag
 * (whether throwing refuses the operation). The context type is the handler's parameter type.
 *
 * Packages extend it by declaration merging:
 * @example
 * declare module "@vernissage/core" {
 *   interface GalleryHooks { "myplugin:thing:after": (ctx: { id: string }) => void | Promise<void> }
 * }
 */
export interface GalleryHooks {
  /**
   * The gallery is ready: migrations applied, plugins set up. Context: `{}`.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "gallery:ready": (ctx: Record<string, never>) => void | Promise<void>;
  /**
   * The gallery is closing; release resources.
   * @mutable nothing
   * @veto No: errors are logged; closing goes on.
   */
  "gallery:close:before": (ctx: Record<string, never>) => void | Promise<void>;
  /**
   * Before an album is created.
   * @mutable `fields.name`, `fields.description`, `fields.visibility`
   * @veto Yes: throwing a GalleryError refuses the album with that error.
   */
  "album:create:before": (ctx: {
    actor: Actor;
    fields: { name: string; description: string; visibility: Album["visibility"]; parentId: string | null };
  }) => void | Promise<void>;
  /**
   * After an album was created and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "album:create:after": (ctx: { actor: Actor; album: Album }) => void | Promise<void>;
  /**
   * Before a photo is created (file stored, row not yet written).
   * @mutable `fields`
   * @veto Yes: throwing refuses the upload; the stored file is removed.
   */
  "photo:create:before": (ctx: PhotoCreateBeforeContext) => void | Promise<void>;
  /**
   * After a photo was created and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "photo:create:after": (ctx: { actor: Actor; photo: Photo; albumId: string }) => void | Promise<void>;
  /**
   * Before a derivative's pixels are encoded (the watermark plugin's entry point).
   * @mutable `pixels` (same `width`×`height` and `channels`)
   * @veto Throwing fails the generation of that derivative (the request answers with the error).
   */
  "derivative:encode:before": (ctx: DerivativeEncodeBeforeContext) => void | Promise<void>;
  /**
   * After a derivative was encoded and stored.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "derivative:encode:after": (ctx: {
    readonly photoId: string | undefined;
    readonly sha256: string;
    readonly preset: string;
    readonly format: string;
    readonly storageKey: string;
    readonly byteSize: number;
  }) => void | Promise<void>;
  /**
   * When the gallery resolves its derivative presets at start (after configuration, before services).
   * @mutable `presets` (push new presets, change existing ones)
   * @veto Throwing stops the gallery from starting (`createGallery` rejects).
   */
  "derivative:presets:extend": (ctx: DerivativePresetsExtendContext) => void | Promise<void>;
  /**
   * A plugin was enabled (its hooks now run). Context: the plugin's name and version.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "plugin:enable:after": (ctx: { readonly name: string; readonly version: string }) => void | Promise<void>;
  /**
   * A plugin was disabled (its hooks no longer run).
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "plugin:disable:after": (ctx: { readonly name: string; readonly version: string }) => void | Promise<void>;
  /**
   * Before an album's fields change. `current` is the album as it is.
   * @mutable `patch`
   * @veto Yes: throwing a GalleryError refuses the change with that error.
   */
  "album:update:before": (ctx: UpdateBeforeContext<Album, AlbumFields>) => void | Promise<void>;
  /**
   * Before an album (and its sub-albums) is deleted.
   * @mutable nothing
   * @veto Yes: throwing refuses the deletion.
   */
  "album:delete:before": (ctx: DeleteBeforeContext<Album>) => void | Promise<void>;
  /**
   * Before a photo's fields change.
   * @mutable `patch`
   * @veto Yes: throwing refuses the change.
   */
  "photo:update:before": (ctx: UpdateBeforeContext<Photo, PhotoFields>) => void | Promise<void>;
  /**
   * Before a photo is deleted (row, original and derivatives).
   * @mutable nothing
   * @veto Yes: throwing refuses the deletion.
   */
  "photo:delete:before": (ctx: DeleteBeforeContext<Photo>) => void | Promise<void>;
  /**
   * Before a tag is created.
   * @mutable `fields.name`
   * @veto Yes: throwing refuses the tag.
   */
  "tag:create:before": (ctx: CreateBeforeContext<{ name: string }>) => void | Promise<void>;
  /**
   * After a tag was created and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "tag:create:after": (ctx: { actor: Actor; tag: TagInfo }) => void | Promise<void>;
  /**
   * Before a tag is renamed.
   * @mutable `patch.name`
   * @veto Yes: throwing refuses the change.
   */
  "tag:update:before": (ctx: UpdateBeforeContext<TagInfo, { name: string }>) => void | Promise<void>;
  /**
   * After a tag was renamed and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "tag:update:after": (ctx: UpdateAfterContext<TagInfo>) => void | Promise<void>;
  /**
   * Before a tag is deleted (it is removed from every photo).
   * @mutable nothing
   * @veto Yes: throwing refuses the deletion.
   */
  "tag:delete:before": (ctx: DeleteBeforeContext<TagInfo>) => void | Promise<void>;
  /**
   * After a tag was deleted and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "tag:delete:after": (ctx: DeleteAfterContext<TagInfo>) => void | Promise<void>;
  /**
   * Before a user account is created (by an admin, a registration or a provider).
   * @mutable `fields.displayName`, `fields.email`, `fields.role`
   * @veto Yes: throwing refuses the account.
   */
  "user:create:before": (
    ctx: CreateBeforeContext<{
      username: string;
      displayName: string;
      email: string | null;
      role: UserInfo["role"];
    }>,
  ) => void | Promise<void>;
  /**
   * After a user account was created and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "user:create:after": (ctx: { actor: Actor; user: UserInfo }) => void | Promise<void>;
  /**
   * Before a user's profile, role or status changes.
   * @mutable `patch`
   * @veto Yes: throwing refuses the change.
   */
  "user:update:before": (
    ctx: UpdateBeforeContext<UserInfo, { displayName: string; email: string | null; role: UserInfo["role"] }>,
  ) => void | Promise<void>;
  /**
   * After a user was changed and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "user:update:after": (ctx: UpdateAfterContext<UserInfo>) => void | Promise<void>;
  /**
   * Before a user account is deleted.
   * @mutable nothing
   * @veto Yes: throwing refuses the deletion.
   */
  "user:delete:before": (ctx: DeleteBeforeContext<UserInfo>) => void | Promise<void>;
  /**
   * After a user account was deleted and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "user:delete:after": (ctx: DeleteAfterContext<UserInfo>) => void | Promise<void>;
  /**
   * Before a group is created.
   * @mutable `fields.name`
   * @veto Yes: throwing refuses the group.
   */
  "group:create:before": (ctx: CreateBeforeContext<{ name: string }>) => void | Promise<void>;
  /**
   * After a group was created and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "group:create:after": (ctx: { actor: Actor; group: GroupInfo }) => void | Promise<void>;
  /**
   * Before a group is renamed or its members change.
   * @mutable `patch`
   * @veto Yes: throwing refuses the change.
   */
  "group:update:before": (
    ctx: UpdateBeforeContext<GroupInfo, { name: string; addUserIds: string[]; removeUserIds: string[] }>,
  ) => void | Promise<void>;
  /**
   * After a group was changed and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "group:update:after": (ctx: UpdateAfterContext<GroupInfo>) => void | Promise<void>;
  /**
   * Before a group is deleted (its grants go with it).
   * @mutable nothing
   * @veto Yes: throwing refuses the deletion.
   */
  "group:delete:before": (ctx: DeleteBeforeContext<GroupInfo>) => void | Promise<void>;
  /**
   * After a group was deleted and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "group:delete:after": (ctx: DeleteAfterContext<GroupInfo>) => void | Promise<void>;
  /**
   * Before an album grant is given to a user or group.
   * @mutable `fields.role`
   * @veto Yes: throwing refuses the grant.
   */
  "grant:create:before": (ctx: CreateBeforeContext<GrantInfo>) => void | Promise<void>;
  /**
   * After a grant was given and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "grant:create:after": (ctx: { actor: Actor; grant: GrantInfo }) => void | Promise<void>;
  /**
   * Before a grant's role changes.
   * @mutable `patch.role`
   * @veto Yes: throwing refuses the change.
   */
  "grant:update:before": (
    ctx: UpdateBeforeContext<GrantInfo, { role: GrantInfo["role"] }>,
  ) => void | Promise<void>;
  /**
   * After a grant's role changed and was committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "grant:update:after": (ctx: UpdateAfterContext<GrantInfo>) => void | Promise<void>;
  /**
   * Before a grant is revoked.
   * @mutable nothing
   * @veto Yes: throwing refuses the revocation.
   */
  "grant:delete:before": (ctx: DeleteBeforeContext<GrantInfo>) => void | Promise<void>;
  /**
   * After a grant was revoked and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "grant:delete:after": (ctx: DeleteAfterContext<GrantInfo>) => void | Promise<void>;
  /**
   * Before a share link is created.
   * @mutable `fields.expiresAt`
   * @veto Yes: throwing refuses the link.
   */
  "share:create:before": (
    ctx: CreateBeforeContext<{ target: ShareInfo["target"]; expiresAt: number | null }>,
  ) => void | Promise<void>;
  /**
   * After a share link was created and committed (its token is never in the context).
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "share:create:after": (ctx: { actor: Actor; share: ShareInfo }) => void | Promise<void>;
  /**
   * Before a share link's expiry, limits or rights change.
   * @mutable `patch.expiresAt`
   * @veto Yes: throwing refuses the change.
   */
  "share:update:before": (
    ctx: UpdateBeforeContext<ShareInfo, { expiresAt: number | null }>,
  ) => void | Promise<void>;
  /**
   * After a share link was changed and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "share:update:after": (ctx: UpdateAfterContext<ShareInfo>) => void | Promise<void>;
  /**
   * Before a share link is revoked.
   * @mutable nothing
   * @veto Yes: throwing refuses the revocation.
   */
  "share:delete:before": (ctx: DeleteBeforeContext<ShareInfo>) => void | Promise<void>;
  /**
   * After a share link was revoked and committed (its media URLs stop working at once).
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "share:delete:after": (ctx: DeleteAfterContext<ShareInfo>) => void | Promise<void>;
  /**
   * An upload was accepted: the content was sniffed as a supported image and hashed; nothing is stored yet.
   * @mutable nothing
   * @veto Yes: throwing refuses the upload before anything is kept.
   */
  "ingest:file:accepted": (ctx: IngestFileAcceptedContext) => void | Promise<void>;
  /**
   * An upload's content already exists as a photo (same SHA-256).
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "ingest:duplicate:found": (ctx: {
    actor: Actor;
    albumId: string;
    readonly existingPhotoId: string;
    readonly sha256: string;
  }) => void | Promise<void>;
  /**
   * Before a password login is checked (lockouts, captchas, audit).
   * @mutable nothing
   * @veto Yes: throwing refuses the login with that error (the password is not checked).
   */
  "auth:login:before": (ctx: AuthLoginBeforeContext) => void | Promise<void>;
  /**
   * After a login succeeded and its session was created.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "auth:login:after": (ctx: { readonly user: UserInfo; readonly ip: string | null }) => void | Promise<void>;
  /**
   * After a login failed (wrong username or password).
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "auth:login:failed": (ctx: {
    readonly username: string;
    readonly ip: string | null;
  }) => void | Promise<void>;
  /**
   * After a session was ended.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "auth:logout:after": (ctx: { readonly userId: string }) => void | Promise<void>;
  /**
   * After an API token was created (its secret is never in the context).
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "auth:token:created": (ctx: {
    readonly userId: string;
    readonly tokenId: string;
    readonly scopes: readonly string[];
  }) => void | Promise<void>;
  /**
   * While the HTTP layer resolves who is asking, after sessions and tokens: the entry point for LDAP, OIDC and
   * reverse-proxy providers.
   * @mutable `actor`
   * @veto Yes: throwing answers the request with that error (use `UNAUTHENTICATED` to refuse).
   */
  "auth:actor:resolve": (ctx: AuthActorResolveContext) => void | Promise<void>;
  /**
   * After a search string was parsed into words and `key:value` filters.
   * @mutable `query` (add, drop or rewrite words and filters)
   * @veto Yes: throwing answers the search with that error.
   */
  "search:query:parse": (ctx: {
    actor: Actor;
    readonly text: string;
    query: SearchQuery;
  }) => void | Promise<void>;
  /**
   * Before a parsed search runs; plugins that registered a search key apply their filter here.
   * @mutable `photoIds` (restrict the results to these ids; `null` means no restriction)
   * @veto Yes: throwing answers the search with that error.
   */
  "search:query:before": (ctx: {
    actor: Actor;
    readonly query: SearchQuery;
    photoIds: string[] | null;
  }) => void | Promise<void>;
  /**
   * When the HTTP app is built: extra API routes are collected. Each pushed route is served under
   * `/api/v1/plugins/<plugin>/` while that plugin is enabled (after the plugin's own `ctx.registerRoute` routes).
   * @mutable `routes` (push `{ plugin, method, path, handler }`)
   * @veto Throwing (or pushing an invalid route) makes every plugin API route answer with that error; the rest of
   * the app keeps working and the error is logged when the app is built.
   */
  "http:routes:extend": (ctx: HttpRoutesExtendContext) => void | Promise<void>;
  /**
   * Before an HTTP request is handled (after the actor was resolved).
   * @mutable `actor`
   * @veto Yes: throwing answers the request with that error.
   */
  "http:request:before": (ctx: HttpRequestContext) => void | Promise<void>;
  /**
   * Before an HTTP response is sent.
   * @mutable `headers`
   * @veto No: errors are logged; the response is sent unchanged.
   */
  "http:response:before": (ctx: HttpResponseContext) => void | Promise<void>;
  /**
   * Before a page template renders.
   * @mutable `data` (the template's data object; change fields in place)
   * @veto Yes: throwing renders the error page with that error.
   */
  "theme:render:before": (ctx: {
    readonly theme: string;
    readonly template: string;
    data: unknown;
  }) => void | Promise<void>;
  /**
   * Before an e-mail is sent.
   * @mutable `message`
   * @veto Yes: throwing cancels the e-mail.
   */
  "mail:send:before": (ctx: { message: MailMessage }) => void | Promise<void>;
  /**
   * When the job queue starts: register extra job types.
   * @mutable `types` (push `{ type, handler }`)
   * @veto Throwing stops the gallery from starting.
   */
  "jobs:register:extend": (ctx: {
    types: { type: string; handler: (payload: unknown) => Promise<void> }[];
  }) => void | Promise<void>;
  /**
   * After an album was changed (renamed, described, moved, re-sorted…) and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "album:update:after": (ctx: { actor: Actor; album: Album }) => void | Promise<void>;
  /**
   * After an album and its sub-albums were deleted; `deletedPhotoIds` lists photos removed with them.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "album:delete:after": (ctx: {
    actor: Actor;
    albumIds: string[];
    deletedPhotoIds: string[];
  }) => void | Promise<void>;
  /**
   * After a photo's fields were changed and committed.
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "photo:update:after": (ctx: { actor: Actor; photo: Photo }) => void | Promise<void>;
  /**
   * After photos were deleted (rows, originals and derivatives).
   * @mutable nothing
   * @veto No: errors are logged.
   */
  "photo:delete:after": (ctx: { actor: Actor; photoIds: string[] }) => void | Promise<void>;
  /**
   * After metadata was read from a file, before it is stored: plugins may change `metadata` and add JSON-safe
   * entries to `extra` (kept in the raw record under their keys). The place for metadata extractors.
   * @mutable `metadata`, `extra`
   * @veto Yes: throwing refuses the ingest.
   */
  "metadata:extract:after": (ctx: MetadataExtractContext) => void | Promise<void>;
}

/** A hook name from the catalogue. */
export type HookName = keyof GalleryHooks;
/** The context object a hook receives. */
export type HookContext<N extends HookName> = Parameters<GalleryHooks[N]>[0];

/** Where a handler runs among the handlers of one hook: `pre` first, then unordered, then `post`. */
export type HookOrder = "pre" | "post";

/** Options of {@link HookBus.hook}. */
export interface HookOptions {
  /** The plugin the handler belongs to, named in its errors and logs. */
  plugin?: string | undefined;
  /** Run before (`pre`) or after (`post`) the handlers registered without an order. @default registration order */
  order?: HookOrder | undefined;
}

interface Registration {
  fn: (ctx: unknown) => Promise<void>;
  rank: number;
  seq: number;
}

const RANK: Record<HookOrder | "normal", number> = { pre: 0, normal: 1, post: 2 };

/**
 * The gallery's hook bus: hookable underneath, with `before`/`after` semantics, `pre`/`post` ordering and error
 * attribution (every error a handler throws names the hook and the plugin).
 */
export class HookBus {
  /** The underlying hookable instance. */
  readonly hookable: Hookable<GalleryHooks>;
  readonly #logger: Logger;
  readonly #registrations = new Map<string, Registration[]>();
  #seq = 0;

  constructor(logger: Logger) {
    this.hookable = createHooks<GalleryHooks>();
    this.#logger = logger;
  }

  /**
   * Register `fn` for `name`. The third argument names the owning plugin (a string, as before) or gives
   * {@link HookOptions}. Returns an unregister function.
   */
  hook<N extends HookName>(name: N, fn: GalleryHooks[N], options?: string | HookOptions): () => void {
    const opts: HookOptions = typeof options === "string" ? { plugin: options } : (options ?? {});
    const attributed = async (ctx: unknown) => {
      try {
        await (fn as (c: unknown) => unknown)(ctx);
      } catch (error) {
        throw attribute(error, name, opts.plugin);
      }
    };
    const registration: Registration = {
      fn: attributed,
      rank: RANK[opts.order ?? "normal"],
      seq: this.#seq++,
    };
    const list = this.#registrations.get(name) ?? [];
    list.push(registration);
    list.sort((a, b) => a.rank - b.rank || a.seq - b.seq);
    this.#registrations.set(name, list);
    this.#resync(name, list);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      const current = this.#registrations.get(name) ?? [];
      const index = current.indexOf(registration);
      if (index >= 0) current.splice(index, 1);
      // biome-ignore lint/suspicious/noExplicitAny: hookable's InferCallback cannot see through the generic
      this.hookable.removeHook(name as any, attributed as any);
    };
  }

  /** Re-register a hook's handlers on hookable in their order (hookable runs handlers in insertion order). */
  #resync(name: string, list: readonly Registration[]): void {
    for (const r of list) {
      // biome-ignore lint/suspicious/noExplicitAny: see above
      this.hookable.removeHook(name as any, r.fn as any);
    }
    for (const r of list) {
      // biome-ignore lint/suspicious/noExplicitAny: see above
      this.hookable.hook(name as any, r.fn as any);
    }
  }

  /** Whether any handler is registered for `name` (lets callers skip work a hook would need). */
  has(name: HookName): boolean {
    return (this.#registrations.get(name)?.length ?? 0) > 0;
  }

  /**
   * Run a `before` hook: handlers run one after the other and may change the context's mutable fields; the
   * first error (attributed to its plugin and hook) stops the chain and propagates: the operation is vetoed.
   */
  async before<N extends HookName>(name: N, ctx: HookContext<N>): Promise<void> {
    // biome-ignore lint/suspicious/noExplicitAny: see above
    await (this.hookable.callHook as any)(name, ctx);
  }

  /**
   * Run an `after` (or lifecycle) hook: every handler runs even when another fails; errors are logged with the
   * plugin and hook name, never thrown. Returns the errors, for callers that want to report them.
   */
  async after<N extends HookName>(name: N, ctx: HookContext<N>): Promise<GalleryError[]> {
    const errors: GalleryError[] = [];
    const caller = async (handlers: ((c: unknown) => unknown)[]) => {
      for (const handler of handlers) {
        try {
          await handler(ctx);
        } catch (error) {
          const attributed = attribute(error, name, undefined);
          errors.push(attributed);
          this.#logger.error(
            { hook: name, plugin: attributed.data?.plugin, ...errorFields(error) },
            "after hook failed",
          );
        }
      }
    };
    // biome-ignore lint/suspicious/noExplicitAny: see above
    await (this.hookable.callHookWith as any)(caller, name, [ctx]);
    return errors;
  }
}

function attribute(error: unknown, hook: string, plugin: string | undefined): GalleryError {
  if (error instanceof GalleryError) {
    if (error.data?.hook) return error;
    return new GalleryError(error.code, {
      detail: error.detail,
      status: error.status,
      data: { ...error.data, hook, plugin },
      errors: error.errors,
      cause: error.cause,
    });
  }
  return new GalleryError("PLUGIN_ERROR", {
    detail: `Hook "${hook}"${plugin ? ` of plugin "${plugin}"` : ""} failed.`,
    data: { hook, plugin },
    cause: error,
  });
}
