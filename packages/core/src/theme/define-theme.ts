import type { LocationVisibility } from "../access/location.js";
import type { GallerySummary } from "../services/dashboard.js";
import type { Album, AlbumVisibility, Photo } from "../types.js";
import type { SafeHtml } from "./html.js";
import type { SlotName, ThemeSlots } from "./slots.js";

/** A derivative URL with its size, for `srcset`. */
export interface ImageSource {
  url: string;
  width: number;
  height: number;
}

/** A photo as pages show it. */
export interface PhotoView {
  photo: Photo;
  /** Sources per preset name. */
  images: Record<string, ImageSource>;
  /** Link to the photo page. */
  href: string;
}

/** An album as pages show it. */
export interface AlbumView {
  album: Album;
  href: string;
  cover: ImageSource | null;
}

/** Data every page gets. */
export interface PageContext {
  /** Gallery title. */
  title: string;
  /** Base path the gallery is mounted under (no trailing slash), for links. */
  basePath: string;
  /** Signed-in user's display name, if any. */
  userName: string | null;
  /** Fingerprinted asset URLs by logical name (e.g. `style.css`). */
  assets: Record<string, string>;
  /** Request language. */
  lang: string;
  /** Absolute origin of the request (`https://example.org`), for permalinks and Open Graph tags. */
  origin?: string;
  /** True when the viewer may use the admin pages (shows the admin link). */
  isAdmin?: boolean;
  /** True on the album admin pages when the viewer manages albums (admin or holder of `manager` grants). */
  managesAlbums?: boolean;
  /** The session's CSRF token: forms that POST carry it in a hidden `_csrf` field. */
  csrfToken?: string;
  /**
   * Renders a template slot (what plugins registered for it); templates call it through `slot(ctx, name, data)`.
   * Absent outside a gallery (e.g. in unit tests): slots then render nothing.
   */
  slot?: <N extends SlotName>(name: N, data: ThemeSlots[N]) => SafeHtml;
}

/** Document-level metadata of a page: canonical URL, description and Open Graph data. */
export interface PageMeta {
  /** Absolute canonical URL (permalink). */
  canonical?: string;
  /** Short plain-text description. */
  description?: string;
  /** Absolute URL of an image for link previews, with its size. */
  image?: { url: string; width: number; height: number; alt: string };
  /** Open Graph type. @default "website" */
  type?: "website" | "article";
  /** Alternate links, e.g. the Atom feed. */
  alternates?: { href: string; type: string; title: string }[];
  /** Extra script assets (logical names from the theme's assets, e.g. `admin.js`) this page loads, deferred. */
  scripts?: string[];
  /** Keep the page out of search engines (`noindex`). */
  noindex?: boolean;
}

/** A link with its label, for breadcrumbs, neighbours and album lists. */
export interface PageLink {
  label: string;
  href: string;
}

/** One album row of the admin album manager. */
export interface AdminAlbumRow {
  id: string;
  name: string;
  /** Public page of the album. */
  href: string;
  visibility: AlbumVisibility;
  /** Nesting depth, 0 for root albums. */
  depth: number;
  photoCount: number;
  /** Parent album (null at the top of the tree shown). */
  parentId?: string | null;
  /** First and last among its siblings (no "move up" / "move down" button then). */
  first?: boolean;
  last?: boolean;
}

// --- Album and photo admin (album tree, album editor, cover picker, photo grid, batch manager, photo editor) ---

/** An album as a choice in a select: its id and its name indented by depth. */
export interface AdminAlbumOption {
  id: string;
  label: string;
}

/** A photo tile of the admin photo grids (batch manager, cover picker). */
export interface AdminPhotoCard {
  id: string;
  /** Title, else file name. */
  label: string;
  /** A small derivative to show, or null. */
  thumb: ImageSource | null;
  /** The photo's admin editor. */
  editHref: string;
  privacyLevel: number;
}

/** A confirmation (`notice`) and a problem with the last form (`error`), already translated, or null. */
export interface AdminMessages {
  notice: string | null;
  error: string | null;
}

