import { type Gallery, GalleryError, isAdminActor } from "@vernissage/core";
import type { H3, H3Event } from "h3";
import { type createPageRenderer, htmlResponse, preferredLanguage } from "./pages.js";
import type { RequestIdentity } from "./session.js";

type Wrap = (
  kind: "api" | "page",
  fn: (event: H3Event, id: RequestIdentity, requestId: string, headers: Headers) => Promise<Response>,
) => (event: H3Event) => Promise<Response>;

const NAME = "((?:@[a-z0-9-]+\\/)?[a-z0-9][a-z0-9._-]*)";
const PREFIX = new RegExp(`^/api/v1/plugins/${NAME}(/.*)$`);
const PAGE_PREFIX = new RegExp(`^/plugins/${NAME}(/.*)?$`);

/**
 * Serve routes that enabled plugins registered (`ctx.registerRoute`) under `/api/v1/plugins/<name>/…`, and their
 * pages (`ctx.registerPage`) under `/plugins/<name>/…` inside the theme's layout. A disabled or unknown plugin
 * answers `NOT_FOUND`; errors become problem documents (API) or the error page (pages).
 */
export function mountPluginRoutes(input: {
  app: H3;
  base: string;
  gallery: Gallery;
  wrap: Wrap;
  renderer: ReturnType<typeof createPageRenderer>;
}): void {
  const { app, base, gallery, wrap, renderer } = input;
  app.all(
    `${base}/api/v1/plugins/**`,
    wrap("api", async (event, identity, _requestId, headers) => {
      const rest = event.url.pathname.slice(base.length);
      const match = PREFIX.exec(rest);
      const found = match
        ? gallery.plugins.matchRoute(match[1] ?? "", event.req.method, match[2] ?? "/")
        : null;
      if (!found) throw new GalleryError("NOT_FOUND", { detail: "No such plugin route." });
      if (found.route.admin && !isAdminActor(identity.actor)) {
        throw new GalleryError(identity.actor.kind === "guest" ? "UNAUTHENTICATED" : "FORBIDDEN");
      }
      let result: unknown;
      try {
        result = await found.route.handler({
          request: event.req,
          actor: identity.actor,
          params: found.params,
        });
      } catch (error) {
        if (error instanceof GalleryError) throw error;
        throw new GalleryError("PLUGIN_ERROR", {
          detail: `A route of plugin "${match?.[1]}" failed.`,
          data: { plugin: match?.[1] },
          cause: error,
        });
      }
      if (result instanceof Response) return result;
      headers.set("cache-control", "no-store");
      if (result === undefined) return new Response(null, { status: 204, headers });
      headers.set("content-type", "application/json; charset=utf-8");
      return new Response(JSON.stringify(result), { headers });
    }),
  );

  // Pages of enabled plugins under /plugins/<name>/…, inside the theme's layout (errors get the error page).
  app.get(
    `${base}/plugins/**`,
    wrap("page", async (event, identity, _requestId, headers) => {
      const match = PAGE_PREFIX.exec(event.url.pathname.slice(base.length));
      const found = match ? gallery.plugins.matchPage(match[1] ?? "", match[2] ?? "/") : null;
      if (!found) throw new GalleryError("NOT_FOUND");
      if (found.page.admin && !isAdminActor(identity.actor)) {
        throw new GalleryError(identity.actor.kind === "guest" ? "UNAUTHENTICATED" : "FORBIDDEN");
      }
      let result: Awaited<ReturnType<typeof found.page.render>>;
      try {
        result = await found.page.render({ request: event.req, actor: identity.actor, params: found.params });
      } catch (error) {
        if (error instanceof GalleryError) throw error;
        throw new GalleryError("PLUGIN_ERROR", { data: { plugin: match?.[1] }, cause: error });
      }
      if (result instanceof Response) return result;
      const ctx = renderer.context(
        identity.session?.user.displayName ?? null,
        event.req,
        preferredLanguage(identity.session),
      );
      return htmlResponse(renderer.page(ctx, result.title, result.main), { headers });
    }),
  );
}
