import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Kysely } from "kysely";
import { EVERY_LOCATION, type LocationAccess } from "../access/location.js";
import { assertAdmin, assertCanEditPhoto } from "../access/permissions.js";
import { photoColumns, photoVisible } from "../access/visibility.js";
import { type Actor, GUEST, isAdminActor } from "../actor.js";
import type { DB, PhotoRow } from "../db/schema.js";
import { createLimiter } from "../derivatives/limiter.js";
import { negotiateFormat } from "../derivatives/negotiate.js";
import {
  applyPresetSettings,
  assertValidPresets,
  type DerivativeFormat,
  type DerivativePreset,
  type DerivativeSettings,
  derivativeKey,
  FORMAT_MIME,
  outputSize,
  type RecipeOptions,
  recipeHash,
  servingPreset,
} from "../derivatives/presets.js";
import { renderDerivatives } from "../derivatives/render.js";
import { jpegWithoutLocation, withHead } from "../derivatives/strip-location.js";
import { GalleryError } from "../errors.js";
import type { HookBus } from "../hooks.js";
import type { JobQueue } from "../ports/jobs.js";
import type { ByteRange, StorageAdapter, StorageObject } from "../ports/storage.js";
import type { Photo } from "../types.js";

/** A derivative's size and URL version for one photo. */
export interface DerivativeDescriptor {
  preset: string;
  width: number;
  height: number;
  /** Changes when the content or the recipe changes; put it in URLs so they can be cached forever. */
  version: string;
}

/** A media file ready to be sent. */
export interface MediaFile {
  contentType: string;
  size: number;
  /** Strong validator. */
  etag: string;
  /** `public` when a guest could see the photo (cacheable by anyone), `private` otherwise. */
  cache: "public" | "private";
  /** The current URL version of this file; a URL with another version must not be cached as immutable. */
  version: string;
  /**
   * A short-lived signed URL of the bytes, when the storage can sign and the gallery is set to redirect
   * (`derivatives.delivery: "redirect"`); the permission check has already passed.
   */
  redirect?: string | undefined;
  /** Open the bytes (optionally a range). */
  open(range?: ByteRange): Promise<StorageObject>;
  /** The whole file, when it is small and already in memory (a hot derivative): send it without opening. */
  bytes?: Uint8Array | undefined;
}

/** Who may download originals (Piwigo's `enabled_high`). */
export type OriginalsAccess = "visible" | "users" | "admins";

