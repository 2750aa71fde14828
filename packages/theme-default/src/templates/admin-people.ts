import {
  type AdminPeoplePage,
  type AdminPluginField,
  type AdminPluginRow,
  html,
  type PageContext,
  type SafeHtml,
} from "@vernissage/core";
import { formatNumber, type MessageKey, translate } from "../i18n/i18n.js";
import { csrfField, formMessages } from "../parts/forms.js";
import { nextPageLink } from "../parts/navigation.js";
import { formatDate } from "../parts/text.js";

type View<V extends AdminPeoplePage["view"]> = Extract<AdminPeoplePage, { view: V }>;

/** Titles of the people, sharing and settings admin pages. */
export const PEOPLE_TITLES: Record<AdminPeoplePage["view"], MessageKey> = {
  users: "admin.users",
  user: "admin.people.user.title",
  groups: "admin.people.groups",
  group: "admin.people.group.title",
  shares: "admin.people.shares",
  share: "admin.people.share.title",
  tokens: "admin.people.tokens",
  plugins: "admin.people.plugins",
  plugin: "admin.people.plugin.title",
  jobs: "admin.jobs",
  settings: "admin.people.settings",
};

/** Tabs these pages add to the admin navigation (after the built-in ones), with the view each stands for. */
export const PEOPLE_TABS: { view: AdminPeoplePage["view"]; key: MessageKey; path: string }[] = [
  { view: "groups", key: "admin.people.groups", path: "/admin/groups" },
  { view: "shares", key: "admin.people.shares", path: "/account/shares" },
  { view: "tokens", key: "admin.people.tokens", path: "/account/tokens" },
  { view: "plugins", key: "admin.people.plugins", path: "/admin/plugins" },
  { view: "jobs", key: "admin.jobs", path: "/admin/jobs" },
  { view: "settings", key: "admin.people.settings", path: "/admin/settings" },
];

const LEVELS = [0, 1, 2, 4, 8] as const;
const ROLES = ["member", "admin", "owner"] as const;
const STATUSES = ["active", "disabled", "pending"] as const;

function when(ctx: PageContext, at: number | null, none: MessageKey): SafeHtml | string {
  if (at === null) return translate(ctx.lang, none);
  return html`<time datetime="${new Date(at).toISOString()}">${formatDate(at, ctx.lang)}</time>`;
}

function selected(on: boolean): SafeHtml | null {
  return on ? html` selected` : null;
}

function checked(on: boolean): SafeHtml | null {
  return on ? html` checked` : null;
}

function levelOptions(ctx: PageContext, current: number, max = 8): SafeHtml[] {
  return LEVELS.filter((level) => level <= max).map(
    (level) =>
      html`<option value="${level}"${selected(level === current)}>${translate(ctx.lang, `admin.photo.level${level}`)}</option>`,
  );
}

function roleOptions(ctx: PageContext, current: string): SafeHtml[] {
  return ROLES.map(
    (role) =>
      html`<option value="${role}"${selected(role === current)}>${translate(ctx.lang, `admin.people.role.${role}`)}</option>`,
  );
}

function statusLabel(ctx: PageContext, status: string): string {
  return (STATUSES as readonly string[]).includes(status)
    ? translate(ctx.lang, `admin.people.status.${status as (typeof STATUSES)[number]}`)
    : status;
}

function confirmForm(ctx: PageContext, action: string, question: string, cancelHref: string): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  return html`<section class="admin-panel" aria-labelledby="confirm-heading">
  <h2 id="confirm-heading">${question}</h2>
  <form method="post" action="${action}" class="admin-form" data-testid="confirm-delete">
    ${csrfField(ctx)}
    <input type="hidden" name="confirm" value="yes">
    <button type="submit" class="button button-danger">${t("admin.people.delete.confirm")}</button>
    <a href="${cancelHref}">${t("admin.people.cancel")}</a>
  </form>
</section>`;
}

