import {
  type AdminPage,
  html,
  jsonForScript,
  type PageContext,
  type SafeHtml,
  type ThemeTemplates,
} from "@vernissage/core";
import { formatNumber, type MessageKey, translate } from "../i18n/i18n.js";
import { csrfField } from "../parts/forms.js";
import { thumbSource } from "../parts/images.js";
import { nextPageLink } from "../parts/navigation.js";
import { formatDate, photoLabel } from "../parts/text.js";

const UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

/** "1.5 GB" in the page language. */
export function formatBytes(bytes: number, lang: string): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  try {
    return new Intl.NumberFormat(lang, {
      style: "unit",
      unit: UNITS[unit],
      unitDisplay: "short",
      maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0,
    }).format(value);
  } catch {
    return `${formatNumber(Math.round(value), lang)} ${UNITS[unit]}`;
  }
}

const TABS: { view: AdminPage["view"]; key: MessageKey; path: string }[] = [
  { view: "dashboard", key: "admin.dashboard", path: "" },
  { view: "albums", key: "admin.albums", path: "/albums" },
  { view: "upload", key: "admin.upload", path: "/upload" },
  { view: "users", key: "admin.users", path: "/users" },
];

function tabs(ctx: PageContext, current: AdminPage["view"]): SafeHtml {
  return html`<nav class="admin-tabs" aria-label="${translate(ctx.lang, "admin.nav")}">
  <ul role="list">
    ${TABS.map(
      (tab) =>
        html`<li><a href="${ctx.basePath}/admin${tab.path}"${tab.view === current ? html` aria-current="page"` : null}>${translate(ctx.lang, tab.key)}</a></li>`,
    )}
  </ul>
</nav>`;
}

function messages(notice: string | null, error: string | null): SafeHtml {
  return html`<div class="form-error" role="alert">${error === null ? null : html`<p>${error}</p>`}</div>
${notice === null ? null : html`<p class="notice" role="status">${notice}</p>`}`;
}

function dashboard(ctx: PageContext, data: Extract<AdminPage, { view: "dashboard" }>): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const n = (value: number) => formatNumber(value, ctx.lang);
  const { summary } = data;
  return html`<section aria-labelledby="counts-heading">
  <h2 id="counts-heading">${t("admin.counts")}</h2>
  <dl class="stat-grid" data-testid="admin-counts">
    <div><dt>${t("admin.albums")}</dt><dd>${n(summary.albums)}</dd></div>
    <div><dt>${t("admin.photos")}</dt><dd>${n(summary.photos)}</dd></div>
    <div><dt>${t("admin.users")}</dt><dd>${n(summary.users)}</dd></div>
    <div><dt>${t("admin.tags")}</dt><dd>${n(summary.tags)}</dd></div>
  </dl>
</section>
<section aria-labelledby="storage-heading">
  <h2 id="storage-heading">${t("admin.storage")}</h2>
  <dl class="stat-grid">
    <div><dt>${t("admin.originals")}</dt><dd>${formatBytes(summary.originalBytes, ctx.lang)}</dd></div>
    <div><dt>${translate(ctx.lang, "admin.derivatives", { count: summary.derivativeFiles })}</dt><dd>${formatBytes(summary.derivativeBytes, ctx.lang)}</dd></div>
  </dl>
</section>
<section aria-labelledby="jobs-heading">
  <h2 id="jobs-heading">${t("admin.jobs")}</h2>
  <dl class="stat-grid">
    <div><dt>${t("admin.jobs.pending")}</dt><dd>${n(summary.jobs.pending)}</dd></div>
    <div><dt>${t("admin.jobs.running")}</dt><dd>${n(summary.jobs.running)}</dd></div>
    <div><dt>${t("admin.jobs.done")}</dt><dd>${n(summary.jobs.done)}</dd></div>
    <div${summary.jobs.dead > 0 ? html` class="stat-alert"` : null}><dt>${t("admin.jobs.dead")}</dt><dd>${n(summary.jobs.dead)}</dd></div>
  </dl>
</section>
<section aria-labelledby="activity-heading">
  <h2 id="activity-heading">${t("admin.activity")}</h2>
  ${
    data.activity.length === 0
      ? html`<p class="empty-state">${t("admin.activity.none")}</p>`
      : html`<div class="table-scroll"><table class="admin-table">
    <thead><tr><th scope="col">${t("admin.activity.when")}</th><th scope="col">${t("admin.activity.who")}</th><th scope="col">${t("admin.activity.what")}</th><th scope="col">${t("admin.activity.target")}</th></tr></thead>
    <tbody>
      ${data.activity.map(
        (entry) =>
          html`<tr><td><time datetime="${new Date(entry.at).toISOString()}">${formatDate(entry.at, ctx.lang)}</time></td><td>${entry.actor}</td><td><code>${entry.action}</code></td><td>${entry.target}</td></tr>`,
      )}
    </tbody>
  </table></div>`
  }
</section>`;
}

