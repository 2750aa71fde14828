import { cpus } from "node:os";
import { Kysely } from "kysely";
import type { Actor } from "./actor.js";
import { runMigrations } from "./db/migrate.js";
import type { DB } from "./db/schema.js";
import { type DerivativeFormat, type DerivativePreset, resolvePresets } from "./derivatives/presets.js";
import { GalleryError } from "./errors.js";
import { HookBus } from "./hooks.js";
import { createDatabaseJobQueue } from "./jobs/db-job-queue.js";
import { createConsoleLogger, type Logger } from "./logger.js";
import { type GalleryOptions, validateOptions } from "./options.js";
import { type Plugin, type PluginEntry, parsePluginConfig } from "./plugin.js";
import type { DatabaseAdapter } from "./ports/database.js";
import type { JobQueue } from "./ports/jobs.js";
import type { StorageAdapter } from "./ports/storage.js";
import { wrapStorage } from "./ports/wrap-storage.js";
import { type AlbumService, createAlbumService } from "./services/albums.js";
import { type AuthService, createAuthService } from "./services/auth.js";
import { createDerivativeService, type DerivativeService } from "./services/derivatives.js";
import { createPhotoService, type PhotoService } from "./services/photos.js";
import { createUserService, type UserService } from "./services/users.js";

/** A service with the actor argument bound. */
export type Bound<S> = {
  [K in keyof S]: S[K] extends (actor: Actor, ...args: infer A) => infer R ? (...args: A) => R : S[K];
};

/** The services a gallery offers; every method takes the actor first. */
export interface GalleryServices {
  albums: AlbumService;
  photos: PhotoService;
  derivatives: DerivativeService;
  users: UserService;
}

/** A running gallery. */
export interface Gallery extends GalleryServices {
  /** Authentication (passwords, sessions). */
  auth: AuthService;
  /** The durable job queue. */
  jobs: JobQueue;
  /** The hook bus. */
  hooks: HookBus;
  /** Gallery title. */
  title: string;
  /** The logger. */
  logger: Logger;
  /** The database adapter (for adapters' own needs, e.g. health checks). */
  database: DatabaseAdapter;
  /** The Kysely instance over the shared schema. Prefer services: raw queries bypass permission checks. */
  db: Kysely<DB>;
  /** Services with `actor` bound. @example gallery.as(actor).albums.list() */
  as(actor: Actor): { [K in keyof GalleryServices]: Bound<GalleryServices[K]> };
  /** Stop jobs and release the database and storage. */
  close(): Promise<void>;
}

function bind<S extends object>(service: S, actor: Actor, unbound: readonly string[] = []): Bound<S> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(service)) {
    const bindIt = typeof value === "function" && !unbound.includes(key);
    out[key] = bindIt ? (...args: unknown[]) => value(actor, ...args) : value;
  }
  return out as Bound<S>;
}

const EAGER_JOB = "derivatives:eager";

/**
 * Create a gallery: validates options (failing fast), applies migrations, sets up plugins and starts the job
 * worker.
 *
 * @example
 * const gallery = await createGallery({
 *   database: sqliteDatabase({ filename: "data/gallery.db" }),
 *   storage: fsStorage({ root: "data/files" }),
 * });
 */
export async function createGallery(options: GalleryOptions): Promise<Gallery> {
  validateOptions(options);
  const logger = options.logger ?? createConsoleLogger();
  const adapter = options.database;
  const rawStorage = options.storage;
  const originals = wrapStorage(
    "originals" in rawStorage ? rawStorage.originals : (rawStorage as StorageAdapter),
  );
  const derivativeStore = wrapStorage(
    "derivatives" in rawStorage ? rawStorage.derivatives : (rawStorage as StorageAdapter),
  );

  const db = new Kysely<DB>({ dialect: adapter.dialect });
  if (options.migrate !== false) await runMigrations(db as Kysely<unknown>, { kind: adapter.kind });

  const hooks = new HookBus(logger);
  const presets: DerivativePreset[] = resolvePresets(options.derivatives?.presets);
  const formats: DerivativeFormat[] = options.derivatives?.formats ?? ["jpeg"];
  const eager = options.derivatives?.eager ?? ["thumb", "square", "medium"];
  for (const name of eager) {
    if (!presets.some((p) => p.name === name)) {
      throw new GalleryError("INVALID_CONFIGURATION", { detail: `Eager preset "${name}" does not exist.` });
    }
  }
  const maxPixels = options.ingest?.maxPixels ?? 16_384 * 16_384;
  const jobs = createDatabaseJobQueue({
    db,
    adapter,
    logger,
    concurrency: options.jobs?.concurrency,
    pollMs: options.jobs?.pollMs,
  });

  const derivatives = createDerivativeService({
    db,
    originals,
    store: derivativeStore,
    hooks,
    presets,
    formats,
    concurrency: options.derivatives?.concurrency ?? Math.max(1, cpus().length),
    maxPixels,
  });
  jobs.register<{ photoId: string }>(EAGER_JOB, async ({ photoId }) => {
    await derivatives.generate(photoId, eager, formats.includes("jpeg") ? ["jpeg"] : [formats[0] ?? "jpeg"]);
  });

  const services: GalleryServices = {
    albums: createAlbumService({ db, hooks }),
    photos: createPhotoService({
      db,
      adapter,
      originals,
      hooks,
      logger,
      maxBytes: options.ingest?.maxBytes ?? 200 * 1024 * 1024,
      maxPixels,
      onCreated: async (photoId) => {
        if (eager.length > 0)
          await jobs.enqueue(EAGER_JOB, { photoId }, { dedupeKey: `${EAGER_JOB}:${photoId}` });
      },
    }),
    derivatives,
    users: createUserService({ db, adapter }),
  };
  const auth = createAuthService({ db, ttlMs: options.sessions?.ttlMs ?? 30 * 24 * 3600 * 1000 });

  for (const entry of options.plugins ?? []) {
    const { plugin, config } =
      "plugin" in entry ? (entry as PluginEntry) : { plugin: entry as Plugin<unknown>, config: undefined };
    const parsed = parsePluginConfig(plugin, config);
    const pluginLogger = logger.child?.({ plugin: plugin.name }) ?? logger;
    await plugin.setup({
      config: parsed,
      logger: pluginLogger,
      hook: (name, fn) => hooks.hook(name, fn, plugin.name),
      registerJob: (type, handler) => jobs.register(type, handler),
    });
  }

  if (options.jobs?.run !== false) jobs.start();
  let closed = false;
  const gallery: Gallery = {
    ...services,
    auth,
    jobs,
    hooks,
    logger,
    title: options.title ?? "Vernissage",
    database: adapter,
    db,
    as: (actor) => ({
      albums: bind(services.albums, actor),
      photos: bind(services.photos, actor),
      derivatives: bind(services.derivatives, actor, ["presets", "describe", "generate"]),
      users: bind(services.users, actor, ["count"]),
    }),
    async close() {
      if (closed) return;
      closed = true;
      await hooks.after("gallery:close:before", {});
      await jobs.stop();
      await db.destroy();
      await originals.close?.();
      if (derivativeStore !== originals) await derivativeStore.close?.();
    },
  };
  await hooks.after("gallery:ready", {});
  return gallery;
}