/**
 * The album and photo admin pages (admins see everything; a user holding `manager` grants sees the albums it
 * manages and their photos).
 */
export type AdminLibraryPage =
  | ({
      view: "albums";
      /** The albums the viewer manages, in tree order. */
      albums: AdminAlbumRow[];
      /** Whether top-level albums may be created and albums moved to the top level (admins). */
      canUseRoot: boolean;
    } & AdminMessages)
  | ({
      view: "album";
      album: {
        id: string;
        name: string;
        description: string;
        visibility: AlbumVisibility;
        photoOrder: string;
        parentId: string | null;
        /** Public page of the album. */
        href: string;
        photoCount: number;
        /** The cover shown now (explicit or automatic), or null. */
        cover: ImageSource | null;
      };
      /** Albums it may be moved under (not itself nor its sub-albums). */
      parentOptions: AdminAlbumOption[];
      canUseRoot: boolean;
      grants: { id: string; kind: "user" | "group"; name: string; role: string }[];
    } & AdminMessages)
  | ({
      view: "photos";
      /** The album whose photos these are, or null for every photo the viewer may see. */
      album: { id: string; name: string; href: string } | null;
      photos: AdminPhotoCard[];
      nextHref: string | null;
      /** Albums offered as batch targets. */
      albumOptions: AdminAlbumOption[];
    } & AdminMessages)
  | {
      view: "batch";
      /** Photos changed. */
      changed: number;
      /** Photos deleted. */
      deleted: number;
      /** Photos left alone, each with a link and the reason code. */
      refused: { id: string; code: string }[];
      /** Where to go back to. */
      backHref: string;
      /** Why nothing was done (already translated), or null. */
      error: string | null;
    }
  | {
      view: "cover";
      album: { id: string; name: string; href: string };
      photos: AdminPhotoCard[];
      currentCoverId: string | null;
      nextHref: string | null;
      /** `subtree`: the photos offered include those of every sub-album (newest first). */
      scope: "album" | "subtree";
      /** The same picker with the other scope, or null when the album has no sub-album. */
      otherScopeHref: string | null;
    }
  | {
      view: "album-delete";
      album: { id: string; name: string };
      /** Sub-albums deleted with it. */
      subAlbums: number;
      /** Photos in it and its sub-albums (the ones in no other album are kept or deleted as chosen). */
      photos: number;
    }
  | ({
      view: "photo";
      /** The photo being edited. */
      photo: PhotoView;
      /** Its tags, comma-separated, as the form shows them. */
      tags: string;
      /** Albums holding it that the viewer may see, with whether the viewer may take it out or set it as cover. */
      albums: { id: string; label: string; href: string; manageable: boolean }[];
      /** Albums it may be added to. */
      albumOptions: AdminAlbumOption[];
    } & AdminMessages);

/** Data of the admin pages (owner and admins), one variant per page. */
export type AdminPage =
  | {
      view: "dashboard";
      summary: GallerySummary;
      /** Recent activity, newest first, already phrased. */
      activity: { at: number; actor: string; action: string; target: string }[];
    }
  | {
      view: "upload";
      albums: { id: string; label: string }[];
      selectedAlbumId: string | null;
      /** The upload API endpoint the script posts each file to. */
      uploadUrl: string;
      /** The resumable (tus) upload endpoint used for large files. */
      resumableUrl?: string | undefined;
      /** Files at least this many bytes go through {@link resumableUrl}. */
      resumableThreshold?: number | undefined;
      notice: string | null;
      error: string | null;
    }
  | AdminPeoplePage
  | AdminLibraryPage;

// --- Admin: people, sharing and settings (users, groups, share links, API tokens, plugins, jobs, settings) ---

/** One user row of the admin users pages. */
export interface AdminUserRow {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  role: "owner" | "admin" | "member";
  privacyLevel: number;
  sharedAccount: boolean;
  status: "active" | "disabled" | "pending";
  createdAt: number;
}

