import {
  type AdminAlbumOption,
  type AdminLibraryPage,
  type AdminPage,
  type AdminPhotoCard,
  html,
  type PageContext,
  type SafeHtml,
} from "@vernissage/core";
import { type MessageKey, translate } from "../i18n/i18n.js";
import { csrfField, formMessages } from "../parts/forms.js";
import { thumbSource } from "../parts/images.js";
import { nextPageLink } from "../parts/navigation.js";
import { photoLabel } from "../parts/text.js";

type View<V extends AdminLibraryPage["view"]> = Extract<AdminLibraryPage, { view: V }>;

/** Titles of the album and photo admin pages. */
export const LIBRARY_TITLES: Record<AdminLibraryPage["view"], MessageKey> = {
  albums: "admin.albums",
  album: "admin.lib.album.title",
  photos: "admin.photos",
  batch: "admin.lib.batch.title",
  cover: "admin.lib.cover.title",
  "album-delete": "admin.lib.delete.title",
  photo: "admin.photo",
};

/** The tabs album managers (not admins) see: admins get them from the built-in tab list. */
export const LIBRARY_TABS: {
  view: AdminLibraryPage["view"];
  key: MessageKey;
  path: string;
  manager: boolean;
}[] = [{ view: "albums", key: "admin.albums", path: "/admin/albums", manager: true }];

/** True for the pages {@link adminLibrary} renders. */
export function isLibraryPage(data: AdminPage): data is AdminLibraryPage {
  return Object.hasOwn(LIBRARY_TITLES, data.view);
}

const LEVELS = [0, 1, 2, 4, 8] as const;
const ROLES = ["viewer", "contributor", "manager"] as const;
const ORDERS = ["manual", "takenAt", "addedAt", "title"] as const;

function visibilityOptions(ctx: PageContext, selected: string): SafeHtml[] {
  return (["public", "private", "hidden"] as const).map(
    (value) =>
      html`<option value="${value}"${value === selected ? html` selected` : null}>${translate(ctx.lang, `admin.album.${value}`)}</option>`,
  );
}

function albumOptions(list: readonly AdminAlbumOption[], selected: string | null = null): SafeHtml[] {
  return list.map(
    (a) => html`<option value="${a.id}"${a.id === selected ? html` selected` : null}>${a.label}</option>`,
  );
}

function levelLabel(ctx: PageContext, level: number): string {
  return (LEVELS as readonly number[]).includes(level)
    ? translate(ctx.lang, `admin.photo.level${level as 0}`)
    : String(level);
}

function thumb(card: AdminPhotoCard): SafeHtml {
  return card.thumb === null
    ? html`<span class="admin-thumb admin-thumb-empty" aria-hidden="true"></span>`
    : html`<img class="admin-thumb" src="${card.thumb.url}" width="${card.thumb.width}" height="${card.thumb.height}" alt="" loading="lazy">`;
}

/** One button form posting to `action` (with the CSRF token and hidden fields). */
function buttonForm(
  ctx: PageContext,
  action: string,
  fields: Record<string, string>,
  label: SafeHtml | string,
  options: { className?: string; testid?: string } = {},
): SafeHtml {
  return html`<form class="inline-form" method="post" action="${action}"${options.testid ? html` data-testid="${options.testid}"` : null}>
  ${csrfField(ctx)}
  ${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <button type="submit" class="${options.className ?? "button button-secondary"}">${label}</button>
</form>`;
}

