import type { Kysely } from "kysely";
import { type Actor, isAdminActor } from "../actor.js";
import type { DB } from "../db/schema.js";
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
}

/** How long a process trusts its cached settings before reading them again. */
export const SETTINGS_TTL_MS = 2000;

const KEY = "gallery.settings";
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
  };
}