/** One share link row (never its token nor its password). */
export interface AdminShareRow {
  id: string;
  prefix: string;
  /** What it shares, already phrased (album name or photo count). */
  target: string;
  hasPassword: boolean;
  expiresAt: number | null;
  maxUses: number | null;
  useCount: number;
  viewCount: number;
  canDownload: boolean;
  createdAt: number;
  revokedAt: number | null;
  /** Upload right (album links only). */
  canUpload: boolean;
  /** True for an album link (upload rights are offered), false for a photo set. */
  isAlbum: boolean;
  /** Highest privacy level the link reveals. */
  privacyLevel: number;
}

/** One API token row (never its secret). */
export interface AdminTokenRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  /** Album limits as names, or null for the whole gallery. */
  albums: string[] | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  createdAt: number;
  revokedAt: number | null;
}

/** One field of a plugin's settings form, derived from the plugin's configuration schema. */
export interface AdminPluginField {
  name: string;
  kind: "text" | "number" | "boolean" | "select" | "json";
  /** Current value as the form shows it. */
  value: string;
  required: boolean;
  description: string | null;
  /** Choices of a `select`. */
  options?: string[];
}

/** One plugin row of the admin plugins page. */
export interface AdminPluginRow {
  name: string;
  description: string | null;
  version: string | null;
  installedVersion: string | null;
  state: string;
  compat: string;
  error: string | null;
  /** True when the plugin declares a settings schema (a form is offered). */
  configurable: boolean;
}

/** Gallery-wide settings as the settings form shows them. */
export interface AdminGallerySettings {
  title: string;
  description: string;
  registration: "off" | "open" | "approval";
  loginOnly: boolean;
  /** Default interface language, or `""` for the theme's own default. */
  defaultLanguage: string;
  /** Who reads photos' GPS coordinates (see `GallerySettings.location`). */
  location: LocationVisibility;
}

/** One derivative preset on the settings page. */
export interface AdminPresetRow {
  name: string;
  width: number;
  height: number;
  crop: boolean;
  enabled: boolean;
  quality: number;
  /** Made on upload: cannot be disabled. */
  eager: boolean;
}

/** The derivative part of the settings page. */
export interface AdminDerivativeSettings {
  presets: AdminPresetRow[];
  /** The stored format order (`avif,webp,jpeg`…), or `""` for the configured one. */
  formatOrder: string;
  /** The configured format order, to label the default choice. */
  configuredFormats: string;
  /** The format orders offered. */
  formatChoices: readonly string[];
}

/** Messages every admin-people page may show (already translated), or null. */
interface AdminNotices {
  notice: string | null;
  error: string | null;
}

/** Data of the people, sharing and settings admin pages. */
export type AdminPeoplePage =
  | (AdminNotices & {
      view: "users";
      users: AdminUserRow[];
      /** The name search, as typed. */
      search: string;
      /** `pending`: only registrations waiting for approval. */
      filter: "all" | "pending";
      groups: { id: string; name: string }[];
      /** True when registrations wait for approval (the pending filter is offered). */
      approval: boolean;
      nextHref: string | null;
    })
  | (AdminNotices & {
      view: "user";
      user: AdminUserRow;
      groups: { id: string; name: string; member: boolean }[];
      /** Show the delete confirmation instead of the form. */
      confirmDelete: boolean;
    })
  | (AdminNotices & {
      view: "groups";
      groups: { id: string; name: string; isDefault: boolean; memberCount: number }[];
    })
  | (AdminNotices & {
      view: "group";
      group: { id: string; name: string; isDefault: boolean; memberCount: number };
      members: { id: string; username: string; displayName: string }[];
      /** Users not in the group, to add. */
      candidates: { id: string; username: string }[];
      confirmDelete: boolean;
    })
  | (AdminNotices & {
      view: "shares";
      links: AdminShareRow[];
      /** Albums the viewer may share. */
      albums: { id: string; label: string }[];
      /** True when the list holds every user's links (admins). */
      allLinks: boolean;
      /** Highest privacy level the viewer may share. */
      maxLevel: number;
      /** The URL of the link just created: shown once. */
      createdUrl: string | null;
      /** The next page of links, or null on the last page. */
      nextHref: string | null;
      /** Back to the first page, when this is a later one. */
      firstHref: string | null;
    })
  | (AdminNotices & {
      view: "share";
      /** The link being edited. */
      link: AdminShareRow;
      /** Highest privacy level the viewer may give the link. */
      maxLevel: number;
    })
  | (AdminNotices & {
      view: "tokens";
      tokens: AdminTokenRow[];
      /** Scopes the viewer may give a token. */
      scopes: string[];
      albums: { id: string; label: string }[];
      /** The secret of the token just created: shown once, never stored. */
      createdSecret: string | null;
    })
  | (AdminNotices & { view: "plugins"; plugins: AdminPluginRow[] })
  | (AdminNotices & { view: "plugin"; plugin: AdminPluginRow; fields: AdminPluginField[] })
  | (AdminNotices & {
      view: "jobs";
      counts: { pending: number; running: number; done: number; dead: number };
      /** Failed (dead-letter) jobs, newest first. */
      jobs: { id: string; type: string; attempts: number; lastError: string | null; updatedAt: number }[];
      nextHref: string | null;
    })
  | (AdminNotices & {
      view: "settings";
      settings: AdminGallerySettings;
      /** Languages the theme offers for the default-language choice. */
      languages: readonly string[];
      /** Derivative presets and formats (stored settings over configuration). */
      derivatives: AdminDerivativeSettings;
    });