function users(ctx: PageContext, data: View<"users">): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const base = ctx.basePath;
  return html`${formMessages(data.notice, data.error)}
<form class="admin-form admin-search" method="get" action="${base}/admin/users" role="search">
  <div class="field">
    <label for="user-search">${t("admin.people.users.search")}</label>
    <input id="user-search" name="q" type="search" value="${data.search}" maxlength="100">
  </div>
  ${
    data.approval
      ? html`<div class="field">
    <label for="user-filter">${t("admin.people.users.filter")}</label>
    <select id="user-filter" name="filter">
      <option value="all"${selected(data.filter === "all")}>${t("admin.people.users.all")}</option>
      <option value="pending"${selected(data.filter === "pending")}>${t("admin.people.users.pending")}</option>
    </select>
  </div>`
      : null
  }
  <button type="submit" class="button button-secondary">${t("admin.people.users.find")}</button>
</form>
<div class="table-scroll"><table class="admin-table" data-testid="user-table">
  <thead><tr><th scope="col">${t("admin.users.username")}</th><th scope="col">${t("admin.users.name")}</th><th scope="col">${t("admin.users.role")}</th><th scope="col">${t("admin.users.status")}</th><th scope="col">${t("admin.users.created")}</th><th scope="col"><span class="visually-hidden">${t("admin.people.actions")}</span></th></tr></thead>
  <tbody>
    ${data.users.map(
      (user) =>
        html`<tr data-testid="user-row"><td><a href="${base}/admin/users/${user.id}">${user.username}</a></td><td>${user.displayName}</td><td>${t(`admin.people.role.${user.role}`)}</td><td>${statusLabel(ctx, user.status)}</td><td>${when(ctx, user.createdAt, "admin.people.never")}</td><td>${
          user.status === "pending"
            ? html`<form method="post" action="${base}/admin/users/${user.id}/approve" class="inline-form">${csrfField(ctx)}<button type="submit" class="button button-secondary">${t("admin.people.users.approve")}<span class="visually-hidden"> ${user.username}</span></button></form>`
            : null
        }</td></tr>`,
    )}
  </tbody>
</table></div>
${data.users.length === 0 ? html`<p class="empty-state">${t("admin.people.users.none")}</p>` : null}
${nextPageLink(ctx, data.nextHref)}
<section aria-labelledby="new-user-heading" class="admin-panel">
  <h2 id="new-user-heading">${t("admin.people.users.create")}</h2>
  <form class="admin-form" method="post" action="${base}/admin/users" data-testid="create-user">
    ${csrfField(ctx)}
    <div class="field">
      <label for="new-username">${t("admin.users.username")}</label>
      <input id="new-username" name="username" type="text" required maxlength="64" autocomplete="off" pattern="[a-zA-Z0-9][a-zA-Z0-9._\\-]*">
    </div>
    <div class="field">
      <label for="new-display">${t("admin.users.name")}</label>
      <input id="new-display" name="displayName" type="text" maxlength="200" autocomplete="off">
    </div>
    <div class="field">
      <label for="new-email">${t("admin.people.users.email")}</label>
      <input id="new-email" name="email" type="email" maxlength="320" autocomplete="off">
    </div>
    <div class="field">
      <label for="new-password">${t("admin.people.users.password")}</label>
      <input id="new-password" name="password" type="password" minlength="8" maxlength="1024" autocomplete="new-password">
    </div>
    <div class="field">
      <label for="new-role">${t("admin.users.role")}</label>
      <select id="new-role" name="role">${roleOptions(ctx, "member")}</select>
    </div>
    <div class="field">
      <label for="new-level">${t("admin.people.users.level")}</label>
      <select id="new-level" name="privacyLevel">${levelOptions(ctx, 0)}</select>
    </div>
    <div class="field field-check">
      <input id="new-shared" name="sharedAccount" type="checkbox" value="1">
      <label for="new-shared">${t("admin.people.users.shared")}</label>
    </div>
    ${
      data.groups.length === 0
        ? null
        : html`<fieldset class="field field-wide">
      <legend>${t("admin.people.groups")}</legend>
      ${data.groups.map(
        (g) =>
          html`<span class="field-check"><input id="new-group-${g.id}" name="groupId" type="checkbox" value="${g.id}"><label for="new-group-${g.id}">${g.name}</label></span>`,
      )}
    </fieldset>`
    }
    <button type="submit" class="button">${t("admin.people.users.submitCreate")}</button>
  </form>
</section>`;
}

function userEditor(ctx: PageContext, data: View<"user">): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const base = ctx.basePath;
  const { user } = data;
  const action = `${base}/admin/users/${user.id}`;
  if (data.confirmDelete) {
    return html`${formMessages(data.notice, data.error)}
${confirmForm(ctx, `${action}/delete`, translate(ctx.lang, "admin.people.users.deleteQuestion", { name: user.username }), action)}`;
  }
  return html`${formMessages(data.notice, data.error)}
<p><a href="${base}/admin/users">${t("admin.people.users.back")}</a></p>
<section class="admin-panel" aria-labelledby="user-heading">
  <h2 id="user-heading">${user.username}</h2>
  <form class="admin-form" method="post" action="${action}" data-testid="edit-user">
    ${csrfField(ctx)}
    <div class="field">
      <label for="user-display">${t("admin.users.name")}</label>
      <input id="user-display" name="displayName" type="text" value="${user.displayName}" required maxlength="200">
    </div>
    <div class="field">
      <label for="user-email">${t("admin.people.users.email")}</label>
      <input id="user-email" name="email" type="email" value="${user.email ?? ""}" maxlength="320">
    </div>
    <div class="field">
      <label for="user-role">${t("admin.users.role")}</label>
      <select id="user-role" name="role">${roleOptions(ctx, user.role)}</select>
    </div>
    <div class="field">
      <label for="user-level">${t("admin.people.users.level")}</label>
      <select id="user-level" name="privacyLevel">${levelOptions(ctx, user.privacyLevel)}</select>
    </div>
    <div class="field">
      <label for="user-status">${t("admin.users.status")}</label>
      <select id="user-status" name="status">
        ${STATUSES.map((s) => html`<option value="${s}"${selected(s === user.status)}>${statusLabel(ctx, s)}</option>`)}
      </select>
    </div>
    <div class="field field-check">
      <input id="user-shared" name="sharedAccount" type="checkbox" value="1"${checked(user.sharedAccount)}>
      <label for="user-shared">${t("admin.people.users.shared")}</label>
    </div>
    <div class="field">
      <label for="user-password">${t("admin.people.users.newPassword")}</label>
      <input id="user-password" name="password" type="password" minlength="8" maxlength="1024" autocomplete="new-password">
    </div>
    ${
      data.groups.length === 0
        ? null
        : html`<fieldset class="field field-wide">
      <legend>${t("admin.people.groups")}</legend>
      <input type="hidden" name="groupsShown" value="1">
      ${data.groups.map(
        (g) =>
          html`<span class="field-check"><input id="user-group-${g.id}" name="groupId" type="checkbox" value="${g.id}"${checked(g.member)}><label for="user-group-${g.id}">${g.name}</label></span>`,
      )}
    </fieldset>`
    }
    <button type="submit" class="button">${t("admin.people.save")}</button>
  </form>
</section>
<p><a class="button button-danger" href="${action}/delete">${t("admin.people.users.delete")}</a></p>`;
}

