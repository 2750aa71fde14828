export type { LocationAccess, LocationVisibility } from "./access/location.js";
export { LOCATION_VISIBILITIES, locationAccess } from "./access/location.js";
export type { AlbumAccess, GrantRole } from "./access/permissions.js";
export {
  accessAtLeast,
  albumAccess,
  assertAdmin,
  assertCanContribute,
  assertCanCreateAlbum,
  assertCanEditPhoto,
  assertCanManageAlbum,
  assertUserAdmin,
  GRANT_ROLES,
  requireScope,
} from "./access/permissions.js";
export type { ReferenceGrant, ReferenceShare, ReferenceWorld } from "./access/reference-rule.js";
export { referenceAlbumViewable, referencePhotoVisible } from "./access/reference-rule.js";
export type {
  Actor,
  GuestActor,
  PrivacyLevel,
  ShareActor,
  SystemActor,
  TokenActor,
  TokenScope,
  UserActor,
  UserRole,
} from "./actor.js";
export {
  actorPrivacyLevel,
  actorUserId,
  GUEST,
  hasAdminView,
  isAdminActor,
  PRIVACY_LEVELS,
  SYSTEM,
  TOKEN_SCOPES,
  tokenHasScope,
} from "./actor.js";
export type { ProviderActorInput } from "./actor-providers.js";
export { resolveProviderActor } from "./actor-providers.js";
export type { RunMigrationsOptions } from "./db/migrate.js";
export { runMigrations } from "./db/migrate.js";
export { coreMigrations } from "./db/migrations.js";
export type { DB } from "./db/schema.js";
export { negotiateFormat } from "./derivatives/negotiate.js";
export type {
  DerivativeFormat,
  DerivativePreset,
  DerivativeSettings,
  PresetOverride,
  PresetSetting,
  RecipeOptions,
} from "./derivatives/presets.js";
export {
  DEFAULT_PRESETS,
  FORMAT_MIME,
  outputSize,
  recipeHash,
  resolvePresets,
  servingPreset,
} from "./derivatives/presets.js";
export type { ErrorCatalogueEntry, FieldError, GalleryErrorCode, GalleryErrorOptions } from "./errors.js";
export { ERROR_CATALOGUE, GalleryError, isGalleryError } from "./errors.js";
export type { Bound, Gallery, GalleryServices } from "./gallery.js";
export { createGallery } from "./gallery.js";
export type {
  AlbumFields,
  AuthActorResolveContext,
  AuthLoginBeforeContext,
  CreateBeforeContext,
  DeleteAfterContext,
  DeleteBeforeContext,
  DerivativePresetsExtendContext,
  ExtendedRoute,
  GrantInfo,
  GroupInfo,
  HttpRequestContext,
  HttpResponseContext,
  HttpRoutesExtendContext,
  IngestFileAcceptedContext,
  MailMessage,
  PhotoFields,
  SearchKey,
  SearchQuery,
  ShareInfo,
  TagInfo,
  UpdateAfterContext,
  UpdateBeforeContext,
  UserInfo,
} from "./hook-contexts.js";
export type {
  DerivativeEncodeBeforeContext,
  GalleryHooks,
  HookContext,
  HookName,
  HookOptions,
  HookOrder,
  MetadataExtractContext,
  PhotoCreateBeforeContext,
  PhotoCreateFields,
} from "./hooks.js";
export { HookBus } from "./hooks.js";
export { type ExtractedMetadata, emptyMetadata, extractMetadata } from "./ingest/metadata.js";
export type { DatabaseJobQueueOptions } from "./jobs/db-job-queue.js";
export { createDatabaseJobQueue } from "./jobs/db-job-queue.js";
export type { JobAdminService } from "./jobs/job-admin-service.js";
export type { LeaseLockOptions, LeaseLocks } from "./jobs/lease-lock.js";
export { createLeaseLocks } from "./jobs/lease-lock.js";
export { contextualLogger, setLogContextField, withLogContext } from "./log-context.js";
export type { Logger } from "./logger.js";
export { createConsoleLogger } from "./logger.js";
export type { GalleryOptions } from "./options.js";
export { decodeCursor, encodeCursor, PAGE_DEFAULT, PAGE_MAX } from "./pagination.js";
export type {
  Plugin,
  PluginContext,
  PluginEntry,
  PluginHookOptions,
  PluginMigrations,
  PluginPage,
  PluginRoute,
} from "./plugin.js";
export { definePlugin, parsePluginConfig } from "./plugin.js";
export { CORE_VERSION, satisfiesRange } from "./plugin-compat.js";
export type { PluginInfo, PluginManager, PluginState, PluginUpdate } from "./plugin-host.js";
export { pluginMigrationTable } from "./plugin-migrations.js";
export type {
  DatabaseAdapter,
  DatabaseCapabilities,
  DatabaseErrorKind,
  DatabaseKind,
} from "./ports/database.js";
export type { EnqueueOptions, JobHandler, JobInfo, JobListQuery, JobQueue } from "./ports/jobs.js";
export type {
  ByteRange,
  PutOptions,
  StorageAdapter,
  StorageHead,
  StorageListPage,
  StorageObject,
} from "./ports/storage.js";
export { assertValidStorageKey, assertValidStoragePrefix } from "./ports/storage-keys.js";
export { wrapStorage } from "./ports/wrap-storage.js";
export type {
  ActivityAction,
  ActivityEntry,
  ActivityRecord,
  ActivityService,
} from "./services/activity.js";
export type {
  AlbumService,
  CreateAlbumInput,
  DeleteAlbumResult,
  OrphanPolicy,
  UpdateAlbumInput,
} from "./services/albums.js";
export { PHOTO_ORDERS } from "./services/albums.js";
export type {
  AuthService,
  ClientInfo,
  LoginOptions,
  LoginThrottleOptions,
  RegisterInput,
  ResolvedSession,
  SessionInfo,
} from "./services/auth.js";
export { hashPassword, verifyPassword } from "./services/auth.js";
export type { BatchPhotosInput, BatchPhotosResult, BatchService } from "./services/batch.js";
export type { AlbumRef, BrowseService, CalendarBucket, PhotoContext } from "./services/browse.js";
export type {
  AlbumTreeEntry,
  DashboardService,
  GallerySummary,
  JobCounts,
} from "./services/dashboard.js";
export type {
  DerivativeDescriptor,
  DerivativeService,
  MediaFile,
  OriginalsAccess,
  RebuildInput,
  RebuildResult,
} from "./services/derivatives.js";
export {
  EVENT_TYPES,
  type EventInput,
  type EventListInput,
  type EventPage,
  type EventService,
  type EventSubjectType,
  type EventType,
  eventTypeMatches,
  type GalleryEvent,
  recordEvent,
} from "./services/events.js";
export type { AccessService, AlbumGrant, GrantInput, NamedAlbumGrant } from "./services/grants.js";
export type { Group, GroupService } from "./services/groups.js";
export type {
  HousekeepingReport,
  HousekeepingRetention,
  HousekeepingService,
} from "./services/housekeeping.js";
export { HOUSEKEEPING_BATCH } from "./services/housekeeping.js";
export type {
  IdempotencyBegin,
  IdempotencyClaim,
  IdempotencyOptions,
  IdempotencyRecord,
  IdempotencyService,
  IdempotentResponse,
} from "./services/idempotency.js";
export { assertIdempotencyKey, idempotencyPrincipal } from "./services/idempotency.js";
export type {
  ListPhotosInput,
  PhotoService,
  UpdatePhotoInput,
  UploadPhotoInput,
  UploadResult,
} from "./services/photos.js";
export { cleanFilename } from "./services/photos.js";
export type { RateLimitCount, RateLimitHit, RateLimitStore } from "./services/rate-limit-store.js";
export { databaseRateLimitStore, memoryRateLimitStore } from "./services/rate-limit-store.js";
export type { SearchPhotosInput, SearchService } from "./services/search.js";
export { SEARCH_SCAN_BUDGET } from "./services/search.js";
export type { GallerySettings, SettingsService } from "./services/settings.js";
export type {
  CreateShareLinkInput,
  ShareLink,
  ShareService,
  ShareSession,
  UpdateShareLinkInput,
} from "./services/shares.js";
export type { TagService } from "./services/tags.js";
export type { ApiToken, CreateApiTokenInput, TokenService } from "./services/tokens.js";
export type {
  AppendUploadInput,
  ChunkChecksum,
  CreateUploadInput,
  ResumableUpload,
  ResumableUploadMetadata,
  UploadService,
} from "./services/uploads.js";
export type {
  CreateUserInput,
  ListUsersInput,
  UpdateMeInput,
  UpdateUserInput,
  User,
  UserService,
} from "./services/users.js";
export {
  type CreateWebhookInput,
  DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS,
  type UpdateWebhookInput,
  type Webhook,
  type WebhookDelivery,
  type WebhookService,
} from "./services/webhooks.js";
export type {
  AdminAlbumOption,
  AdminAlbumRow,
  AdminDerivativeSettings,
  AdminGallerySettings,
  AdminLibraryPage,
  AdminMessages,
  AdminPage,
  AdminPeoplePage,
  AdminPhotoCard,
  AdminPluginField,
  AdminPluginRow,
  AdminPresetRow,
  AdminShareRow,
  AdminTokenRow,
  AdminUserRow,
  AlbumView,
  ImageSource,
  PageContext,
  PageLink,
  PageMeta,
  PhotoView,
  Theme,
  ThemeAsset,
  ThemeDefinition,
  ThemeTemplates,
} from "./theme/define-theme.js";
export { defineTheme, THEME_TEMPLATE_NAMES } from "./theme/define-theme.js";
export type { HtmlValue } from "./theme/html.js";
export { escapeHtml, html, htmlBytes, jsonForScript, SafeHtml, unsafeHtml } from "./theme/html.js";
export type { SlotName, SlotRenderer, ThemeSlots } from "./theme/slots.js";
export { SlotRegistry, slot } from "./theme/slots.js";
export type { ChooseThemeInput } from "./theme/theme-choice.js";
export { chooseTheme, getGalleryTheme, setGalleryTheme, THEME_SETTING } from "./theme/theme-choice.js";
export type {
  Album,
  AlbumVisibility,
  Page,
  PageInput,
  Photo,
  PhotoMetadata,
  PhotoOrder,
  Tag,
} from "./types.js";
export { newWebhookSecret, signWebhook } from "./webhooks/signing.js";
export { isBlockedAddress } from "./webhooks/ssrf.js";
