import type { Kysely } from "kysely";
import { type Actor, isAdminActor } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { Theme } from "./define-theme.js";

/** Key of the gallery setting that names the chosen theme. */
export const THEME_SETTING = "theme";

/** The theme name chosen for the gallery (by an admin), or null for the default. */
export async function getGalleryTheme(gallery: { db: Kysely<DB> }): Promise<string | null> {
  const row = await gallery.db
    .selectFrom("settings")
    .select("value")
    .where("key", "=", THEME_SETTING)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as string | null) : null;
}

/**
 * Choose the gallery's theme (admins only); `null` goes back to the default. The name is not checked against
 * the themes an HTTP app offers (several apps may serve one gallery): an unknown name renders the default.
 */
export async function setGalleryTheme(
  gallery: { db: Kysely<DB> },
  actor: Actor,
  name: string | null,
): Promise<void> {
  if (!isAdminActor(actor)) {
    throw new GalleryError(actor.kind === "guest" ? "UNAUTHENTICATED" : "FORBIDDEN", {
      detail: "Only admins may choose the theme.",
    });
  }
  if (name !== null && !/^[a-z0-9][a-z0-9._@/-]{0,99}$/.test(name)) {
    throw new GalleryError("VALIDATION_FAILED", {
      errors: [{ path: "theme", message: "Invalid theme name." }],
    });
  }
  const value = JSON.stringify(name);
  const now = Date.now();
  await gallery.db
    .insertInto("settings")
    .values({ key: THEME_SETTING, value, updated_at: now })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: now }))
    .execute();
}

/** Input of {@link chooseTheme}. */
export interface ChooseThemeInput {
  /** Themes available, by name (the default included). */
  themes: readonly Theme[];
  /** The theme used when nothing else applies. */
  fallback: Theme;
  /** The gallery's chosen theme name ({@link getGalleryTheme}). */
  galleryTheme: string | null;
  /** A theme asked for by this request (e.g. `?theme=dark`); honoured for admins only. */
  preview: string | null;
  /** Who is asking. */
  actor: Actor;
}

/**
 * The theme a page request renders with: an admin's preview if it names an available theme, else the gallery's
 * chosen theme if available, else the fallback. Others' preview requests are ignored (no visitor can switch
 * the gallery's look).
 */
export function chooseTheme(input: ChooseThemeInput): Theme {
  const byName = (name: string | null) => (name ? input.themes.find((t) => t.name === name) : undefined);
  if (input.preview && isAdminActor(input.actor)) {
    const previewed = byName(input.preview);
    if (previewed) return previewed;
  }
  return byName(input.galleryTheme) ?? input.fallback;
}