function groups(ctx: PageContext, data: View<"groups">): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const base = ctx.basePath;
  return html`${formMessages(data.notice, data.error)}
<section aria-labelledby="new-group-heading" class="admin-panel">
  <h2 id="new-group-heading">${t("admin.people.groups.create")}</h2>
  <form class="admin-form" method="post" action="${base}/admin/groups" data-testid="create-group">
    ${csrfField(ctx)}
    <div class="field">
      <label for="group-name">${t("admin.people.groups.name")}</label>
      <input id="group-name" name="name" type="text" required maxlength="100">
    </div>
    <div class="field field-check">
      <input id="group-default" name="isDefault" type="checkbox" value="1">
      <label for="group-default">${t("admin.people.groups.default")}</label>
    </div>
    <button type="submit" class="button">${t("admin.people.groups.submitCreate")}</button>
  </form>
</section>
${
  data.groups.length === 0
    ? html`<p class="empty-state">${t("admin.people.groups.none")}</p>`
    : html`<div class="table-scroll"><table class="admin-table" data-testid="group-table">
  <thead><tr><th scope="col">${t("admin.people.groups.name")}</th><th scope="col">${t("admin.people.groups.members")}</th><th scope="col">${t("admin.people.groups.defaultShort")}</th></tr></thead>
  <tbody>
    ${data.groups.map(
      (g) =>
        html`<tr data-testid="group-row"><td><a href="${base}/admin/groups/${g.id}">${g.name}</a></td><td>${formatNumber(g.memberCount, ctx.lang)}</td><td>${g.isDefault ? t("admin.people.yes") : t("admin.people.no")}</td></tr>`,
    )}
  </tbody>
</table></div>`
}`;
}

function groupEditor(ctx: PageContext, data: View<"group">): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const action = `${ctx.basePath}/admin/groups/${data.group.id}`;
  if (data.confirmDelete) {
    return html`${formMessages(data.notice, data.error)}
${confirmForm(ctx, `${action}/delete`, translate(ctx.lang, "admin.people.groups.deleteQuestion", { name: data.group.name }), action)}`;
  }
  return html`${formMessages(data.notice, data.error)}
<p><a href="${ctx.basePath}/admin/groups">${t("admin.people.groups.back")}</a></p>
<section class="admin-panel" aria-labelledby="group-heading">
  <h2 id="group-heading">${data.group.name}</h2>
  <form class="admin-form" method="post" action="${action}" data-testid="edit-group">
    ${csrfField(ctx)}
    <div class="field">
      <label for="group-rename">${t("admin.people.groups.name")}</label>
      <input id="group-rename" name="name" type="text" value="${data.group.name}" required maxlength="100">
    </div>
    <div class="field field-check">
      <input id="group-is-default" name="isDefault" type="checkbox" value="1"${checked(data.group.isDefault)}>
      <label for="group-is-default">${t("admin.people.groups.default")}</label>
    </div>
    <button type="submit" class="button">${t("admin.people.save")}</button>
  </form>
</section>
<section class="admin-panel" aria-labelledby="members-heading">
  <h2 id="members-heading">${t("admin.people.groups.members")}</h2>
  ${
    data.members.length === 0
      ? html`<p class="empty-state">${t("admin.people.groups.noMembers")}</p>`
      : html`<ul class="member-list" role="list" data-testid="member-list">
    ${data.members.map(
      (m) =>
        html`<li><span>${m.displayName} (${m.username})</span> <form method="post" action="${action}/members/remove" class="inline-form">${csrfField(ctx)}<input type="hidden" name="userId" value="${m.id}"><button type="submit" class="button button-secondary">${t("admin.people.groups.remove")}<span class="visually-hidden"> ${m.username}</span></button></form></li>`,
    )}
  </ul>`
  }
  ${
    data.candidates.length === 0
      ? null
      : html`<form class="admin-form" method="post" action="${action}/members" data-testid="add-member">
    ${csrfField(ctx)}
    <div class="field">
      <label for="member-add">${t("admin.people.groups.addWho")}</label>
      <select id="member-add" name="userId">${data.candidates.map((c) => html`<option value="${c.id}">${c.username}</option>`)}</select>
    </div>
    <button type="submit" class="button">${t("admin.people.groups.add")}</button>
  </form>`
  }
</section>
<p><a class="button button-danger" href="${action}/delete">${t("admin.people.groups.delete")}</a></p>`;
}