function albumsView(ctx: PageContext, data: View<"albums">): SafeHtml {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(ctx.lang, key, params);
  const admin = `${ctx.basePath}/admin`;
  return html`${formMessages(data.notice, data.error)}
<section aria-labelledby="new-album-heading" class="admin-panel">
  <h2 id="new-album-heading">${t("admin.album.create")}</h2>
  <form class="admin-form" method="post" action="${admin}/albums" data-testid="create-album">
    ${csrfField(ctx)}
    <div class="field">
      <label for="album-name">${t("admin.album.name")}</label>
      <input id="album-name" name="name" type="text" required maxlength="255">
    </div>
    <div class="field">
      <label for="album-parent">${t("admin.album.parent")}</label>
      <select id="album-parent" name="parentId"${data.canUseRoot ? null : html` required`}>
        ${data.canUseRoot ? html`<option value="">${t("admin.album.root")}</option>` : null}
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
      : html`<p class="admin-hint" id="tree-hint">${t("admin.lib.tree.hint")}</p>
  <ul class="admin-tree" role="list" data-album-tree="" aria-describedby="tree-hint" data-testid="album-tree">
    ${data.albums.map(
      (a) => html`<li class="depth-${Math.min(a.depth, 8)}" data-album-id="${a.id}" data-testid="album-item">
      <div class="admin-tree-item">
        <span class="drag-handle" data-drag-handle="" hidden aria-hidden="true" title="${t("admin.lib.tree.drag")}">⠿</span>
        <form class="admin-row" method="post" action="${admin}/albums/${a.id}" data-testid="album-row">
          ${csrfField(ctx)}
          <label class="visually-hidden" for="name-${a.id}">${t("admin.album.name")}</label>
          <input id="name-${a.id}" name="name" type="text" value="${a.name}" required maxlength="255">
          <label class="visually-hidden" for="visibility-${a.id}">${t("admin.album.visibility")}</label>
          <select id="visibility-${a.id}" name="visibility">${visibilityOptions(ctx, a.visibility)}</select>
          <button type="submit" class="button button-secondary">${t("admin.album.save")}<span class="visually-hidden"> ${a.name}</span></button>
        </form>
        <div class="admin-row-actions">
          ${a.first ? null : buttonForm(ctx, `${admin}/albums/${a.id}/order`, { direction: "up" }, html`<span aria-hidden="true">↑</span><span class="visually-hidden">${t("admin.lib.tree.up", { name: a.name })}</span>`, { className: "button button-secondary button-icon" })}
          ${a.last ? null : buttonForm(ctx, `${admin}/albums/${a.id}/order`, { direction: "down" }, html`<span aria-hidden="true">↓</span><span class="visually-hidden">${t("admin.lib.tree.down", { name: a.name })}</span>`, { className: "button button-secondary button-icon" })}
          <a href="${admin}/albums/${a.id}" data-testid="album-edit">${t("admin.lib.album.edit")}<span class="visually-hidden"> ${a.name}</span></a>
          <a href="${admin}/albums/${a.id}/photos">${t("admin.lib.photoCount", { count: a.photoCount })}<span class="visually-hidden"> – ${a.name}</span></a>
          <a href="${a.href}">${t("admin.lib.album.view")}<span class="visually-hidden"> ${a.name}</span></a>
        </div>
      </div>
    </li>`,
    )}
  </ul>
  ${
    data.canUseRoot
      ? html`<p class="drop-root" data-drop-root="" hidden>${t("admin.lib.tree.dropRoot")}</p>`
      : null
  }
  <form id="album-move-form" method="post" hidden data-action-base="${admin}/albums/">
    ${csrfField(ctx)}
    <input type="hidden" name="parentId" value="">
  </form>
  <form id="album-order-form" method="post" hidden data-action-base="${admin}/albums/">
    ${csrfField(ctx)}
    <input type="hidden" name="siblingId" value="">
    <input type="hidden" name="placement" value="">
  </form>`
  }
</section>`;
}

