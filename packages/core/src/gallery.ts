import { availableParallelism } from "node:os";
import { Kysely } from "kysely";
import sharp from "sharp";
import { locationAccess } from "./access/location.js";
import { type Actor, SYSTEM } from "./actor.js";
import { runMigrations } from "./db/migrate.js";
import type { DB } from "./db/schema.js";
import { type DerivativeFormat, type DerivativePreset, resolvePresets } from "./derivatives/presets.js";
import { GalleryError } from "./errors.js";
import { HookBus } from "./hooks.js";
import { createDatabaseJobQueue } from "./jobs/db-job-queue.js";
import { createJobAdminService, type JobAdminService } from "./jobs/job-admin-service.js";
import { createLeaseLocks } from "./jobs/lease-lock.js";
import { contextualLogger } from "./log-context.js";
import { createConsoleLogger, errorFields, type Logger } from "./logger.js";
import { type GalleryOptions, validateOptions } from "./options.js";
import { createPluginHost, type PluginManager } from "./plugin-host.js";
import type { DatabaseAdapter } from "./ports/database.js";
import type { JobQueue } from "./ports/jobs.js";
import type { StorageAdapter } from "./ports/storage.js";
import { wrapStorage } from "./ports/wrap-storage.js";
import { type ActivityService, createActivityService } from "./services/activity.js";
import { type AlbumService, createAlbumService } from "./services/albums.js";
import { type AuthService, createAuthService } from "./services/auth.js";
import { type BatchService, createBatchService } from "./services/batch.js";
import { type BrowseService, createBrowseService } from "./services/browse.js";
import { createDashboardService, type DashboardService } from "./services/dashboard.js";
import {
  createDerivativeService,
  type DerivativeService,
  REBUILD_JOB,
  type RebuildInput,
} from "./services/derivatives.js";
import {
  createEventService,
  type EventService,
  recordEvent,
  WEBHOOK_DELIVER_JOB,
} from "./services/events.js";
import { type AccessService, createAccessService } from "./services/grants.js";
import { createGroupService, type GroupService } from "./services/groups.js";
import { createHousekeepingService, type HousekeepingService } from "./services/housekeeping.js";
import { createIdempotencyService, type IdempotencyService } from "./services/idempotency.js";
import type { PurgeDeps } from "./services/photo-purge.js";
import { createPhotoService, type PhotoService } from "./services/photos.js";
import { createSearchService, type SearchService } from "./services/search.js";
import { createSettingsService, type SettingsService } from "./services/settings.js";
import { createShareService, type ShareService } from "./services/shares.js";
import { createTagService, type TagService } from "./services/tags.js";
import { createTokenService, type TokenService } from "./services/tokens.js";
import { createUploadService, type UploadService } from "./services/uploads.js";
import { createUserService, type UserService } from "./services/users.js";
import {
  createWebhookService,
  DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS,
  type WebhookService,
} from "./services/webhooks.js";
import { secretBox } from "./webhooks/signing.js";

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
  /** Groups of users and their members. */
  groups: GroupService;
  /** Album grants (who may view, contribute to or manage an album subtree). */
  access: AccessService;
  /** The activity log of security-relevant actions. */
  activity: ActivityService;
  /** The events outbox: every domain change, as a feed filtered by what the reader may see. */
  events: EventService;
  /** Webhook subscriptions, deliveries (signed, retried, logged), redelivery and test pings. */
  webhooks: WebhookService;
  /** API tokens (scoped bearer credentials). */
  tokens: TokenService;
  /** Share links. */
  shares: ShareService;
  /** Tags: create, rename, merge, delete, bulk tagging, counts. */
  tags: TagService;
  /** Full-text search over photos. */
  search: SearchService;
  /** Batch operations on sets of photos. */
  batch: BatchService;
  /** Browsing helpers for pages (a photo's albums and neighbours). */
  browse: BrowseService;
  /** Admin figures: counts, storage used, job states, the whole album tree. */
  dashboard: DashboardService;
  /** The job queue for admins: list (dead letters included) and retry. */
  jobAdmin: JobAdminService;
  /** Resumable (tus) uploads: state in the database, bytes in the originals store, ingest like `photos.upload`. */
  uploads: UploadService;
  /** Plugins: list, install, enable, disable, uninstall, configure (admins only; state kept in the database). */
  plugins: PluginManager;
}

