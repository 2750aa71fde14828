import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { type Actor, type Gallery, GalleryError, type TokenScope } from "@vernissage/core";
import { z } from "zod";
import type { McpLinks } from "./links.js";
import { openLocalFile } from "./local-file.js";
import {
  AlbumOut,
  albumOut,
  Id,
  PhotoOut,
  PrivacyLevelSchema,
  pageArgs,
  photoOut,
  ShareOut,
  shareOut,
  TagOut,
  tagOut,
} from "./shapes.js";

/** What every tool runs with. */
export interface ToolContext {
  gallery: Gallery;
  links: McpLinks | undefined;
  mode: "http" | "stdio";
  /** Folder local paths may be read from (stdio only); `undefined`: local paths refused. */
  filesRoot: string | undefined;
  /** Largest upload in bytes (decoded). */
  maxUploadBytes: number;
}

/** One MCP tool: its schemas, annotations, the token scope it needs, and what it does. */
export interface ToolSpec<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  /**
   * Scope an API token must carry (checked with core's `requireScope`, as the REST route of the same action
   * does); the core service then applies the actor's own rights.
   */
  scope: TokenScope;
  annotations: ToolAnnotations;
  input: S;
  output?: z.ZodObject;
  run(args: z.output<z.ZodObject<S>>, actor: Actor, ctx: ToolContext): Promise<Record<string, unknown>>;
}

const tool = <S extends z.ZodRawShape>(spec: ToolSpec<S>): ToolSpec => spec as unknown as ToolSpec;

const READ: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };
const ADDITIVE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, openWorldHint: false };

const photoPage = z.object({ items: z.array(PhotoOut), nextCursor: z.string().nullable() });
const albumPage = z.object({ items: z.array(AlbumOut), nextCursor: z.string().nullable() });
const photoIds = z.array(Id).min(1).max(100).describe("Photo ids (1–100).");
const isoDate = z.iso.datetime({ offset: true }).describe("ISO 8601 date and time.");
const ms = (value: string | undefined) => (value === undefined ? undefined : Date.parse(value));

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decode strict base64 (no whitespace, no URL alphabet) or refuse with `VALIDATION_FAILED`. */
function decodeBase64(text: string, maxBytes: number): Buffer {
  const compact = text.replace(/\s+/g, "");
  // Decoded size from the text's length, checked before decoding anything.
  if (Math.floor((compact.length * 3) / 4) > maxBytes + 2)
    throw new GalleryError("FILE_TOO_LARGE", { data: { maxBytes } });
  if (compact.length % 4 !== 0 || !BASE64.test(compact))
    throw new GalleryError("VALIDATION_FAILED", {
      errors: [{ path: "contentBase64", message: "standard base64 (RFC 4648 §4)" }],
    });
  const bytes = Buffer.from(compact, "base64");
  if (bytes.length > maxBytes) throw new GalleryError("FILE_TOO_LARGE", { data: { maxBytes } });
  return bytes;
}

let tools: ToolSpec[] | undefined;

/**
 * The tools, in the order they are listed. Built once: specs hold no per-server state (`run` gets the context),
 * and `/mcp` makes a server per request.
 */