/** Input of {@link DerivativeService.rebuild}. */
export interface RebuildInput {
  /** Only these photos. @default every photo */
  photoIds?: readonly string[] | undefined;
  /** Only these presets (enabled ones). @default the eager presets */
  presets?: readonly string[] | undefined;
  /** Formats to make. @default ["jpeg"] */
  formats?: readonly DerivativeFormat[] | undefined;
  /** Remake files that already exist. @default false */
  force?: boolean | undefined;
  /** Called after each photo. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** What {@link DerivativeService.rebuild} did. */
export interface RebuildResult {
  /** Photos visited. */
  photos: number;
  /** Files rendered. */
  generated: number;
  /** Files removed: stale recipes (a preset changed) and, with `force`, the remade ones' old copies. */
  removed: number;
  /** Photos whose generation failed (e.g. the original is missing); the rest went on. */
  failed: { photoId: string; code: string }[];
}

/** Derivatives: sizes, generation and delivery. */
export interface DerivativeService {
  /** Enabled presets, smallest first. */
  presets(): readonly DerivativePreset[];
  /**
   * Every preset, enabled or not, smallest first, with the admins' stored settings applied (the settings page
   * lists them); `eager` presets are made on upload and cannot be disabled.
   */
  catalogue(): readonly (DerivativePreset & {
    eager: boolean;
    /** The values configuration and plugins give, before the stored settings. */
    configured: { enabled: boolean; quality: number };
  })[];
  /** The gallery's format negotiation order now (stored settings over configuration). */
  formats(): readonly DerivativeFormat[];
  /** Sizes and URL versions of every enabled preset for a photo (no generation). */
  describe(photo: Pick<Photo, "sha256" | "width" | "height" | "mimeType" | "focus">): DerivativeDescriptor[];
  /**
   * Set (or with `null` clear) the centre of interest cropped presets are cut around, as fractions (0–1) of
   * the displayed width and height. Needs the right to edit the photo; the old crops are removed and their
   * URLs change.
   */
  setFocus(actor: Actor, photoId: string, focus: { x: number; y: number } | null): Promise<void>;
  /**
   * Get (generating on first request) a derivative the actor may see; `accept` picks the format. A photo the
   * actor may not see answers `NOT_FOUND` exactly like a missing one; a disabled preset answers with the next
   * smaller enabled one; an unknown preset is `PRESET_NOT_FOUND` (arbitrary sizes are never made).
   */
  get(
    actor: Actor,
    photoId: string,
    presetName: string,
    options?: { accept?: string | null | undefined },
  ): Promise<MediaFile>;
  /**
   * The original file of a photo the actor may see, if the `originals` setting lets the actor have it; with its
   * GPS blanked when the location setting keeps it from the actor.
   */
  original(actor: Actor, photoId: string): Promise<MediaFile>;
  /** Whether {@link DerivativeService.original} would give the actor this photo's original (for download links). */
  originalAvailable(actor: Actor, photoId: string): Promise<boolean>;
  /**
   * Generate (if missing) the given presets of a photo from one decode (system use: the eager job, the CLI).
   * Returns how many files were made.
   */
  generate(
    photoId: string,
    presetNames: readonly string[],
    formats?: readonly DerivativeFormat[],
  ): Promise<number>;
  /** Pre-generate or rebuild derivatives now (admins). Stale files of changed presets are removed. */
  rebuild(actor: Actor, input?: RebuildInput): Promise<RebuildResult>;
  /** Queue a rebuild as a durable job (admins); returns the job id. */
  scheduleRebuild(actor: Actor, input?: Omit<RebuildInput, "onProgress">): Promise<string>;
  /**
   * Remove every derivative (files and rows) made from the original with this SHA-256; call it when the last
   * photo using that content is deleted. Returns how many files were removed.
   */
  deleteForSource(sha256: string): Promise<number>;
}

/** @internal */
export interface DerivativeServiceDeps {
  db: Kysely<DB>;
  originals: StorageAdapter;
  store: StorageAdapter;
  hooks: HookBus;
  jobs?: JobQueue | undefined;
  /** Every preset, enabled or not. */
  presets: readonly DerivativePreset[];
  formats: readonly DerivativeFormat[];
  eager: readonly string[];
  concurrency: number;
  maxPixels: number;
  /** @default "still" */
  animation?: "keep" | "still" | undefined;
  /** @default "visible" */
  originalsAccess?: OriginalsAccess | undefined;
  /** @default "stream" */
  delivery?: "stream" | "redirect" | undefined;
  /** Lifetime of signed URLs. @default 300 */
  signedUrlSeconds?: number | undefined;
  /** Bytes of hot derivatives kept in memory (keys are immutable, so never stale); 0 turns it off. @default 64 MiB */
  memoryCacheBytes?: number | undefined;
  /**
   * Admins' stored preset and format settings (the settings service), applied over configuration and plugins.
   * `get` re-reads them when its cached copy is older than the settings TTL; `snapshot` never waits.
   */
  settings?: { get(): Promise<DerivativeSettings>; snapshot(): DerivativeSettings } | undefined;
  /** Runs `fn` holding a lock all processes see (one generation per source at a time across processes). */
  lock?: (<T>(name: string, fn: () => Promise<T>) => Promise<T>) | undefined;
  /** Whether an actor may read photos' coordinates (the location setting); originals are scrubbed otherwise. */
  location?: ((actor: Actor) => LocationAccess) | undefined;
}

/** @internal The service plus what `createGallery` needs to finish wiring it. */
export interface DerivativeServiceInternal extends DerivativeService {
  /** Replace the preset list (after plugins extended it). */
  setPresets(presets: readonly DerivativePreset[]): void;
}

/** The columns of a photo that decide its derivatives' keys. */
type RecipeRow = Pick<PhotoRow, "sha256" | "mime_type" | "focus_x" | "focus_y">;

/** Job type of a scheduled rebuild. */
export const REBUILD_JOB = "derivatives:rebuild";

const REBUILD_PAGE = 200;
const LOCATED_REFUSAL =
  "This original records where it was taken, which you may not see; its sizes are available.";
const RECORD_CACHE_MAX = 10_000;
/** Originals up to this size are read into memory for decoding; larger ones go through a temporary file. */
const IN_MEMORY_MAX = 48 * 1024 * 1024;
const ALL_FORMATS: readonly DerivativeFormat[] = ["jpeg", "webp", "avif"];

/** @internal */
export function createDerivativeService(deps: DerivativeServiceDeps): DerivativeServiceInternal {
  const { db, store, originals } = deps;
  // `base`: configuration and plugins; `all`/`enabled`/`formats`: with the stored settings applied, recomputed
  // whenever the settings service hands out a different settings object (a change, here or in another process).
  let base: readonly DerivativePreset[] = [];
  let all: readonly DerivativePreset[] = [];
  let enabled: readonly DerivativePreset[] = [];
  let formats: readonly DerivativeFormat[] = deps.formats;
  let applied: DerivativeSettings | null | undefined;
  // Recipe hashes by preset, format and per-photo options: a media request needs several, each a SHA-256.
  const recipes = new Map<string, string>();
  const hashOf = (preset: DerivativePreset, format: DerivativeFormat, options: RecipeOptions) => {
    const focus = options.focus ? `${options.focus.x},${options.focus.y}` : "";
    const id = `${preset.name}|${format}|${options.animated ? 1 : 0}|${focus}`;
    let hash = recipes.get(id);
    if (hash === undefined) {
      hash = recipeHash(preset, format, options);
      if (recipes.size >= 10_000) recipes.clear();
      recipes.set(id, hash);
    }
    return hash;
  };
  const recompute = (settings: DerivativeSettings | null) => {
    applied = settings;
    recipes.clear();
    all = applyPresetSettings(base, settings, deps.eager);
    enabled = all.filter((p) => p.enabled);
    formats = settings?.formats ?? deps.formats;
  };
  const setPresets = (presets: readonly DerivativePreset[]) => {
    assertValidPresets(presets);
    base = [...presets].sort((a, b) => a.width * a.height - b.width * b.height);
    recompute(null);
    // The stored settings are applied again at the next use.
    applied = undefined;
  };
  /** Bring the presets up to date with the stored settings (cheap when they have not changed). */
  const view = () => {
    if (!deps.settings) return;
    const settings = deps.settings.snapshot();
    if (settings !== applied) recompute(settings);
  };
  /** {@link view} after re-reading the stored settings when the cached copy is older than the TTL. */
  const fresh = async () => {
    if (!deps.settings) return;
    await deps.settings.get();
    view();
  };
  setPresets(deps.presets);
  const limit = createLimiter(deps.concurrency);
  // One generation per storage key at a time: a request for a key being made waits for that generation.
  const inflight = new Map<string, Promise<unknown>>();

  const bytesCache = createBytesCache(deps.memoryCacheBytes ?? 64 * 1024 * 1024);
  // Sizes of existing derivatives by key (bounded, oldest out first): a hit saves a query per media request.
  const recordCache = new Map<string, { byte_size: number }>();
  const rememberRecord = (key: string, size: number | string) => {
    if (recordCache.has(key)) return;
    if (recordCache.size >= RECORD_CACHE_MAX) {
      const oldest = recordCache.keys().next().value;
      if (oldest !== undefined) recordCache.delete(oldest);
    }
    recordCache.set(key, { byte_size: Number(size) });
  };

  const formatsOf = (preset: DerivativePreset) => preset.formats ?? formats;
  const mayAnimate = (mime: string) =>
    deps.animation === "keep" && (mime === "image/gif" || mime === "image/webp");
  const focusOf = (row: RecipeRow) =>
    row.focus_x === null || row.focus_y === null
      ? null
      : { x: Number(row.focus_x) / 1000, y: Number(row.focus_y) / 1000 };
  const recipeOf = (row: RecipeRow): RecipeOptions => ({
    animated: mayAnimate(row.mime_type),
    focus: focusOf(row),
  });
  const keyOf = (row: RecipeRow, preset: DerivativePreset, format: DerivativeFormat) => {
    const options = recipeOf(row);
    return derivativeKey(row.sha256, preset, format, options, hashOf(preset, format, options));
  };
  // The recipe half of a URL version depends only on the recipe hashes: a page of 60 photos × 9 presets would
  // otherwise pay 540 SHA-256s, a media request one. Pure function of its key, so never stale.
  const recipeVersions = new Map<string, string>();
  // `describe`'s version suffixes per recipe options, for the enabled presets they were computed with.
  const describeSuffixes = new Map<string, { presets: readonly DerivativePreset[]; suffix: string[] }>();
  /** The recipe half of a URL version: 6 hex digits naming the preset's recipes for these options. */
  const recipeSuffix = (row: RecipeRow, preset: DerivativePreset) => {
    const options = recipeOf(row);
    const recipes = formatsOf(preset)
      .concat(["jpeg"])
      .map((f) => hashOf(preset, f, options))
      .join(",");
    let suffix = recipeVersions.get(recipes);
    if (suffix === undefined) {
      suffix = createHash("sha256").update(recipes).digest("hex").slice(0, 6);
      if (recipeVersions.size >= 10_000) recipeVersions.clear();
      recipeVersions.set(recipes, suffix);
    }
    return suffix;
  };
  /** A URL version: the content (10 hex digits of its SHA-256), then the recipe ({@link recipeSuffix}). */
  const versionFrom = (sha256: string, suffix: string) => `${sha256.slice(0, 10)}${suffix}`;
  const versionOf = (row: RecipeRow, preset: DerivativePreset) =>
    versionFrom(row.sha256, recipeSuffix(row, preset));

  function presetOrThrow(name: string): DerivativePreset {
    const preset = servingPreset(all, name);
    if (!preset) throw new GalleryError("PRESET_NOT_FOUND", { data: { preset: name } });
    return preset;
  }

  async function visibleRow(actor: Actor, photoId: string): Promise<PhotoRow> {
    const row = await db
      .selectFrom("photos as p")
      .selectAll("p")
      .where("p.id", "=", photoId)
      .where(photoVisible(actor, photoColumns("p")))
      .executeTakeFirst();
    // A forbidden photo and a missing photo get the same answer.
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such photo." });
    return row;
  }

  const location = deps.location ?? (() => EVERY_LOCATION);
  const isLocated = (row: PhotoRow) =>
    row.gps_latitude !== null || row.gps_longitude !== null || row.gps_altitude !== null;

  /** Why the actor may not have a visible photo's original, or null when it may. */
  function originalRefusal(actor: Actor, row: PhotoRow): string | null {
    const access = deps.originalsAccess ?? "visible";
    // A share link downloads originals only when it was made with download rights.
    const allowed =
      (actor.kind !== "share" || actor.canDownload) &&
      (access === "visible" ||
        isAdminActor(actor) ||
        (actor.kind === "user" && (access === "users" || row.uploader_id === actor.userId)));
    if (!allowed) return "Originals are not available to you.";
    // Only JPEG originals can have their coordinates blanked.
    if (isLocated(row) && !location(actor)(row.uploader_id) && row.mime_type !== "image/jpeg")
      return LOCATED_REFUSAL;
    return null;
  }

  /**
   * The head of a photo's original (up to its image data) with its coordinates blanked; `FORBIDDEN` when that
   * cannot be done safely (malformed metadata, metadata over 4 MiB).
   */
  async function scrubbedHead(row: PhotoRow): Promise<Buffer> {
    const refuse = () => new GalleryError("FORBIDDEN", { detail: LOCATED_REFUSAL });
    for (const bytes of [256 * 1024, 4 * 1024 * 1024]) {
      const object = await originals.get(row.storage_key, { range: { start: 0, end: bytes - 1 } });
      if (!object) throw new GalleryError("STORAGE_ERROR", { detail: "The original file is missing." });
      const chunks: Buffer[] = [];
      for await (const chunk of object.body) chunks.push(chunk as Buffer);
      const scrub = jpegWithoutLocation(Buffer.concat(chunks));
      if (scrub.kind === "scrubbed") return scrub.head;
      if (scrub.kind === "refused") throw refuse();
    }
    throw refuse();
  }

  async function isPublic(photoId: string): Promise<boolean> {
    const row = await db
      .selectFrom("photos as p")
      .select("p.id")
      .where("p.id", "=", photoId)
      .where(photoVisible(GUEST, photoColumns("p")))
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Render the missing ones among `wanted`×`formats` for a photo from one decode; returns files made. */
  async function generateRows(
    row: PhotoRow,
    wanted: readonly DerivativePreset[],
    formats: readonly DerivativeFormat[] | "own",
  ): Promise<number> {
    const requests = wanted.flatMap((preset) =>
      (formats === "own" ? formatsOf(preset) : formats).map((format) => ({
        preset,
        format,
        key: keyOf(row, preset, format),
      })),
    );
    const wantThumbhash = row.thumbhash === null;
    if (requests.length === 0 && !wantThumbhash) return 0;
    const existing =
      requests.length === 0
        ? new Set<string>()
        : new Set(
            (
              await db
                .selectFrom("derivatives")
                .select("storage_key")
                .where(
                  "storage_key",
                  "in",
                  requests.map((r) => r.key),
                )
                .execute()
            ).map((r) => r.storage_key),
          );
    const missing = requests.filter((r) => !existing.has(r.key));
    const running = missing.filter((r) => inflight.has(r.key));
    const mine = missing.filter((r) => !inflight.has(r.key));
    let made = 0;
    if (mine.length > 0 || wantThumbhash) {
      const render = () => renderAndStore(row, mine, wantThumbhash);
      // Across processes: whoever holds the source's lock renders; the others then find its rows and skip.
      const task = limit(() => (deps.lock ? deps.lock(`derivatives:${row.sha256}`, render) : render()));
      for (const r of mine) inflight.set(r.key, task);
      try {
        made = await task;
      } finally {
        for (const r of mine) if (inflight.get(r.key) === task) inflight.delete(r.key);
      }
    }
    await Promise.all(running.map((r) => inflight.get(r.key)));
    return made;
  }

  async function renderAndStore(
    row: PhotoRow,
    wanted: readonly { preset: DerivativePreset; format: DerivativeFormat; key: string }[],
    wantThumbhash: boolean,
  ): Promise<number> {
    let requests = wanted;
    // Another process or an earlier flight may have made some while this one waited for a slot.
    if (requests.length > 0) {
      const done = new Set(
        (
          await db
            .selectFrom("derivatives")
            .select("storage_key")
            .where(
              "storage_key",
              "in",
              requests.map((r) => r.key),
            )
            .execute()
        ).map((r) => r.storage_key),
      );
      requests = requests.filter((r) => !done.has(r.key));
      if (requests.length === 0 && !wantThumbhash) return 0;
    }
    const source = await originals.get(row.storage_key);
    if (!source) {
      throw new GalleryError("STORAGE_ERROR", {
        detail: "The original file is missing.",
        data: { photoId: row.id },
      });
    }
    // Originals up to IN_MEMORY_MAX are decoded from memory (no temporary file to write and remove); larger
    // ones are spooled to a local file the decoder reads with random access.
    let dir: string | undefined;
    try {
      let input: string | Buffer;
      if (source.size <= IN_MEMORY_MAX) {
        const chunks: Buffer[] = [];
        for await (const chunk of source.body) chunks.push(chunk as Buffer);
        input = Buffer.concat(chunks);
      } else {
        dir = await mkdtemp(join(tmpdir(), "vernissage-derive-"));
        input = join(dir, "original");
        await pipeline(source.body, createWriteStream(input));
      }
      const rendered = await renderDerivatives(
        {
          source: input,
          width: row.width,
          height: row.height,
          sha256: row.sha256,
          photoId: row.id,
          limitInputPixels: deps.maxPixels,
          hooks: deps.hooks,
          keepAnimation: mayAnimate(row.mime_type),
          focus: focusOf(row),
          thumbhash: wantThumbhash,
        },
        requests,
      );
      for (const out of rendered.outputs) {
        const key = keyOf(row, out.preset, out.format);
        await store.put(key, out.data, { contentType: FORMAT_MIME[out.format] });
        bytesCache.set(key, out.data);
        await db
          .insertInto("derivatives")
          .values({
            storage_key: key,
            source_sha256: row.sha256,
            preset: out.preset.name,
            recipe_hash: hashOf(out.preset, out.format, recipeOf(row)),
            format: out.format,
            width: out.width,
            height: out.height,
            byte_size: out.data.length,
            created_at: Date.now(),
          })
          .onConflict((oc) => oc.column("storage_key").doNothing())
          .execute();
        await deps.hooks.after("derivative:encode:after", {
          photoId: row.id,
          sha256: row.sha256,
          preset: out.preset.name,
          format: out.format,
          storageKey: key,
          byteSize: out.data.length,
        });
      }
      if (rendered.thumbhash !== undefined) {
        await db
          .updateTable("photos")
          .set({ thumbhash: rendered.thumbhash })
          .where("sha256", "=", row.sha256)
          .where("thumbhash", "is", null)
          .execute();
      }
      return rendered.outputs.length;
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }

  async function removeKeys(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      recordCache.delete(key);
      bytesCache.delete(key);
      await store.delete(key);
      await db.deleteFrom("derivatives").where("storage_key", "=", key).execute();
    }
  }

  /** Files of a photo's content that no current recipe produces any more (a preset changed or went away). */
  async function staleKeys(row: PhotoRow): Promise<string[]> {
    await fresh();
    // Every photo made from the same content counts (each may have its own centre of interest).
    const sharing = await db
      .selectFrom("photos")
      .select(["sha256", "mime_type", "focus_x", "focus_y"])
      .where("sha256", "=", row.sha256)
      .execute();
    const current = new Set(
      [row, ...sharing].flatMap((r) => all.flatMap((p) => ALL_FORMATS.map((f) => keyOf(r, p, f)))),
    );
    const rows = await db
      .selectFrom("derivatives")
      .select("storage_key")
      .where("source_sha256", "=", row.sha256)
      .execute();
    return rows.map((r) => r.storage_key).filter((k) => !current.has(k));
  }

  function namesToPresets(names: readonly string[]): DerivativePreset[] {
    view();
    return [...new Set(names)].map((name) => {
      const preset = all.find((p) => p.name === name);
      if (!preset?.enabled) throw new GalleryError("PRESET_NOT_FOUND", { data: { preset: name } });
      return preset;
    });
  }

  const service: DerivativeServiceInternal = {
    setPresets,

    presets: () => {
      view();
      return enabled;
    },

    catalogue: () => {
      view();
      return all.map((p) => {
        const from = base.find((b) => b.name === p.name) ?? p;
        return {
          ...p,
          eager: deps.eager.includes(p.name),
          configured: { enabled: from.enabled, quality: from.quality },
        };
      });
    },

    formats: () => {
      view();
      return formats;
    },

    describe(photo) {
      view();
      const row: RecipeRow = {
        sha256: photo.sha256,
        mime_type: photo.mimeType,
        focus_x: photo.focus ? Math.round(photo.focus.x * 1000) : null,
        focus_y: photo.focus ? Math.round(photo.focus.y * 1000) : null,
      };
      // Pages describe dozens of photos at once, nearly all with the same recipe options: the recipe half of
      // every preset's version is looked up once per options, not once per photo and preset.
      const optionsKey = `${mayAnimate(row.mime_type) ? 1 : 0}|${row.focus_x ?? ""},${row.focus_y ?? ""}`;
      let suffixes = describeSuffixes.get(optionsKey);
      if (suffixes === undefined || suffixes.presets !== enabled) {
        suffixes = { presets: enabled, suffix: enabled.map((preset) => recipeSuffix(row, preset)) };
        if (describeSuffixes.size >= 10_000) describeSuffixes.clear();
        describeSuffixes.set(optionsKey, suffixes);
      }
      return enabled.map((preset, i) => {
        const size = outputSize(preset, photo.width, photo.height);
        return {
          preset: preset.name,
          width: size.width,
          height: size.height,
          version: versionFrom(photo.sha256, suffixes.suffix[i] ?? ""),
        };
      });
    },

    async get(actor, photoId, presetName, options = {}) {
      await fresh();
      const preset = presetOrThrow(presetName);
      const row = await visibleRow(actor, photoId);
      const format = negotiateFormat(options.accept, formatsOf(preset));
      const key = keyOf(row, preset, format);
      const cached = recordCache.get(key);
      const find = () =>
        db.selectFrom("derivatives").selectAll().where("storage_key", "=", key).executeTakeFirst();
      // A key's bytes never change (content and recipe are in it), so its size can be remembered.
      let record: { byte_size: number | string } | undefined = cached ?? (await find());
      if (!record) {
        await generateRows(row, [preset], [format]);
        record = await find();
        if (!record)
          throw new GalleryError("INTERNAL", { detail: "Derivative generation produced nothing." });
      }
      rememberRecord(key, record.byte_size);
      const found = record;
      const redirect =
        deps.delivery === "redirect" && store.signedUrl
          ? await store.signedUrl(key, {
              expiresInSeconds: deps.signedUrlSeconds ?? 300,
              contentType: FORMAT_MIME[format],
            })
          : undefined;
      return {
        contentType: FORMAT_MIME[format],
        size: Number(found.byte_size),
        // The key already names content, recipe and format: it is a strong validator as it stands.
        etag: `"${key.slice(key.lastIndexOf("/") - 16)}"`.replace("/", "-"),
        // What a guest just passed the rule for is public without asking again.
        cache: actor.kind === "guest" || (await isPublic(photoId)) ? "public" : "private",
        version: versionOf(row, preset),
        redirect,
        bytes: bytesCache.get(key),
        async open(range) {
          const hot = bytesCache.get(key);
          if (hot) {
            const part = range ? hot.subarray(range.start, (range.end ?? hot.length - 1) + 1) : hot;
            return { body: Readable.from([part]), size: hot.length };
          }
          const object = await store.get(key, { range });
          if (!object) {
            // The file vanished from storage: forget the record so the next request regenerates it.
            recordCache.delete(key);
            await db.deleteFrom("derivatives").where("storage_key", "=", key).execute();
            throw new GalleryError("STORAGE_ERROR", {
              detail: "Derivative file missing; it will be regenerated.",
            });
          }
          if (range || object.size > bytesCache.maxEntry) return object;
          const chunks: Buffer[] = [];
          for await (const chunk of object.body) chunks.push(chunk as Buffer);
          const whole = Buffer.concat(chunks);
          bytesCache.set(key, whole);
          return { ...object, body: Readable.from([whole]) };
        },
      };
    },

    async originalAvailable(actor, photoId) {
      const row = await visibleRow(actor, photoId).catch(() => null);
      return row !== null && originalRefusal(actor, row) === null;
    },

    async original(actor, photoId) {
      const row = await visibleRow(actor, photoId);
      const refusal = originalRefusal(actor, row);
      if (refusal) throw new GalleryError("FORBIDDEN", { detail: refusal });
      const located = isLocated(row);
      const etag = `"${row.sha256.slice(0, 32)}"`;
      const publicPhoto = actor.kind === "guest" || (await isPublic(photoId));
      if (located && !location(actor)(row.uploader_id)) {
        // The file says where it was taken and the actor may not know: serve it with the coordinates blanked.
        const head = await scrubbedHead(row);
        return {
          contentType: row.mime_type,
          size: Number(row.byte_size),
          etag: `"${row.sha256.slice(0, 32)}-l"`,
          cache: publicPhoto ? "public" : "private",
          version: row.sha256.slice(0, 16),
          async open(range) {
            const size = Number(row.byte_size);
            const start = range?.start ?? 0;
            const end = Math.min(range?.end ?? size - 1, size - 1);
            const body = await withHead(head, start, end, async (from) => {
              const object = await originals.get(row.storage_key, {
                range: { start: from, end: range?.end },
              });
              if (!object)
                throw new GalleryError("STORAGE_ERROR", { detail: "The original file is missing." });
              return object.body;
            });
            return { size, contentType: row.mime_type, body };
          },
        };
      }
      const redirect =
        deps.delivery === "redirect" && originals.signedUrl
          ? await originals.signedUrl(row.storage_key, {
              expiresInSeconds: deps.signedUrlSeconds ?? 300,
              contentType: row.mime_type,
            })
          : undefined;
      return {
        contentType: row.mime_type,
        size: Number(row.byte_size),
        etag,
        // Shared caches may keep the file only when every visitor would get these very bytes: not when a guest
        // would get it without its coordinates.
        cache: publicPhoto && (!located || location(GUEST)(row.uploader_id)) ? "public" : "private",
        version: row.sha256.slice(0, 16),
        redirect,
        async open(range) {
          const object = await originals.get(row.storage_key, { range });
          if (!object) throw new GalleryError("STORAGE_ERROR", { detail: "The original file is missing." });
          return object;
        },
      };
    },

    async setFocus(actor, photoId, focus) {
      if (focus && !(focus.x >= 0 && focus.x <= 1 && focus.y >= 0 && focus.y <= 1)) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "focus", message: "x and y must be between 0 and 1" }],
        });
      }
      await visibleRow(actor, photoId);
      await assertCanEditPhoto(db, actor, photoId);
      await db
        .updateTable("photos")
        .set({
          focus_x: focus ? Math.round(focus.x * 1000) : null,
          focus_y: focus ? Math.round(focus.y * 1000) : null,
          updated_at: Date.now(),
        })
        .where("id", "=", photoId)
        .execute();
      const row = await db.selectFrom("photos").selectAll().where("id", "=", photoId).executeTakeFirst();
      // Other photos with the same content keep their own crops: only files no photo's recipe makes go.
      if (row) await removeKeys(await staleKeys(row));
    },

    async generate(photoId, presetNames, formats) {
      await fresh();
      const row = await db.selectFrom("photos").selectAll().where("id", "=", photoId).executeTakeFirst();
      if (!row) return 0;
      const wanted = presetNames
        .map((n) => enabled.find((p) => p.name === n))
        .filter((p): p is DerivativePreset => p !== undefined);
      return generateRows(row, wanted, formats ?? ["jpeg"]);
    },

    async rebuild(actor, input = {}) {
      assertAdmin(actor);
      await fresh();
      const wanted = namesToPresets(input.presets ?? deps.eager);
      const formats = input.formats ?? ["jpeg"];
      const result: RebuildResult = { photos: 0, generated: 0, removed: 0, failed: [] };
      const ids = input.photoIds ? [...new Set(input.photoIds)] : undefined;
      const total = ids
        ? ids.length
        : Number(
            (
              await db
                .selectFrom("photos")
                .select((eb) => eb.fn.countAll().as("n"))
                .executeTakeFirst()
            )?.n ?? 0,
          );
      let after = "";
      for (;;) {
        let query = db.selectFrom("photos").selectAll().orderBy("id").limit(REBUILD_PAGE);
        if (ids) {
          const page = ids.slice(result.photos, result.photos + REBUILD_PAGE);
          if (page.length === 0) break;
          query = db.selectFrom("photos").selectAll().where("id", "in", page).orderBy("id");
          const rows = await query.execute();
          if (rows.length !== page.length) {
            const found = new Set(rows.map((r) => r.id));
            for (const id of page) if (!found.has(id)) result.failed.push({ photoId: id, code: "NOT_FOUND" });
          }
          await rebuildRows(rows, page.length);
          continue;
        }
        const rows = await query.where("id", ">", after).execute();
        if (rows.length === 0) break;
        after = rows[rows.length - 1]?.id ?? after;
        await rebuildRows(rows, rows.length);
      }
      return result;

      async function rebuildRows(rows: PhotoRow[], visited: number) {
        // Photos in parallel up to the limiter's size: each generation is one decode on one core.
        await Promise.all(
          rows.map(async (row) => {
            try {
              const stale = await staleKeys(row);
              if (input.force) {
                stale.push(...wanted.flatMap((p) => formats.map((f) => keyOf(row, p, f))));
              }
              await removeKeys(stale);
              result.removed += stale.length;
              // Read the count after the await: `x += await y` would add to a stale value.
              const made = await generateRows(row, wanted, formats);
              result.generated += made;
            } catch (error) {
              result.failed.push({
                photoId: row.id,
                code: error instanceof GalleryError ? error.code : "INTERNAL",
              });
            }
          }),
        );
        result.photos += visited;
        input.onProgress?.(Math.min(result.photos, total), total);
      }
    },

    async scheduleRebuild(actor, input = {}) {
      assertAdmin(actor);
      namesToPresets(input.presets ?? deps.eager);
      if (!deps.jobs) throw new GalleryError("INVALID_CONFIGURATION", { detail: "No job queue." });
      return deps.jobs.enqueue(REBUILD_JOB, {
        photoIds: input.photoIds,
        presets: input.presets,
        formats: input.formats,
        force: input.force,
      });
    },

    async deleteForSource(sha256) {
      const keys = new Set(
        (
          await db
            .selectFrom("derivatives")
            .select("storage_key")
            .where("source_sha256", "=", sha256)
            .execute()
        ).map((r) => r.storage_key),
      );
      // Files written but never recorded (a crash between put and insert) live under the same prefix.
      if (/^[0-9a-f]{64}$/.test(sha256)) {
        let cursor: string | undefined;
        do {
          const page = await store.list(`derivatives/${sha256.slice(0, 2)}/${sha256}/`, { cursor });
          for (const key of page.keys) keys.add(key);
          cursor = page.cursor;
        } while (cursor);
      }
      await removeKeys([...keys]);
      return keys.size;
    },
  };
  return service;
}

/**
 * A bounded least-recently-used cache of derivative bytes by storage key. Keys carry the content hash and the
 * recipe, so an entry can never be stale; it only saves storage reads of hot files. Permission checks happen
 * before anything is read from it.
 */
function createBytesCache(maxBytes: number) {
  const entries = new Map<string, Buffer>();
  let total = 0;
  const maxEntry = Math.min(1024 * 1024, Math.floor(maxBytes / 16));
  return {
    maxEntry,
    get(key: string): Buffer | undefined {
      const hit = entries.get(key);
      if (hit) {
        // Refresh its place in the LRU order.
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key: string, bytes: Buffer): void {
      if (bytes.length > maxEntry || entries.has(key)) return;
      entries.set(key, bytes);
      total += bytes.length;
      for (const [oldest, value] of entries) {
        if (total <= maxBytes) break;
        entries.delete(oldest);
        total -= value.length;
      }
    },
    delete(key: string): void {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        total -= hit.length;
      }
    },
  };
}
