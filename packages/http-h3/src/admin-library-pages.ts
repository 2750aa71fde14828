import {
  type Actor,
  type AdminAlbumRow,
  type AdminLibraryPage,
  type AdminPhotoCard,
  type AlbumTreeEntry,
  type BatchPhotosInput,
  GalleryError,
  type PageContext,
  type Photo,
} from "@vernissage/core";
import { type MessageKey, translate } from "@vernissage/theme-default";
import type { H3Event } from "h3";
import { ID, idParam, albumOptions as options, renderAdminPage, seeOther, toLogin } from "./admin-common.js";
import type { AdminPageDeps } from "./admin-pages.js";
import { type PostedForm, readPostedForm } from "./forms.js";
import type { RequestIdentity } from "./session.js";

const VISIBILITIES = new Set(["public", "private", "hidden"]);
const ORDERS = new Set(["manual", "takenAt", "addedAt", "title"]);
const ROLES = new Set(["viewer", "contributor", "manager"]);
const LEVELS = [0, 1, 2, 4, 8];
const PAGE_SIZE = 60;
/** Form errors shown next to the form (400) instead of the error page. */
const FORM_ERRORS = new Set(["VALIDATION_FAILED", "ALBUM_CYCLE", "NOT_FOUND", "FORBIDDEN", "CONFLICT"]);

/** What the signed-in user may manage: everything (admins) or these albums. */
type Managed = "all" | ReadonlySet<string>;

/**
 * The album and photo admin pages: the album tree (move, reorder, visibility), one album's editor (details,
 * move, cover, grants, delete), its photos with the batch manager, every photo (admins), and the photo editor.
 * Admins see everything; users holding `manager` grants see the albums they manage (core's
 * `access.managedAlbums`) and nothing else; other users get 403 and guests are sent to log in. Every change is
 * a form POST (CSRF token) through the same core service as the API, so core checks each album and photo.
 */
