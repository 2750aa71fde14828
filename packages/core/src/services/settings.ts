import type { Kysely } from "kysely";
import { LOCATION_VISIBILITIES, type LocationVisibility } from "../access/location.js";
import { type Actor, isAdminActor } from "../actor.js";
import type { DB } from "../db/schema.js";
import type { DerivativeFormat, DerivativeSettings, PresetSetting } from "../derivatives/presets.js";
import { GalleryError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ActivityService } from "./activity.js";

/** Gallery-wide settings an admin changes at run time (stored in the database, over the code configuration). */
export interface GallerySettings {
  /** The gallery's title (page titles, feeds). */
  title: string;
  /** A short description of the gallery (the home page and its meta description). */
  description: string;
  /** Self-registration: `off`, `open`, or `approval` (new accounts wait for an admin). */
  registration: "off" | "open" | "approval";
  /** Only signed-in users see anything. */
  loginOnly: boolean;
  /** Interface language for visitors whose browser asks for none the theme has (e.g. `fr`), or null. */
  defaultLanguage: string | null;
  /**
   * Who reads the GPS coordinates of the photos they can see: `everyone`, signed-in `members` (not guests or
   * share links), or the photo's `owners` (its uploader and admins). Others get null coordinates.
   */
  location: LocationVisibility;
}

/**
 * Gallery settings. Reading is open (pages need them); changing is for admins (tokens need `admin`). Values come
 * from the database when an admin has set them, else from `createGallery` options. Other processes of the same
 * gallery see a change within {@link SETTINGS_TTL_MS}.
 */
export interface SettingsService {
  /** The current settings (re-read from the database when the cached copy is older than the TTL). */
  get(): Promise<GallerySettings>;
  /** The last settings read, without waiting; a stale copy triggers a background refresh. */
  snapshot(): GallerySettings;
  /** {@link SettingsService.get} for the API: admins only (`FORBIDDEN`, guests `UNAUTHENTICATED`). */
  read(actor: Actor): Promise<GallerySettings>;
  /** Change settings (admins). Only the given fields change; `VALIDATION_FAILED` on a bad value. */
  update(actor: Actor, patch: Partial<GallerySettings>): Promise<GallerySettings>;
  /**
   * The stored derivative settings (preset switches and qualities, format order), re-read when the cached copy
   * is older than the TTL. The same object is returned until the stored value changes.
   */
  derivatives(): Promise<DerivativeSettings>;
  /** The last derivative settings read, without waiting; a stale copy triggers a background refresh. */
  derivativesSnapshot(): DerivativeSettings;
  /**
   * Change the derivative settings (admins): `presets` replaces every stored preset change, `formats` the format
   * order (`null`: the configured one). Changed presets get new recipe hashes, so new files and new URLs.
   */
  updateDerivatives(actor: Actor, patch: Partial<DerivativeSettings>): Promise<DerivativeSettings>;
}

/** How long a process trusts its cached settings before reading them again. */
export const SETTINGS_TTL_MS = 2000;

const KEY = "gallery.settings";
const DERIVATIVES_KEY = "gallery.derivatives";
const FORMATS: readonly DerivativeFormat[] = ["avif", "webp", "jpeg"];
const NO_DERIVATIVE_SETTINGS: DerivativeSettings = Object.freeze({ presets: {}, formats: null });

