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

.album-grid,
.photo-grid {
  display: grid;
  grid-template-columns: repeat(2, minmax(0, 1fr));
  gap: var(--gap);
  margin: 0;
  padding: 0;
  list-style: none;
}

@media (min-width: 30rem) {
  .album-grid,
  .photo-grid {
    grid-template-columns: repeat(3, minmax(0, 1fr));
  }
}

@media (min-width: 48rem) {
  .album-grid,
  .photo-grid {
    grid-template-columns: repeat(4, minmax(0, 1fr));
  }
}

@media (min-width: 80rem) {
  .album-grid,
  .photo-grid {
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

.photo-thumb {
  display: block;
  border-radius: calc(var(--radius) / 2);
  background: var(--placeholder);
  overflow: hidden;
}

.photo-thumb img {
  display: block;
  width: 100%;
  aspect-ratio: 1;
  object-fit: cover;
}

.photo-thumb:focus-visible {
  outline-offset: 3px;
}

.thumb-placeholder {
  display: flex;
  align-items: center;
  justify-content: center;
  aspect-ratio: 1;
  padding: 0.5rem;
  color: var(--muted);
  font-size: 0.875rem;
  text-align: center;
  overflow-wrap: anywhere;
}

/* Photo page */

.photo-figure {
  margin: 0 0 1.5rem;
  text-align: center;
}

.photo-figure img {
  display: inline-block;
  width: auto;
  max-height: 85vh;
  border-radius: calc(var(--radius) / 2);
  background: var(--placeholder);
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
