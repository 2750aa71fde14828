import { type Actor, type AdminPage, type Gallery, GalleryError, type PageContext } from "@vernissage/core";
import { translate } from "@vernissage/theme-default";
import type { H3, H3Event } from "h3";
import { albumOptions, guardAdmin, renderAdminPage, seeOther, type Wrap } from "./admin-common.js";
import { readPostedForm } from "./forms.js";
import type { Links } from "./links.js";
import type { createPageRenderer } from "./pages.js";
import type { RequestIdentity } from "./session.js";

/** Dependencies of the admin pages. */
export interface AdminPageDeps {
  app: H3;
  base: string;
  gallery: Gallery;
  links: Links;
  renderer: ReturnType<typeof createPageRenderer>;
  wrap: Wrap;
  contextFor: (event: H3Event, identity: RequestIdentity) => PageContext;
  /** Largest accepted upload (the form fallback reads the whole body). */
  maxUploadBytes: number;
  /** Files at least this large go through resumable (tus) uploads. @default 8 MiB */
  resumableUploadThreshold?: number | undefined;
}

const ACTIVITY_SHOWN = 20;

/**
 * Register the admin dashboard and upload pages (owner and admins; the album and photo pages are in
 * `admin-library-pages.ts`, users, groups and settings in `admin-people-pages.ts`). Every action goes
 * through the same core services (and their permission checks) as the API; form posts pass the Origin check
 * and the session's CSRF token. Guests are sent to the login page; other users get 403.
 */
export function createAdminPageRoutes(deps: AdminPageDeps): void {
  const { app, base, gallery, links, renderer, wrap, contextFor } = deps;

  const guard = (event: H3Event, actor: Actor, headers: Headers) => guardAdmin(event, base, actor, headers);
  const render = (ctx: PageContext, data: AdminPage, headers: Headers, status = 200) =>
    renderAdminPage(renderer, ctx, data, headers, {
      status,
      scripts: data.view === "upload" ? ["admin.js"] : [],
    });

  app.get(
    `${base}/admin`,
    wrap("page", async (event, identity, _rid, headers) => {
      const redirected = guard(event, identity.actor, headers);
      if (redirected) return redirected;
      const [summary, activity] = await Promise.all([
        gallery.dashboard.summary(identity.actor),
        gallery.activity.list(identity.actor, { limit: ACTIVITY_SHOWN }),
      ]);
      const userIds = [...new Set(activity.items.map((e) => e.actorUserId).filter((id) => id !== null))];
      const names = new Map<string, string>();
      for (const id of userIds) {
        const user = await gallery.users.get(identity.actor, id).catch(() => null);
        if (user) names.set(id, user.username);
      }
      const ctx = contextFor(event, identity);
      return render(
        ctx,
        {
          view: "dashboard",
          summary,
          activity: activity.items.map((entry) => ({
            at: entry.at,
            actor: (entry.actorUserId && names.get(entry.actorUserId)) || entry.actorKind,
            action: entry.action,
            target: entry.subjectType ? `${entry.subjectType} ${entry.subjectId ?? ""}`.trim() : "",
          })),
        },
        headers,
      );
    }),
  );

  const uploadPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    messages: { notice: string | null; error: string | null },
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const tree = await gallery.dashboard.albumTree(identity.actor);
    const wanted = event.url.searchParams.get("album");
    return render(
      ctx,
      {
        view: "upload",
        albums: albumOptions(tree),
        selectedAlbumId: tree.some((a) => a.id === wanted) ? wanted : null,
        uploadUrl: links.api("/photos"),
        resumableUrl: links.api("/uploads"),
        resumableThreshold: deps.resumableUploadThreshold ?? 8 * 1024 * 1024,
        ...messages,
      },
      headers,
      messages.error ? 400 : 200,
    );
  };

  app.get(
    `${base}/admin/upload`,
    wrap("page", async (event, identity, _rid, headers) => {
      const redirected = guard(event, identity.actor, headers);
      if (redirected) return redirected;
      return uploadPage(event, identity, headers, { notice: null, error: null });
    }),
  );

  // Without JavaScript the upload form posts here: the files go through the same `photos.upload` as the API.
  app.post(
    `${base}/admin/upload`,
    wrap("page", async (event, identity, _rid, headers) => {
      const redirected = guard(event, identity.actor, headers);
      if (redirected) return redirected;
      const length = Number(event.req.headers.get("content-length") ?? "0");
      if (length > deps.maxUploadBytes) throw new GalleryError("PAYLOAD_TOO_LARGE");
      const { form, field } = await readPostedForm(event.req, { csrfToken: true });
      const albumId = field("albumId", 64);
      const files = form.getAll("file").filter((f): f is File => typeof f !== "string" && f.size > 0);
      const ctx = contextFor(event, identity);
      if (!albumId || files.length === 0) {
        return uploadPage(event, identity, headers, {
          notice: null,
          error: translate(ctx.lang, "admin.upload.invalid"),
        });
      }
      for (const file of files) {
        await gallery.photos.upload(identity.actor, {
          albumId,
          file: new Uint8Array(await file.arrayBuffer()),
          filename: file.name,
        });
      }
      const album = await gallery.albums.get(identity.actor, albumId);
      return seeOther(headers, links.album(album));
    }),
  );
}
