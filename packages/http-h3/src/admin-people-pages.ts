import {
  type Actor,
  type AdminPeoplePage,
  type AdminPluginField,
  type AdminPluginRow,
  type AdminShareRow,
  type DerivativeFormat,
  type Gallery,
  GalleryError,
  hasAdminView,
  type PageContext,
  type PluginInfo,
  type PresetSetting,
  type ShareLink,
  TOKEN_SCOPES,
  type User,
} from "@vernissage/core";
import { type MessageKey, SUPPORTED_LANGUAGES, translate } from "@vernissage/theme-default";
import { getRouterParams, type H3, type H3Event } from "h3";
import {
  guardAdmin as adminOnly,
  albumOptions,
  ID,
  idParam,
  renderAdminPage,
  seeOther,
  toLogin,
  type Wrap,
} from "./admin-common.js";
import { readPostedForm } from "./forms.js";
import type { createPageRenderer } from "./pages.js";
import type { RequestIdentity } from "./session.js";

/** Dependencies of the people, sharing and plugin admin pages. */
export interface AdminPeoplePageDeps {
  app: H3;
  base: string;
  gallery: Gallery;
  renderer: ReturnType<typeof createPageRenderer>;
  wrap: Wrap;
  contextFor: (event: H3Event, identity: RequestIdentity) => PageContext;
}

const ROLES = new Set(["owner", "admin", "member"]);
const STATUSES = new Set(["active", "disabled", "pending"]);
const LEVELS = new Set([0, 1, 2, 4, 8]);
const STAFF_SCOPES = new Set(["admin", "users:admin"]);
const PLUGIN_NAME = /^(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Format orders the settings page offers (formats after JPEG would never be chosen, so JPEG ends each). */
const FORMAT_ORDERS: readonly string[] = [
  "avif,webp,jpeg",
  "webp,avif,jpeg",
  "avif,jpeg",
  "webp,jpeg",
  "jpeg",
];

/** A refused form: the message it shows and its status. */
type Refusal = { key: MessageKey; status: number };

/** A page's data before its messages are filled in (see `render`). */
type WithoutMessages<P> = P extends unknown ? Omit<P, "notice" | "error"> : never;

const DONE: Record<string, MessageKey> = {
  "user-created": "admin.people.done.userCreated",
  "user-saved": "admin.people.done.userSaved",
  "user-deleted": "admin.people.done.userDeleted",
  "user-approved": "admin.people.done.userApproved",
  "group-created": "admin.people.done.groupCreated",
  "group-saved": "admin.people.done.groupSaved",
  "group-deleted": "admin.people.done.groupDeleted",
  members: "admin.people.done.membersChanged",
  "share-revoked": "admin.people.done.shareRevoked",
  "share-saved": "admin.people.done.shareSaved",
  "token-revoked": "admin.people.done.tokenRevoked",
  plugin: "admin.people.done.pluginSaved",
  "job-retried": "admin.people.done.jobRetried",
  settings: "admin.people.done.settingsSaved",
  derivatives: "admin.people.done.derivativesSaved",
};

/** The message and status a refused form gets; other errors propagate (404, 500…). */
function refusal(error: unknown): Refusal {
  if (!(error instanceof GalleryError)) throw error;
  switch (error.code) {
    case "VALIDATION_FAILED":
      return { key: "admin.people.error.invalid", status: 400 };
    case "FORBIDDEN":
    case "INSUFFICIENT_SCOPE":
      return { key: "admin.people.error.forbidden", status: 403 };
    case "ALREADY_EXISTS":
      return { key: "admin.people.error.taken", status: 409 };
    case "CONFLICT":
      return { key: "admin.people.error.lastOwner", status: 409 };
    case "PLUGIN_ERROR":
    case "PLUGIN_INCOMPATIBLE":
      return { key: "admin.people.error.plugin", status: 400 };
    default:
      throw error;
  }
}

/** End of the chosen day (UTC), from a `<input type="date">` value; undefined when empty, NaN when invalid. */
function endOfDay(value: string): number | undefined {
  if (value === "") return undefined;
  if (!DATE.test(value)) return Number.NaN;
  return Date.parse(`${value}T23:59:59.999Z`);
}

function invalidForm(path: string): GalleryError {
  return new GalleryError("VALIDATION_FAILED", { errors: [{ path, message: "invalid" }] });
}

/** Form fields derived from a plugin's JSON Schema (top-level properties of an object schema). */
export function pluginFields(
  schema: Record<string, unknown> | null,
  settings: Record<string, unknown>,
): AdminPluginField[] {
  if (schema === null || schema.type !== "object" || typeof schema.properties !== "object") return [];
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const fields: AdminPluginField[] = [];
  for (const [name, raw] of Object.entries(schema.properties as Record<string, Record<string, unknown>>)) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name) || typeof raw !== "object" || raw === null) continue;
    const value = name in settings ? settings[name] : raw.default;
    const description = typeof raw.description === "string" ? raw.description : null;
    const base = { name, required: required.has(name) && raw.default === undefined, description };
    if (Array.isArray(raw.enum) && raw.enum.every((v) => typeof v === "string")) {
      fields.push({ ...base, kind: "select", options: raw.enum as string[], value: String(value ?? "") });
    } else if (raw.type === "boolean") {
      fields.push({ ...base, kind: "boolean", value: value === true ? "true" : "false" });
    } else if (raw.type === "number" || raw.type === "integer") {
      fields.push({ ...base, kind: "number", value: typeof value === "number" ? String(value) : "" });
    } else if (raw.type === "string") {
      fields.push({ ...base, kind: "text", value: typeof value === "string" ? value : "" });
    } else {
      fields.push({
        ...base,
        kind: "json",
        value: value === undefined ? "" : JSON.stringify(value, null, 2),
      });
    }
  }
  return fields;
}

