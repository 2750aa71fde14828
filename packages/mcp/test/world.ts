import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type Gallery, SYSTEM, type TokenScope, type UserActor } from "@vernissage/core";
import sharp from "sharp";

/** A small JPEG of one flat colour (distinct colours give distinct files). */
export function jpeg(color: string, width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * The permission world the MCP tests share: an owner, and a member `bob` (privacy level 0, no grants).
 * - album `Public` (public) with `pub` (level 0) and `family` (level 4: bob may not see it);
 * - album `Private` (private, no grant for bob) with `priv` (level 0) and a sub-album `Inner`.
 * Tokens: the owner's full `admin` token and a `photos:read`-only one, bob's read token (every read scope).
 */
export async function buildWorld(gallery: Gallery) {
  const owner = await gallery.users.create(SYSTEM, {
    username: "owner",
    password: "correct horse battery",
    role: "owner",
  });
  const bob = await gallery.users.create(SYSTEM, {
    username: "bob",
    password: "correct horse battery",
    privacyLevel: 0,
  });
  const ownerActor: UserActor = {
    kind: "user",
    userId: owner.id,
    role: "owner",
    privacyLevel: 8,
    groupIds: [],
  };
  const bobActor: UserActor = { kind: "user", userId: bob.id, role: "member", privacyLevel: 0, groupIds: [] };
  const publicAlbum = await gallery.albums.create(ownerActor, { name: "Public", visibility: "public" });
  const privateAlbum = await gallery.albums.create(ownerActor, { name: "Private", visibility: "private" });
  const inner = await gallery.albums.create(ownerActor, {
    name: "Inner",
    parentId: privateAlbum.id,
    visibility: "public",
  });
  const upload = async (albumId: string, color: string, title: string, privacyLevel: number) =>
    (
      await gallery.photos.upload(ownerActor, {
        albumId,
        file: await jpeg(color),
        filename: `${title}.jpg`,
        title,
        privacyLevel,
      })
    ).photo;
  const pub = await upload(publicAlbum.id, "#aa0000", "sunset public", 0);
  const family = await upload(publicAlbum.id, "#00aa00", "sunset family", 4);
  const priv = await upload(privateAlbum.id, "#0000aa", "sunset private", 0);
  await gallery.tags.tagPhotos(ownerActor, { photoIds: [pub.id, family.id, priv.id], names: ["sunset"] });
  const token = async (actor: UserActor, scopes: TokenScope[]) =>
    (await gallery.tokens.create(actor, { name: scopes.join(" "), scopes })).secret;
  return {
    owner,
    bob,
    ownerActor,
    bobActor,
    albums: { public: publicAlbum, private: privateAlbum, inner },
    photos: { pub, family, priv },
    tokens: {
      admin: await token(ownerActor, ["admin"]),
      ownerRead: await token(ownerActor, ["photos:read"]),
      bobRead: await token(bobActor, ["photos:read", "albums:read", "events:read"]),
    },
  };
}

/** The world {@link buildWorld} makes. */
export type World = Awaited<ReturnType<typeof buildWorld>>;

/** Every tool the server must offer. */
export const TOOL_NAMES = [
  "search_photos",
  "list_albums",
  "get_album",
  "list_album_photos",
  "get_photo",
  "create_album",
  "update_album",
  "upload_photo",
  "update_photo",
  "tag_photos",
  "untag_photos",
  "add_photos_to_album",
  "move_photos",
  "remove_photos_from_album",
  "create_share_link",
  "list_share_links",
  "revoke_share_link",
  "list_events",
].sort();

/** A tool result's structured content (`structuredContent`), typed loosely for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: results of many shapes, checked field by field
export type Structured = Record<string, any>;

/** Call a tool; return whether it failed and its structured content. */
export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ isError: boolean; data: Structured; text: string }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
  return { isError: result.isError === true, data: (result.structuredContent ?? {}) as Structured, text };
}

/** The error code of a failed tool call (throws when the call did not fail with a code). */
export async function errorCode(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<string> {
  const r = await call(client, name, args);
  if (!r.isError) throw new Error(`${name} did not fail: ${r.text.slice(0, 200)}`);
  let parsed: Structured;
  try {
    parsed = JSON.parse(r.text) as Structured;
  } catch {
    throw new Error(`${name} failed without a coded error: ${r.text.slice(0, 200)}`);
  }
  const code = parsed.error?.code;
  if (typeof code !== "string") throw new Error(`${name} failed without a code: ${r.text.slice(0, 200)}`);
  return code;
}

/**
 * Everything a client can read through the read tools and resources, as one JSON text: to check that a photo
 * id never appears anywhere.
 */
export async function everythingVisible(client: Client, world: World): Promise<string> {
  const seen: unknown[] = [];
  const grab = async (name: string, args: Record<string, unknown>) =>
    seen.push((await call(client, name, args)).data);
  await grab("search_photos", { q: "sunset" });
  await grab("search_photos", { q: "" });
  await grab("list_albums", {});
  for (const album of Object.values(world.albums)) {
    await grab("get_album", { id: album.id });
    await grab("list_album_photos", { albumId: album.id });
    await grab("list_albums", { parentId: album.id });
  }
  for (const photo of Object.values(world.photos)) await grab("get_photo", { id: photo.id });
  await grab("list_events", { limit: 200 });
  const resources = await client.listResources();
  seen.push(resources);
  for (const uri of [
    ...resources.resources.map((r) => r.uri),
    ...Object.values(world.photos).map((p) => `vernissage://photos/${p.id}`),
    ...Object.values(world.albums).map((a) => `vernissage://albums/${a.id}`),
  ]) {
    try {
      seen.push(await client.readResource({ uri }));
    } catch (error) {
      seen.push({ refused: (error as { code?: unknown }).code });
    }
  }
  return JSON.stringify(seen);
}
