import { defineTheme, html, type Theme } from "@vernissage/core";
import { defaultTheme } from "@vernissage/theme-default";

/** Dark colours, whatever the visitor's system scheme (the custom properties the default stylesheet uses). */
export const DARK_CSS = `
/* theme-dark: always dark */
:root {
  color-scheme: dark;
  --bg: #0c0a09;
  --surface: #1c1917;
  --text: #f5f5f4;
  --muted: #a8a29e;
  --border: #44403c;
  --accent: #93c5fd;
  --accent-text: #0c0a09;
  --focus: #fbbf24;
  --placeholder: #292524;
  --error-bg: #450a0a;
  --error-text: #fecaca;
}
.dark-welcome { margin: 0 0 var(--gap); color: var(--muted); font-style: italic; }
`;

function parentCss(): string {
  const body = defaultTheme.assets["style.css"]?.body ?? "";
  return typeof body === "string" ? body : new TextDecoder().decode(body);
}

/**
 * An always-dark theme: the default theme's templates and assets, with one template overridden (`home`, which
 * adds a welcome line) and the stylesheet replaced by the default one plus dark colours. Everything else comes
 * from the default theme.
 *
 * @example
 * createGalleryApp(gallery, { themes: [darkTheme] }); // then setGalleryTheme(gallery, admin, "dark")
 */
export const darkTheme: Theme = defineTheme({
  name: "dark",
  extends: defaultTheme,
  templates: {
    home: (ctx, data) =>
      html`<p class="dark-welcome">Welcome to ${ctx.title}.</p>${defaultTheme.templates.home(ctx, data)}`,
  },
  assets: {
    "style.css": { contentType: "text/css; charset=utf-8", body: `${parentCss()}\n${DARK_CSS}` },
  },
});

export default darkTheme;
