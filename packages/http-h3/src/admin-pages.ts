import {
  type Actor,
  type AdminPage,
  type Gallery,
  GalleryError,
  isAdminActor,
  type PageContext,
} from "@vernissage/core";
import { translate } from "@vernissage/theme-default";
import { getRouterParams, type H3, type H3Event } from "h3";
import { readPostedForm } from "./forms.js";
import type { Links } from "./links.js";
import { type createPageRenderer, htmlResponse } from "./pages.js";
import type { RequestIdentity } from "./session.js";

type Wrap = (
  kind: "api" | "page" | "media",
  fn: (event: H3Event, id: RequestIdentity, requestId: string, headers: Headers) => Promise<Response>,
) => (event: H3Event) => Promise<Response>;

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
}

const VISIBILITIES = new Set(["public", "private", "hidden"]);
const ACTIVITY_SHOWN = 20;

/**
 * Register the admin pages (owner and admins): dashboard, album manager, upload, users. Every action goes
 * through the same core services (and their permission checks) as the API; form posts pass the Origin check
 * and the session's CSRF token. Guests are sent to the login page; other users get 403.
 */
export function createAdminPageRoutes(deps: AdminPageDeps): void {
  const { app, base, gallery, links, renderer, wrap, contextFor } = deps;

  /** Admins only: a guest is redirected to log in (`null` returned), anyone else gets `FORBIDDEN`. */
  function guard(event: H3Event, actor: Actor, headers: Headers): Response | null {
    if (actor.kind === "guest") {
      headers.set(
        "location",
        `${base}/login?next=${encodeURIComponent(event.url.pathname + event.url.search)}`,
      );
      return new Response(null, { status: 303, headers });
    }
    if (!isAdminActor(actor)) throw new GalleryError("FORBIDDEN");
    return null;
  }

  async function render(
    ctx: PageContext,
    data: AdminPage,
    headers: Headers,
    status = 200,
  ): Promise<Response> {
    const title = translate(ctx.lang, "admin.nav");
    const main = await renderer.render("admin", ctx, data);
    const scripts = data.view === "upload" ? ["admin.js"] : [];
    headers.set("cache-control", "no-store");
    return htmlResponse(renderer.page(ctx, title, main, undefined, { scripts, noindex: true }), {
      status,
      headers,
    });
  }

  function redirect(headers: Headers, location: string): Response {
    headers.set("location", location);
    return new Response(null, { status: 303, headers });
  }

  async function albumRows(actor: Actor) {
    const tree = await gallery.dashboard.albumTree(actor);
    return tree.map((a) => ({
      id: a.id,
      name: a.name,
      href: links.album(a),
      visibility: a.visibility,
      depth: a.depth,
      photoCount: a.photoCount,
    }));
  }

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

  const albumsPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    error: string | null,
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const done = event.url.searchParams.get("done");
    const notice =
      done === "created"
        ? translate(ctx.lang, "admin.album.created")
        : done === "updated"
          ? translate(ctx.lang, "admin.album.updated")
          : null;
    const albums = await albumRows(identity.actor);
    return render(ctx, { view: "albums", albums, notice, error }, headers, error ? 400 : 200);
  };

  app.get(
    `${base}/admin/albums`,
    wrap("page", async (event, identity, _rid, headers) => {
      const redirected = guard(event, identity.actor, headers);
      if (redirected) return redirected;
      return albumsPage(event, identity, headers, null);
    }),
  );

  app.post(
    `${base}/admin/albums`,
    wrap("page", async (event, identity, _rid, headers) => {
      const redirected = guard(event, identity.actor, headers);
      if (redirected) return redirected;
      const { field } = await readPostedForm(event.req, { csrfToken: true });
      const visibility = field("visibility", 16);
      try {
        await gallery.albums.create(identity.actor, {
          name: field("name", 1000),
          description: field("description", 10_000),
          parentId: field("parentId", 64) || null,
          visibility: VISIBILITIES.has(visibility) ? (visibility as "public") : undefined,
        });
      } catch (thrown) {
        if (!(thrown instanceof GalleryError) || thrown.code !== "VALIDATION_FAILED") throw thrown;
        return albumsPage(
          event,
          identity,
          headers,
          translate(contextFor(event, identity).lang, "admin.album.invalid"),
        );
      }
      return redirect(headers, `${base}/admin/albums?done=created`);
    }),
  );

  app.post(
    `${base}/admin/albums/:id`,
    wrap("page", async (event, identity, _rid, headers) => {
      const redirected = guard(event, identity.actor, headers);
      if (redirected) return redirected;
      const { id = "" } = getRouterParams(event, { decode: true });
      const { form, field } = await readPostedForm(event.req, { csrfToken: true });
      const visibility = field("visibility", 16);
      const name = form.has("name") ? field("name", 1000) : undefined;
      try {
        await gallery.albums.update(identity.actor, id, {
          name,
          visibility: VISIBILITIES.has(visibility) ? (visibility as "public") : undefined,
        });
      } catch (thrown) {
        if (!(thrown instanceof GalleryError) || thrown.code !== "VALIDATION_FAILED") throw thrown;
        return albumsPage(
          event,
          identity,
          headers,
          translate(contextFor(event, identity).lang, "admin.album.invalid"),
        );
      }
      return redirect(headers, `${base}/admin/albums?done=updated`);
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
        albums: tree.map((a) => ({ id: a.id, label: `${"\u2003".repeat(a.depth)}${a.name}` })),
        selectedAlbumId: tree.some((a) => a.id === wanted) ? wanted : null,
        uploadUrl: links.api("/photos"),
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
      return redirect(headers, links.album(album));
    }),
  );

  const photoPage = async (
    event: H3Event,
    identity: RequestIdentity,
    headers: Headers,
    id: string,
    error: string | null,
  ): Promise<Response> => {
    const [photo, tags] = await Promise.all([
      gallery.photos.get(identity.actor, id),
      gallery.tags.ofPhoto(identity.actor, id),
    ]);
    const ctx = contextFor(event, identity);
    const notice =
      event.url.searchParams.get("done") === "saved" ? translate(ctx.lang, "admin.photo.saved") : null;
    return render(
      ctx,
      {
        view: "photo",
        photo: renderer.photoView(photo),
        tags: tags.map((tag) => tag.name).join(", "),
        notice,
        error,
      },
      headers,
      error ? 400 : 200,
    );
  };

  app.get(
    `${base}/admin/photos/:id`,
    wrap("page", async (event, identity, _rid, headers) => {
      const redirected = guard(event, identity.actor, headers);
      if (redirected) return redirected;
      const { id = "" } = getRouterParams(event, { decode: true });
      return photoPage(event, identity, headers, id, null);
    }),
  );

  app.post(
    `${base}/admin/photos/:id`,
    wrap("page", async (event, identity, _rid, headers) => {
      const redirected = guard(event, identity.actor, headers);
      if (redirected) return redirected;
      const { id = "" } = getRouterParams(event, { decode: true });
      const { field } = await readPostedForm(event.req, { csrfToken: true });
      const taken = field("takenAt", 32);
      const takenAt = taken === "" ? null : Date.parse(`${taken.length === 16 ? `${taken}:00` : taken}Z`);
      const level = Number(field("privacyLevel", 2));
      const wanted = field("tags", 2000)
        .split(",")
        .map((name) => name.trim())
        .filter((name) => name !== "");
      try {
        if (takenAt !== null && Number.isNaN(takenAt)) throw new GalleryError("VALIDATION_FAILED");
        await gallery.photos.update(identity.actor, id, {
          title: field("title", 1000),
          description: field("description", 10_000),
          author: field("author", 1000),
          takenAt,
          privacyLevel: [0, 1, 2, 4, 8].includes(level) ? level : undefined,
        });
        // Tags: add the new names, remove the ones no longer listed (compared case-insensitively).
        const current = await gallery.tags.ofPhoto(identity.actor, id);
        const key = (name: string) => name.normalize("NFKC").toLocaleLowerCase("en");
        const keep = new Set(wanted.map(key));
        const removed = current.filter((tag) => !keep.has(key(tag.name))).map((tag) => tag.id);
        if (removed.length > 0)
          await gallery.tags.untagPhotos(identity.actor, { photoIds: [id], tagIds: removed });
        if (wanted.length > 0)
          await gallery.tags.tagPhotos(identity.actor, { photoIds: [id], names: wanted });
      } catch (thrown) {
        if (!(thrown instanceof GalleryError) || thrown.code !== "VALIDATION_FAILED") throw thrown;
        return photoPage(
          event,
          identity,
          headers,
          id,
          translate(contextFor(event, identity).lang, "admin.photo.invalid"),
        );
      }
      return redirect(headers, `${base}/admin/photos/${encodeURIComponent(id)}?done=saved`);
    }),
  );

  app.get(
    `${base}/admin/users`,
    wrap("page", async (event, identity, _rid, headers) => {
      const redirected = guard(event, identity.actor, headers);
      if (redirected) return redirected;
      const cursor = event.url.searchParams.get("cursor") ?? undefined;
      const page = await gallery.users.list(identity.actor, { cursor, limit: 100 });
      const ctx = contextFor(event, identity);
      return render(
        ctx,
        {
          view: "users",
          users: page.items.map((u) => ({
            username: u.username,
            displayName: u.displayName,
            role: u.role,
            status: u.status,
            createdAt: u.createdAt,
          })),
          nextHref: page.nextCursor
            ? `${base}/admin/users?cursor=${encodeURIComponent(page.nextCursor)}`
            : null,
        },
        headers,
      );
    }),
  );
}