function albumView(ctx: PageContext, data: View<"album">): SafeHtml {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(ctx.lang, key, params);
  const { album } = data;
  const base = `${ctx.basePath}/admin/albums/${album.id}`;
  return html`${formMessages(data.notice, data.error)}
<p class="admin-links">
  <a href="${ctx.basePath}/admin/albums">${t("admin.lib.backToAlbums")}</a>
  <a href="${album.href}">${t("admin.lib.album.view")}</a>
  <a href="${base}/photos">${t("admin.lib.photoCount", { count: album.photoCount })}</a>
</p>
<section aria-labelledby="details-heading" class="admin-panel">
  <h2 id="details-heading">${t("admin.lib.album.details")}</h2>
  <form class="admin-form" method="post" action="${base}" data-testid="album-details">
    ${csrfField(ctx)}
    <input type="hidden" name="from" value="album">
    <div class="field">
      <label for="detail-name">${t("admin.album.name")}</label>
      <input id="detail-name" name="name" type="text" value="${album.name}" required maxlength="255">
    </div>
    <div class="field">
      <label for="detail-visibility">${t("admin.album.visibility")}</label>
      <select id="detail-visibility" name="visibility">${visibilityOptions(ctx, album.visibility)}</select>
    </div>
    <div class="field">
      <label for="detail-order">${t("admin.lib.album.order")}</label>
      <select id="detail-order" name="photoOrder">
        ${ORDERS.map((o) => html`<option value="${o}"${o === album.photoOrder ? html` selected` : null}>${t(`admin.lib.order.${o}`)}</option>`)}
      </select>
    </div>
    <div class="field field-wide">
      <label for="detail-description">${t("admin.album.description")}</label>
      <textarea id="detail-description" name="description" rows="3" maxlength="10000">${album.description}</textarea>
    </div>
    <button type="submit" class="button">${t("admin.album.save")}</button>
  </form>
</section>
<section aria-labelledby="move-heading" class="admin-panel">
  <h2 id="move-heading">${t("admin.lib.move.title")}</h2>
  <form class="admin-form" method="post" action="${base}/move" data-testid="album-move">
    ${csrfField(ctx)}
    <input type="hidden" name="back" value="${base}?done=moved">
    <div class="field">
      <label for="move-parent">${t("admin.lib.move.to")}</label>
      <select id="move-parent" name="parentId">
        ${data.canUseRoot ? html`<option value=""${album.parentId === null ? html` selected` : null}>${t("admin.album.root")}</option>` : null}
        ${albumOptions(data.parentOptions, album.parentId)}
      </select>
    </div>
    <button type="submit" class="button button-secondary">${t("admin.lib.move.submit")}</button>
  </form>
</section>
<section aria-labelledby="cover-heading" class="admin-panel">
  <h2 id="cover-heading">${t("admin.lib.cover.title")}</h2>
  <div class="cover-current" data-testid="album-cover">
    ${album.cover === null ? html`<p class="empty-state">${t("admin.lib.cover.none")}</p>` : html`<img src="${album.cover.url}" width="${album.cover.width}" height="${album.cover.height}" alt="${t("admin.lib.cover.current")}">`}
    <a class="button button-secondary" href="${base}/cover">${t("admin.lib.cover.choose")}</a>
    ${buttonForm(ctx, `${base}/cover`, { photoId: "" }, t("admin.lib.cover.auto"))}
  </div>
</section>
<section aria-labelledby="grants-heading" class="admin-panel">
  <h2 id="grants-heading">${t("admin.lib.grants.title")}</h2>
  <p class="admin-hint">${t("admin.lib.grants.hint")}</p>
  ${
    data.grants.length === 0
      ? html`<p class="empty-state">${t("admin.lib.grants.none")}</p>`
      : html`<div class="table-scroll"><table class="admin-table" data-testid="grant-table">
    <thead><tr><th scope="col">${t("admin.lib.grants.who")}</th><th scope="col">${t("admin.lib.grants.kind")}</th><th scope="col">${t("admin.lib.grants.role")}</th><th scope="col"><span class="visually-hidden">${t("admin.lib.grants.revoke")}</span></th></tr></thead>
    <tbody>
      ${data.grants.map(
        (
          g,
        ) => html`<tr><td>${g.name}</td><td>${t(g.kind === "user" ? "admin.lib.grants.user" : "admin.lib.grants.group")}</td><td>${t(`admin.lib.role.${g.role as "viewer"}`)}</td>
        <td>${buttonForm(ctx, `${base}/grants/revoke`, { grantId: g.id }, html`${t("admin.lib.grants.revoke")}<span class="visually-hidden"> ${g.name}</span>`)}</td></tr>`,
      )}
    </tbody>
  </table></div>`
  }
  <form class="admin-form" method="post" action="${base}/grants" data-testid="grant-form">
    ${csrfField(ctx)}
    <div class="field">
      <label for="grant-kind">${t("admin.lib.grants.kind")}</label>
      <select id="grant-kind" name="kind">
        <option value="user">${t("admin.lib.grants.user")}</option>
        <option value="group">${t("admin.lib.grants.group")}</option>
      </select>
    </div>
    <div class="field">
      <label for="grant-name">${t("admin.lib.grants.name")}</label>
      <input id="grant-name" name="name" type="text" required maxlength="200" autocomplete="off">
    </div>
    <div class="field">
      <label for="grant-role">${t("admin.lib.grants.role")}</label>
      <select id="grant-role" name="role">
        ${ROLES.map((r) => html`<option value="${r}">${t(`admin.lib.role.${r}`)}</option>`)}
      </select>
    </div>
    <button type="submit" class="button">${t("admin.lib.grants.submit")}</button>
  </form>
</section>
<section aria-labelledby="danger-heading" class="admin-panel">
  <h2 id="danger-heading">${t("admin.lib.delete.title")}</h2>
  <a class="button button-danger" href="${base}/delete">${t("admin.lib.delete.open")}</a>
</section>`;
}