/** A running gallery. */
export interface Gallery extends GalleryServices {
  /** Authentication (passwords, sessions). */
  auth: AuthService;
  /** Gallery settings admins change at run time (title, description, registration, login-only, language). */
  settings: SettingsService;
  /** The durable job queue. */
  jobs: JobQueue;
  /** Idempotency records of creating requests (`Idempotency-Key`), shared by every process. */
  idempotency: IdempotencyService;
  /** Removing expired and old rows (sessions, events, deliveries, finished jobs…); also runs on a schedule. */
  housekeeping: HousekeepingService;
  /** The hook bus. */
  hooks: HookBus;
  /** Gallery title (the admin setting when one was saved, else `options.title`). */
  readonly title: string;
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
  // Lines written while a request runs carry its id (see withLogContext).
  const logger = contextualLogger(options.logger ?? createConsoleLogger());
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

  const maxPixels = options.ingest?.maxPixels ?? 16_384 * 16_384;
  const jobs = createDatabaseJobQueue({
    db,
    adapter,
    logger,
    concurrency: options.jobs?.concurrency,
    pollMs: options.jobs?.pollMs,
    leaseMs: options.jobs?.leaseMs,
    backoffMs: options.jobs?.backoffMs,
  });
  // Locks every process of the gallery sees (derivative generation: one maker per file across processes).
  const locks = createLeaseLocks({ db, leaseMs: options.jobs?.leaseMs });

  // Decoded images are not reused across requests; libvips' operation cache only costs memory here.
  sharp.cache(false);
  // The run-time location setting applied to one actor (the settings service comes later; read lazily).
  const locationFor = (actor: Actor) => locationAccess(actor, settings.snapshot().location);
  const derivativesInternal = createDerivativeService({
    db,
    originals,
    store: derivativeStore,
    hooks,
    jobs,
    presets,
    formats,
    eager,
    concurrency: options.derivatives?.concurrency ?? Math.max(1, availableParallelism()),
    maxPixels,
    animation: options.derivatives?.animation,
    originalsAccess: options.derivatives?.originals,
    delivery: options.derivatives?.delivery,
    signedUrlSeconds: options.derivatives?.signedUrlSeconds,
    memoryCacheBytes: options.derivatives?.memoryCacheBytes,
    // Admins' stored preset and format settings, the last layer (read lazily: the settings service comes later).
    settings: {
      get: () => settings.derivatives(),
      snapshot: () => settings.derivativesSnapshot(),
    },
    lock: (name, fn) => locks.withLock(name, fn),
    location: locationFor,
  });
  const { setPresets: _setPresets, ...derivatives } = derivativesInternal;
  jobs.register<{ photoId: string }>(EAGER_JOB, async ({ photoId }) => {
    await derivatives.generate(photoId, eager, ["jpeg"]);
    const exists = await db.selectFrom("photos").select("id").where("id", "=", photoId).executeTakeFirst();
    if (!exists) return;
    await recordEvent(db, SYSTEM, {
      type: "derivatives.ready",
      subjectType: "photo",
      subjectId: photoId,
      photoId,
      data: { presets: eager },
    });
  });
  jobs.register<Omit<RebuildInput, "onProgress">>(REBUILD_JOB, async (input) => {
    const result = await derivatives.rebuild(SYSTEM, input);
    if (result.failed.length > 0) logger.warn({ failed: result.failed }, "derivative rebuild had failures");
  });