/** Render functions a theme provides. Every one returns escaped HTML. */
export interface ThemeTemplates {
  /** The page shell around every page's main content. */
  layout(
    ctx: PageContext,
    page: { title: string; main: SafeHtml; breadcrumbs?: { label: string; href: string }[]; meta?: PageMeta },
  ): SafeHtml;
  /** Home page: root albums. */
  home(ctx: PageContext, data: { albums: AlbumView[]; nextHref: string | null }): SafeHtml;
  /** Album page: sub-albums, then photos. */
  album(
    ctx: PageContext,
    data: {
      album: Album;
      parents: { label: string; href: string }[];
      children: AlbumView[];
      photos: PhotoView[];
      nextHref: string | null;
    },
  ): SafeHtml;
  /** Photo page. */
  photo(
    ctx: PageContext,
    data: {
      photo: PhotoView;
      albumHref: string | null;
      /** Albums the viewer may see that hold the photo. */
      albums?: PageLink[];
      /** Previous and next photo in the album being walked. */
      previous?: PageLink | null;
      next?: PageLink | null;
      /** Link to download the original file, when allowed. */
      originalHref?: string | null;
      /** The photo's tags the viewer may see. */
      tags?: PageLink[];
    },
  ): SafeHtml;
  /** Tag cloud: every tag the viewer may see, with its visible photo count. */
  tags(ctx: PageContext, data: { tags: { label: string; href: string; count: number }[] }): SafeHtml;
  /** One tag's photos (visible to the viewer), newest first. */
  tag(
    ctx: PageContext,
    data: { tag: { label: string; count: number }; photos: PhotoView[]; nextHref: string | null },
  ): SafeHtml;
  /** Search form with filters, and its results once a query was given (`results` null before). */
  search(
    ctx: PageContext,
    data: {
      query: { q: string; tagId: string; takenFrom: string; takenTo: string };
      /** Tags offered as a filter. */
      tagOptions: { id: string; label: string }[];
      results: PhotoView[] | null;
      nextHref: string | null;
      /** A problem with the query to show next to the form (already translated), or null. */
      error: string | null;
    },
  ): SafeHtml;
  /**
   * Account pages without a session: registration, the request of a password-reset link, and setting a new
   * password with the reset token. `notice` replaces the form once done; `error` sits above the form.
   */
  account(
    ctx: PageContext,
    data: {
      view: "register" | "forgot" | "reset";
      notice: string | null;
      error: string | null;
      /** Values to put back into the form after an error (never passwords). */
      values?: { username?: string; email?: string; displayName?: string };
    },
  ): SafeHtml;
  /** "By date taken" calendar: years (`year` null) or the months of one year, each with its visible count. */
  calendar(
    ctx: PageContext,
    data: { year: number | null; entries: { key: number; href: string; count: number }[] },
  ): SafeHtml;
  /**
   * Share-link landing page: the form that opens the link (with its password when it has one), or, once
   * opened, the photos of a photo-set link.
   */
  share(
    ctx: PageContext,
    data:
      | { view: "unlock"; action: string; error: string | null }
      | { view: "photos"; photos: PhotoView[]; nextHref: string | null },
  ): SafeHtml;
  /** Admin pages: dashboard, album manager, upload, users (see {@link AdminPage}). */
  admin(ctx: PageContext, data: AdminPage): SafeHtml;
  /** Error page (404, 403, 500…). */
  error(ctx: PageContext, data: { status: number; code: string; message: string }): SafeHtml;
  /** Login form. */
  login(ctx: PageContext, data: { error: string | null; next: string }): SafeHtml;
}