export function createAdminLibraryPageRoutes(deps: Omit<AdminPageDeps, "maxUploadBytes">): void {
  const { app, base, gallery, links, renderer, wrap, contextFor } = deps;
  const admin = `${base}/admin`;

  async function guard(
    event: H3Event,
    actor: Actor,
    headers: Headers,
  ): Promise<{ managed: Managed } | { response: Response }> {
    if (actor.kind === "guest") return { response: toLogin(event, base, headers) };
    const managed = await gallery.access.managedAlbums(actor);
    if (managed !== "all" && managed.length === 0) throw new GalleryError("FORBIDDEN");
    return { managed: managed === "all" ? "all" : new Set(managed) };
  }

  /** A manager may open the pages of the albums it manages only. */
  function assertManages(managed: Managed, albumId: string): void {
    if (!ID.test(albumId)) throw new GalleryError("NOT_FOUND", { detail: "No such album." });
    if (managed !== "all" && !managed.has(albumId)) throw new GalleryError("FORBIDDEN");
  }

  function render(
    ctx: PageContext,
    data: AdminLibraryPage,
    headers: Headers,
    status = 200,
  ): Promise<Response> {
    return renderAdminPage(renderer, ctx, data, headers, {
      status,
      scripts: ["admin-library.js"],
      templateCtx: { ...ctx, managesAlbums: true },
    });
  }

  const t = (ctx: PageContext, key: MessageKey, params?: Record<string, string | number>) =>
    translate(ctx.lang, key, params);

  /** The translated message for a form error code, or null when the error is not a form error. */
  function formError(ctx: PageContext, thrown: unknown): string | null {
    if (!(thrown instanceof GalleryError) || !FORM_ERRORS.has(thrown.code)) return null;
    const key: Record<string, MessageKey> = {
      VALIDATION_FAILED: "admin.lib.error.invalid",
      ALBUM_CYCLE: "admin.lib.error.cycle",
      NOT_FOUND: "admin.lib.error.notFound",
      FORBIDDEN: "admin.lib.error.forbidden",
      CONFLICT: "admin.lib.error.invalid",
    };
    return t(ctx, key[thrown.code] ?? "admin.lib.error.invalid");
  }

  const DONE: Record<string, MessageKey> = {
    created: "admin.album.created",
    updated: "admin.album.updated",
    moved: "admin.lib.done.moved",
    ordered: "admin.lib.done.ordered",
    deleted: "admin.lib.done.deleted",
    cover: "admin.lib.done.cover",
    granted: "admin.lib.done.granted",
    revoked: "admin.lib.done.revoked",
    saved: "admin.photo.saved",
    albums: "admin.lib.done.photoAlbums",
    regenerated: "admin.lib.done.regenerated",
    photoDeleted: "admin.lib.done.photoDeleted",
  };

  function notice(event: H3Event, ctx: PageContext): string | null {
    const done = event.url.searchParams.get("done") ?? "";
    const key = Object.hasOwn(DONE, done) ? DONE[done] : undefined;
    return key ? t(ctx, key) : null;
  }

  function rows(tree: AlbumTreeEntry[]): AdminAlbumRow[] {
    const siblings = new Map<string | null, string[]>();
    for (const a of tree) {
      const key = a.depth === 0 ? `top:${a.parentId}` : a.parentId;
      siblings.set(key, [...(siblings.get(key) ?? []), a.id]);
    }
    return tree.map((a) => {
      const list = siblings.get(a.depth === 0 ? `top:${a.parentId}` : a.parentId) ?? [];
      return {
        id: a.id,
        name: a.name,
        href: links.album({ id: a.id, slug: a.slug }),
        visibility: a.visibility,
        depth: a.depth,
        photoCount: a.photoCount,
        parentId: a.parentId,
        first: list[0] === a.id,
        last: list.at(-1) === a.id,
      };
    });
  }

  /** The album and its sub-albums, from the tree (parents come before children). */
  function subtree(tree: AlbumTreeEntry[], albumId: string): Set<string> {
    const ids = new Set([albumId]);
    for (const a of tree) if (a.parentId !== null && ids.has(a.parentId)) ids.add(a.id);
    return ids;
  }

  function card(photo: Photo): AdminPhotoCard {
    const images = renderer.photoView(photo).images;
    return {
      id: photo.id,
      label: photo.title.trim() || photo.originalFilename,
      thumb: images.thumb ?? images["2small"] ?? Object.values(images)[0] ?? null,
      editHref: `${admin}/photos/${encodeURIComponent(photo.id)}`,
      privacyLevel: photo.privacyLevel,
    };
  }

  /** An admin path to come back to (`back` field), never anything outside the admin pages. */
  function backPath(form: PostedForm, fallback: string): string {
    const back = form.field("back", 500);
    return back.startsWith(`${admin}/`) && !back.includes("//") && !back.includes("\\") ? back : fallback;
  }

  // ---- Album tree ----

  const albumsPage = async (
    event: H3Event,
    identity: RequestIdentity,
    managed: Managed,
    headers: Headers,
    error: string | null,
  ): Promise<Response> => {
    const ctx = contextFor(event, identity);
    const tree = await gallery.dashboard.albumTree(identity.actor);
    return render(
      ctx,
      {
        view: "albums",
        albums: rows(tree),
        canUseRoot: managed === "all",
        notice: error ? null : notice(event, ctx),
        error,
      },
      headers,
      error ? 400 : 200,
    );
  };

  app.get(
    `${admin}/albums`,
    wrap("page", async (event, identity, _rid, headers) => {
      const g = await guard(event, identity.actor, headers);
      if ("response" in g) return g.response;
      return albumsPage(event, identity, g.managed, headers, null);
    }),
  );

  app.post(
    `${admin}/albums`,
    wrap("page", async (event, identity, _rid, headers) => {
      const g = await guard(event, identity.actor, headers);
      if ("response" in g) return g.response;
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
        const ctx = contextFor(event, identity);
        if (!(thrown instanceof GalleryError) || thrown.code !== "VALIDATION_FAILED") {
          const message = formError(ctx, thrown);
          if (message === null) throw thrown;
          return albumsPage(event, identity, g.managed, headers, message);
        }
        return albumsPage(event, identity, g.managed, headers, t(ctx, "admin.album.invalid"));
      }
      return seeOther(headers, `${admin}/albums?done=created`);
    }),
  );

  // ---- One album ----

  const albumPage = async (
    event: H3Event,
    identity: RequestIdentity,
    managed: Managed,
    id: string,
    headers: Headers,
    error: string | null,
  ): Promise<Response> => {
    assertManages(managed, id);
    const actor = identity.actor;
    const [album, tree, grants] = await Promise.all([
      gallery.albums.get(actor, id),
      gallery.dashboard.albumTree(actor),
      gallery.access.listNamedAlbumGrants(actor, id),
    ]);
    const cover = album.coverPhotoId
      ? (await gallery.photos.getMany(actor, [album.coverPhotoId]))[0]
      : undefined;
    const ctx = contextFor(event, identity);
    return render(
      ctx,
      {
        view: "album",
        album: {
          id: album.id,
          name: album.name,
          description: album.description,
          visibility: album.visibility,
          photoOrder: album.photoOrder,
          parentId: album.parentId,
          href: links.album(album),
          photoCount: album.photoCount,
          cover: cover ? card(cover).thumb : null,
        },
        parentOptions: options(tree, subtree(tree, id)),
        canUseRoot: managed === "all",
        grants: grants.map((grant) => ({
          id: grant.id,
          kind: grant.userId !== null ? "user" : "group",
          name: grant.subjectName,
          role: grant.role,
        })),
        notice: error ? null : notice(event, ctx),
        error,
      },
      headers,
      error ? 400 : 200,
    );
  };

  /** Run a form action on an album: its form errors re-render the album page (400), success redirects. */
  function albumAction(
    path: string,
    action: (
      actor: Actor,
      id: string,
      posted: PostedForm,
      managed: Managed,
      event: H3Event,
    ) => Promise<string>,
    onError: "album" | "albums" = "album",
  ): void {
    app.post(
      `${admin}/albums/:id${path}`,
      wrap("page", async (event, identity, _rid, headers) => {
        const g = await guard(event, identity.actor, headers);
        if ("response" in g) return g.response;
        const id = idParam(event);
        const posted = await readPostedForm(event.req, { csrfToken: true });
        assertManages(g.managed, id);
        let location: string;
        try {
          location = await action(identity.actor, id, posted, g.managed, event);
        } catch (thrown) {
          const message = formError(contextFor(event, identity), thrown);
          if (message === null) throw thrown;
          return onError === "albums"
            ? albumsPage(event, identity, g.managed, headers, message)
            : albumPage(event, identity, g.managed, id, headers, message);
        }
        return seeOther(headers, location);
      }),
    );
  }

  app.get(
    `${admin}/albums/:id`,
    wrap("page", async (event, identity, _rid, headers) => {
      const g = await guard(event, identity.actor, headers);
      if ("response" in g) return g.response;
      return albumPage(event, identity, g.managed, idParam(event), headers, null);
    }),
  );

  // Details: name, description, visibility, photo order (only the fields posted change).
  albumAction(
    "",
    async (actor, id, { form, field }) => {
      const visibility = field("visibility", 16);
      const order = field("photoOrder", 16);
      if (form.has("name") && field("name", 1000).trim() === "") throw new GalleryError("VALIDATION_FAILED");
      await gallery.albums.update(actor, id, {
        name: form.has("name") ? field("name", 1000) : undefined,
        description: form.has("description") ? field("description", 10_000) : undefined,
        visibility: VISIBILITIES.has(visibility) ? (visibility as "public") : undefined,
        photoOrder: ORDERS.has(order) ? (order as "manual") : undefined,
      });
      return form.get("from") === "album"
        ? `${admin}/albums/${encodeURIComponent(id)}?done=updated`
        : `${admin}/albums?done=updated`;
    },
    "albums",
  );

  // Move under another album ("" = top level). The tree's drag and drop posts here too.
  albumAction(
    "/move",
    async (actor, id, { form, field }) => {
      const parent = field("parentId", 64);
      if (parent !== "" && !ID.test(parent)) throw new GalleryError("VALIDATION_FAILED");
      await gallery.albums.update(actor, id, { parentId: parent === "" ? null : parent });
      return backPath({ form, field }, `${admin}/albums?done=moved`);
    },
    "albums",
  );

  // One step up or down among its siblings (the arrow buttons), or before/after another album (the tree's
  // drag and drop between two rows): an album dropped beside one of another parent moves there first.
  albumAction(
    "/order",
    async (actor, id, { field }) => {
      const direction = field("direction", 8);
      const siblingId = field("siblingId", 64);
      const placement = field("placement", 8);
      const tree = await gallery.dashboard.albumTree(actor);
      const self = tree.find((a) => a.id === id);
      if (!self) throw new GalleryError("NOT_FOUND");
      if (siblingId !== "") {
        if (!ID.test(siblingId) || (placement !== "before" && placement !== "after") || siblingId === id)
          throw new GalleryError("VALIDATION_FAILED");
        const sibling = tree.find((a) => a.id === siblingId);
        if (!sibling) throw new GalleryError("NOT_FOUND");
        let parentId = self.parentId;
        if (sibling.parentId !== self.parentId) {
          // Core checks the right to move there and refuses a move under the album's own subtree (a cycle).
          await gallery.albums.update(actor, id, { parentId: sibling.parentId });
          parentId = sibling.parentId;
        }
        const order = tree.filter((a) => a.parentId === parentId && a.id !== id).map((a) => a.id);
        const at = order.indexOf(siblingId);
        order.splice(placement === "before" ? at : at + 1, 0, id);
        await gallery.albums.reorder(actor, parentId, order);
        return `${admin}/albums?done=ordered`;
      }
      if (direction !== "up" && direction !== "down") throw new GalleryError("VALIDATION_FAILED");
      const order = tree.filter((a) => a.parentId === self.parentId).map((a) => a.id);
      const at = order.indexOf(id);
      const to = direction === "up" ? at - 1 : at + 1;
      if (to >= 0 && to < order.length) {
        [order[at], order[to]] = [order[to] as string, order[at] as string];
        await gallery.albums.reorder(actor, self.parentId, order);
      }
      return `${admin}/albums?done=ordered`;
    },
    "albums",
  );

  albumAction("/cover", async (actor, id, { field }) => {
    const photoId = field("photoId", 64);
    if (photoId !== "" && !ID.test(photoId)) throw new GalleryError("VALIDATION_FAILED");
    await gallery.albums.update(actor, id, { coverPhotoId: photoId === "" ? null : photoId });
    return `${admin}/albums/${encodeURIComponent(id)}?done=cover`;
  });

  albumAction("/grants", async (actor, id, { field }) => {
    const kind = field("kind", 8);
    const name = field("name", 200).trim();
    const role = field("role", 16);
    if ((kind !== "user" && kind !== "group") || name === "" || !ROLES.has(role))
      throw new GalleryError("VALIDATION_FAILED");
    await gallery.access.grant(actor, id, {
      ...(kind === "user" ? { username: name } : { groupName: name }),
      role: role as "viewer",
    });
    return `${admin}/albums/${encodeURIComponent(id)}?done=granted`;
  });

  albumAction("/grants/revoke", async (actor, id, { field }) => {
    const grantId = field("grantId", 64);
    if (!ID.test(grantId)) throw new GalleryError("VALIDATION_FAILED");
    await gallery.access.revoke(actor, id, grantId);
    return `${admin}/albums/${encodeURIComponent(id)}?done=revoked`;
  });

  app.get(
    `${admin}/albums/:id/delete`,
    wrap("page", async (event, identity, _rid, headers) => {
      const g = await guard(event, identity.actor, headers);
      if ("response" in g) return g.response;
      const id = idParam(event);
      assertManages(g.managed, id);
      const [album, tree] = await Promise.all([
        gallery.albums.get(identity.actor, id),
        gallery.dashboard.albumTree(identity.actor),
      ]);
      const ids = subtree(tree, id);
      const photos = tree.filter((a) => ids.has(a.id)).reduce((sum, a) => sum + a.photoCount, 0);
      return render(
        contextFor(event, identity),
        { view: "album-delete", album: { id, name: album.name }, subAlbums: ids.size - 1, photos },
        headers,
      );
    }),
  );

  albumAction("/delete", async (actor, id, { field }) => {
    const orphans = field("orphans", 8);
    if (field("confirm", 8) !== "yes" || (orphans !== "keep" && orphans !== "delete"))
      throw new GalleryError("VALIDATION_FAILED");
    await gallery.albums.delete(actor, id, { orphans });
    return `${admin}/albums?done=deleted`;
  });

  app.get(
    `${admin}/albums/:id/cover`,
    wrap("page", async (event, identity, _rid, headers) => {
      const g = await guard(event, identity.actor, headers);
      if ("response" in g) return g.response;
      const id = idParam(event);
      assertManages(g.managed, id);
      const cursor = event.url.searchParams.get("cursor") ?? undefined;
      // Core accepts a photo of any sub-album as the cover: `?scope=subtree` offers them too.
      const scope = event.url.searchParams.get("scope") === "subtree" ? "subtree" : "album";
      const [album, page, children] = await Promise.all([
        gallery.albums.get(identity.actor, id),
        scope === "subtree"
          ? gallery.photos.list(identity.actor, { albumId: id, cursor, limit: PAGE_SIZE })
          : gallery.photos.listInAlbum(identity.actor, id, { cursor, limit: PAGE_SIZE }),
        gallery.albums.list(identity.actor, { parentId: id, limit: 1 }),
      ]);
      const self = `${admin}/albums/${encodeURIComponent(id)}/cover`;
      const query = (params: Record<string, string>) => {
        const q = new URLSearchParams(params).toString();
        return q === "" ? self : `${self}?${q}`;
      };
      const scoped: Record<string, string> = scope === "subtree" ? { scope } : {};
      return render(
        contextFor(event, identity),
        {
          view: "cover",
          album: { id, name: album.name, href: `${admin}/albums/${encodeURIComponent(id)}` },
          photos: page.items.map(card),
          currentCoverId: album.coverPhotoId,
          nextHref: page.nextCursor ? query({ ...scoped, cursor: page.nextCursor }) : null,
          scope,
          otherScopeHref:
            children.items.length === 0 && scope === "album"
              ? null
              : query(scope === "subtree" ? {} : { scope: "subtree" }),
        },
        headers,
      );
    }),
  );

  // ---- Photo grids and the batch manager ----

  const photosPage = async (
    event: H3Event,
    identity: RequestIdentity,
    albumId: string | null,
    headers: Headers,
  ): Promise<Response> => {
    const actor = identity.actor;
    const cursor = event.url.searchParams.get("cursor") ?? undefined;
    const [album, page, tree] = await Promise.all([
      albumId ? gallery.albums.get(actor, albumId) : null,
      albumId
        ? gallery.photos.listInAlbum(actor, albumId, { cursor, limit: PAGE_SIZE })
        : gallery.photos.list(actor, { cursor, limit: PAGE_SIZE }),
      gallery.dashboard.albumTree(actor),
    ]);
    const self = album ? `${admin}/albums/${encodeURIComponent(album.id)}/photos` : `${admin}/photos`;
    const ctx = contextFor(event, identity);
    return render(
      ctx,
      {
        view: "photos",
        album: album
          ? { id: album.id, name: album.name, href: `${admin}/albums/${encodeURIComponent(album.id)}` }
          : null,
        photos: page.items.map(card),
        nextHref: page.nextCursor ? `${self}?cursor=${encodeURIComponent(page.nextCursor)}` : null,
        albumOptions: options(tree),
        notice: notice(event, ctx),
        error: null,
      },
      headers,
    );
  };

  app.get(
    `${admin}/albums/:id/photos`,
    wrap("page", async (event, identity, _rid, headers) => {
      const g = await guard(event, identity.actor, headers);
      if ("response" in g) return g.response;
      const id = idParam(event);
      assertManages(g.managed, id);
      return photosPage(event, identity, id, headers);
    }),
  );

  // Every photo: admins only (a manager works album by album).
  app.get(
    `${admin}/photos`,
    wrap("page", async (event, identity, _rid, headers) => {
      const g = await guard(event, identity.actor, headers);
      if ("response" in g) return g.response;
      if (g.managed !== "all") throw new GalleryError("FORBIDDEN");
      return photosPage(event, identity, null, headers);
    }),
  );

  app.post(
    `${admin}/batch`,
    wrap("page", async (event, identity, _rid, headers) => {
      const g = await guard(event, identity.actor, headers);
      if ("response" in g) return g.response;
      const posted = await readPostedForm(event.req, { csrfToken: true });
      const { form, field } = posted;
      const ctx = contextFor(event, identity);
      const photoIds = [
        ...new Set(
          form
            .getAll("photo")
            .filter((v): v is string => typeof v === "string")
            .slice(0, 1001),
        ),
      ];
      const fromAlbum = field("albumContext", 64);
      const back = backPath(
        posted,
        fromAlbum ? `${admin}/albums/${encodeURIComponent(fromAlbum)}/photos` : `${admin}/photos`,
      );
      const names = field("tags", 2000)
        .split(",")
        .map((n) => n.trim())
        .filter((n) => n !== "");
      const target = field("albumId", 64);
      const level = Number(field("privacyLevel", 2));
      const action = field("action", 32);
      const input: BatchPhotosInput = { photoIds, skipRefused: true };
      // The album being worked in must be one the viewer manages (403 otherwise, like its page).
      if (ID.test(fromAlbum)) assertManages(g.managed, fromAlbum);
      const bad = () => {
        throw new GalleryError("VALIDATION_FAILED");
      };
      try {
        if (photoIds.length === 0 || photoIds.length > 1000 || photoIds.some((id) => !ID.test(id))) bad();
        if (fromAlbum !== "" && !ID.test(fromAlbum)) bad();
        switch (action) {
          case "addTags":
          case "removeTags":
            if (names.length === 0 || names.length > 100) bad();
            if (action === "addTags") input.addTags = names;
            else input.removeTags = names;
            break;
          case "addToAlbum":
            if (!ID.test(target)) bad();
            input.addToAlbumId = target;
            break;
          case "moveToAlbum":
            if (!ID.test(target) || fromAlbum === "") bad();
            input.move = { fromAlbumId: fromAlbum, toAlbumId: target };
            break;
          case "removeFromAlbum":
            if (fromAlbum === "") bad();
            input.removeFromAlbumId = fromAlbum;
            break;
          case "privacy":
            if (!LEVELS.includes(level) || field("privacyLevel", 2) === "") bad();
            input.privacyLevel = level;
            break;
          case "delete":
            if (field("confirm", 8) !== "yes") bad();
            input.delete = true;
            break;
          default:
            bad();
        }
        const result = await gallery.batch.photos(identity.actor, input);
        return render(
          ctx,
          {
            view: "batch",
            changed: result.deleted > 0 ? 0 : result.applied.length > 0 ? result.photoIds.length : 0,
            deleted: result.deleted,
            refused: result.refused.map((r) => ({ id: r.photoId, code: r.code })),
            backHref: back,
            error: null,
          },
          headers,
        );
      } catch (thrown) {
        const message = formError(ctx, thrown);
        if (message === null) throw thrown;
        return render(
          ctx,
          { view: "batch", changed: 0, deleted: 0, refused: [], backHref: back, error: message },
          headers,
          400,
        );
      }
    }),
  );

  // ---- The photo editor ----

  const photoPage = async (
    event: H3Event,
    identity: RequestIdentity,
    id: string,
    headers: Headers,
    error: string | null,
  ): Promise<Response> => {
    const actor = identity.actor;
    const [context, tags, managed] = await Promise.all([
      gallery.browse.photoContext(actor, id, {}),
      gallery.tags.ofPhoto(actor, id),
      gallery.access.managedAlbums(actor),
    ]);
    if (!(await gallery.access.canEditPhoto(actor, id))) throw new GalleryError("FORBIDDEN");
    const tree = await gallery.dashboard.albumTree(actor).catch((thrown) => {
      // An uploader managing no album still edits its own photo, without album choices.
      if (thrown instanceof GalleryError && thrown.code === "FORBIDDEN") return [];
      throw thrown;
    });
    const inAlbums = new Set(context.albums.map((a) => a.id));
    const ctx = contextFor(event, identity);
    return render(
      ctx,
      {
        view: "photo",
        photo: renderer.photoView(context.photo),
        tags: tags.map((tag) => tag.name).join(", "),
        albums: context.albums.map((a) => ({
          id: a.id,
          label: a.name,
          href: links.album(a),
          manageable: managed === "all" || managed.includes(a.id),
        })),
        albumOptions: options(tree, inAlbums),
        notice: error ? null : notice(event, ctx),
        error,
      },
      headers,
      error ? 400 : 200,
    );
  };

  /**
   * The photo editor is also open to an uploader who manages no album (core lets uploaders edit their own
   * photos): the page itself asks core whether the photo may be edited (403 otherwise).
   */
  async function photoGuard(event: H3Event, actor: Actor, headers: Headers): Promise<Response | null> {
    try {
      const g = await guard(event, actor, headers);
      return "response" in g ? g.response : null;
    } catch (thrown) {
      if (thrown instanceof GalleryError && thrown.code === "FORBIDDEN") return null;
      throw thrown;
    }
  }

  /** A form action on one photo: form errors re-render the editor (400), success redirects. */
  function photoAction(
    path: string,
    action: (actor: Actor, id: string, posted: PostedForm) => Promise<string>,
  ): void {
    app.post(
      `${admin}/photos/:id${path}`,
      wrap("page", async (event, identity, _rid, headers) => {
        const redirected = await photoGuard(event, identity.actor, headers);
        if (redirected) return redirected;
        const id = idParam(event);
        const posted = await readPostedForm(event.req, { csrfToken: true });
        let location: string;
        try {
          location = await action(identity.actor, id, posted);
        } catch (thrown) {
          const ctx = contextFor(event, identity);
          const message =
            thrown instanceof GalleryError && thrown.code === "VALIDATION_FAILED" && path === ""
              ? t(ctx, "admin.photo.invalid")
              : formError(ctx, thrown);
          if (message === null) throw thrown;
          return photoPage(event, identity, id, headers, message);
        }
        return seeOther(headers, location);
      }),
    );
  }

  app.get(
    `${admin}/photos/:id`,
    wrap("page", async (event, identity, _rid, headers) => {
      const redirected = await photoGuard(event, identity.actor, headers);
      if (redirected) return redirected;
      return photoPage(event, identity, idParam(event), headers, null);
    }),
  );

  const photoHref = (id: string, done: string) => `${admin}/photos/${encodeURIComponent(id)}?done=${done}`;

  photoAction("", async (actor, id, { field }) => {
    const taken = field("takenAt", 32);
    const takenAt = taken === "" ? null : Date.parse(`${taken.length === 16 ? `${taken}:00` : taken}Z`);
    const level = Number(field("privacyLevel", 2));
    const wanted = field("tags", 2000)
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "");
    if (takenAt !== null && Number.isNaN(takenAt)) throw new GalleryError("VALIDATION_FAILED");
    await gallery.photos.update(actor, id, {
      title: field("title", 1000),
      description: field("description", 10_000),
      author: field("author", 1000),
      takenAt,
      privacyLevel: LEVELS.includes(level) ? level : undefined,
    });
    // Tags: add the new names, remove the ones no longer listed (compared case-insensitively).
    const current = await gallery.tags.ofPhoto(actor, id);
    const key = (name: string) => name.normalize("NFKC").toLocaleLowerCase("en");
    const keep = new Set(wanted.map(key));
    const removed = current.filter((tag) => !keep.has(key(tag.name))).map((tag) => tag.id);
    if (removed.length > 0) await gallery.tags.untagPhotos(actor, { photoIds: [id], tagIds: removed });
    if (wanted.length > 0) await gallery.tags.tagPhotos(actor, { photoIds: [id], names: wanted });
    return photoHref(id, "saved");
  });

  photoAction("/albums", async (actor, id, { field }) => {
    const albumId = field("albumId", 64);
    const op = field("op", 8);
    if (!ID.test(albumId) || (op !== "add" && op !== "remove")) throw new GalleryError("VALIDATION_FAILED");
    if (op === "add") await gallery.photos.addToAlbum(actor, { albumId, photoIds: [id] });
    else await gallery.photos.removeFromAlbum(actor, { albumId, photoIds: [id] });
    return photoHref(id, "albums");
  });

  photoAction("/cover", async (actor, id, { field }) => {
    const albumId = field("albumId", 64);
    if (!ID.test(albumId)) throw new GalleryError("VALIDATION_FAILED");
    await gallery.albums.update(actor, albumId, { coverPhotoId: id });
    return photoHref(id, "cover");
  });

  photoAction("/regenerate", async (actor, id) => {
    await gallery.batch.photos(actor, { photoIds: [id], regenerateDerivatives: true });
    return photoHref(id, "regenerated");
  });

  photoAction("/delete", async (actor, id, posted) => {
    if (posted.field("confirm", 8) !== "yes") throw new GalleryError("VALIDATION_FAILED");
    await gallery.photos.delete(actor, [id]);
    return backPath(posted, `${admin}/albums?done=photoDeleted`);
  });
}
