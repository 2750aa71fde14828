export type { ReferenceWorld } from "./access/reference-rule.js";
export { referenceAlbumViewable, referencePhotoVisible } from "./access/reference-rule.js";
export type { Actor, GuestActor, PrivacyLevel, SystemActor, UserActor, UserRole } from "./actor.js";
export { actorPrivacyLevel, actorUserId, GUEST, isAdminActor, PRIVACY_LEVELS, SYSTEM } from "./actor.js";
export type { RunMigrationsOptions } from "./db/migrate.js";
export { runMigrations } from "./db/migrate.js";
export { coreMigrations } from "./db/migrations.js";
export type { DB } from "./db/schema.js";
export { negotiateFormat } from "./derivatives/negotiate.js";
export type { DerivativeFormat, DerivativePreset, PresetOverride } from "./derivatives/presets.js";
export {
  DEFAULT_PRESETS,
  FORMAT_MIME,
  outputSize,
  recipeHash,
  resolvePresets,
} from "./derivatives/presets.js";
export type { FieldError, GalleryErrorCode, GalleryErrorOptions } from "./errors.js";
export { ERROR_CATALOGUE, GalleryError, isGalleryError } from "./errors.js";
export type { Bound, Gallery, GalleryServices } from "./gallery.js";
export { createGallery } from "./gallery.js";
export type {
  DerivativeEncodeBeforeContext,
  GalleryHooks,
  HookContext,
  HookName,
  PhotoCreateBeforeContext,
  PhotoCreateFields,
} from "./hooks.js";
export { HookBus } from "./hooks.js";
export type { Logger } from "./logger.js";
export { createConsoleLogger } from "./logger.js";
export type { GalleryOptions } from "./options.js";
export { decodeCursor, encodeCursor, PAGE_DEFAULT, PAGE_MAX } from "./pagination.js";
export type { Plugin, PluginContext, PluginEntry } from "./plugin.js";
export { definePlugin } from "./plugin.js";
export type {
  DatabaseAdapter,
  DatabaseCapabilities,
  DatabaseErrorKind,
  DatabaseKind,
} from "./ports/database.js";
export type { EnqueueOptions, JobHandler, JobInfo, JobQueue } from "./ports/jobs.js";
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
export type { AlbumService, CreateAlbumInput } from "./services/albums.js";
export type { AuthService, ClientInfo, ResolvedSession, SessionInfo } from "./services/auth.js";
export { hashPassword, verifyPassword } from "./services/auth.js";
export type { DerivativeDescriptor, DerivativeService, MediaFile } from "./services/derivatives.js";
export type { PhotoService, UploadPhotoInput, UploadResult } from "./services/photos.js";
export type { CreateUserInput, User, UserService } from "./services/users.js";
export type {
  AlbumView,
  ImageSource,
  PageContext,
  PhotoView,
  Theme,
  ThemeAsset,
  ThemeDefinition,
  ThemeTemplates,
} from "./theme/define-theme.js";
export { defineTheme } from "./theme/define-theme.js";
export type { HtmlValue } from "./theme/html.js";
export { escapeHtml, html, jsonForScript, SafeHtml, unsafeHtml } from "./theme/html.js";
export type { Album, AlbumVisibility, Page, PageInput, Photo } from "./types.js";