/** Read a plugin settings form back into values for the plugin's schema (`VALIDATION_FAILED` on bad JSON). */
function readPluginSettings(fields: AdminPluginField[], form: FormData) {
  const settings: Record<string, unknown> = {};
  for (const f of fields) {
    const value = form.get(`field.${f.name}`);
    const raw = typeof value === "string" ? value.slice(0, 20_000) : "";
    // A checkbox posts its hidden "false" and, when ticked, "true" after it.
    if (f.kind === "boolean") settings[f.name] = form.getAll(`field.${f.name}`).includes("true");
    else if (f.kind === "number") {
      if (raw.trim() === "") continue;
      const n = Number(raw);
      if (!Number.isFinite(n)) throw invalidForm(f.name);
      settings[f.name] = n;
    } else if (f.kind === "json") {
      if (raw.trim() === "") continue;
      try {
        settings[f.name] = JSON.parse(raw);
      } catch {
        throw invalidForm(f.name);
      }
    } else if (raw !== "" || f.required) settings[f.name] = raw;
  }
  return settings;
}

/**
 * Register the people, sharing and plugin pages: users (list, search, create, edit, approve, delete), groups
 * (create, rename, default flag, members, delete), share links (`/account/shares`: admins see every link, other
 * users their own), API tokens (`/account/tokens`, every signed-in user; the secret is shown once), plugins
 * (enable, disable, settings form from the plugin's schema) and failed jobs (retry). Every action calls the same
 * core service (and its permission checks) as the API; posts carry the session's CSRF token.
 */
