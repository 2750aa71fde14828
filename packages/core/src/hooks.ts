import { createHooks, type Hookable } from "hookable";
import type { Actor } from "./actor.js";
import { GalleryError } from "./errors.js";
import type { Logger } from "./logger.js";
import { errorFields } from "./logger.js";
import type { Album, Photo } from "./types.js";

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
 * Packages extend it by declaration merging:
 * @example
 * declare module "@vernissage/core" {
 *   interface GalleryHooks { "myplugin:thing:after": (ctx: { id: string }) => void | Promise<void> }
 * }
 */
export interface GalleryHooks {
  /** The gallery is ready: migrations applied, plugins set up. Context: `{}`. */
  "gallery:ready": (ctx: Record<string, never>) => void | Promise<void>;
  /** The gallery is closing; release resources. */
  "gallery:close:before": (ctx: Record<string, never>) => void | Promise<void>;
  /** Before an album is created; may change `name`, `description`, `visibility`; throw to veto. */
  "album:create:before": (ctx: {
    actor: Actor;
    fields: { name: string; description: string; visibility: Album["visibility"]; parentId: string | null };
  }) => void | Promise<void>;
  /** After an album was created and committed. */
  "album:create:after": (ctx: { actor: Actor; album: Album }) => void | Promise<void>;
  /** Before a photo is created (file stored, row not yet written); may change `fields`; throw to veto. */
  "photo:create:before": (ctx: PhotoCreateBeforeContext) => void | Promise<void>;
  /** After a photo was created and committed. */
  "photo:create:after": (ctx: { actor: Actor; photo: Photo; albumId: string }) => void | Promise<void>;
  /** Before a derivative's pixels are encoded; may replace `pixels` (same size); throw to fail generation. */
  "derivative:encode:before": (ctx: DerivativeEncodeBeforeContext) => void | Promise<void>;
}

/** A hook name from the catalogue. */
export type HookName = keyof GalleryHooks;
/** The context object a hook receives. */
export type HookContext<N extends HookName> = Parameters<GalleryHooks[N]>[0];

/**
 * The gallery's hook bus: hookable underneath, with `before`/`after` semantics and error attribution.
 */
export class HookBus {
  /** The underlying hookable instance. */
  readonly hookable: Hookable<GalleryHooks>;
  readonly #logger: Logger;
  readonly #counts = new Map<string, number>();

  constructor(logger: Logger) {
    this.hookable = createHooks<GalleryHooks>();
    this.#logger = logger;
  }

  /**
   * Register `fn` for `name`. `owner` names the plugin for error attribution. Returns an unregister function.
   */
  hook<N extends HookName>(name: N, fn: GalleryHooks[N], owner?: string): () => void {
    const attributed = (async (ctx: HookContext<N>) => {
      try {
        // biome-ignore lint/suspicious/noExplicitAny: the catalogue guarantees the context type per name
        await (fn as (c: any) => unknown)(ctx);
      } catch (error) {
        throw attribute(error, name, owner);
      }
    }) as unknown as GalleryHooks[N];
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
    // biome-ignore lint/suspicious/noExplicitAny: hookable's InferCallback cannot see through the generic
    const off = this.hookable.hook(name as any, attributed as any);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.#counts.set(name, (this.#counts.get(name) ?? 1) - 1);
      off();
    };
  }

  /** Whether any handler is registered for `name` (lets callers skip work a hook would need). */
  has(name: HookName): boolean {
    return (this.#counts.get(name) ?? 0) > 0;
  }

  /** Run a `before` hook: a thrown error vetoes the operation and propagates. */
  async before<N extends HookName>(name: N, ctx: HookContext<N>): Promise<void> {
    // biome-ignore lint/suspicious/noExplicitAny: see above
    await (this.hookable.callHook as any)(name, ctx);
  }

  /** Run an `after` (or lifecycle) hook: errors are logged with the plugin and hook name, never thrown. */
  async after<N extends HookName>(name: N, ctx: HookContext<N>): Promise<void> {
    try {
      // biome-ignore lint/suspicious/noExplicitAny: see above
      await (this.hookable.callHook as any)(name, ctx);
    } catch (error) {
      const data = error instanceof GalleryError ? error.data : undefined;
      this.#logger.error({ hook: name, plugin: data?.plugin, ...errorFields(error) }, "after hook failed");
    }
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
