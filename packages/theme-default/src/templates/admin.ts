import {
  type AdminPage,
  html,
  jsonForScript,
  type PageContext,
  type SafeHtml,
  type ThemeTemplates,
} from "@vernissage/core";
import { formatNumber, type MessageKey, translate } from "../i18n/i18n.js";
import { csrfField, formMessages } from "../parts/forms.js";
import { formatDate } from "../parts/text.js";
import { adminLibrary, isLibraryPage, LIBRARY_TABS, LIBRARY_TITLES } from "./admin-library.js";
import { adminPeople, PEOPLE_TABS, PEOPLE_TITLES } from "./admin-people.js";

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
  { view: "photos", key: "admin.photos", path: "/photos" },
  { view: "upload", key: "admin.upload", path: "/upload" },
  { view: "users", key: "admin.users", path: "/users" },
];

function tabs(ctx: PageContext, current: AdminPage["view"]): SafeHtml {
  // Signed-in non-admins reach only their own share links and API tokens.
  const all = [...TABS.map((tab) => ({ ...tab, path: `/admin${tab.path}` })), ...PEOPLE_TABS];
  const shown = ctx.isAdmin
    ? all
    : [
        // Album managers also reach the album pages of the albums they manage.
        ...(ctx.managesAlbums ? LIBRARY_TABS.filter((tab) => tab.manager) : []),
        ...PEOPLE_TABS.filter((tab) => tab.path.startsWith("/account/")),
      ];
  return html`<nav class="admin-tabs" aria-label="${translate(ctx.lang, "admin.nav")}">
  <ul role="list">
    ${shown.map(
      (tab) =>
        html`<li><a href="${ctx.basePath}${tab.path}"${tab.view === (current === "share" ? "shares" : current) ? html` aria-current="page"` : null}>${translate(ctx.lang, tab.key)}</a></li>`,
    )}
  </ul>
</nav>`;
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
  ${summary.jobs.dead > 0 ? html`<p><a href="${ctx.basePath}/admin/jobs" data-testid="failed-jobs-link">${t("admin.people.jobs.seeFailed")}</a></p>` : null}
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
    retrying: t("admin.upload.retrying"),
    cancel: t("admin.upload.cancel"),
    cancelled: t("admin.upload.cancelled"),
  };
  const resumable =
    data.resumableUrl === undefined
      ? null
      : html` data-resumable-url="${data.resumableUrl}" data-resumable-threshold="${String(data.resumableThreshold ?? 8 * 1024 * 1024)}"`;
  return html`${formMessages(data.notice, data.error)}
<form id="upload-form" class="admin-form upload-form" method="post" action="${ctx.basePath}/admin/upload" enctype="multipart/form-data" data-upload-url="${data.uploadUrl}"${resumable} data-testid="upload-form">
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

const TITLES: Record<AdminPage["view"], MessageKey> = {
  dashboard: "admin.dashboard",
  upload: "admin.upload",
  ...PEOPLE_TITLES,
  ...LIBRARY_TITLES,
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
      : data.view === "upload"
        ? upload(ctx, data)
        : isLibraryPage(data)
          ? adminLibrary(ctx, data)
          : adminPeople(ctx, data);
  return html`<h1 class="page-title">${adminTitle(ctx.lang, data.view)}</h1>
${tabs(ctx, data.view)}
${body}`;
};