  const purge: PurgeDeps = { db, originals, derivatives, logger, kind: adapter.kind };
  const photos = createPhotoService({
    db,
    adapter,
    originals,
    hooks,
    logger,
    maxBytes: options.ingest?.maxBytes ?? 200 * 1024 * 1024,
    maxPixels,
    duplicates: options.ingest?.duplicates,
    keywordsAsTags: options.ingest?.keywordsAsTags,
    purge,
    location: locationFor,
    onCreated: async (photoId) => {
      if (eager.length > 0)
        await jobs.enqueue(EAGER_JOB, { photoId }, { dedupeKey: `${EAGER_JOB}:${photoId}` });
    },
  });
  const tags = createTagService({ db, kind: adapter.kind, hooks });
  const activityRetentionDays = options.identity?.activityRetentionDays ?? 180;
  const activity = createActivityService({ db, retentionMs: activityRetentionDays * 24 * 3600 * 1000 });
  let pluginHost: ReturnType<typeof createPluginHost>;
  try {
    pluginHost = createPluginHost({
      db,
      kind: adapter.kind,
      hooks,
      jobs,
      logger,
      entries: options.plugins ?? [],
    });
  } catch (error) {
    // Bad plugin configuration in code fails fast, without leaking the connection.
    await db.destroy();
    throw error;
  }
  const events = createEventService({ db, kind: adapter.kind });
  const webhooks = createWebhookService({
    db,
    jobs,
    logger,
    box: secretBox(options.webhooks?.secretKey),
    settings: {
      allowPrivateNetworks: options.webhooks?.allowPrivateNetworks ?? false,
      allowedHosts: (options.webhooks?.allowedHosts ?? []).map((h) => h.toLowerCase()),
      timeoutMs: options.webhooks?.timeoutMs ?? 10_000,
      retryScheduleMs: options.webhooks?.retryScheduleMs ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS,
      disableAfterFailures: options.webhooks?.disableAfterFailures ?? 15,
      maxResponseBytes: options.webhooks?.maxResponseBytes ?? 1024,
    },
  });
  jobs.register<{ deliveryId: string }>(WEBHOOK_DELIVER_JOB, ({ deliveryId }) =>
    webhooks.deliver(deliveryId),
  );
  const services: GalleryServices = {
    events,
    webhooks,
    plugins: pluginHost,
    albums: createAlbumService({ db, hooks, purge }),
    photos,
    tags,
    search: createSearchService({
      db,
      kind: adapter.kind,
      photos,
      hooks,
      searchKeys: () => pluginHost.searchKeys(),
      location: locationFor,
    }),
    batch: createBatchService({
      db,
      photos,
      tags,
      regenerate: async (photoId) => {
        const row = await db
          .selectFrom("photos")
          .select("sha256")
          .where("id", "=", photoId)
          .executeTakeFirst();
        if (!row) return;
        await derivatives.deleteForSource(row.sha256);
        if (eager.length > 0)
          await jobs.enqueue(EAGER_JOB, { photoId }, { dedupeKey: `${EAGER_JOB}:${photoId}` });
      },
    }),
    derivatives,
    users: createUserService({ db, adapter, activity, hooks }),
    groups: createGroupService({ db, adapter, activity, hooks }),
    access: createAccessService({ db, activity, hooks }),
    activity,
    tokens: createTokenService({ db, activity, hooks }),
    shares: createShareService({ db, activity, hooks }),
    browse: createBrowseService({ db, kind: adapter.kind, location: locationFor }),
    dashboard: createDashboardService({ db }),
    jobAdmin: createJobAdminService({ queue: jobs }),
    uploads: createUploadService({
      db,
      storage: originals,
      logger,
      maxBytes: options.ingest?.maxBytes ?? 200 * 1024 * 1024,
      ttlMs: options.uploads?.ttlMs,
      ingest: (actor, input) => photos.upload(actor, input),
    }),
  };
  const settings = createSettingsService({
    db,
    activity,
    logger,
    defaults: {
      title: options.title ?? "Vernissage",
      description: "",
      registration: options.identity?.registration ?? "off",
      loginOnly: options.identity?.loginOnly === true,
      defaultLanguage: null,
      location: options.privacy?.location ?? "members",
    },
  });
  await settings.get();
  await settings.derivatives();
  const auth = createAuthService({
    db,
    ttlMs: options.sessions?.ttlMs ?? 30 * 24 * 3600 * 1000,
    activity,
    hooks,
    logger,
    identity: options.identity,
    settings,
  });

  // Install, update and set up plugins as the database says (one plugin's failure is logged, not thrown).
  await pluginHost.start();
  // Plugins contribute presets and recipe salts; enabling, disabling or reconfiguring one re-resolves them.
  pluginHost.setPresetRefresher(async () => {
    const context = { presets: presets.map((p) => ({ ...p })) };
    await hooks.before("derivative:presets:extend", context);
    derivativesInternal.setPresets(context.presets);
  });