function visibilityOptions(ctx: PageContext, selected: string): SafeHtml[] {
  return (["public", "private", "hidden"] as const).map(
    (value) =>
      html`<option value="${value}"${value === selected ? html` selected` : null}>${translate(ctx.lang, `admin.album.${value}`)}</option>`,
  );
}

function albums(ctx: PageContext, data: Extract<AdminPage, { view: "albums" }>): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  return html`${messages(data.notice, data.error)}
<section aria-labelledby="new-album-heading" class="admin-panel">
  <h2 id="new-album-heading">${t("admin.album.create")}</h2>
  <form class="admin-form" method="post" action="${ctx.basePath}/admin/albums" data-testid="create-album">
    ${csrfField(ctx)}
    <div class="field">
      <label for="album-name">${t("admin.album.name")}</label>
      <input id="album-name" name="name" type="text" required maxlength="255">
    </div>
    <div class="field">
      <label for="album-parent">${t("admin.album.parent")}</label>
      <select id="album-parent" name="parentId">
        <option value="">${t("admin.album.root")}</option>
        ${data.albums.map((a) => html`<option value="${a.id}">${"\u2003".repeat(a.depth)}${a.name}</option>`)}
      </select>
    </div>
    <div class="field">
      <label for="album-visibility">${t("admin.album.visibility")}</label>
      <select id="album-visibility" name="visibility">${visibilityOptions(ctx, "public")}</select>
    </div>
    <div class="field field-wide">
      <label for="album-description">${t("admin.album.description")}</label>
      <textarea id="album-description" name="description" rows="2" maxlength="10000"></textarea>
    </div>
    <button type="submit" class="button">${t("admin.album.submitCreate")}</button>
  </form>
</section>
<section aria-labelledby="album-list-heading">
  <h2 id="album-list-heading">${t("admin.album.list")}</h2>
  ${
    data.albums.length === 0
      ? html`<p class="empty-state">${t("admin.album.none")}</p>`
      : html`<ul class="admin-tree" role="list">
    ${data.albums.map(
      (a) => html`<li class="depth-${Math.min(a.depth, 8)}">
      <form class="admin-row" method="post" action="${ctx.basePath}/admin/albums/${a.id}" data-testid="album-row">
        ${csrfField(ctx)}
        <label class="visually-hidden" for="name-${a.id}">${t("admin.album.name")}</label>
        <input id="name-${a.id}" name="name" type="text" value="${a.name}" required maxlength="255">
        <label class="visually-hidden" for="visibility-${a.id}">${t("admin.album.visibility")}</label>
        <select id="visibility-${a.id}" name="visibility">${visibilityOptions(ctx, a.visibility)}</select>
        <button type="submit" class="button button-secondary">${t("admin.album.save")}<span class="visually-hidden"> ${a.name}</span></button>
        <a href="${a.href}">${formatNumber(a.photoCount, ctx.lang)} ${t("admin.photos").toLowerCase()}<span class="visually-hidden"> – ${a.name}</span></a>
      </form>
    </li>`,
    )}
  </ul>`
  }
</section>`;
}

function upload(ctx: PageContext, data: Extract<AdminPage, { view: "upload" }>): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  if (data.albums.length === 0) {
    return html`<p class="empty-state">${t("admin.upload.noAlbum")} <a href="${ctx.basePath}/admin/albums">${t("admin.album.create")}</a></p>`;
  }
  const labels = {
    waiting: t("admin.upload.waiting"),
    sending: t("admin.upload.sending"),
    done: t("admin.upload.done"),
    duplicate: t("admin.upload.duplicate"),
    failed: t("admin.upload.failed"),
    finished: t("admin.upload.finished"),
  };
  return html`${messages(data.notice, data.error)}
<form id="upload-form" class="admin-form upload-form" method="post" action="${ctx.basePath}/admin/upload" enctype="multipart/form-data" data-upload-url="${data.uploadUrl}" data-testid="upload-form">
  ${csrfField(ctx)}
  <div class="field">
    <label for="upload-album">${t("admin.upload.album")}</label>
    <select id="upload-album" name="albumId" required>
      ${data.albums.map((a) => html`<option value="${a.id}"${a.id === data.selectedAlbumId ? html` selected` : null}>${a.label}</option>`)}
    </select>
  </div>
  <div class="field field-wide drop-zone" data-drop-zone="">
    <label for="upload-files">${t("admin.upload.drop")}</label>
    <input id="upload-files" name="file" type="file" accept="image/*" multiple required>
  </div>
  <button type="submit" class="button">${t("admin.upload.submit")}</button>
</form>
<section aria-label="${t("admin.upload.progress")}">
  <ul id="upload-list" class="upload-list" role="list" aria-live="polite" data-testid="upload-list"></ul>
</section>
<script type="application/json" id="upload-messages">${jsonForScript(labels)}</script>`;
}