function photosView(ctx: PageContext, data: View<"photos">): SafeHtml {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(ctx.lang, key, params);
  const inAlbum = data.album !== null;
  return html`${formMessages(data.notice, data.error)}
${data.album === null ? null : html`<p class="admin-links"><a href="${data.album.href}">${t("admin.lib.backToAlbum", { name: data.album.name })}</a></p>`}
${
  data.photos.length === 0
    ? html`<p class="empty-state">${t("admin.lib.photos.none")}</p>`
    : html`<form id="batch-form" class="batch-form" method="post" action="${ctx.basePath}/admin/batch" data-testid="batch-form">
  ${csrfField(ctx)}
  ${data.album === null ? null : html`<input type="hidden" name="albumContext" value="${data.album.id}">`}
  <p class="batch-select" data-batch-select="" hidden>
    <label><input type="checkbox" data-select-all=""> ${t("admin.lib.batch.selectAll")}</label>
    <span data-selected-count="" data-label="${t("admin.lib.batch.selected")}" aria-live="polite"></span>
  </p>
  <ul class="admin-photo-grid" role="list" data-testid="photo-grid">
    ${data.photos.map(
      (p) => html`<li class="admin-photo">
      <input type="checkbox" name="photo" value="${p.id}" id="pick-${p.id}" data-testid="photo-pick">
      <label for="pick-${p.id}">${thumb(p)}<span class="admin-photo-label">${p.label}</span></label>
      <span class="admin-photo-meta">${levelLabel(ctx, p.privacyLevel)}</span>
      <a href="${p.editHref}">${t("admin.lib.photo.edit")}<span class="visually-hidden"> ${p.label}</span></a>
    </li>`,
    )}
  </ul>
  <fieldset class="batch-actions admin-panel">
    <legend>${t("admin.lib.batch.legend")}</legend>
    <div class="field">
      <label for="batch-action">${t("admin.lib.batch.action")}</label>
      <select id="batch-action" name="action" data-testid="batch-action">
        <option value="addTags">${t("admin.lib.batch.addTags")}</option>
        <option value="removeTags">${t("admin.lib.batch.removeTags")}</option>
        <option value="addToAlbum">${t("admin.lib.batch.addToAlbum")}</option>
        ${inAlbum ? html`<option value="moveToAlbum">${t("admin.lib.batch.moveToAlbum")}</option><option value="removeFromAlbum">${t("admin.lib.batch.removeFromAlbum")}</option>` : null}
        <option value="privacy">${t("admin.lib.batch.privacy")}</option>
        <option value="delete">${t("admin.lib.batch.delete")}</option>
      </select>
    </div>
    <div class="field" data-batch-for="addTags removeTags">
      <label for="batch-tags">${t("admin.lib.batch.tags")}</label>
      <input id="batch-tags" name="tags" type="text" maxlength="2000">
    </div>
    <div class="field" data-batch-for="addToAlbum moveToAlbum">
      <label for="batch-album">${t("admin.lib.batch.album")}</label>
      <select id="batch-album" name="albumId">${albumOptions(data.albumOptions)}</select>
    </div>
    <div class="field" data-batch-for="privacy">
      <label for="batch-level">${t("admin.photo.privacy")}</label>
      <select id="batch-level" name="privacyLevel">
        ${LEVELS.map((level) => html`<option value="${level}">${t(`admin.photo.level${level}`)}</option>`)}
      </select>
    </div>
    <div class="field field-wide" data-batch-for="delete">
      <label><input type="checkbox" name="confirm" value="yes"> ${t("admin.lib.batch.confirmDelete")}</label>
    </div>
    <button type="submit" class="button">${t("admin.lib.batch.apply")}</button>
  </fieldset>
</form>`
}
${nextPageLink(ctx, data.nextHref)}`;
}