export function buildTools(): ToolSpec[] {
  tools ??= [
    tool({
      name: "search_photos",
      title: "Search photos",
      description:
        "Find photos by words (matched as prefixes against title, description, file name, keywords, tags and " +
        "album names; all must match), optionally within an album subtree or with a tag, newest first. Only " +
        "photos the caller may see are returned.",
      scope: "photos:read",
      annotations: READ,
      input: {
        q: z.string().max(500).describe("Words to find; may be empty to list recent photos."),
        albumId: Id.optional().describe("Only photos in this album or its sub-albums."),
        tagId: Id.optional().describe("Only photos with this tag."),
        takenFrom: isoDate.optional(),
        takenTo: isoDate.optional(),
        ...pageArgs,
      },
      output: photoPage,
      async run(args, actor, { gallery, links }) {
        const page = await gallery.search.photos(actor, {
          q: args.q,
          albumId: args.albumId,
          tagId: args.tagId,
          takenFrom: ms(args.takenFrom),
          takenTo: ms(args.takenTo),
          limit: args.limit,
          cursor: args.cursor,
        });
        return { items: page.items.map((p) => photoOut(gallery, links, p)), nextCursor: page.nextCursor };
      },
    }),
    tool({
      name: "list_albums",
      title: "List albums",
      description:
        "List the albums directly under a parent album (the root albums when `parentId` is omitted or null), " +
        "in their manual order, paginated. Only albums the caller may view.",
      scope: "albums:read",
      annotations: READ,
      input: {
        parentId: Id.nullable().optional().describe("Parent album; omit for root albums."),
        ...pageArgs,
      },
      output: albumPage,
      async run(args, actor, { gallery, links }) {
        const page = await gallery.albums.list(actor, {
          parentId: args.parentId ?? null,
          limit: args.limit,
          cursor: args.cursor,
        });
        return { items: page.items.map((a) => albumOut(links, a)), nextCursor: page.nextCursor };
      },
    }),
    tool({
      name: "get_album",
      title: "Get an album",
      description:
        "One album with its path from the root. An album the caller may not view answers NOT_FOUND.",
      scope: "albums:read",
      annotations: READ,
      input: { id: Id },
      output: z.object({
        album: AlbumOut,
        ancestors: z.array(z.object({ id: z.string(), name: z.string() })),
      }),
      async run(args, actor, { gallery, links }) {
        const album = await gallery.albums.get(actor, args.id);
        const ancestors = await gallery.albums.ancestors(actor, album.id);
        return {
          album: albumOut(links, album),
          ancestors: ancestors.map((a) => ({ id: a.id, name: a.name })),
        };
      },
    }),
    tool({
      name: "list_album_photos",
      title: "List an album's photos",
      description:
        "The photos directly in an album, in the album's order, paginated; only those the caller may see.",
      scope: "photos:read",
      annotations: READ,
      input: { albumId: Id, ...pageArgs },
      output: photoPage,
      async run(args, actor, { gallery, links }) {
        const page = await gallery.photos.listInAlbum(actor, args.albumId, {
          limit: args.limit,
          cursor: args.cursor,
        });
        return { items: page.items.map((p) => photoOut(gallery, links, p)), nextCursor: page.nextCursor };
      },
    }),
    tool({
      name: "get_photo",
      title: "Get a photo",
      description:
        "A photo's fields, capture metadata, tags and the URLs of its sizes (derivatives) and original. A photo " +
        "the caller may not see answers NOT_FOUND, exactly like a missing one.",
      scope: "photos:read",
      annotations: READ,
      input: { id: Id },
      output: z.object({ photo: PhotoOut, tags: z.array(TagOut) }),
      async run(args, actor, { gallery, links }) {
        const photo = await gallery.photos.get(actor, args.id);
        const tags = await gallery.tags.ofPhoto(actor, photo.id);
        return { photo: photoOut(gallery, links, photo), tags: tags.map(tagOut) };
      },
    }),
    tool({
      name: "create_album",
      title: "Create an album",
      description:
        "Create an album under a parent (managers of the parent and admins) or at the root (admins only).",
      scope: "albums:write",
      annotations: { ...ADDITIVE, idempotentHint: false },
      input: {
        name: z.string().trim().min(1).max(255),
        description: z.string().max(10_000).optional(),
        parentId: Id.nullable().optional().describe("Parent album; omit or null for a root album."),
        visibility: z.enum(["public", "private", "hidden"]).optional().describe("Default public."),
      },
      output: z.object({ album: AlbumOut }),
      async run(args, actor, { gallery, links }) {
        const album = await gallery.albums.create(actor, args);
        return { album: albumOut(links, album) };
      },
    }),
    tool({
      name: "update_album",
      title: "Update an album",
      description:
        "Rename, describe, change the visibility, photo order or cover of an album, or move it under another " +
        "parent (`parentId`, null for the root). Only the fields given change.",
      scope: "albums:write",
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      input: {
        id: Id,
        name: z.string().trim().min(1).max(255).optional(),
        description: z.string().max(10_000).optional(),
        visibility: z.enum(["public", "private", "hidden"]).optional(),
        photoOrder: z.enum(["manual", "takenAt", "addedAt", "title"]).optional(),
        coverPhotoId: Id.nullable().optional().describe("Cover photo, or null for the automatic one."),
        parentId: Id.nullable().optional().describe("Move under this album (null: to the root)."),
      },
      output: z.object({ album: AlbumOut }),
      async run({ id, ...fields }, actor, { gallery, links }) {
        const album = await gallery.albums.update(actor, id, fields);
        return { album: albumOut(links, album) };
      },
    }),
    tool({
      name: "upload_photo",
      title: "Upload a photo",
      description:
        "Add a photo to an album from base64 content (`contentBase64`) or, over stdio only, a local file " +
        "(`path`, inside the folder the server was started with). The content is sniffed: only real images are " +
        "accepted. Content already in the library is linked into the album instead (`duplicate: true`).",
      scope: "photos:write",
      annotations: { ...ADDITIVE, idempotentHint: false },
      input: {
        albumId: Id,
        contentBase64: z.string().optional().describe("The file's bytes in standard base64."),
        path: z
          .string()
          .max(4096)
          .optional()
          .describe("stdio only: a local file inside the server's files root; refused over HTTP."),
        filename: z
          .string()
          .min(1)
          .max(255)
          .optional()
          .describe("The file's name (kept as metadata; default: the path's name, or photo)."),
        title: z.string().max(255).optional(),
        description: z.string().max(10_000).optional(),
        privacyLevel: PrivacyLevelSchema.optional(),
      },
      output: z.object({ photo: PhotoOut, duplicate: z.boolean() }),
      async run(args, actor, ctx) {
        const { gallery, links } = ctx;
        if ((args.contentBase64 === undefined) === (args.path === undefined))
          throw new GalleryError("VALIDATION_FAILED", {
            errors: [{ path: "contentBase64", message: "give exactly one of contentBase64 and path" }],
          });
        const fields = {
          albumId: args.albumId,
          title: args.title,
          description: args.description,
          privacyLevel: args.privacyLevel,
        };
        let result: Awaited<ReturnType<Gallery["photos"]["upload"]>>;
        if (args.path !== undefined) {
          if (ctx.mode !== "stdio")
            throw new GalleryError("FORBIDDEN", { detail: "Local file paths are accepted over stdio only." });
          const file = await openLocalFile(ctx.filesRoot, args.path, ctx.maxUploadBytes);
          try {
            result = await gallery.photos.upload(actor, {
              ...fields,
              file: file.stream,
              filename: args.filename ?? file.filename,
            });
          } finally {
            file.stream.destroy();
          }
        } else {
          const bytes = decodeBase64(args.contentBase64 ?? "", ctx.maxUploadBytes);
          result = await gallery.photos.upload(actor, {
            ...fields,
            file: bytes,
            filename: args.filename ?? "photo",
          });
        }
        return { photo: photoOut(gallery, links, result.photo), duplicate: result.duplicate };
      },
    }),
    tool({
      name: "update_photo",
      title: "Set a photo's title, description or privacy level",
      description:
        "Change a photo's title, description, author, capture time or privacy level (only the fields given).",
      scope: "photos:write",
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      input: {
        id: Id,
        title: z.string().max(255).optional(),
        description: z.string().max(10_000).optional(),
        author: z.string().max(255).optional(),
        takenAt: isoDate.nullable().optional().describe("Capture time, or null when unknown."),
        privacyLevel: PrivacyLevelSchema.optional(),
      },
      output: z.object({ photo: PhotoOut }),
      async run({ id, takenAt, ...fields }, actor, { gallery, links }) {
        const photo = await gallery.photos.update(actor, id, {
          ...fields,
          takenAt: takenAt === undefined ? undefined : takenAt === null ? null : Date.parse(takenAt),
        });
        return { photo: photoOut(gallery, links, photo) };
      },
    }),
    tool({
      name: "tag_photos",
      title: "Tag photos",
      description: "Add tags (by name; missing tags are created) to photos the caller may edit.",
      scope: "photos:write",
      annotations: { ...ADDITIVE, idempotentHint: true },
      input: { photoIds, names: z.array(z.string().trim().min(1).max(100)).min(1).max(100) },
      output: z.object({ tags: z.array(TagOut) }),
      async run(args, actor, { gallery }) {
        const tags = await gallery.tags.tagPhotos(actor, { photoIds: args.photoIds, names: args.names });
        return { tags: tags.map(tagOut) };
      },
    }),
    tool({
      name: "untag_photos",
      title: "Untag photos",
      description:
        "Remove tags from photos the caller may edit, by tag id (`tagIds`) or by name (`names`, matched " +
        "case-insensitively against the photos' tags). Returns how many tag links were removed.",
      scope: "photos:write",
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      input: {
        photoIds,
        tagIds: z.array(Id).max(100).optional(),
        names: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
      },
      output: z.object({ removed: z.number().int() }),
      async run(args, actor, { gallery }) {
        const ids = new Set(args.tagIds ?? []);
        if (args.names?.length) {
          const wanted = new Set(args.names.map((n) => n.toLocaleLowerCase()));
          for (const photoId of args.photoIds) {
            for (const tag of await gallery.tags.ofPhoto(actor, photoId))
              if (wanted.has(tag.name.toLocaleLowerCase())) ids.add(tag.id);
          }
        }
        if (ids.size === 0 && !args.tagIds?.length && !args.names?.length)
          throw new GalleryError("VALIDATION_FAILED", {
            errors: [{ path: "tagIds", message: "give tagIds or names" }],
          });
        if (ids.size === 0) return { removed: 0 };
        const removed = await gallery.tags.untagPhotos(actor, { photoIds: args.photoIds, tagIds: [...ids] });
        return { removed };
      },
    }),
    tool({
      name: "add_photos_to_album",
      title: "Add photos to an album",
      description: "Put existing photos into an album too (they stay in their other albums).",
      scope: "albums:write",
      annotations: { ...ADDITIVE, idempotentHint: true },
      input: { albumId: Id, photoIds },
      output: z.object({ count: z.number().int() }),
      async run(args, actor, { gallery }) {
        return { count: await gallery.photos.addToAlbum(actor, args) };
      },
    }),
    tool({
      name: "move_photos",
      title: "Move photos between albums",
      description: "Move photos from one album to another (taken out of the first, put into the second).",
      scope: "albums:write",
      annotations: {
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: false,
      },
      input: { fromAlbumId: Id, toAlbumId: Id, photoIds },
      output: z.object({ count: z.number().int() }),
      async run(args, actor, { gallery }) {
        return { count: await gallery.photos.moveToAlbum(actor, args) };
      },
    }),
    tool({
      name: "remove_photos_from_album",
      title: "Remove photos from an album",
      description:
        "Take photos out of an album. They stay in their other albums; a photo left in no album is kept (seen " +
        "only by admins and its uploader).",
      scope: "albums:write",
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      input: { albumId: Id, photoIds },
      output: z.object({ count: z.number().int() }),
      async run(args, actor, { gallery }) {
        return { count: await gallery.photos.removeFromAlbum(actor, args) };
      },
    }),
    tool({
      name: "create_share_link",
      title: "Create a share link",
      description:
        "Share an album subtree (`albumId`) or a set of photos (`photoIds`) with anyone holding the link, up to " +
        "a privacy level, optionally with a password, an expiry, a use limit and download or upload rights. The " +
        "link's URL is in the result only.",
      scope: "shares:write",
      annotations: { ...ADDITIVE, idempotentHint: false },
      input: {
        albumId: Id.optional(),
        photoIds: photoIds.optional(),
        password: z.string().min(1).max(1024).optional(),
        privacyLevel: PrivacyLevelSchema.optional().describe("Highest level the link reveals (default 0)."),
        expiresAt: isoDate.optional(),
        maxUses: z.number().int().min(1).max(1_000_000).optional(),
        canDownload: z.boolean().optional(),
        canUpload: z.boolean().optional().describe("Album links only."),
      },
      output: z.object({ share: ShareOut, token: z.string(), url: z.string().optional() }),
      async run({ expiresAt, ...args }, actor, { gallery, links }) {
        const { share, token } = await gallery.shares.create(actor, { ...args, expiresAt: ms(expiresAt) });
        return { share: shareOut(share), token, ...(links ? { url: links.share(token) } : {}) };
      },
    }),
    tool({
      name: "list_share_links",
      title: "List share links",
      description:
        "The share links the caller created (admins: all), newest first, optionally of one album, paginated.",
      scope: "shares:write",
      annotations: READ,
      input: { albumId: Id.optional(), ...pageArgs },
      output: z.object({ items: z.array(ShareOut), nextCursor: z.string().nullable() }),
      async run(args, actor, { gallery }) {
        const page = await gallery.shares.page(actor, args);
        return { items: page.items.map(shareOut), nextCursor: page.nextCursor };
      },
    }),
    tool({
      name: "revoke_share_link",
      title: "Revoke a share link",
      description: "Revoke a share link at once: its sessions end and its media stop being served.",
      scope: "shares:write",
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      input: { id: Id },
      output: z.object({ revoked: z.literal(true) }),
      async run(args, actor, { gallery }) {
        await gallery.shares.revoke(actor, args.id);
        return { revoked: true };
      },
    }),
    tool({
      name: "list_events",
      title: "List recent events",
      description:
        "The change feed: what happened in the gallery (photo.created, album.updated, photo.tagged…), oldest " +
        "first, after `cursor`, only about what the caller may see now. Keep `pollCursor` and pass it back as " +
        "`cursor` later to get only newer events; `types` filters by type or prefix (`photo.*`).",
      scope: "events:read",
      annotations: READ,
      input: {
        cursor: z.string().max(512).optional().describe("`nextCursor` or `pollCursor` of a previous call."),
        limit: z.number().int().min(1).max(200).optional().describe("Page size (1–200, default 50)."),
        types: z
          .array(z.string().min(1).max(64))
          .max(50)
          .optional()
          .describe('e.g. ["photo.*", "album.created"]'),
      },
      output: z.object({
        items: z.array(
          z.object({
            id: z.string(),
            type: z.string(),
            occurredAt: z.string(),
            actor: z.object({ kind: z.string(), userId: z.string().nullable() }),
            subjectType: z.string(),
            subjectId: z.string(),
            photoId: z.string().nullable(),
            albumId: z.string().nullable(),
            data: z.record(z.string(), z.unknown()),
          }),
        ),
        nextCursor: z.string().nullable(),
        pollCursor: z.string(),
      }),
      async run(args, actor, { gallery }) {
        const page = await gallery.events.list(actor, args);
        return {
          items: page.items.map((e) => ({
            id: e.id,
            type: e.type,
            occurredAt: new Date(e.occurredAt).toISOString(),
            actor: e.actor,
            subjectType: e.subjectType,
            subjectId: e.subjectId,
            photoId: e.photoId,
            albumId: e.albumId,
            data: e.data,
          })),
          nextCursor: page.nextCursor,
          pollCursor: page.pollCursor,
        };
      },
    }),
  ];
  return tools;
}

/** One line of {@link mcpToolCatalogue}. */
export interface McpToolInfo {
  name: string;
  title: string;
  /** Scope an API token needs to call the tool. */
  scope: TokenScope;
  annotations: ToolAnnotations;
}

/** The tools the server offers, with the token scope each needs (for docs, tests and admin pages). */
export function mcpToolCatalogue(): McpToolInfo[] {
  return buildTools().map((t) => ({
    name: t.name,
    title: t.title,
    scope: t.scope,
    annotations: t.annotations,
  }));
}
