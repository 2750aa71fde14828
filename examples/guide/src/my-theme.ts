import { defineTheme, html, slot, type Theme } from "@vernissage/core";
import { defaultTheme } from "@vernissage/theme-default";

// Extend the default theme: override one template and add one stylesheet rule; the rest is inherited.
export const myTheme: Theme = defineTheme({
  name: "my-theme",
  extends: defaultTheme,
  templates: {
    // Templates are typed render functions; `html` escapes every interpolated value.
    error: (ctx, data) => html`<section class="oops">
  <h1>${data.status === 404 ? "Nothing here" : data.message}</h1>
  <p><a href="${ctx.basePath}/">Back to ${ctx.title}</a></p>
  ${slot(ctx, "layout.footer", {})}
</section>`,
  },
  assets: {
    "extra.css": { contentType: "text/css; charset=utf-8", body: ".oops { text-align: center; }" },
  },
  // The slots this theme's own templates render (for tooling and docs).
  slots: { error: ["layout.footer"] },
});