function createdOnce(ctx: PageContext, label: string, value: string, testid: string): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  return html`<section class="admin-panel secret-once" aria-labelledby="${testid}-heading">
  <h2 id="${testid}-heading">${label}</h2>
  <p>${t("admin.people.once")}</p>
  <div class="copy-row">
    <label class="visually-hidden" for="${testid}">${label}</label>
    <input id="${testid}" type="text" readonly value="${value}" data-testid="${testid}" data-copy-source="">
    <button type="button" class="button button-secondary" data-copy-target="${testid}" data-copied="${t("admin.people.copied")}" hidden>${t("admin.people.copy")}</button>
  </div>
</section>`;
}

function shares(ctx: PageContext, data: View<"shares">): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const base = ctx.basePath;
  return html`${formMessages(data.notice, data.error)}
${data.createdUrl === null ? null : createdOnce(ctx, t("admin.people.shares.created"), data.createdUrl, "share-url")}
${
  data.albums.length === 0
    ? null
    : html`<section aria-labelledby="new-share-heading" class="admin-panel">
  <h2 id="new-share-heading">${t("admin.people.shares.create")}</h2>
  <form class="admin-form" method="post" action="${base}/account/shares" data-testid="create-share">
    ${csrfField(ctx)}
    <div class="field">
      <label for="share-album">${t("admin.upload.album")}</label>
      <select id="share-album" name="albumId">${data.albums.map((a) => html`<option value="${a.id}">${a.label}</option>`)}</select>
    </div>
    <div class="field">
      <label for="share-photos">${t("admin.people.shares.photos")}</label>
      <input id="share-photos" name="photoIds" type="text" maxlength="20000" aria-describedby="share-photos-hint">
      <span id="share-photos-hint" class="field-hint">${t("admin.people.shares.photosHint")}</span>
    </div>
    <div class="field">
      <label for="share-password">${t("admin.people.shares.password")}</label>
      <input id="share-password" name="password" type="password" minlength="4" maxlength="1024" autocomplete="new-password">
    </div>
    <div class="field">
      <label for="share-expires">${t("admin.people.expires")}</label>
      <input id="share-expires" name="expiresAt" type="date">
    </div>
    <div class="field">
      <label for="share-uses">${t("admin.people.shares.maxUses")}</label>
      <input id="share-uses" name="maxUses" type="number" min="1" max="1000000" step="1">
    </div>
    <div class="field">
      <label for="share-level">${t("admin.people.users.level")}</label>
      <select id="share-level" name="privacyLevel">${levelOptions(ctx, 0, data.maxLevel)}</select>
    </div>
    <div class="field field-check">
      <input id="share-download" name="canDownload" type="checkbox" value="1">
      <label for="share-download">${t("admin.people.shares.download")}</label>
    </div>
    <button type="submit" class="button">${t("admin.people.shares.submitCreate")}</button>
  </form>
</section>`
}
<section aria-labelledby="share-list-heading">
  <h2 id="share-list-heading">${data.allLinks ? t("admin.people.shares.all") : t("admin.people.shares.mine")}</h2>
  ${
    data.links.length === 0
      ? html`<p class="empty-state">${t("admin.people.shares.none")}</p>`
      : html`<div class="table-scroll"><table class="admin-table" data-testid="share-table">
    <thead><tr><th scope="col">${t("admin.people.prefix")}</th><th scope="col">${t("admin.people.shares.target")}</th><th scope="col">${t("admin.people.shares.views")}</th><th scope="col">${t("admin.people.shares.uses")}</th><th scope="col">${t("admin.people.expires")}</th><th scope="col">${t("admin.users.status")}</th><th scope="col"><span class="visually-hidden">${t("admin.people.actions")}</span></th></tr></thead>
    <tbody>
      ${data.links.map(
        (link) =>
          html`<tr data-testid="share-row"><td><code>${link.prefix}…</code>${link.hasPassword ? html` <span class="badge">${t("admin.people.shares.protected")}</span>` : null}</td><td>${link.target}</td><td>${formatNumber(link.viewCount, ctx.lang)}</td><td>${formatNumber(link.useCount, ctx.lang)}${link.maxUses === null ? null : html` / ${formatNumber(link.maxUses, ctx.lang)}`}</td><td>${when(ctx, link.expiresAt, "admin.people.never")}</td><td>${link.revokedAt === null ? t("admin.people.live") : t("admin.people.revoked")}</td><td>${
            link.revokedAt === null
              ? html`<a class="button button-secondary" href="${base}/account/shares/${link.id}/edit" data-testid="share-edit">${t("admin.people.shares.edit")}<span class="visually-hidden"> ${link.prefix}</span></a> <form method="post" action="${base}/account/shares/${link.id}/revoke" class="inline-form">${csrfField(ctx)}<button type="submit" class="button button-secondary">${t("admin.people.revoke")}<span class="visually-hidden"> ${link.prefix}</span></button></form>`
              : null
          }</td></tr>`,
      )}
    </tbody>
  </table></div>`
  }
  ${nextPageLink(ctx, data.nextHref, data.firstHref)}
</section>`;
}