  const presetContext = { presets: presets.map((p) => ({ ...p })) };
  await hooks.before("derivative:presets:extend", presetContext);
  try {
    derivativesInternal.setPresets(presetContext.presets);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  for (const name of eager) {
    if (!derivatives.presets().some((p) => p.name === name)) {
      await db.destroy();
      throw new GalleryError("INVALID_CONFIGURATION", { detail: `Eager preset "${name}" is not enabled.` });
    }
  }

  // Extra job types (plugins and embedding code): registered before the worker starts; a throw stops the start.
  try {
    const jobTypes: { type: string; handler: (payload: unknown) => Promise<void> }[] = [];
    await hooks.before("jobs:register:extend", { types: jobTypes });
    const seen = new Set<string>([EAGER_JOB, REBUILD_JOB, WEBHOOK_DELIVER_JOB]);
    for (const { type, handler } of jobTypes) {
      if (typeof type !== "string" || type === "" || seen.has(type) || typeof handler !== "function") {
        throw new GalleryError("INVALID_CONFIGURATION", {
          detail: `Job type "${String(type)}" is invalid or already registered.`,
          data: { hook: "jobs:register:extend", type: String(type) },
        });
      }
      seen.add(type);
      jobs.register(type, handler);
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  if (options.jobs?.run !== false) jobs.start();
  const idempotency = createIdempotencyService({ db });
  const housekeeping = createHousekeepingService({
    db,
    activity,
    idempotency,
    uploads: services.uploads,
    retention: {
      activityDays: activityRetentionDays,
      eventsDays: options.housekeeping?.eventsRetentionDays,
      webhookDeliveriesDays: options.housekeeping?.webhookDeliveriesRetentionDays,
      finishedJobsDays: options.housekeeping?.finishedJobsRetentionDays,
    },
  });
  // Housekeeping (abandoned resumable uploads included) runs where jobs run, one process at a time (a lease; a
  // process that finds it taken skips). `uploads.sweepIntervalMs` set the period before housekeeping took it over.
  const housekeepingEvery = options.housekeeping?.intervalMs ?? options.uploads?.sweepIntervalMs ?? 3600_000;
  const housekeepingTimers: NodeJS.Timeout[] = [];
  if (options.jobs?.run !== false && housekeepingEvery > 0) {
    const runHousekeeping = async () => {
      if (!(await locks.tryAcquire("housekeeping"))) return;
      try {
        const report = await housekeeping.run(SYSTEM);
        const removed = Object.values(report).reduce((a, b) => a + b, 0);
        if (removed > 0) logger.info({ ...report }, "housekeeping removed expired rows");
      } finally {
        await locks.release("housekeeping");
      }
    };
    const tick = () => {
      runHousekeeping().catch((error) => logger.error({ ...errorFields(error) }, "housekeeping failed"));
    };
    housekeepingTimers.push(
      setTimeout(tick, Math.min(60_000, housekeepingEvery)),
      setInterval(tick, housekeepingEvery),
    );
    for (const timer of housekeepingTimers) timer.unref?.();
  }
  let closed = false;
  const gallery: Gallery = {
    ...services,
    auth,
    jobs,
    idempotency,
    housekeeping,
    hooks,
    logger,
    settings,
    get title() {
      return settings.snapshot().title;
    },
    database: adapter,
    db,
    as: (actor) => ({
      albums: bind(services.albums, actor),
      photos: bind(services.photos, actor),
      derivatives: bind(services.derivatives, actor, ["presets", "describe", "generate", "deleteForSource"]),
      users: bind(services.users, actor, ["count"]),
      groups: bind(services.groups, actor, ["defaultGroupIds"]),
      access: bind(services.access, actor),
      activity: bind(services.activity, actor, ["purge"]),
      events: bind(services.events, actor, ["sequence"]),
      webhooks: bind(services.webhooks, actor, ["deliver"]),
      tokens: bind(services.tokens, actor, ["resolve"]),
      shares: bind(services.shares, actor, ["unlock", "resolveSession"]),
      tags: bind(services.tags, actor),
      search: bind(services.search, actor),
      batch: bind(services.batch, actor),
      browse: bind(services.browse, actor),
      dashboard: bind(services.dashboard, actor),
      jobAdmin: bind(services.jobAdmin, actor),
      uploads: bind(services.uploads, actor),
      plugins: bind(services.plugins, actor, [
        "matchRoute",
        "matchPage",
        "isActive",
        "renderSlot",
        "searchKeys",
      ]),
    }),
    async close() {
      if (closed) return;
      closed = true;
      await hooks.after("gallery:close:before", {});
      for (const timer of housekeepingTimers) clearTimeout(timer);
      await jobs.stop();
      await db.destroy();
      await originals.close?.();
      if (derivativeStore !== originals) await derivativeStore.close?.();
    },
  };
  await hooks.after("gallery:ready", {});
  return gallery;
}
