import { ASPECT_MAX, ASPECT_MIN } from "../parts/images.js";

/** `.ar-N` rules of the justified grid: grow factor and basis proportional to the aspect ratio. */
function aspectRules(): string {
  const rules: string[] = [];
  for (let n = ASPECT_MIN; n <= ASPECT_MAX; n++) {
    rules.push(
      `.photo-grid > .ar-${n} {\n  flex-grow: ${n};\n  flex-basis: calc(var(--row) * ${n / 10});\n}`,
    );
  }
  return rules.join("\n\n");
}

/**
 * The default theme's stylesheet, served as the `style.css` asset. Plain CSS, no build step: light and dark
 * schemes through `prefers-color-scheme`, visible focus, and responsive grids whose column widths match the
 * `sizes` attributes the templates emit.
 */
export const styleCss = `/* Vernissage default theme */
:root {
  color-scheme: light dark;
  --bg: #fafaf9;
  --surface: #ffffff;
  --text: #1c1917;
  --muted: #57534e;
  --border: #d6d3d1;
  --accent: #1d4ed8;
  --accent-text: #ffffff;
  --focus: #b45309;
  --placeholder: #e7e5e4;
  --error-bg: #fef2f2;
  --error-text: #991b1b;
  --radius: 0.5rem;
  --gap: 1rem;
  --max: 80rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.5;
}

@media (prefers-color-scheme: dark) {
  :root {
    --bg: #121212;
    --surface: #1e1e1e;
    --text: #ececec;
    --muted: #b5b5b5;
    --border: #3f3f46;
    --accent: #93c5fd;
    --accent-text: #0b1220;
    --focus: #fbbf24;
    --placeholder: #2a2a2e;
    --error-bg: #3b1212;
    --error-text: #fecaca;
  }
}

*,
*::before,
*::after {
  box-sizing: border-box;
}

html {
  -webkit-text-size-adjust: 100%;
  text-size-adjust: 100%;
}

body {
  margin: 0;
  min-height: 100vh;
  display: flex;
  flex-direction: column;
  background: var(--bg);
  color: var(--text);
}

main {
  flex: 1;
  padding-block: 1.5rem 3rem;
}

main:focus {
  outline: none;
}

img {
  max-width: 100%;
  height: auto;
}

a {
  color: var(--accent);
  text-underline-offset: 0.15em;
}

a:hover {
  text-decoration-thickness: 2px;
}

:focus-visible {
  outline: 3px solid var(--focus);
  outline-offset: 2px;
  border-radius: 2px;
}

.wrap {
  width: 100%;
  max-width: var(--max);
  margin-inline: auto;
  padding-inline: 1rem;
}

.visually-hidden {
  position: absolute;
  width: 1px;
  height: 1px;
  margin: -1px;
  padding: 0;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
}

.skip-link {
  position: absolute;
  left: 1rem;
  top: -10rem;
  z-index: 10;
  padding: 0.5rem 1rem;
  background: var(--surface);
  color: var(--text);
  border: 2px solid var(--focus);
  border-radius: var(--radius);
}

.skip-link:focus {
  top: 1rem;
}

/* Header and footer */

.site-header {
  background: var(--surface);
  border-bottom: 1px solid var(--border);
}

.site-header-inner {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  justify-content: space-between;
  gap: 0.5rem 1.5rem;
  padding-block: 0.75rem;
}

.site-title {
  color: var(--text);
  font-size: 1.25rem;
  font-weight: 700;
  text-decoration: none;
}

.site-title:hover {
  text-decoration: underline;
}

.account {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 0.75rem;
}

.account-name {
  color: var(--muted);
}

.account-name strong {
  color: var(--text);
}

.logout-form {
  margin: 0;
}

.link-button {
  padding: 0;
  border: 0;
  background: none;
  color: var(--accent);
  font: inherit;
  text-decoration: underline;
  text-underline-offset: 0.15em;
  cursor: pointer;
}

.site-footer {
  border-top: 1px solid var(--border);
  color: var(--muted);
  font-size: 0.875rem;
}

/* Page furniture */

.page-title {
  margin: 0 0 0.5rem;
  font-size: clamp(1.5rem, 1.2rem + 1.5vw, 2.25rem);
  line-height: 1.2;
  overflow-wrap: anywhere;
}

.page-header {
  margin-bottom: 1.5rem;
}

.page-meta,
.card-meta,
.error-code {
  color: var(--muted);
}

.page-meta {
  margin: 0 0 0.75rem;
}

.prose {
  max-width: 65ch;
  overflow-wrap: anywhere;
}

.prose p {
  margin: 0 0 0.75rem;
}

h2 {
  font-size: 1.25rem;
  margin: 2rem 0 1rem;
}

.breadcrumbs ol {
  display: flex;
  flex-wrap: wrap;
  gap: 0.25rem;
  margin: 0 0 1rem;
  padding: 0;
  list-style: none;
  font-size: 0.9375rem;
}

.breadcrumbs li + li::before {
  content: "/";
  margin-inline-end: 0.25rem;
  color: var(--muted);
}

.breadcrumbs [aria-current="page"] {
  color: var(--muted);
}

.empty-state {
  padding: 2rem;
  border: 1px dashed var(--border);
  border-radius: var(--radius);
  color: var(--muted);
  text-align: center;
}

.button {
  display: inline-block;
  padding: 0.5rem 1rem;
  border: 2px solid var(--accent);
  border-radius: var(--radius);
  background: var(--accent);
  color: var(--accent-text);
  font: inherit;
  font-weight: 600;
  text-decoration: none;
  cursor: pointer;
}

.button:hover {
  text-decoration: underline;
}

.pagination {
  margin-top: 2rem;
  text-align: center;
}

/* Grids: columns match the sizes attributes in the templates */

.album-grid {
  display: grid;
  grid-template-columns: repeat(2, minmax(0, 1fr));
  gap: var(--gap);
  margin: 0;
  padding: 0;
  list-style: none;
}

@media (min-width: 30rem) {
  .album-grid {
    grid-template-columns: repeat(3, minmax(0, 1fr));
  }
}

@media (min-width: 48rem) {
  .album-grid {
    grid-template-columns: repeat(4, minmax(0, 1fr));
  }
}

@media (min-width: 80rem) {
  .album-grid {
    grid-template-columns: repeat(5, minmax(0, 1fr));
  }
}

.album-card {
  display: flex;
  flex-direction: column;
  gap: 0.25rem;
  height: 100%;
  padding: 0.5rem;
  border: 1px solid var(--border);
  border-radius: var(--radius);
  background: var(--surface);
  color: var(--text);
  text-decoration: none;
}

.album-card:hover {
  border-color: var(--accent);
}

.album-card:hover .card-placeholder {
  background: linear-gradient(135deg, var(--placeholder), var(--border));
}

.card-title {
  text-decoration: underline;
}

.card-media {
  display: block;
  width: 100%;
  aspect-ratio: 4 / 3;
  object-fit: cover;
  border-radius: calc(var(--radius) / 2);
  background: var(--placeholder);
}

.card-title {
  font-weight: 600;
  overflow-wrap: anywhere;
}

.card-meta {
  font-size: 0.875rem;
}

/* Justified photo grid: rows of equal height, each photo as wide as its aspect ratio (class ar-N, N tenths) */

.photo-grid {
  --row: 10rem;
  display: flex;
  flex-wrap: wrap;
  gap: 0.375rem;
  margin: 0;
  padding: 0;
  list-style: none;
}

@media (min-width: 48rem) {
  .photo-grid {
    --row: 14rem;
  }
}

/* A last row keeps its natural widths instead of stretching across the page. */
.photo-grid::after {
  content: "";
  flex-grow: 999;
}

.photo-grid > li {
  position: relative;
  height: var(--row);
  flex-grow: 10;
  flex-basis: var(--row);
  min-width: 0;
}

.photo-thumb {
  position: relative;
  display: block;
  width: 100%;
  height: 100%;
  border-radius: calc(var(--radius) / 2);
  background: var(--placeholder);
  overflow: hidden;
}

.photo-thumb img {
  position: absolute;
  inset: 0;
  display: block;
  width: 100%;
  height: 100%;
  max-width: none;
  object-fit: cover;
}

.photo-thumb .thumb-ph {
  filter: blur(2px);
  transform: scale(1.05);
}

.photo-thumb:hover .thumb-img {
  opacity: 0.92;
}

.photo-thumb:focus-visible {
  outline-offset: 3px;
}

.thumb-placeholder {
  display: flex;
  align-items: center;
  justify-content: center;
  height: 100%;
  padding: 0.5rem;
  color: var(--muted);
  font-size: 0.875rem;
  text-align: center;
  overflow-wrap: anywhere;
}

${aspectRules()}

/* Photo page */

.photo-figure {
  margin: 0 0 1.5rem;
  text-align: center;
}

.photo-frame {
  position: relative;
  display: inline-block;
  max-width: 100%;
  border-radius: calc(var(--radius) / 2);
  overflow: hidden;
  background: var(--placeholder);
}

.photo-frame img {
  display: block;
  width: auto;
  max-height: 85vh;
}

.photo-frame .photo-ph {
  position: absolute;
  inset: 0;
  width: 100%;
  height: 100%;
  max-height: none;
  object-fit: cover;
  filter: blur(4px);
}

.photo-frame .photo-img {
  position: relative;
}

.photo-nav {
  display: flex;
  justify-content: space-between;
  gap: 1rem;
  margin-bottom: 1.5rem;
}

.photo-actions {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 1rem 1.5rem;
}

.inline-list {
  display: flex;
  flex-wrap: wrap;
  gap: 0.25rem 1rem;
  margin: 0;
  padding: 0;
  list-style: none;
}

.button-secondary {
  background: transparent;
  color: var(--accent);
}

.site-footer-inner {
  display: flex;
  flex-wrap: wrap;
  justify-content: space-between;
  gap: 0 1.5rem;
}

.site-nav {
  display: flex;
  gap: 1rem;
  margin-inline-end: auto;
}

.field-hint {
  margin: 0;
  color: var(--muted);
  font-size: 0.875rem;
}

/* Calendar */

.calendar-list {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr));
  gap: var(--gap);
  margin: 0;
  padding: 0;
  list-style: none;
}

.calendar-entry {
  display: flex;
  flex-direction: column;
  padding: 0.75rem 1rem;
  border: 1px solid var(--border);
  border-radius: var(--radius);
  background: var(--surface);
  color: var(--text);
  text-decoration: none;
}

.calendar-entry:hover {
  border-color: var(--accent);
}

.calendar-label {
  font-size: 1.25rem;
  font-weight: 600;
  text-decoration: underline;
  text-transform: capitalize;
}

/* Tags and search */

.tag-cloud {
  display: flex;
  flex-wrap: wrap;
  align-items: baseline;
  gap: 0.5rem 1.25rem;
  margin: 0;
  padding: 0;
  list-style: none;
}

.tag-size-1 {
  font-size: 0.9375rem;
}

.tag-size-2 {
  font-size: 1.125rem;
}

.tag-size-3 {
  font-size: 1.375rem;
}

.tag-size-4 {
  font-size: 1.625rem;
  font-weight: 600;
}

.tag-size-5 {
  font-size: 2rem;
  font-weight: 700;
}

.search-form {
  display: flex;
  flex-wrap: wrap;
  align-items: end;
  gap: 1rem;
  margin-bottom: 1rem;
}

.field select {
  padding: 0.5rem 0.75rem;
  border: 1px solid var(--muted);
  border-radius: var(--radius);
  background: var(--surface);
  color: var(--text);
  font: inherit;
}

/* Admin */

.admin-tabs ul {
  display: flex;
  flex-wrap: wrap;
  gap: 0.25rem;
  margin: 0 0 1.5rem;
  padding: 0;
  list-style: none;
  border-bottom: 1px solid var(--border);
}

.admin-tabs a {
  display: inline-block;
  padding: 0.5rem 1rem;
  border-radius: var(--radius) var(--radius) 0 0;
  text-decoration: none;
}

.admin-tabs a[aria-current="page"] {
  background: var(--surface);
  border: 1px solid var(--border);
  border-bottom-color: var(--surface);
  color: var(--text);
  font-weight: 600;
  margin-bottom: -1px;
}

.stat-grid {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr));
  gap: 0.75rem;
  margin: 0;
}

.stat-grid > div {
  padding: 0.75rem 1rem;
  border: 1px solid var(--border);
  border-radius: var(--radius);
  background: var(--surface);
}

.stat-grid dt {
  color: var(--muted);
  font-size: 0.875rem;
}

.stat-grid dd {
  margin: 0;
  font-size: 1.5rem;
  font-weight: 700;
}

.stat-grid .stat-alert {
  border-color: var(--error-text);
}

.table-scroll {
  overflow-x: auto;
}

.admin-table {
  width: 100%;
  border-collapse: collapse;
}

.admin-table th,
.admin-table td {
  padding: 0.375rem 0.75rem;
  border-bottom: 1px solid var(--border);
  text-align: start;
}

.admin-panel {
  padding: 1rem;
  border: 1px solid var(--border);
  border-radius: var(--radius);
  background: var(--surface);
}

.admin-panel h2 {
  margin-top: 0;
}

.admin-form {
  display: flex;
  flex-wrap: wrap;
  align-items: end;
  gap: 1rem;
}

.field-wide {
  flex: 1 1 100%;
  min-width: 0;
}

.field input,
.field select,
.field textarea {
  min-width: 0;
  max-width: 100%;
}

.field textarea {
  padding: 0.5rem 0.75rem;
  border: 1px solid var(--muted);
  border-radius: var(--radius);
  background: var(--surface);
  color: var(--text);
  font: inherit;
}

.admin-tree {
  margin: 0;
  padding: 0;
  list-style: none;
}

.admin-tree > li {
  padding-block: 0.375rem;
  border-bottom: 1px solid var(--border);
}

.admin-row {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 0.5rem 0.75rem;
}

.admin-row input,
.admin-row select {
  padding: 0.375rem 0.5rem;
  border: 1px solid var(--muted);
  border-radius: var(--radius);
  background: var(--surface);
  color: var(--text);
  font: inherit;
}

.admin-tree .depth-1 { padding-inline-start: 1.5rem; }
.admin-tree .depth-2 { padding-inline-start: 3rem; }
.admin-tree .depth-3 { padding-inline-start: 4.5rem; }
.admin-tree .depth-4,
.admin-tree .depth-5,
.admin-tree .depth-6,
.admin-tree .depth-7,
.admin-tree .depth-8 { padding-inline-start: 6rem; }

.notice {
  padding: 0.75rem 1rem;
  border: 1px solid var(--accent);
  border-radius: var(--radius);
}

.drop-zone {
  padding: 1.5rem;
  border: 2px dashed var(--muted);
  border-radius: var(--radius);
  background: var(--surface);
  text-align: center;
}

.drop-zone.is-dragging {
  border-color: var(--accent);
  background: var(--placeholder);
}

.upload-list {
  display: grid;
  gap: 0.5rem;
  margin: 1.5rem 0 0;
  padding: 0;
  list-style: none;
}

.upload-item {
  display: grid;
  grid-template-columns: minmax(0, 1fr) 10rem auto auto;
  align-items: center;
  gap: 0.75rem;
}

.upload-name {
  overflow-wrap: anywhere;
}

.upload-item[data-state="failed"] .upload-status {
  color: var(--error-text);
}

.upload-summary {
  font-weight: 600;
}

.photo-editor {
  display: grid;
  gap: 1.5rem;
}

@media (min-width: 48rem) {
  .photo-editor {
    grid-template-columns: 16rem 1fr;
    align-items: start;
  }
}

.editor-thumb {
  width: 100%;
  border-radius: var(--radius);
}

/* Lightbox (lightbox.js) */

.lightbox {
  width: 100vw;
  max-width: 100vw;
  height: 100vh;
  max-height: 100vh;
  margin: 0;
  padding: 0;
  border: 0;
  background: #0b0b0c;
  color: #f5f5f4;
  overflow: hidden;
}

.lightbox[open] {
  display: grid;
  grid-template-rows: 1fr auto auto;
}

.lightbox::backdrop {
  background: rgb(0 0 0 / 0.9);
}

.lightbox-figure {
  display: flex;
  align-items: center;
  justify-content: center;
  min-height: 0;
  margin: 0;
  padding: 0.5rem;
  touch-action: pan-y pinch-zoom;
  user-select: none;
}

.lightbox-image {
  max-width: 100%;
  max-height: 100%;
  width: auto;
  height: auto;
  object-fit: contain;
}

.lightbox-caption {
  padding: 0.25rem 1rem;
  text-align: center;
  overflow-wrap: anywhere;
}

.lightbox-counter {
  color: #d6d3d1;
  white-space: nowrap;
}

.lightbox-bar {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  justify-content: center;
  gap: 0.5rem 1rem;
  padding: 0.5rem 1rem 1rem;
}

.lightbox-button {
  min-width: 2.75rem;
  min-height: 2.75rem;
  border: 1px solid #a8a29e;
  border-radius: var(--radius);
  background: #1c1917;
  color: #fafaf9;
  font: inherit;
  font-size: 1.25rem;
  cursor: pointer;
}

.lightbox-button:hover {
  background: #292524;
}

.lightbox-link {
  color: #93c5fd;
}

.lightbox :focus-visible {
  outline: 3px solid #fbbf24;
  outline-offset: 2px;
}

.photo-placeholder {
  padding: 4rem 1rem;
  border-radius: var(--radius);
  background: var(--placeholder);
  color: var(--muted);
}

.photo-details {
  display: grid;
  grid-template-columns: max-content 1fr;
  gap: 0.25rem 1rem;
  margin: 1.5rem 0;
}

.photo-details dt {
  color: var(--muted);
}

.photo-details dd {
  margin: 0;
  overflow-wrap: anywhere;
}

/* Error and login pages */

.error-page,
.login-page {
  max-width: 32rem;
  margin-inline: auto;
}

.error-status {
  margin: 0;
  color: var(--muted);
  font-weight: 600;
  letter-spacing: 0.05em;
  text-transform: uppercase;
}

.form-error:not(:empty) {
  margin-bottom: 1rem;
  padding: 0.75rem 1rem;
  border: 1px solid currentColor;
  border-radius: var(--radius);
  background: var(--error-bg);
  color: var(--error-text);
}

.form-error p {
  margin: 0;
}

.login-form {
  display: grid;
  gap: 1rem;
}

.field {
  display: grid;
  gap: 0.25rem;
}

.field label {
  font-weight: 600;
}

.field input {
  padding: 0.5rem 0.75rem;
  border: 1px solid var(--muted);
  border-radius: var(--radius);
  background: var(--surface);
  color: var(--text);
  font: inherit;
}

.field input[aria-invalid="true"] {
  border-color: var(--error-text);
}

.login-form .button {
  justify-self: start;
}

/* Admin: people, sharing and settings */
.secret-once + .admin-panel,
.table-scroll + .admin-panel,
.pagination + .admin-panel {
  margin-top: 1.5rem;
}

.button-danger {
  border-color: var(--error-text);
  background: var(--error-text);
  color: #ffffff;
}

.inline-form {
  display: inline;
  margin: 0;
}

.field-check {
  display: inline-flex;
  align-items: center;
  gap: 0.4rem;
  margin-inline-end: 1rem;
}

.field-check input {
  width: auto;
}

fieldset.field {
  border: 1px solid var(--border);
  border-radius: var(--radius);
  padding: 0.5rem 0.75rem;
}

.admin-search {
  margin-block-end: 1rem;
}

.member-list li {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 0.5rem;
  padding-block: 0.25rem;
}

.copy-row {
  display: flex;
  flex-wrap: wrap;
  gap: 0.5rem;
}

.copy-row input {
  flex: 1 1 20rem;
  min-width: 0;
  font-family: ui-monospace, monospace;
}

.badge {
  padding: 0 0.4rem;
  border: 1px solid var(--border);
  border-radius: var(--radius);
  color: var(--muted);
  font-size: 0.85em;
}

/* Admin: albums and photos (album tree, album editor, photo grids, batch manager) */

/* The script shows and hides these with the hidden attribute: it must win over their display rules. */
.batch-actions [hidden],
.batch-select[hidden],
.drop-root[hidden],
.drag-handle[hidden] {
  display: none;
}

.admin-tree-item {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 0.5rem 1rem;
}

.admin-row-actions,
.admin-links {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 0.5rem 1rem;
}

.inline-form {
  display: inline-block;
  margin: 0;
}

.button-icon {
  min-width: 2.75rem;
  min-height: 2.75rem;
  padding: 0.25rem 0.5rem;
}

.drag-handle {
  cursor: grab;
  color: var(--muted);
  font-size: 1.25rem;
  user-select: none;
}

.admin-tree > li.is-dragging {
  opacity: 0.5;
}

.admin-tree > li.is-drop-target,
.drop-root.is-drop-target {
  outline: 3px dashed var(--accent);
  outline-offset: -3px;
}

.admin-tree > li.is-drop-before {
  box-shadow: inset 0 3px 0 var(--accent);
}

.admin-tree > li.is-drop-after {
  box-shadow: inset 0 -3px 0 var(--accent);
}

.drop-root {
  padding: 1rem;
  border: 2px dashed var(--border);
  border-radius: var(--radius);
  text-align: center;
}

.admin-hint {
  color: var(--muted);
}

.admin-photo-grid {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr));
  gap: var(--gap);
  margin: 1rem 0;
  padding: 0;
  list-style: none;
}

.admin-photo {
  display: flex;
  flex-direction: column;
  gap: 0.25rem;
  padding: 0.5rem;
  border: 1px solid var(--border);
  border-radius: var(--radius);
  background: var(--surface);
}

.admin-photo.is-current {
  border: 3px solid var(--accent);
}

.admin-photo label {
  display: flex;
  flex-direction: column;
  gap: 0.25rem;
  cursor: pointer;
}

.admin-photo input[type="checkbox"] {
  width: 1.25rem;
  height: 1.25rem;
}

.admin-thumb {
  display: block;
  width: 100%;
  height: 7rem;
  object-fit: contain;
  background: var(--placeholder);
}

.admin-photo-label,
.admin-photo-meta {
  overflow-wrap: anywhere;
}

.admin-photo-meta {
  color: var(--muted);
  font-size: 0.875rem;
}

.cover-choice {
  display: flex;
  flex-direction: column;
  gap: 0.25rem;
  width: 100%;
  padding: 0;
  border: 0;
  background: none;
  color: inherit;
  font: inherit;
  text-align: start;
  cursor: pointer;
}

.cover-current {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 1rem;
}

.batch-actions {
  display: flex;
  flex-wrap: wrap;
  align-items: end;
  gap: 0.75rem 1rem;
}

.admin-list {
  padding-inline-start: 1.25rem;
}

.admin-list li {
  margin-block: 0.5rem;
}

@media (prefers-reduced-motion: reduce) {
  *,
  *::before,
  *::after {
    scroll-behavior: auto !important;
    transition: none !important;
    animation: none !important;
  }
}

@media (forced-colors: active) {
  .album-card,
  .button {
    border: 1px solid CanvasText;
  }
}
`;