export function createAdminPeoplePageRoutes(deps: AdminPeoplePageDeps): void {
  const { app, base, gallery, renderer, wrap, contextFor } = deps;

  /**
   * Register a page under the base path: `guard` answers first (a redirect to log in, or throws `FORBIDDEN`), then
   * `handler` renders or acts.
   */
  function page(
    method: "get" | "post",
    path: string,
    guard: (event: H3Event, actor: Actor, headers: Headers) => Response | null,
    handler: (event: H3Event, identity: RequestIdentity, headers: Headers) => Promise<Response>,
  ): void {
    app[method](
      `${base}${path}`,
      wrap("page", async (event, identity, _rid, headers) => {
        return guard(event, identity.actor, headers) ?? handler(event, identity, headers);
      }),
    );
  }

  /** Admins only: guests are sent to log in (a response), anyone else gets `FORBIDDEN`. */
  function guardAdmin(event: H3Event, actor: Actor, headers: Headers): Response | null {
    return adminOnly(event, base, actor, headers);
  }

  /** Any signed-in user (a session, not a share link): guests are sent to log in. */
  function guardUser(event: H3Event, actor: Actor, headers: Headers): Response | null {
    if (actor.kind !== "user") {
      if (actor.kind === "guest" || actor.kind === "share") return toLogin(event, base, headers);
      throw new GalleryError("FORBIDDEN");
    }
    return null;
  }

  /**
   * Render a page with its messages: a refused form's error (and status), else the confirmation named by
   * `?done=`. Every admin page is private; the token and share pages may carry a secret shown once.
   */
  function render(
    event: H3Event,
    ctx: PageContext,
    data: WithoutMessages<AdminPeoplePage>,
    headers: Headers,
    error: Refusal | null = null,
    status = 200,
  ): Promise<Response> {
    const full = {
      ...data,
      notice: error ? null : notice(event, ctx.lang),
      error: error ? translate(ctx.lang, error.key) : null,
    } as AdminPeoplePage;
    return renderAdminPage(renderer, ctx, full, headers, {
      status: error?.status ?? status,
      scripts: data.view === "shares" || data.view === "tokens" ? ["admin-people.js"] : [],
      noReferrer: true,
    });
  }

  function notice(event: H3Event, lang: string): string | null {
    const done = event.url.searchParams.get("done") ?? "";
    return Object.hasOwn(DONE, done) ? translate(lang, DONE[done] as MessageKey) : null;
  }

  async function albumChoices(actor: Actor): Promise<{ id: string; label: string }[]> {
    try {
      return albumOptions(await gallery.dashboard.albumTree(actor));
    } catch (error) {
      if (error instanceof GalleryError && error.code === "FORBIDDEN") return [];
      throw error;
    }
  }

  async function allGroups(actor: Actor) {
    const groups = [];
    let cursor: string | undefined;
    do {
      const page = await gallery.groups.list(actor, { limit: 100, cursor });
      groups.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && groups.length < 1000);
    return groups;
  }

  async function allUsers(actor: Actor): Promise<User[]> {
    const users: User[] = [];
    let cursor: string | undefined;
    do {
      const page = await gallery.users.list(actor, { limit: 100, cursor });
      users.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && users.length < 2000);
    return users;
  }

  // --- Users ------------------------------------------------------------------------------------------

  const usersPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    error: Refusal | null,
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const search = (event.url.searchParams.get("q") ?? "").slice(0, 100);
    const filter = event.url.searchParams.get("filter") === "pending" ? "pending" : "all";
    const cursor = event.url.searchParams.get("cursor") ?? undefined;
    const [page, groups, pending, settings] = await Promise.all([
      gallery.users.list(identity.actor, {
        cursor,
        limit: 50,
        search,
        status: filter === "pending" ? "pending" : undefined,
      }),
      allGroups(identity.actor),
      gallery.users.list(identity.actor, { limit: 1, status: "pending" }),
      gallery.settings.get(),
    ]);
    const query = new URLSearchParams();
    if (search) query.set("q", search);
    if (filter === "pending") query.set("filter", "pending");
    if (page.nextCursor) query.set("cursor", page.nextCursor);
    return render(
      event,
      ctx,
      {
        view: "users",
        users: page.items,
        search,
        filter,
        groups: groups.map((g) => ({ id: g.id, name: g.name })),
        // The filter is offered while registrations need approval, or while some still wait.
        approval: filter === "pending" || pending.items.length > 0 || settings.registration === "approval",
        nextHref: page.nextCursor ? `${base}/admin/users?${query}` : null,
      },
      headers,
      error,
    );
  };

  page("get", `/admin/users`, guardAdmin, async (event, identity, headers) => {
    return usersPage(event, identity, headers, null);
  });

  page("post", `/admin/users`, guardAdmin, async (event, identity, headers) => {
    const { form, field } = await readPostedForm(event.req, { csrfToken: true });
    const role = field("role", 16);
    const level = Number(field("privacyLevel", 2) || "0");
    const password = field("password", 1025);
    try {
      if (!ROLES.has(role) || !LEVELS.has(level)) throw invalidForm("role");
      const user = await gallery.users.create(identity.actor, {
        username: field("username", 100),
        displayName: field("displayName", 300) || undefined,
        email: field("email", 400) || undefined,
        password: password === "" ? undefined : password,
        role: role as User["role"],
        privacyLevel: level,
        sharedAccount: field("sharedAccount", 4) === "1",
      });
      const groupIds = form.getAll("groupId").filter((v): v is string => typeof v === "string");
      for (const groupId of new Set(groupIds.slice(0, 200)))
        await gallery.groups.addMembers(identity.actor, groupId, [user.id]);
    } catch (error) {
      return usersPage(event, identity, headers, refusal(error));
    }
    return seeOther(headers, `${base}/admin/users?done=user-created`);
  });

  const userPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    id: string,
    options: { confirmDelete?: boolean; error?: Refusal | null } = {},
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const [user, groups] = await Promise.all([
      gallery.users.get(identity.actor, id),
      allGroups(identity.actor),
    ]);
    const memberships = await Promise.all(groups.map((g) => gallery.groups.members(identity.actor, g.id)));
    const error = options.error ?? null;
    return render(
      event,
      ctx,
      {
        view: "user",
        user,
        groups: groups.map((g, i) => ({
          id: g.id,
          name: g.name,
          member: memberships[i]?.includes(id) ?? false,
        })),
        confirmDelete: options.confirmDelete ?? false,
      },
      headers,
      error,
    );
  };

  page("get", `/admin/users/:id`, guardAdmin, async (event, identity, headers) => {
    return userPage(event, identity, headers, idParam(event));
  });

  page("post", `/admin/users/:id`, guardAdmin, async (event, identity, headers) => {
    const id = idParam(event);
    const { form, field } = await readPostedForm(event.req, { csrfToken: true });
    const role = field("role", 16);
    const status = field("status", 16);
    const level = Number(field("privacyLevel", 2));
    const password = field("password", 1025);
    try {
      if (!ROLES.has(role) || !STATUSES.has(status) || !LEVELS.has(level)) throw invalidForm("role");
      await gallery.users.update(identity.actor, id, {
        displayName: field("displayName", 300),
        email: field("email", 400) || null,
        role: role as User["role"],
        status: status as User["status"],
        privacyLevel: level,
        sharedAccount: field("sharedAccount", 4) === "1",
        password: password === "" ? undefined : password,
      });
      if (field("groupsShown", 4) === "1") {
        const wanted = new Set(
          form
            .getAll("groupId")
            .filter((v): v is string => typeof v === "string")
            .slice(0, 500),
        );
        for (const group of await allGroups(identity.actor)) {
          const members = await gallery.groups.members(identity.actor, group.id);
          const member = members.includes(id);
          if (wanted.has(group.id) && !member)
            await gallery.groups.addMembers(identity.actor, group.id, [id]);
          if (!wanted.has(group.id) && member)
            await gallery.groups.removeMembers(identity.actor, group.id, [id]);
        }
      }
    } catch (error) {
      return userPage(event, identity, headers, id, { error: refusal(error) });
    }
    return seeOther(headers, `${base}/admin/users/${id}?done=user-saved`);
  });

  page("post", `/admin/users/:id/approve`, guardAdmin, async (event, identity, headers) => {
    const id = idParam(event);
    await readPostedForm(event.req, { csrfToken: true });
    const user = await gallery.users.get(identity.actor, id);
    if (user.status === "pending") await gallery.users.update(identity.actor, id, { status: "active" });
    return seeOther(headers, `${base}/admin/users?filter=pending&done=user-approved`);
  });

  page("get", `/admin/users/:id/delete`, guardAdmin, async (event, identity, headers) => {
    return userPage(event, identity, headers, idParam(event), { confirmDelete: true });
  });

  page("post", `/admin/users/:id/delete`, guardAdmin, async (event, identity, headers) => {
    const id = idParam(event);
    const { field } = await readPostedForm(event.req, { csrfToken: true });
    if (field("confirm", 4) !== "yes") return seeOther(headers, `${base}/admin/users/${id}/delete`);
    try {
      await gallery.users.delete(identity.actor, id);
    } catch (error) {
      return userPage(event, identity, headers, id, { confirmDelete: true, error: refusal(error) });
    }
    return seeOther(headers, `${base}/admin/users?done=user-deleted`);
  });

  // --- Groups -----------------------------------------------------------------------------------------

  const groupsPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    error: Refusal | null,
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const groups = await allGroups(identity.actor);
    return render(
      event,
      ctx,
      {
        view: "groups",
        groups: groups.map((g) => ({
          id: g.id,
          name: g.name,
          isDefault: g.isDefault,
          memberCount: g.memberCount,
        })),
      },
      headers,
      error,
    );
  };

  page("get", `/admin/groups`, guardAdmin, async (event, identity, headers) => {
    return groupsPage(event, identity, headers, null);
  });

  page("post", `/admin/groups`, guardAdmin, async (event, identity, headers) => {
    const { field } = await readPostedForm(event.req, { csrfToken: true });
    try {
      await gallery.groups.create(identity.actor, {
        name: field("name", 200),
        isDefault: field("isDefault", 4) === "1",
      });
    } catch (error) {
      return groupsPage(event, identity, headers, refusal(error));
    }
    return seeOther(headers, `${base}/admin/groups?done=group-created`);
  });

  const groupPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    id: string,
    options: { confirmDelete?: boolean; error?: Refusal | null } = {},
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const [group, memberIds, users] = await Promise.all([
      gallery.groups.get(identity.actor, id),
      gallery.groups.members(identity.actor, id),
      allUsers(identity.actor),
    ]);
    const inGroup = new Set(memberIds);
    const error = options.error ?? null;
    return render(
      event,
      ctx,
      {
        view: "group",
        group: { id: group.id, name: group.name, isDefault: group.isDefault, memberCount: group.memberCount },
        members: users
          .filter((u) => inGroup.has(u.id))
          .map((u) => ({ id: u.id, username: u.username, displayName: u.displayName })),
        candidates: users.filter((u) => !inGroup.has(u.id)).map((u) => ({ id: u.id, username: u.username })),
        confirmDelete: options.confirmDelete ?? false,
      },
      headers,
      error,
    );
  };

  page("get", `/admin/groups/:id`, guardAdmin, async (event, identity, headers) => {
    return groupPage(event, identity, headers, idParam(event));
  });

  page("post", `/admin/groups/:id`, guardAdmin, async (event, identity, headers) => {
    const id = idParam(event);
    const { field } = await readPostedForm(event.req, { csrfToken: true });
    try {
      await gallery.groups.update(identity.actor, id, {
        name: field("name", 200),
        isDefault: field("isDefault", 4) === "1",
      });
    } catch (error) {
      return groupPage(event, identity, headers, id, { error: refusal(error) });
    }
    return seeOther(headers, `${base}/admin/groups/${id}?done=group-saved`);
  });

  for (const [suffix, add] of [
    ["members", true],
    ["members/remove", false],
  ] as const) {
    page("post", `/admin/groups/:id/${suffix}`, guardAdmin, async (event, identity, headers) => {
      const id = idParam(event);
      const { field } = await readPostedForm(event.req, { csrfToken: true });
      const userId = field("userId", 100);
      try {
        if (!ID.test(userId)) throw invalidForm("userId");
        if (add) await gallery.groups.addMembers(identity.actor, id, [userId]);
        else await gallery.groups.removeMembers(identity.actor, id, [userId]);
      } catch (error) {
        if (error instanceof GalleryError && error.code === "NOT_FOUND")
          return groupPage(event, identity, headers, id, {
            error: { key: "admin.people.error.invalid", status: 400 },
          });
        return groupPage(event, identity, headers, id, { error: refusal(error) });
      }
      return seeOther(headers, `${base}/admin/groups/${id}?done=members`);
    });
  }

  page("get", `/admin/groups/:id/delete`, guardAdmin, async (event, identity, headers) => {
    return groupPage(event, identity, headers, idParam(event), { confirmDelete: true });
  });

  page("post", `/admin/groups/:id/delete`, guardAdmin, async (event, identity, headers) => {
    const id = idParam(event);
    const { field } = await readPostedForm(event.req, { csrfToken: true });
    if (field("confirm", 4) !== "yes") return seeOther(headers, `${base}/admin/groups/${id}/delete`);
    await gallery.groups.delete(identity.actor, id);
    return seeOther(headers, `${base}/admin/groups?done=group-deleted`);
  });

  // --- Share links ------------------------------------------------------------------------------------

  const sharesPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    options: { createdUrl?: string | null; error?: Refusal | null } = {},
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const actor = identity.actor;
    const cursor = event.url.searchParams.get("cursor") ?? undefined;
    const [page, albums] = await Promise.all([
      // A stale or forged cursor starts again from the first page rather than failing the page.
      gallery.shares.page(actor, { cursor: cursor?.slice(0, 512) }).catch((error: unknown) => {
        if (error instanceof GalleryError && error.code === "INVALID_CURSOR")
          return gallery.shares.page(actor);
        throw error;
      }),
      albumChoices(actor),
    ]);
    const links = page.items;
    const names = new Map(albums.map((a) => [a.id, a.label.trim()]));
    await nameMissingAlbums(actor, links, names);
    const error = options.error ?? null;
    return render(
      event,
      ctx,
      {
        view: "shares",
        links: links.map((link) => shareRow(ctx.lang, link, names)),
        albums,
        allLinks: hasAdminView(actor),
        maxLevel: actor.kind === "user" ? actor.privacyLevel : 0,
        createdUrl: options.createdUrl ?? null,
        nextHref: page.nextCursor
          ? `${base}/account/shares?${new URLSearchParams({ cursor: page.nextCursor })}`
          : null,
        firstHref: cursor === undefined ? null : `${base}/account/shares`,
      },
      headers,
      error,
      options.createdUrl ? 201 : 200,
    );
  };

  /** Album names of links whose album is not among the viewer's choices (one look-up per album). */
  async function nameMissingAlbums(actor: Actor, links: ShareLink[], names: Map<string, string>) {
    const missing = [
      ...new Set(links.map((l) => l.albumId).filter((id): id is string => id !== null)),
    ].filter((id) => !names.has(id));
    for (const id of missing) {
      const album = await gallery.albums.get(actor, id).catch(() => null);
      if (album) names.set(id, album.name);
    }
  }

  function shareRow(lang: string, link: ShareLink, names: Map<string, string>): AdminShareRow {
    return {
      id: link.id,
      prefix: link.prefix,
      target:
        link.albumId !== null
          ? translate(lang, "admin.people.shares.album", { name: names.get(link.albumId) ?? "—" })
          : translate(lang, "admin.people.shares.photoSet", { count: link.photoIds.length }),
      hasPassword: link.hasPassword,
      expiresAt: link.expiresAt,
      maxUses: link.maxUses,
      useCount: link.useCount,
      viewCount: link.viewCount,
      canDownload: link.canDownload,
      canUpload: link.canUpload,
      isAlbum: link.albumId !== null,
      privacyLevel: link.privacyLevel,
      createdAt: link.createdAt,
      revokedAt: link.revokedAt,
    };
  }

  const shareEditPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    id: string,
    error: Refusal | null = null,
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const actor = identity.actor;
    const link = await gallery.shares.get(actor, id);
    const names = new Map<string, string>();
    await nameMissingAlbums(actor, [link], names);
    return render(
      event,
      ctx,
      {
        view: "share",
        link: shareRow(ctx.lang, link, names),
        maxLevel: actor.kind === "user" ? actor.privacyLevel : 0,
      },
      headers,
      error,
    );
  };

  page("get", `/account/shares`, guardUser, async (event, identity, headers) => {
    return sharesPage(event, identity, headers);
  });

  page("post", `/account/shares`, guardUser, async (event, identity, headers) => {
    const { field } = await readPostedForm(event.req, { csrfToken: true });
    const photoIds = field("photoIds", 70_000)
      .split(/[\s,]+/)
      .filter((id) => id !== "");
    const expiresAt = endOfDay(field("expiresAt", 20));
    const maxUses = field("maxUses", 10);
    const level = Number(field("privacyLevel", 2) || "0");
    const password = field("password", 1025);
    let url: string;
    try {
      if (photoIds.some((id) => !ID.test(id)) || Number.isNaN(expiresAt) || !LEVELS.has(level))
        throw invalidForm("photoIds");
      if (maxUses !== "" && !/^\d{1,7}$/.test(maxUses)) throw invalidForm("maxUses");
      const albumId = field("albumId", 100);
      const { token } = await gallery.shares.create(identity.actor, {
        ...(photoIds.length > 0 ? { photoIds } : { albumId }),
        password: password === "" ? undefined : password,
        expiresAt: expiresAt ?? null,
        maxUses: maxUses === "" ? null : Number(maxUses),
        privacyLevel: level,
        canDownload: field("canDownload", 4) === "1",
      });
      url = `${event.url.origin}${base}/s/${token}`;
    } catch (error) {
      if (error instanceof GalleryError && error.code === "NOT_FOUND")
        return sharesPage(event, identity, headers, {
          error: { key: "admin.people.error.invalid", status: 400 },
        });
      return sharesPage(event, identity, headers, { error: refusal(error) });
    }
    // The link's token is in this response only: it is not stored and never shown again.
    return sharesPage(event, identity, headers, { createdUrl: url });
  });

  page("post", `/account/shares/:id/revoke`, guardUser, async (event, identity, headers) => {
    const id = idParam(event);
    await readPostedForm(event.req, { csrfToken: true });
    await gallery.shares.revoke(identity.actor, id);
    return seeOther(headers, `${base}/account/shares?done=share-revoked`);
  });

  page("get", `/account/shares/:id/edit`, guardUser, async (event, identity, headers) => {
    return shareEditPage(event, identity, headers, idParam(event));
  });

  page("post", `/account/shares/:id/edit`, guardUser, async (event, identity, headers) => {
    const id = idParam(event);
    const { field } = await readPostedForm(event.req, { csrfToken: true });
    try {
      const expiresField = field("expiresAt", 20);
      const expiresAt = endOfDay(expiresField);
      const maxUses = field("maxUses", 10);
      const level = Number(field("privacyLevel", 2) || "0");
      const password = field("password", 1025);
      const clearPassword = field("clearPassword", 4) === "1";
      if (Number.isNaN(expiresAt)) throw invalidForm("expiresAt");
      if (maxUses !== "" && !/^\d{1,7}$/.test(maxUses)) throw invalidForm("maxUses");
      if (!LEVELS.has(level)) throw invalidForm("privacyLevel");
      if (clearPassword && password !== "") throw invalidForm("password");
      const current = await gallery.shares.get(identity.actor, id);
      await gallery.shares.update(identity.actor, id, {
        // The day shown is re-posted unchanged: only a changed day moves the expiry (kept to the millisecond).
        ...(expiresField === field("expiresWas", 20) ? {} : { expiresAt: expiresAt ?? null }),
        ...(password !== "" ? { password } : clearPassword ? { password: null } : {}),
        maxUses: maxUses === "" ? null : Number(maxUses),
        ...(level === current.privacyLevel ? {} : { privacyLevel: level }),
        canDownload: field("canDownload", 4) === "1",
        ...(current.albumId === null ? {} : { canUpload: field("canUpload", 4) === "1" }),
      });
    } catch (error) {
      if (error instanceof GalleryError && error.code === "NOT_FOUND") throw error;
      return shareEditPage(event, identity, headers, id, refusal(error));
    }
    return seeOther(headers, `${base}/account/shares?done=share-saved`);
  });

  // --- API tokens -------------------------------------------------------------------------------------

  const tokensPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    options: { createdSecret?: string | null; error?: Refusal | null } = {},
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const actor = identity.actor;
    const [tokens, albums] = await Promise.all([gallery.tokens.list(actor), albumChoices(actor)]);
    const names = new Map(albums.map((a) => [a.id, a.label.trim()]));
    const error = options.error ?? null;
    return render(
      event,
      ctx,
      {
        view: "tokens",
        tokens: tokens.map((token) => ({
          id: token.id,
          name: token.name,
          prefix: token.prefix,
          scopes: [...token.scopes],
          albums: token.albumIds === null ? null : token.albumIds.map((id) => names.get(id) ?? id),
          expiresAt: token.expiresAt,
          lastUsedAt: token.lastUsedAt,
          createdAt: token.createdAt,
          revokedAt: token.revokedAt,
        })),
        scopes: TOKEN_SCOPES.filter((scope) => hasAdminView(actor) || !STAFF_SCOPES.has(scope)),
        albums,
        createdSecret: options.createdSecret ?? null,
      },
      headers,
      error,
      options.createdSecret ? 201 : 200,
    );
  };

  page("get", `/account/tokens`, guardUser, async (event, identity, headers) => {
    return tokensPage(event, identity, headers);
  });

  page("post", `/account/tokens`, guardUser, async (event, identity, headers) => {
    const { form, field } = await readPostedForm(event.req, { csrfToken: true });
    const scopes = form.getAll("scope").filter((v): v is string => typeof v === "string");
    const albumIds = form.getAll("albumId").filter((v): v is string => typeof v === "string");
    const expiresAt = endOfDay(field("expiresAt", 20));
    let secret: string;
    try {
      if (
        scopes.length > 20 ||
        scopes.some((s) => !(TOKEN_SCOPES as readonly string[]).includes(s)) ||
        albumIds.length > 100 ||
        albumIds.some((id) => !ID.test(id)) ||
        Number.isNaN(expiresAt)
      )
        throw invalidForm("scopes");
      ({ secret } = await gallery.tokens.create(identity.actor, {
        name: field("name", 200),
        scopes: scopes as (typeof TOKEN_SCOPES)[number][],
        albumIds: albumIds.length > 0 ? albumIds : null,
        expiresAt: expiresAt ?? null,
      }));
    } catch (error) {
      return tokensPage(event, identity, headers, { error: refusal(error) });
    }
    // The secret is in this response only (only its hash is stored); the page is never cached.
    return tokensPage(event, identity, headers, { createdSecret: secret });
  });

  page("post", `/account/tokens/:id/revoke`, guardUser, async (event, identity, headers) => {
    const id = idParam(event);
    await readPostedForm(event.req, { csrfToken: true });
    await gallery.tokens.revoke(identity.actor, id);
    return seeOther(headers, `${base}/account/tokens?done=token-revoked`);
  });

  // --- Plugins ----------------------------------------------------------------------------------------

  async function pluginRow(actor: Actor, plugin: PluginInfo): Promise<AdminPluginRow> {
    const schema =
      plugin.version === null
        ? null
        : await gallery.plugins.settingsSchema(actor, plugin.name).catch(() => null);
    return {
      name: plugin.name,
      description: plugin.description,
      version: plugin.version,
      installedVersion: plugin.installedVersion,
      state: plugin.state,
      compat: plugin.compat,
      error: plugin.error,
      configurable: pluginFields(schema, plugin.settings).length > 0,
    };
  }

  const pluginsPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    error: Refusal | null,
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const plugins = await gallery.plugins.list(identity.actor);
    return render(
      event,
      ctx,
      {
        view: "plugins",
        plugins: await Promise.all(plugins.map((p) => pluginRow(identity.actor, p))),
      },
      headers,
      error,
    );
  };

  function pluginName(event: H3Event): string {
    const name = getRouterParams(event, { decode: true }).name ?? "";
    if (name.length > 100 || !PLUGIN_NAME.test(name)) throw new GalleryError("PLUGIN_NOT_FOUND");
    return name;
  }

  page("get", `/admin/plugins`, guardAdmin, async (event, identity, headers) => {
    return pluginsPage(event, identity, headers, null);
  });

  page("post", `/admin/plugins/:name/state`, guardAdmin, async (event, identity, headers) => {
    const name = pluginName(event);
    const { field } = await readPostedForm(event.req, { csrfToken: true });
    const state = field("state", 16);
    try {
      if (state !== "enabled" && state !== "disabled") throw invalidForm("state");
      await gallery.plugins.update(identity.actor, name, { state });
    } catch (error) {
      const refused =
        error instanceof GalleryError && error.code === "CONFLICT"
          ? { key: "admin.people.error.plugin" as const, status: 409 }
          : refusal(error);
      return pluginsPage(event, identity, headers, refused);
    }
    return seeOther(headers, `${base}/admin/plugins?done=plugin`);
  });

  const pluginPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    name: string,
    error: Refusal | null,
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const plugin = await gallery.plugins.get(identity.actor, name);
    const schema =
      plugin.version === null ? null : await gallery.plugins.settingsSchema(identity.actor, name);
    return render(
      event,
      ctx,
      {
        view: "plugin",
        plugin: await pluginRow(identity.actor, plugin),
        fields: pluginFields(schema, plugin.settings),
      },
      headers,
      error,
    );
  };

  page("get", `/admin/plugins/:name`, guardAdmin, async (event, identity, headers) => {
    return pluginPage(event, identity, headers, pluginName(event), null);
  });

  page("post", `/admin/plugins/:name`, guardAdmin, async (event, identity, headers) => {
    const name = pluginName(event);
    const { form } = await readPostedForm(event.req, { csrfToken: true });
    try {
      const plugin = await gallery.plugins.get(identity.actor, name);
      const fields = pluginFields(
        await gallery.plugins.settingsSchema(identity.actor, name),
        plugin.settings,
      );
      if (fields.length === 0) throw invalidForm("settings");
      await gallery.plugins.configure(identity.actor, name, readPluginSettings(fields, form));
    } catch (error) {
      // The plugin's schema refusing a value, or a plugin not installed yet.
      const pluginRefused =
        error instanceof GalleryError &&
        (error.code === "CONFLICT" || (error.code === "VALIDATION_FAILED" && error.data?.plugin === name));
      const refused = pluginRefused
        ? { key: "admin.people.error.plugin" as const, status: error.status }
        : refusal(error);
      return pluginPage(event, identity, headers, name, refused);
    }
    return seeOther(headers, `${base}/admin/plugins/${encodeURIComponent(name)}?done=plugin`);
  });

  // --- Failed jobs ------------------------------------------------------------------------------------

  page("get", `/admin/jobs`, guardAdmin, async (event, identity, headers) => {
    const ctx = contextFor(event, identity);
    const cursor = event.url.searchParams.get("cursor") ?? undefined;
    const [summary, page] = await Promise.all([
      gallery.dashboard.summary(identity.actor),
      gallery.jobAdmin.list(identity.actor, { status: "dead", limit: 50, cursor }),
    ]);
    return render(
      event,
      ctx,
      {
        view: "jobs",
        counts: summary.jobs,
        jobs: page.items.map((job) => ({
          id: job.id,
          type: job.type,
          attempts: job.attempts,
          lastError: job.lastError,
          updatedAt: job.updatedAt,
        })),
        nextHref: page.nextCursor ? `${base}/admin/jobs?cursor=${encodeURIComponent(page.nextCursor)}` : null,
      },
      headers,
    );
  });

  page("post", `/admin/jobs/:id/retry`, guardAdmin, async (event, identity, headers) => {
    const id = idParam(event);
    await readPostedForm(event.req, { csrfToken: true });
    await gallery.jobAdmin.retry(identity.actor, id);
    return seeOther(headers, `${base}/admin/jobs?done=job-retried`);
  });
  // --- Gallery settings -------------------------------------------------------------------------------

  const settingsPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    error: Refusal | null,
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const [current, stored] = await Promise.all([gallery.settings.get(), gallery.settings.derivatives()]);
    const configured = gallery.derivatives.formats().join(",");
    return render(
      event,
      ctx,
      {
        view: "settings",
        settings: { ...current, defaultLanguage: current.defaultLanguage ?? "" },
        languages: SUPPORTED_LANGUAGES,
        derivatives: {
          presets: gallery.derivatives.catalogue().map((p) => ({
            name: p.name,
            width: p.width,
            height: p.height,
            crop: p.crop,
            enabled: p.enabled,
            quality: p.quality,
            eager: p.eager,
          })),
          formatOrder: stored.formats?.join(",") ?? "",
          configuredFormats: stored.formats === null ? configured : "",
          formatChoices: FORMAT_ORDERS,
        },
      },
      headers,
      error,
    );
  };

  page("get", `/admin/settings`, guardAdmin, async (event, identity, headers) => {
    return settingsPage(event, identity, headers, null);
  });

  page("post", `/admin/settings`, guardAdmin, async (event, identity, headers) => {
    const { field } = await readPostedForm(event.req, { csrfToken: true });
    const language = field("defaultLanguage", 16);
    try {
      if (language !== "" && !(SUPPORTED_LANGUAGES as readonly string[]).includes(language))
        throw invalidForm("defaultLanguage");
      await gallery.settings.update(identity.actor, {
        title: field("title", 300),
        description: field("description", 3000),
        registration: field("registration", 16) as "off",
        loginOnly: field("loginOnly", 4) === "1",
        defaultLanguage: language === "" ? null : language,
        // Absent (a form without the field) leaves the rule as it is.
        location: (field("location", 16) || undefined) as "members" | undefined,
      });
    } catch (error) {
      return settingsPage(event, identity, headers, refusal(error));
    }
    return seeOther(headers, `${base}/admin/settings?done=settings`);
  });

  // Derivative presets (on/off, quality) and the format order: stored settings over the configuration. Only
  // values that differ from the configured ones are stored, so a later configuration change still shows.
  page("post", `/admin/settings/derivatives`, guardAdmin, async (event, identity, headers) => {
    const { field, form } = await readPostedForm(event.req, { csrfToken: true });
    try {
      if (field("reset", 4) === "1") {
        await gallery.settings.updateDerivatives(identity.actor, { presets: {}, formats: null });
      } else {
        const order = field("formats", 32);
        if (order !== "" && !FORMAT_ORDERS.includes(order)) throw invalidForm("formats");
        const presets: Record<string, PresetSetting> = {};
        for (const p of gallery.derivatives.catalogue()) {
          const raw = field(`quality.${p.name}`, 8);
          if (!/^\d{1,3}$/.test(raw)) throw invalidForm(`quality.${p.name}`);
          const quality = Number(raw);
          // Eager presets are made on upload: their box is always on (and posts no checkbox).
          const enabled = p.eager || form.getAll(`enabled.${p.name}`).includes("1");
          const change: PresetSetting = {};
          if (enabled !== p.configured.enabled) change.enabled = enabled;
          if (quality !== p.configured.quality) change.quality = quality;
          if (Object.keys(change).length > 0) presets[p.name] = change;
        }
        await gallery.settings.updateDerivatives(identity.actor, {
          presets,
          formats: order === "" ? null : (order.split(",") as DerivativeFormat[]),
        });
      }
    } catch (error) {
      return settingsPage(event, identity, headers, refusal(error));
    }
    return seeOther(headers, `${base}/admin/settings?done=derivatives`);
  });
}