/** The UTC day of an epoch-ms time, as an `<input type="date">` value. */
function dayOf(at: number | null): string {
  return at === null ? "" : new Date(at).toISOString().slice(0, 10);
}

function shareEditor(ctx: PageContext, data: View<"share">): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const base = ctx.basePath;
  const link = data.link;
  return html`${formMessages(data.notice, data.error)}
<p><a href="${base}/account/shares">${t("admin.people.shares.back")}</a></p>
<section aria-labelledby="share-edit-heading" class="admin-panel">
  <h2 id="share-edit-heading"><code>${link.prefix}…</code> ${link.target}</h2>
  <form class="admin-form" method="post" action="${base}/account/shares/${link.id}/edit" data-testid="edit-share">
    ${csrfField(ctx)}
    <div class="field">
      <label for="share-edit-expires">${t("admin.people.expires")}</label>
      <input id="share-edit-expires" name="expiresAt" type="date" value="${dayOf(link.expiresAt)}" aria-describedby="share-edit-expires-hint">
      <input type="hidden" name="expiresWas" value="${dayOf(link.expiresAt)}">
      <span id="share-edit-expires-hint" class="field-hint">${t("admin.people.shares.expiresHint")}</span>
    </div>
    <div class="field">
      <label for="share-edit-password">${t("admin.people.shares.newPassword")}</label>
      <input id="share-edit-password" name="password" type="password" minlength="4" maxlength="1024" autocomplete="new-password">
    </div>
    ${
      link.hasPassword
        ? html`<div class="field field-check">
      <input id="share-edit-clear" name="clearPassword" type="checkbox" value="1">
      <label for="share-edit-clear">${t("admin.people.shares.clearPassword")}</label>
    </div>`
        : null
    }
    <div class="field">
      <label for="share-edit-uses">${t("admin.people.shares.maxUses")}</label>
      <input id="share-edit-uses" name="maxUses" type="number" min="1" max="1000000" step="1" value="${link.maxUses === null ? "" : String(link.maxUses)}">
    </div>
    <div class="field">
      <label for="share-edit-level">${t("admin.people.users.level")}</label>
      <select id="share-edit-level" name="privacyLevel">${levelOptions(ctx, link.privacyLevel, Math.max(data.maxLevel, link.privacyLevel))}</select>
    </div>
    <div class="field field-check">
      <input id="share-edit-download" name="canDownload" type="checkbox" value="1"${checked(link.canDownload)}>
      <label for="share-edit-download">${t("admin.people.shares.download")}</label>
    </div>
    ${
      link.isAlbum
        ? html`<div class="field field-check">
      <input id="share-edit-upload" name="canUpload" type="checkbox" value="1"${checked(link.canUpload)}>
      <label for="share-edit-upload">${t("admin.people.shares.upload")}</label>
    </div>`
        : null
    }
    <button type="submit" class="button">${t("admin.people.save")}</button>
  </form>
</section>`;
}

function tokens(ctx: PageContext, data: View<"tokens">): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const base = ctx.basePath;
  return html`${formMessages(data.notice, data.error)}
${data.createdSecret === null ? null : createdOnce(ctx, t("admin.people.tokens.created"), data.createdSecret, "token-secret")}
<section aria-labelledby="new-token-heading" class="admin-panel">
  <h2 id="new-token-heading">${t("admin.people.tokens.create")}</h2>
  <form class="admin-form" method="post" action="${base}/account/tokens" data-testid="create-token">
    ${csrfField(ctx)}
    <div class="field">
      <label for="token-name">${t("admin.people.tokens.name")}</label>
      <input id="token-name" name="name" type="text" required maxlength="100">
    </div>
    <div class="field">
      <label for="token-expires">${t("admin.people.expires")}</label>
      <input id="token-expires" name="expiresAt" type="date">
    </div>
    <fieldset class="field field-wide">
      <legend>${t("admin.people.tokens.scopes")}</legend>
      ${data.scopes.map(
        (scope) =>
          html`<span class="field-check"><input id="scope-${scope.replace(":", "-")}" name="scope" type="checkbox" value="${scope}"><label for="scope-${scope.replace(":", "-")}"><code>${scope}</code></label></span>`,
      )}
    </fieldset>
    ${
      data.albums.length === 0
        ? null
        : html`<div class="field field-wide">
      <label for="token-albums">${t("admin.people.tokens.albums")}</label>
      <select id="token-albums" name="albumId" multiple size="${Math.min(6, data.albums.length)}" aria-describedby="token-albums-hint">${data.albums.map((a) => html`<option value="${a.id}">${a.label}</option>`)}</select>
      <span id="token-albums-hint" class="field-hint">${t("admin.people.tokens.albumsHint")}</span>
    </div>`
    }
    <button type="submit" class="button">${t("admin.people.tokens.submitCreate")}</button>
  </form>
</section>
<section aria-labelledby="token-list-heading">
  <h2 id="token-list-heading">${t("admin.people.tokens.list")}</h2>
  ${
    data.tokens.length === 0
      ? html`<p class="empty-state">${t("admin.people.tokens.none")}</p>`
      : html`<div class="table-scroll"><table class="admin-table" data-testid="token-table">
    <thead><tr><th scope="col">${t("admin.people.tokens.name")}</th><th scope="col">${t("admin.people.prefix")}</th><th scope="col">${t("admin.people.tokens.scopes")}</th><th scope="col">${t("admin.people.tokens.albumsShort")}</th><th scope="col">${t("admin.people.expires")}</th><th scope="col">${t("admin.people.tokens.lastUsed")}</th><th scope="col"><span class="visually-hidden">${t("admin.people.actions")}</span></th></tr></thead>
    <tbody>
      ${data.tokens.map(
        (token) =>
          html`<tr data-testid="token-row"><td>${token.name}</td><td><code>${token.prefix}</code></td><td>${token.scopes.map((s, i) => html`${i > 0 ? ", " : null}<code>${s}</code>`)}</td><td>${token.albums === null ? t("admin.people.tokens.allAlbums") : token.albums.join(", ")}</td><td>${when(ctx, token.expiresAt, "admin.people.never")}</td><td>${when(ctx, token.lastUsedAt, "admin.people.never")}</td><td>${
            token.revokedAt === null
              ? html`<form method="post" action="${base}/account/tokens/${token.id}/revoke" class="inline-form">${csrfField(ctx)}<button type="submit" class="button button-secondary">${t("admin.people.revoke")}<span class="visually-hidden"> ${token.name}</span></button></form>`
              : t("admin.people.revoked")
          }</td></tr>`,
      )}
    </tbody>
  </table></div>`
  }
</section>`;
}