/** Validate derivative settings; returns only the known, valid fields. */
function validDerivativePatch(patch: Partial<DerivativeSettings>): Partial<DerivativeSettings> {
  if (typeof patch !== "object" || patch === null) throw invalid("", "an object");
  const out: Partial<DerivativeSettings> = {};
  if (patch.presets !== undefined) {
    if (typeof patch.presets !== "object" || patch.presets === null || Array.isArray(patch.presets))
      throw invalid("presets", "an object by preset name");
    const entries = Object.entries(patch.presets);
    if (entries.length > 64) throw invalid("presets", "at most 64 presets");
    const presets: Record<string, PresetSetting> = {};
    for (const [name, value] of entries) {
      if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(name)) throw invalid(`presets.${name}`, "a preset name");
      if (typeof value !== "object" || value === null) throw invalid(`presets.${name}`, "an object");
      const one: PresetSetting = {};
      if (value.enabled !== undefined) {
        if (typeof value.enabled !== "boolean") throw invalid(`presets.${name}.enabled`, "true or false");
        one.enabled = value.enabled;
      }
      if (value.quality !== undefined) {
        if (!Number.isInteger(value.quality) || value.quality < 1 || value.quality > 100)
          throw invalid(`presets.${name}.quality`, "an integer 1–100");
        one.quality = value.quality;
      }
      presets[name] = one;
    }
    out.presets = presets;
  }
  if (patch.formats !== undefined) {
    const formats = patch.formats;
    if (formats !== null) {
      if (
        !Array.isArray(formats) ||
        formats.length === 0 ||
        formats.some((f) => !FORMATS.includes(f)) ||
        new Set(formats).size !== formats.length ||
        !formats.includes("jpeg")
      )
        throw invalid("formats", "distinct avif, webp and jpeg, with jpeg (the fallback) included");
    }
    out.formats = formats === null ? null : [...formats];
  }
  return out;
}
const MODES = ["off", "open", "approval"] as const;

function invalid(path: string, message: string): GalleryError {
  return new GalleryError("VALIDATION_FAILED", { errors: [{ path, message }] });
}

function assertSettingsAdmin(actor: Actor): void {
  if (!isAdminActor(actor))
    throw new GalleryError(actor.kind === "guest" ? "UNAUTHENTICATED" : "FORBIDDEN", {
      detail: "Only admins read and change the gallery settings.",
    });
}

/** Validate a patch; returns only the known, valid fields. */
function validPatch(patch: Partial<GallerySettings>): Partial<GallerySettings> {
  if (typeof patch !== "object" || patch === null) throw invalid("", "an object");
  const out: Partial<GallerySettings> = {};
  if (patch.title !== undefined) {
    const title = typeof patch.title === "string" ? patch.title.trim() : "";
    if (title.length < 1 || title.length > 200) throw invalid("title", "1–200 characters");
    out.title = title;
  }
  if (patch.description !== undefined) {
    if (typeof patch.description !== "string" || patch.description.length > 2000)
      throw invalid("description", "at most 2,000 characters");
    out.description = patch.description.trim();
  }
  if (patch.registration !== undefined) {
    if (!MODES.includes(patch.registration)) throw invalid("registration", "off, open or approval");
    out.registration = patch.registration;
  }
  if (patch.loginOnly !== undefined) {
    if (typeof patch.loginOnly !== "boolean") throw invalid("loginOnly", "true or false");
    out.loginOnly = patch.loginOnly;
  }
  if (patch.defaultLanguage !== undefined) {
    const lang = patch.defaultLanguage;
    if (lang !== null && (typeof lang !== "string" || !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(lang)))
      throw invalid("defaultLanguage", "a language tag such as fr or pt-BR, or null");
    out.defaultLanguage = lang;
  }
  if (patch.location !== undefined) {
    if (!LOCATION_VISIBILITIES.includes(patch.location))
      throw invalid("location", "everyone, members or owners");
    out.location = patch.location;
  }
  return out;
}