function photoEditor(ctx: PageContext, data: Extract<AdminPage, { view: "photo" }>): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  const { photo } = data.photo;
  const thumb = thumbSource(data.photo.images);
  const taken = photo.takenAt === null ? "" : new Date(photo.takenAt).toISOString().slice(0, 16);
  return html`${messages(data.notice, data.error)}
<div class="photo-editor">
  ${thumb === null ? null : html`<img class="editor-thumb" src="${thumb.url}" width="${thumb.width}" height="${thumb.height}" alt="${photoLabel(photo, ctx.lang)}">`}
  <form class="admin-form" method="post" action="${ctx.basePath}/admin/photos/${photo.id}" data-testid="edit-photo">
    ${csrfField(ctx)}
    <div class="field field-wide">
      <label for="photo-title">${t("admin.photo.title")}</label>
      <input id="photo-title" name="title" type="text" value="${photo.title}" maxlength="255">
    </div>
    <div class="field field-wide">
      <label for="photo-description">${t("admin.photo.description")}</label>
      <textarea id="photo-description" name="description" rows="3" maxlength="10000">${photo.description}</textarea>
    </div>
    <div class="field">
      <label for="photo-author">${t("admin.photo.author")}</label>
      <input id="photo-author" name="author" type="text" value="${photo.author}" maxlength="255">
    </div>
    <div class="field">
      <label for="photo-taken">${t("admin.photo.taken")}</label>
      <input id="photo-taken" name="takenAt" type="datetime-local" value="${taken}">
    </div>
    <div class="field">
      <label for="photo-privacy">${t("admin.photo.privacy")}</label>
      <select id="photo-privacy" name="privacyLevel">
        ${([0, 1, 2, 4, 8] as const).map(
          (level) =>
            html`<option value="${level}"${level === photo.privacyLevel ? html` selected` : null}>${t(`admin.photo.level${level}`)}</option>`,
        )}
      </select>
    </div>
    <div class="field field-wide">
      <label for="photo-tags">${t("admin.photo.tags")}</label>
      <input id="photo-tags" name="tags" type="text" value="${data.tags}" maxlength="2000">
    </div>
    <button type="submit" class="button">${t("admin.photo.save")}</button>
    <a href="${data.photo.href}">${t("admin.photo.view")}</a>
  </form>
</div>`;
}

function users(ctx: PageContext, data: Extract<AdminPage, { view: "users" }>): SafeHtml {
  const t = (key: MessageKey) => translate(ctx.lang, key);
  return html`<div class="table-scroll"><table class="admin-table" data-testid="user-table">
  <thead><tr><th scope="col">${t("admin.users.username")}</th><th scope="col">${t("admin.users.name")}</th><th scope="col">${t("admin.users.role")}</th><th scope="col">${t("admin.users.status")}</th><th scope="col">${t("admin.users.created")}</th></tr></thead>
  <tbody>
    ${data.users.map(
      (user) =>
        html`<tr><td>${user.username}</td><td>${user.displayName}</td><td>${user.role}</td><td>${user.status}</td><td><time datetime="${new Date(user.createdAt).toISOString()}">${formatDate(user.createdAt, ctx.lang)}</time></td></tr>`,
    )}
  </tbody>
</table></div>
${nextPageLink(ctx, data.nextHref)}`;
}

const TITLES: Record<AdminPage["view"], MessageKey> = {
  dashboard: "admin.dashboard",
  albums: "admin.albums",
  upload: "admin.upload",
  photo: "admin.photo",
  users: "admin.users",
};

/** The admin page's title in the page language. */
export function adminTitle(lang: string, view: AdminPage["view"]): string {
  return translate(lang, TITLES[view]);
}

/**
 * Admin page content (owner and admins): tabs, then the dashboard (counts, storage used, jobs, recent
 * activity), the album manager (create; rename and change visibility per album, in tree order), the upload
 * page (album choice, drag-and-drop file field, per-file progress list filled by `admin.js`; without script the
 * form posts to the server), or the users table. Every form is a plain POST that works without JavaScript.
 */
export const admin: ThemeTemplates["admin"] = (ctx, data) => {
  const body =
    data.view === "dashboard"
      ? dashboard(ctx, data)
      : data.view === "albums"
        ? albums(ctx, data)
        : data.view === "upload"
          ? upload(ctx, data)
          : data.view === "photo"
            ? photoEditor(ctx, data)
            : users(ctx, data);
  return html`<h1 class="page-title">${adminTitle(ctx.lang, data.view)}</h1>
${tabs(ctx, data.view)}
${body}`;
};