function pluginState(ctx: PageContext, state: string): string {
  const known = ["available", "enabled", "disabled", "uninstalled", "incompatible", "missing"] as const;
  return (known as readonly string[]).includes(state)
    ? translate(ctx.lang, `admin.people.plugins.state.${state as (typeof known)[number]}`)
    : state;
}

function pluginActions(ctx: PageContext, plugin: AdminPluginRow): SafeHtml | null {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const action = `${ctx.basePath}/admin/plugins/${encodeURIComponent(plugin.name)}/state`;
  const target =
    plugin.state === "enabled"
      ? "disabled"
      : ["available", "disabled", "uninstalled"].includes(plugin.state)
        ? "enabled"
        : null;
  if (target === null) return null;
  return html`<form method="post" action="${action}" class="inline-form">${csrfField(ctx)}<input type="hidden" name="state" value="${target}"><button type="submit" class="button button-secondary">${target === "enabled" ? t("admin.people.plugins.enable") : t("admin.people.plugins.disable")}<span class="visually-hidden"> ${plugin.name}</span></button></form>`;
}

function plugins(ctx: PageContext, data: View<"plugins">): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  return html`${formMessages(data.notice, data.error)}
${
  data.plugins.length === 0
    ? html`<p class="empty-state">${t("admin.people.plugins.none")}</p>`
    : html`<div class="table-scroll"><table class="admin-table" data-testid="plugin-table">
  <thead><tr><th scope="col">${t("admin.people.plugins.name")}</th><th scope="col">${t("admin.people.plugins.version")}</th><th scope="col">${t("admin.people.plugins.compat")}</th><th scope="col">${t("admin.users.status")}</th><th scope="col"><span class="visually-hidden">${t("admin.people.actions")}</span></th></tr></thead>
  <tbody>
    ${data.plugins.map(
      (p) =>
        html`<tr data-testid="plugin-row"><td><strong>${p.name}</strong>${p.description === null ? null : html`<br><span class="field-hint">${p.description}</span>`}</td><td>${p.version ?? "—"}${p.installedVersion !== null && p.installedVersion !== p.version ? html` (${p.installedVersion})` : null}</td><td><code>${p.compat}</code></td><td>${pluginState(ctx, p.state)}${p.error === null ? null : html`<br><span class="field-hint">${p.error}</span>`}</td><td>${pluginActions(ctx, p)} ${p.configurable ? html`<a href="${ctx.basePath}/admin/plugins/${encodeURIComponent(p.name)}">${t("admin.people.plugins.settings")}<span class="visually-hidden"> ${p.name}</span></a>` : null}</td></tr>`,
    )}
  </tbody>
</table></div>`
}`;
}