function batchView(ctx: PageContext, data: View<"batch">): SafeHtml {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(ctx.lang, key, params);
  return html`${formMessages(null, data.error)}
${
  data.error !== null
    ? null
    : html`<p class="notice" role="status" data-testid="batch-result">${data.deleted > 0 ? t("admin.lib.batch.deleted", { count: data.deleted }) : t("admin.lib.batch.changed", { count: data.changed })}</p>`
}
${
  data.refused.length === 0
    ? null
    : html`<section aria-labelledby="refused-heading"><h2 id="refused-heading">${t("admin.lib.batch.refused", { count: data.refused.length })}</h2>
  <ul data-testid="batch-refused">
    ${data.refused.map((r) => html`<li><a href="${ctx.basePath}/admin/photos/${r.id}"><code>${r.id}</code></a> – ${t(r.code === "FORBIDDEN" ? "admin.lib.batch.reasonForbidden" : "admin.lib.batch.reasonMissing")}</li>`)}
  </ul></section>`
}
<p><a class="button button-secondary" href="${data.backHref}">${t("admin.lib.batch.back")}</a></p>`;
}

function coverView(ctx: PageContext, data: View<"cover">): SafeHtml {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(ctx.lang, key, params);
  const action = `${ctx.basePath}/admin/albums/${data.album.id}/cover`;
  return html`<p class="admin-links"><a href="${data.album.href}">${t("admin.lib.backToAlbum", { name: data.album.name })}</a>${
    data.otherScopeHref === null
      ? null
      : html` <a href="${data.otherScopeHref}" data-testid="cover-scope">${data.scope === "subtree" ? t("admin.lib.cover.albumOnly") : t("admin.lib.cover.withSubAlbums")}</a>`
  }</p>
${
  data.photos.length === 0
    ? html`<p class="empty-state">${t("admin.lib.photos.none")}</p>`
    : html`<ul class="admin-photo-grid" role="list" data-testid="cover-grid">
  ${data.photos.map(
    (p) => html`<li class="admin-photo${p.id === data.currentCoverId ? html` is-current` : null}">
    ${buttonForm(ctx, action, { photoId: p.id }, html`${thumb(p)}<span class="admin-photo-label">${p.id === data.currentCoverId ? t("admin.lib.cover.isCurrent", { name: p.label }) : t("admin.lib.cover.use", { name: p.label })}</span>`, { className: "cover-choice", testid: "cover-choice" })}
  </li>`,
  )}
</ul>`
}
${nextPageLink(ctx, data.nextHref)}`;
}

function deleteView(ctx: PageContext, data: View<"album-delete">): SafeHtml {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(ctx.lang, key, params);
  const base = `${ctx.basePath}/admin/albums/${data.album.id}`;
  return html`<section class="admin-panel" aria-labelledby="confirm-heading">
  <h2 id="confirm-heading">${t("admin.lib.delete.confirmTitle", { name: data.album.name })}</h2>
  <p>${data.subAlbums === 0 ? t("admin.lib.delete.explainOne", { photos: data.photos }) : t("admin.lib.delete.explain", { albums: data.subAlbums, photos: data.photos })}</p>
  <form class="admin-form" method="post" action="${base}/delete" data-testid="album-delete">
    ${csrfField(ctx)}
    <fieldset class="field field-wide">
      <legend>${t("admin.lib.delete.photos")}</legend>
      <label><input type="radio" name="orphans" value="keep" checked> ${t("admin.lib.delete.keep")}</label>
      <label><input type="radio" name="orphans" value="delete"> ${t("admin.lib.delete.purge")}</label>
    </fieldset>
    <div class="field field-wide">
      <label><input type="checkbox" name="confirm" value="yes" required> ${t("admin.lib.delete.confirm", { name: data.album.name })}</label>
    </div>
    <button type="submit" class="button button-danger">${t("admin.lib.delete.submit")}</button>
    <a href="${base}">${t("admin.lib.cancel")}</a>
  </form>
</section>`;
}