/** A static asset shipped by a theme. */
export interface ThemeAsset {
  /** MIME type. */
  contentType: string;
  /** The bytes or text. */
  body: string | Uint8Array;
}

/** A theme: templates and assets; it may extend another and override only what it changes. */
export interface Theme {
  name: string;
  templates: ThemeTemplates;
  assets: Record<string, ThemeAsset>;
  /** The slots each template renders (its own and its parent's), for documentation and tooling. */
  slots?: Partial<Record<keyof ThemeTemplates, readonly SlotName[]>>;
  /** Names of the themes it extends, nearest first. */
  ancestors?: readonly string[];
}

/** Input of {@link defineTheme}. */
export interface ThemeDefinition {
  /** Unique theme name. */
  name: string;
  /** Parent theme; templates and assets not given here come from it. */
  extends?: Theme;
  /** Templates (all of them unless `extends` is set). */
  templates: Partial<ThemeTemplates>;
  /** Assets by logical name (e.g. `style.css`); a parent's asset of the same name is replaced. */
  assets?: Record<string, ThemeAsset>;
  /** The slots each of this theme's templates renders (merged with the parent's). */
  slots?: Partial<Record<keyof ThemeTemplates, readonly SlotName[]>>;
}

/** Every template of a complete theme: a theme without `extends` must give them all. */
export const THEME_TEMPLATE_NAMES: readonly (keyof ThemeTemplates)[] = [
  "layout",
  "home",
  "album",
  "photo",
  "tags",
  "tag",
  "search",
  "calendar",
  "account",
  "share",
  "admin",
  "error",
  "login",
];

/**
 * Define a theme. With `extends`, the parent's templates and assets fill in whatever this theme does not give.
 *
 * @example
 * export const dark = defineTheme({ name: "dark", extends: defaultTheme, templates: {}, assets: { "style.css": … } });
 */
export function defineTheme(definition: ThemeDefinition): Theme {
  const parent = definition.extends;
  const templates = { ...parent?.templates, ...definition.templates } as Partial<ThemeTemplates>;
  const required = THEME_TEMPLATE_NAMES;
  const missing = required.filter((name) => typeof templates[name] !== "function");
  if (missing.length > 0) {
    throw new TypeError(`Theme "${definition.name}" lacks templates: ${missing.join(", ")}`);
  }
  const slots: Partial<Record<keyof ThemeTemplates, readonly SlotName[]>> = { ...parent?.slots };
  for (const [template, names] of Object.entries(definition.slots ?? {}) as [
    keyof ThemeTemplates,
    SlotName[],
  ][]) {
    // An overridden template renders only the slots it declares; others keep the parent's.
    slots[template] = definition.templates[template]
      ? [...names]
      : [...new Set([...(slots[template] ?? []), ...names])];
  }
  for (const template of Object.keys(definition.templates) as (keyof ThemeTemplates)[]) {
    if (!definition.slots?.[template] && parent) delete slots[template];
  }
  return {
    name: definition.name,
    templates: templates as ThemeTemplates,
    assets: { ...parent?.assets, ...definition.assets },
    slots,
    ancestors: parent ? [parent.name, ...(parent.ancestors ?? [])] : [],
  };
}