function pluginField(field: AdminPluginField): SafeHtml {
  const id = `plugin-field-${field.name}`;
  const hint =
    field.description === null
      ? null
      : html`<span id="${id}-hint" class="field-hint">${field.description}</span>`;
  const described = field.description === null ? null : html` aria-describedby="${id}-hint"`;
  if (field.kind === "boolean") {
    return html`<div class="field field-check"><input type="hidden" name="field.${field.name}" value="false"><input id="${id}" name="field.${field.name}" type="checkbox" value="true"${checked(field.value === "true")}${described}><label for="${id}">${field.name}</label>${hint}</div>`;
  }
  if (field.kind === "select") {
    return html`<div class="field"><label for="${id}">${field.name}</label><select id="${id}" name="field.${field.name}"${described}>${(field.options ?? []).map((o) => html`<option value="${o}"${selected(o === field.value)}>${o}</option>`)}</select>${hint}</div>`;
  }
  if (field.kind === "json") {
    return html`<div class="field field-wide"><label for="${id}">${field.name} (JSON)</label><textarea id="${id}" name="field.${field.name}" rows="3" maxlength="20000"${described}>${field.value}</textarea>${hint}</div>`;
  }
  return html`<div class="field"><label for="${id}">${field.name}</label><input id="${id}" name="field.${field.name}" type="${field.kind === "number" ? "number" : "text"}"${field.kind === "number" ? html` step="any"` : null} value="${field.value}" maxlength="10000"${field.required ? html` required` : null}${described}>${hint}</div>`;
}

function pluginEditor(ctx: PageContext, data: View<"plugin">): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const action = `${ctx.basePath}/admin/plugins/${encodeURIComponent(data.plugin.name)}`;
  return html`${formMessages(data.notice, data.error)}
<p><a href="${ctx.basePath}/admin/plugins">${t("admin.people.plugins.back")}</a></p>
<section class="admin-panel" aria-labelledby="plugin-heading">
  <h2 id="plugin-heading">${data.plugin.name} <span class="field-hint">${pluginState(ctx, data.plugin.state)}</span></h2>
  ${data.plugin.description === null ? null : html`<p>${data.plugin.description}</p>`}
  ${
    data.fields.length === 0
      ? html`<p class="empty-state">${t("admin.people.plugins.noSettings")}</p>`
      : html`<form class="admin-form" method="post" action="${action}" data-testid="plugin-settings">
    ${csrfField(ctx)}
    ${data.fields.map(pluginField)}
    <button type="submit" class="button">${t("admin.people.save")}</button>
  </form>`
  }
</section>`;
}

function jobs(ctx: PageContext, data: View<"jobs">): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const n = (value: number) => formatNumber(value, ctx.lang);
  return html`${formMessages(data.notice, data.error)}
<dl class="stat-grid" data-testid="job-counts">
  <div><dt>${t("admin.jobs.pending")}</dt><dd>${n(data.counts.pending)}</dd></div>
  <div><dt>${t("admin.jobs.running")}</dt><dd>${n(data.counts.running)}</dd></div>
  <div><dt>${t("admin.jobs.done")}</dt><dd>${n(data.counts.done)}</dd></div>
  <div${data.counts.dead > 0 ? html` class="stat-alert"` : null}><dt>${t("admin.jobs.dead")}</dt><dd>${n(data.counts.dead)}</dd></div>
</dl>
<section aria-labelledby="dead-heading">
  <h2 id="dead-heading">${t("admin.people.jobs.failed")}</h2>
  ${
    data.jobs.length === 0
      ? html`<p class="empty-state">${t("admin.people.jobs.none")}</p>`
      : html`<div class="table-scroll"><table class="admin-table" data-testid="job-table">
    <thead><tr><th scope="col">${t("admin.people.jobs.type")}</th><th scope="col">${t("admin.people.jobs.attempts")}</th><th scope="col">${t("admin.people.jobs.error")}</th><th scope="col">${t("admin.activity.when")}</th><th scope="col"><span class="visually-hidden">${t("admin.people.actions")}</span></th></tr></thead>
    <tbody>
      ${data.jobs.map(
        (job) =>
          html`<tr data-testid="job-row"><td><code>${job.type}</code></td><td>${n(job.attempts)}</td><td>${job.lastError ?? ""}</td><td>${when(ctx, job.updatedAt, "admin.people.never")}</td><td><form method="post" action="${ctx.basePath}/admin/jobs/${job.id}/retry" class="inline-form">${csrfField(ctx)}<button type="submit" class="button button-secondary">${t("admin.people.jobs.retry")}<span class="visually-hidden"> ${job.type}</span></button></form></td></tr>`,
      )}
    </tbody>
  </table></div>`
  }
  ${nextPageLink(ctx, data.nextHref)}
</section>`;
}