function photoView(ctx: PageContext, data: View<"photo">): SafeHtml {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(ctx.lang, key, params);
  const { photo } = data.photo;
  const image = thumbSource(data.photo.images);
  const taken = photo.takenAt === null ? "" : new Date(photo.takenAt).toISOString().slice(0, 16);
  const base = `${ctx.basePath}/admin/photos/${photo.id}`;
  return html`${formMessages(data.notice, data.error)}
<div class="photo-editor">
  ${image === null ? null : html`<img class="editor-thumb" src="${image.url}" width="${image.width}" height="${image.height}" alt="${photoLabel(photo, ctx.lang)}">`}
  <form class="admin-form" method="post" action="${base}" data-testid="edit-photo">
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
        ${LEVELS.map(
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
</div>
<section aria-labelledby="photo-albums-heading" class="admin-panel">
  <h2 id="photo-albums-heading">${t("admin.lib.photo.albums")}</h2>
  ${
    data.albums.length === 0
      ? html`<p class="empty-state">${t("admin.lib.photo.noAlbum")}</p>`
      : html`<ul class="admin-list" role="list" data-testid="photo-albums">
    ${data.albums.map(
      (a) => html`<li><a href="${a.href}">${a.label}</a>
      ${a.manageable ? buttonForm(ctx, `${base}/cover`, { albumId: a.id }, html`${t("admin.lib.photo.setCover")}<span class="visually-hidden"> – ${a.label}</span>`) : null}
      ${a.manageable ? buttonForm(ctx, `${base}/albums`, { albumId: a.id, op: "remove" }, html`${t("admin.lib.photo.removeFrom")}<span class="visually-hidden"> ${a.label}</span>`) : null}
    </li>`,
    )}
  </ul>`
  }
  ${
    data.albumOptions.length === 0
      ? null
      : html`<form class="admin-form" method="post" action="${base}/albums" data-testid="photo-add-album">
    ${csrfField(ctx)}
    <input type="hidden" name="op" value="add">
    <div class="field">
      <label for="photo-add-album">${t("admin.lib.photo.addTo")}</label>
      <select id="photo-add-album" name="albumId">${albumOptions(data.albumOptions)}</select>
    </div>
    <button type="submit" class="button button-secondary">${t("admin.lib.photo.add")}</button>
  </form>`
  }
</section>
<section aria-labelledby="photo-files-heading" class="admin-panel">
  <h2 id="photo-files-heading">${t("admin.lib.photo.files")}</h2>
  ${buttonForm(ctx, `${base}/regenerate`, {}, t("admin.lib.photo.regenerate"), { testid: "photo-regenerate" })}
  <form class="admin-form" method="post" action="${base}/delete" data-testid="photo-delete">
    ${csrfField(ctx)}
    <div class="field field-wide">
      <label><input type="checkbox" name="confirm" value="yes" required> ${t("admin.lib.photo.confirmDelete")}</label>
    </div>
    <button type="submit" class="button button-danger">${t("admin.lib.photo.delete")}</button>
  </form>
</section>`;
}

/**
 * The album and photo admin pages: the album tree (rename, visibility, up/down, drag and drop with
 * `admin-library.js`), one album's editor (details, move, cover, grants, delete), the cover picker, the
 * delete confirmation, a photo grid with the batch manager and its report, and the photo editor. Every action
 * is a plain form POST, so everything works without JavaScript.
 */
export function adminLibrary(ctx: PageContext, data: AdminLibraryPage): SafeHtml {
  switch (data.view) {
    case "albums":
      return albumsView(ctx, data);
    case "album":
      return albumView(ctx, data);
    case "photos":
      return photosView(ctx, data);
    case "batch":
      return batchView(ctx, data);
    case "cover":
      return coverView(ctx, data);
    case "album-delete":
      return deleteView(ctx, data);
    case "photo":
      return photoView(ctx, data);
  }
}