/** @internal */
export function createSettingsService(deps: {
  db: Kysely<DB>;
  activity: ActivityService;
  logger: Logger;
  defaults: GallerySettings;
}): SettingsService {
  const { db, activity, logger, defaults } = deps;
  let current: GallerySettings = { ...defaults };
  let readAt = 0;
  let pending: Promise<GallerySettings> | null = null;

  async function stored(): Promise<Partial<GallerySettings>> {
    const row = await db.selectFrom("settings").select("value").where("key", "=", KEY).executeTakeFirst();
    if (!row) return {};
    try {
      // Whatever was stored is checked again: a hand-edited row cannot inject a bad value.
      return validPatch(JSON.parse(row.value) as Partial<GallerySettings>);
    } catch {
      logger.warn({ key: KEY }, "ignoring invalid stored gallery settings");
      return {};
    }
  }

  function refresh(): Promise<GallerySettings> {
    pending ??= stored()
      .then((saved) => {
        current = { ...defaults, ...saved };
        readAt = Date.now();
        return current;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  let derivativeSettings: DerivativeSettings = NO_DERIVATIVE_SETTINGS;
  let derivativeJson = JSON.stringify(NO_DERIVATIVE_SETTINGS);
  let derivativesReadAt = 0;
  let derivativesPending: Promise<DerivativeSettings> | null = null;

  async function storedDerivatives(): Promise<DerivativeSettings> {
    const row = await db
      .selectFrom("settings")
      .select("value")
      .where("key", "=", DERIVATIVES_KEY)
      .executeTakeFirst();
    if (!row) return NO_DERIVATIVE_SETTINGS;
    try {
      const valid = validDerivativePatch(JSON.parse(row.value) as Partial<DerivativeSettings>);
      return { presets: valid.presets ?? {}, formats: valid.formats ?? null };
    } catch {
      logger.warn({ key: DERIVATIVES_KEY }, "ignoring invalid stored derivative settings");
      return NO_DERIVATIVE_SETTINGS;
    }
  }

  /** Keep the same object while the value is unchanged: the derivative service recomputes on a new one only. */
  function adopt(next: DerivativeSettings): DerivativeSettings {
    const json = JSON.stringify(next);
    if (json !== derivativeJson) {
      derivativeSettings = next;
      derivativeJson = json;
    }
    derivativesReadAt = Date.now();
    return derivativeSettings;
  }

  function refreshDerivatives(): Promise<DerivativeSettings> {
    derivativesPending ??= storedDerivatives()
      .then(adopt)
      .finally(() => {
        derivativesPending = null;
      });
    return derivativesPending;
  }

  async function get(): Promise<GallerySettings> {
    if (Date.now() - readAt < SETTINGS_TTL_MS) return current;
    return refresh();
  }

  return {
    get,

    snapshot() {
      if (Date.now() - readAt >= SETTINGS_TTL_MS && pending === null) {
        refresh().catch((error: unknown) => logger.warn({ err: error }, "reading gallery settings failed"));
      }
      return current;
    },

    async read(actor) {
      assertSettingsAdmin(actor);
      return get();
    },

    async update(actor, patch) {
      assertSettingsAdmin(actor);
      const changes = validPatch(patch);
      const next = { ...(await stored()), ...changes };
      const value = JSON.stringify(next);
      const now = Date.now();
      await db
        .insertInto("settings")
        .values({ key: KEY, value, updated_at: now })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: now }))
        .execute();
      await activity.record(actor, {
        action: "settings.update",
        subjectType: "settings",
        data: { fields: Object.keys(changes) },
      });
      current = { ...defaults, ...next };
      readAt = Date.now();
      return current;
    },

    async derivatives() {
      if (Date.now() - derivativesReadAt < SETTINGS_TTL_MS) return derivativeSettings;
      return refreshDerivatives();
    },

    derivativesSnapshot() {
      if (Date.now() - derivativesReadAt >= SETTINGS_TTL_MS && derivativesPending === null) {
        refreshDerivatives().catch((error: unknown) =>
          logger.warn({ err: error }, "reading derivative settings failed"),
        );
      }
      return derivativeSettings;
    },

    async updateDerivatives(actor, patch) {
      assertSettingsAdmin(actor);
      const changes = validDerivativePatch(patch);
      const next: DerivativeSettings = { ...(await storedDerivatives()), ...changes };
      const value = JSON.stringify(next);
      const now = Date.now();
      await db
        .insertInto("settings")
        .values({ key: DERIVATIVES_KEY, value, updated_at: now })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: now }))
        .execute();
      await activity.record(actor, {
        action: "settings.update",
        subjectType: "settings",
        data: { fields: Object.keys(changes).map((k) => `derivatives.${k}`) },
      });
      return adopt(next);
    },
  };
}