function settings(ctx: PageContext, data: View<"settings">): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const s = data.settings;
  return html`${formMessages(data.notice, data.error)}
<form class="admin-form" method="post" action="${ctx.basePath}/admin/settings" data-testid="gallery-settings">
  ${csrfField(ctx)}
  <div class="field field-wide">
    <label for="settings-title">${t("admin.people.settings.title")}</label>
    <input id="settings-title" name="title" type="text" value="${s.title}" required maxlength="200">
  </div>
  <div class="field field-wide">
    <label for="settings-description">${t("admin.people.settings.description")}</label>
    <textarea id="settings-description" name="description" rows="3" maxlength="2000">${s.description}</textarea>
  </div>
  <div class="field">
    <label for="settings-registration">${t("admin.people.settings.registration")}</label>
    <select id="settings-registration" name="registration">
      ${(["off", "open", "approval"] as const).map((mode) => html`<option value="${mode}"${selected(mode === s.registration)}>${t(`admin.people.settings.registration.${mode}`)}</option>`)}
    </select>
  </div>
  <div class="field">
    <label for="settings-language">${t("admin.people.settings.language")}</label>
    <select id="settings-language" name="defaultLanguage">
      <option value=""${selected(s.defaultLanguage === "")}>${t("admin.people.settings.language.browser")}</option>
      ${data.languages.map((lang) => html`<option value="${lang}"${selected(lang === s.defaultLanguage)}>${t(`admin.people.settings.language.${lang === "fr" ? "fr" : "en"}`)}</option>`)}
    </select>
  </div>
  <div class="field">
    <label for="settings-location">${t("admin.people.settings.location")}</label>
    <select id="settings-location" name="location" aria-describedby="settings-location-hint">
      ${(["everyone", "members", "owners"] as const).map((rule) => html`<option value="${rule}"${selected(rule === s.location)}>${t(`admin.people.settings.location.${rule}`)}</option>`)}
    </select>
    <p class="admin-hint" id="settings-location-hint">${t("admin.people.settings.locationHint")}</p>
  </div>
  <div class="field field-check">
    <input id="settings-login-only" name="loginOnly" type="checkbox" value="1"${checked(s.loginOnly)}>
    <label for="settings-login-only">${t("admin.people.settings.loginOnly")}</label>
  </div>
  <button type="submit" class="button">${t("admin.people.save")}</button>
</form>
${derivativeSettings(ctx, data.derivatives)}`;
}

function derivativeSettings(ctx: PageContext, d: View<"settings">["derivatives"]): SafeHtml {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(ctx.lang, key, params);
  const label = (order: string) =>
    order
      .split(",")
      .map((f) => f.toUpperCase())
      .join(" → ");
  return html`<section class="admin-panel" aria-labelledby="derivatives-heading">
  <h2 id="derivatives-heading">${t("admin.people.settings.derivatives")}</h2>
  <p class="admin-hint">${t("admin.people.settings.derivativesHint")}</p>
  <form class="admin-form" method="post" action="${ctx.basePath}/admin/settings/derivatives" data-testid="derivative-settings">
    ${csrfField(ctx)}
    <div class="table-scroll"><table class="admin-table" data-testid="preset-table">
      <thead><tr><th scope="col">${t("admin.people.settings.preset")}</th><th scope="col">${t("admin.people.settings.box")}</th><th scope="col">${t("admin.people.settings.enabled")}</th><th scope="col">${t("admin.people.settings.quality")}</th></tr></thead>
      <tbody>
        ${d.presets.map(
          (p) =>
            html`<tr data-testid="preset-row"><th scope="row">${p.name}</th><td>${p.width}×${p.height}${p.crop ? html` <span class="badge">${t("admin.people.settings.cropped")}</span>` : null}</td><td>${
              p.eager
                ? html`<input id="preset-enabled-${p.name}" type="checkbox" checked disabled aria-describedby="preset-eager-${p.name}"><label for="preset-enabled-${p.name}" class="visually-hidden">${t("admin.people.settings.enable", { name: p.name })}</label> <span id="preset-eager-${p.name}" class="field-hint">${t("admin.people.settings.eager")}</span>`
                : html`<input id="preset-enabled-${p.name}" name="enabled.${p.name}" type="checkbox" value="1"${checked(p.enabled)}><label for="preset-enabled-${p.name}" class="visually-hidden">${t("admin.people.settings.enable", { name: p.name })}</label>`
            }</td><td><label for="preset-quality-${p.name}" class="visually-hidden">${t("admin.people.settings.qualityOf", { name: p.name })}</label><input id="preset-quality-${p.name}" name="quality.${p.name}" type="number" min="1" max="100" step="1" required value="${String(p.quality)}"></td></tr>`,
        )}
      </tbody>
    </table></div>
    <div class="field">
      <label for="settings-formats">${t("admin.people.settings.formats")}</label>
      <select id="settings-formats" name="formats">
        <option value=""${selected(d.formatOrder === "")}>${t("admin.people.settings.formatsConfigured", { order: d.configuredFormats === "" ? "—" : label(d.configuredFormats) })}</option>
        ${d.formatChoices.map((order) => html`<option value="${order}"${selected(order === d.formatOrder)}>${label(order)}</option>`)}
      </select>
    </div>
    <button type="submit" class="button">${t("admin.people.save")}</button>
    <button type="submit" class="button button-secondary" name="reset" value="1" formnovalidate>${t("admin.people.settings.reset")}</button>
  </form>
</section>`;
}

/** Content of the people, sharing and settings admin pages (below the page title and the admin tabs). */
export function adminPeople(ctx: PageContext, data: AdminPeoplePage): SafeHtml {
  switch (data.view) {
    case "users":
      return users(ctx, data);
    case "user":
      return userEditor(ctx, data);
    case "groups":
      return groups(ctx, data);
    case "group":
      return groupEditor(ctx, data);
    case "shares":
      return shares(ctx, data);
    case "share":
      return shareEditor(ctx, data);
    case "tokens":
      return tokens(ctx, data);
    case "plugins":
      return plugins(ctx, data);
    case "plugin":
      return pluginEditor(ctx, data);
    case "jobs":
      return jobs(ctx, data);
    case "settings":
      return settings(ctx, data);
  }
}
