import { type Gallery, GalleryError, type PageContext } from "@vernissage/core";
import { type MessageKey, translate } from "@vernissage/theme-default";
import type { H3, H3Event } from "h3";
import type { Wrap } from "./admin-common.js";
import { readPostedForm } from "./forms.js";
import { type createPageRenderer, htmlResponse } from "./pages.js";
import { clientIp } from "./routes/identity-schemas.js";
import { assertSameOrigin, type RequestIdentity, sessionCookie } from "./session.js";

/** Dependencies of the account pages. */
export interface AccountPageDeps {
  app: H3;
  base: string;
  gallery: Gallery;
  renderer: ReturnType<typeof createPageRenderer>;
  wrap: Wrap;
  contextFor: (event: H3Event, identity: RequestIdentity) => PageContext;
  secureCookies: (request: Request) => boolean;
  /** Extra origins the same-origin check of session-less forms accepts. */
  allowedOrigins: readonly string[];
}

type View = "register" | "forgot" | "reset";

const TITLE: Record<View, MessageKey> = {
  register: "account.register.title",
  forgot: "account.forgot.title",
  reset: "account.reset.title",
};

/**
 * Register the account pages: `/register` (self-registration through `auth.register`, when the gallery allows
 * it), `/forgot-password` (asks `auth.requestPasswordReset` for a link; the answer never tells whether the
 * account exists) and `/reset-password` (sets the new password with the code from the e-mailed link).
 */
export function createAccountPageRoutes(deps: AccountPageDeps): void {
  const { app, base, gallery, renderer, wrap, contextFor } = deps;

  async function render(
    ctx: PageContext,
    view: View,
    headers: Headers,
    options: {
      notice?: string | null;
      error?: string | null;
      status?: number;
      values?: Record<string, string>;
    } = {},
  ): Promise<Response> {
    const main = await renderer.render("account", ctx, {
      view,
      notice: options.notice ?? null,
      error: options.error ?? null,
      values: options.values,
    });
    const scripts = view === "reset" ? ["account.js"] : [];
    headers.set("cache-control", "no-store");
    // The reset page's URL may carry a code: keep it out of Referer headers.
    headers.set("referrer-policy", "no-referrer");
    const response = htmlResponse(
      renderer.page(ctx, translate(ctx.lang, TITLE[view]), main, undefined, { scripts, noindex: true }),
      { status: options.status ?? 200, headers },
    );
    response.headers.set("referrer-policy", "no-referrer");
    return response;
  }

  for (const [path, view] of [
    ["/register", "register"],
    ["/forgot-password", "forgot"],
    ["/reset-password", "reset"],
  ] as const) {
    app.get(
      `${base}${path}`,
      wrap("page", async (event, identity, _rid, headers) =>
        render(contextFor(event, identity), view, headers),
      ),
    );
  }

  app.post(
    `${base}/register`,
    wrap("page", async (event, identity, _rid, headers) => {
      assertSameOrigin(event.req, event.url, deps.allowedOrigins);
      const { field } = await readPostedForm(event.req);
      const values = {
        username: field("username", 64),
        email: field("email", 255),
        displayName: field("displayName", 255),
      };
      const ctx = contextFor(event, identity);
      try {
        const { session } = await gallery.auth.register(
          {
            username: values.username,
            password: field("password"),
            email: values.email || undefined,
            displayName: values.displayName || undefined,
          },
          { ip: clientIp(event.req), userAgent: event.req.headers.get("user-agent") ?? undefined },
        );
        if (session === null) {
          return render(ctx, "register", headers, {
            notice: translate(ctx.lang, "account.register.pending"),
          });
        }
        headers.append(
          "set-cookie",
          sessionCookie(base, session.token, session.expiresAt, deps.secureCookies(event.req)),
        );
        headers.set("location", `${base}/`);
        return new Response(null, { status: 303, headers });
      } catch (error) {
        if (!(error instanceof GalleryError)) throw error;
        const key: MessageKey | null =
          error.code === "REGISTRATION_CLOSED"
            ? "account.register.closed"
            : error.code === "ALREADY_EXISTS"
              ? "account.register.taken"
              : error.code === "VALIDATION_FAILED"
                ? "account.register.invalid"
                : null;
        if (key === null) throw error;
        return render(ctx, "register", headers, {
          error: translate(ctx.lang, key),
          status: error.status,
          values,
        });
      }
    }),
  );

  app.post(
    `${base}/forgot-password`,
    wrap("page", async (event, identity, _rid, headers) => {
      assertSameOrigin(event.req, event.url, deps.allowedOrigins);
      const { field } = await readPostedForm(event.req);
      const who = field("who", 255).trim();
      const ctx = contextFor(event, identity);
      if (who !== "") await gallery.auth.requestPasswordReset(who, { ip: clientIp(event.req) });
      return render(ctx, "forgot", headers, { notice: translate(ctx.lang, "account.forgot.sent") });
    }),
  );

  app.post(
    `${base}/reset-password`,
    wrap("page", async (event, identity, _rid, headers) => {
      assertSameOrigin(event.req, event.url, deps.allowedOrigins);
      const { field } = await readPostedForm(event.req);
      const ctx = contextFor(event, identity);
      try {
        await gallery.auth.resetPassword(field("token", 256).trim(), field("password"), {
          ip: clientIp(event.req),
        });
      } catch (error) {
        if (!(error instanceof GalleryError)) throw error;
        if (error.code === "INVALID_TOKEN")
          return render(ctx, "reset", headers, {
            error: translate(ctx.lang, "account.reset.invalid"),
            status: 400,
          });
        if (error.code === "VALIDATION_FAILED")
          return render(ctx, "reset", headers, {
            error: translate(ctx.lang, "account.reset.weak"),
            status: 400,
          });
        throw error;
      }
      return render(ctx, "reset", headers, { notice: translate(ctx.lang, "account.reset.done") });
    }),
  );
}
