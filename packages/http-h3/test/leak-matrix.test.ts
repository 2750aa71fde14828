import {
  type Actor,
  GUEST,
  type ReferenceWorld,
  referenceAlbumViewable,
  referencePhotoVisible,
  SYSTEM,
} from "@vernissage/core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setup } from "./helpers.js";

/**
 * The leak matrix (issue 5): every actor of a fixed world against every route that reveals photos or albums,
 * over HTTP. What each answers is compared with the pure reference rule, and a forbidden photo must look exactly
 * like a missing one.
 */

type Env = Awaited<ReturnType<typeof setup>>;
type Credential = { cookie?: string; bearer?: string };
// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many shapes, checked field by field
type Json = Record<string, any>;

let env: Env;
const photos: Record<string, { id: string; thumb: string; original: string }> = {};
const albums: Record<string, string> = {};
const actors: { name: string; credential: Credential; actor: Actor }[] = [];
let world: ReferenceWorld;

async function image(seed: number): Promise<Buffer> {
  const hex = `#${((seed * 2_654_435_761) >>> 8).toString(16).padStart(6, "0").slice(-6)}`;
  return sharp({ create: { width: 40, height: 30, channels: 3, background: hex } })
    .jpeg()
    .toBuffer();
}

async function get(path: string, credential: Credential) {
  const headers: Record<string, string> = {};
  if (credential.bearer) headers.authorization = `Bearer ${credential.bearer}`;
  const res = await env.request(path, { cookie: credential.cookie, headers });
  const type = res.headers.get("content-type") ?? "";
  const body: Json = type.includes("json")
    ? await res.json()
    : { bytes: (await res.arrayBuffer()).byteLength };
  return { status: res.status, body };
}

async function readWorld(): Promise<ReferenceWorld> {
  const db = env.gallery.db;
  const albumRows = await db.selectFrom("albums").select(["id", "parent_id", "visibility"]).execute();
  const photoRows = await db.selectFrom("photos").select(["id", "privacy_level", "uploader_id"]).execute();
  const links = await db.selectFrom("album_photos").select(["album_id", "photo_id"]).execute();
  const grants = await db
    .selectFrom("album_grants")
    .select(["album_id", "user_id", "group_id", "role"])
    .execute();
  const members = await db.selectFrom("group_members").select(["group_id", "user_id"]).execute();
  const shares = await db.selectFrom("share_links").selectAll().execute();
  const sharePhotos = await db.selectFrom("share_link_photos").selectAll().execute();
  const groupsOf = new Map<string, string[]>();
  for (const m of members) groupsOf.set(m.user_id, [...(groupsOf.get(m.user_id) ?? []), m.group_id]);
  return {
    albums: new Map(albumRows.map((a) => [a.id, { parentId: a.parent_id, visibility: a.visibility }])),
    photos: new Map(
      photoRows.map((p) => [
        p.id,
        {
          privacyLevel: p.privacy_level,
          uploaderId: p.uploader_id,
          albumIds: links.filter((l) => l.photo_id === p.id).map((l) => l.album_id),
        },
      ]),
    ),
    grants: grants.map((g) => ({
      albumId: g.album_id,
      userId: g.user_id,
      groupId: g.group_id,
      role: g.role,
    })),
    groupsOf,
    shares: new Map(
      shares.map((s) => [
        s.id,
        {
          albumId: s.album_id,
          photoIds: sharePhotos.filter((p) => p.share_id === s.id).map((p) => p.photo_id),
          revoked: s.revoked_at !== null,
          expiresAt: s.expires_at === null ? null : Number(s.expires_at),
        },
      ]),
    ),
  };
}

beforeAll(async () => {
  env = await setup();
  const g = env.gallery;
  const album = async (name: string, visibility: "public" | "private" | "hidden", parentId?: string) =>
    (await g.albums.create(SYSTEM, { name, visibility, parentId })).id;
  albums.pub = await album("Public", "public");
  albums.priv = await album("Private", "private");
  albums.nest = await album("Nested", "public", albums.priv);
  albums.hid = await album("Hidden", "hidden");
  albums.hidChild = await album("Under hidden", "public", albums.hid);

  let seed = 1;
  const photo = async (name: string, albumId: string, privacyLevel = 0) => {
    const { photo: p } = await g.photos.upload(SYSTEM, {
      albumId,
      file: await image(seed++),
      filename: `${name}.jpg`,
      title: `leak ${name}`,
      privacyLevel,
    });
    await g.tags.tagPhotos(SYSTEM, { photoIds: [p.id], names: [`t-${name}`, "common"] });
    const json = (await get(`/api/v1/photos/${p.id}`, { cookie: await env.login() })).body as {
      derivatives: { thumb: { url: string } };
      originalUrl: string;
    };
    photos[name] = { id: p.id, thumb: json.derivatives.thumb.url, original: json.originalUrl };
  };
  await photo("pub", albums.pub);
  await photo("pubHigh", albums.pub, 4);
  await photo("priv", albums.priv);
  await photo("privHigh", albums.priv, 4);
  await photo("nest", albums.nest);
  await photo("hid", albums.hid);
  await photo("hidChild", albums.hidChild);
  await photo("both", albums.priv);
  await g.photos.addToAlbum(SYSTEM, { albumId: albums.hid, photoIds: [photos.both?.id as string] });

  // Actors.
  const session = async (username: string, level: 0 | 4, groupId?: string) => {
    const user = await g.users.create(SYSTEM, { username, privacyLevel: level });
    if (groupId) await g.groups.addMembers(SYSTEM, groupId, [user.id]);
    const { token } = await g.auth.openSession(user.id);
    return { user, cookie: `vernissage_session=${token}` };
  };
  const group = await g.groups.create(SYSTEM, { name: "Friends" });
  const none = await session("none", 4);
  const granted = await session("granted", 4);
  const viaGroup = await session("viagroup", 4, group.id);
  const low = await session("low", 0);
  await g.access.grant(SYSTEM, albums.priv, { userId: granted.user.id, role: "viewer" });
  await g.access.grant(SYSTEM, albums.priv, { groupId: group.id, role: "viewer" });
  await g.access.grant(SYSTEM, albums.priv, { userId: low.user.id, role: "viewer" });
  // A grant on a hidden album is worth nothing to members.
  await g.access.grant(SYSTEM, albums.hid, { userId: granted.user.id, role: "manager" });
  const admin = await env.login();
  const narrow = await g.tokens.create(
    { kind: "user", userId: granted.user.id, role: "member", privacyLevel: 4, groupIds: [] },
    { name: "narrow", scopes: ["photos:read", "albums:read"], albumIds: [albums.nest] },
  );

  const unlock = async (albumId: string, level: 0 | 4 = 0) => {
    const { share, token } = await g.shares.create(SYSTEM, {
      albumId,
      privacyLevel: level,
      canDownload: true,
    });
    const session = await g.shares.unlock(token);
    return { share, cookie: `vernissage_share=${session.token}` };
  };
  const live = await unlock(albums.priv);
  const expired = await unlock(albums.priv);
  await g.db
    .updateTable("share_links")
    .set({ expires_at: Date.now() - 1000 })
    .where("id", "=", expired.share.id)
    .execute();
  const revoked = await unlock(albums.priv);
  await g.shares.revoke(SYSTEM, revoked.share.id);

  const resolve = async (credential: Credential): Promise<Actor> => {
    if (credential.bearer) return (await g.tokens.resolve(credential.bearer)) ?? GUEST;
    const [name, value = ""] = (credential.cookie ?? "").split("=");
    if (name === "vernissage_session") return (await g.auth.resolveSession(value))?.actor ?? GUEST;
    if (name === "vernissage_share") return (await g.shares.resolveSession(value)) ?? GUEST;
    return GUEST;
  };
  const list: [string, Credential][] = [
    ["guest", {}],
    ["member without grants", { cookie: none.cookie }],
    ["member with a grant", { cookie: granted.cookie }],
    ["member of a granted group", { cookie: viaGroup.cookie }],
    ["low-level member", { cookie: low.cookie }],
    ["admin", { cookie: admin }],
    ["narrow token", { bearer: narrow.secret }],
    ["share link", { cookie: live.cookie }],
    ["expired share link", { cookie: expired.cookie }],
    ["revoked share link", { cookie: revoked.cookie }],
  ];
  for (const [name, credential] of list) actors.push({ name, credential, actor: await resolve(credential) });
  world = await readWorld();
});

afterAll(async () => {
  await env?.close();
});

const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();
const expectedPhotos = (actor: Actor) =>
  Object.values(photos)
    .map((p) => p.id)
    .filter((id) => referencePhotoVisible(world, actor, id))
    .sort();
const nameOf = (id: string) => Object.entries(photos).find(([, p]) => p.id === id)?.[0];

describe("leak matrix", () => {
  it("the world is not trivial: the rule gives each kind of actor a different view", () => {
    const view = (name: string) =>
      expectedPhotos(actors.find((a) => a.name === name)?.actor as Actor)
        .map(nameOf)
        .sort();
    expect(view("guest")).toEqual(["pub"]);
    expect(view("admin")).toHaveLength(8);
    expect(view("member with a grant")).toEqual(["both", "nest", "priv", "privHigh", "pub", "pubHigh"]);
    expect(view("member of a granted group")).toEqual(view("member with a grant"));
    expect(view("low-level member")).toEqual(["both", "nest", "priv", "pub"]);
    expect(view("narrow token")).toEqual(["nest"]);
    expect(view("share link")).toEqual(["both", "nest", "priv"]);
    expect(view("expired share link")).toEqual(["pub"]);
    expect(view("revoked share link")).toEqual(["pub"]);
  });

  it("photo listings, search and single photos answer exactly what the rule allows", async () => {
    const missing = await get("/api/v1/photos/zzzzzzzzzzzzzzzzzzzzzzzzzz", {});
    for (const { name, credential, actor } of actors) {
      const expected = expectedPhotos(actor);
      const listed = await get("/api/v1/photos?limit=200", credential);
      expect(ids(listed.body.items), `${name}: listPhotos`).toEqual(expected);
      const found = await get("/api/v1/search/photos?q=leak&limit=200", credential);
      expect(ids(found.body.items), `${name}: searchPhotos`).toEqual(expected);
      for (const [photoName, p] of Object.entries(photos)) {
        const one = await get(`/api/v1/photos/${p.id}`, credential);
        if (expected.includes(p.id)) {
          expect(one.status, `${name}: getPhoto ${photoName}`).toBe(200);
        } else {
          // Forbidden and missing are indistinguishable.
          expect([one.status, one.body.code, one.body.detail], `${name}: getPhoto ${photoName}`).toEqual([
            missing.status,
            missing.body.code,
            missing.body.detail,
          ]);
        }
      }
    }
  });

  it("albums, their photo lists, counts and covers never leak", async () => {
    for (const { name, credential, actor } of actors) {
      const expected = expectedPhotos(actor);
      const viewable = Object.values(albums)
        .filter((id) => referenceAlbumViewable(world, actor, id))
        .sort();
      const roots = await get("/api/v1/albums?limit=200", credential);
      const rootIds = Object.values(albums).filter((id) => world.albums.get(id)?.parentId === null);
      expect(ids(roots.body.items), `${name}: listAlbums`).toEqual(
        rootIds.filter((id) => viewable.includes(id)).sort(),
      );
      for (const [albumName, id] of Object.entries(albums)) {
        const one = await get(`/api/v1/albums/${id}`, credential);
        const inside = await get(`/api/v1/albums/${id}/photos?limit=200`, credential);
        if (!viewable.includes(id)) {
          expect([one.status, inside.status], `${name}: album ${albumName}`).toEqual([404, 404]);
          continue;
        }
        const direct = [...world.photos.entries()]
          .filter(([pid, p]) => p.albumIds.includes(id) && expected.includes(pid))
          .map(([pid]) => pid)
          .sort();
        expect(one.body.photoCount, `${name}: photoCount ${albumName}`).toBe(direct.length);
        if (one.body.coverPhotoId !== null) expect(direct).toContain(one.body.coverPhotoId);
        else expect(direct).toEqual([]);
        expect(ids(inside.body.items), `${name}: listAlbumPhotos ${albumName}`).toEqual(direct);
      }
    }
  });

  it("tags and their counts only count visible photos", async () => {
    for (const { name, credential, actor } of actors) {
      const expected = expectedPhotos(actor);
      const tags = await get("/api/v1/tags?limit=200", credential);
      const got = Object.fromEntries(
        (tags.body.items as { name: string; photoCount: number }[]).map((t) => [t.name, t.photoCount]),
      );
      const want: Record<string, number> = {};
      for (const id of expected) want[`t-${nameOf(id)}`] = 1;
      if (expected.length > 0) want.common = expected.length;
      expect(got, `${name}: listTags`).toEqual(want);
    }
  });

  it("derivatives and originals are served exactly when the photo is visible", async () => {
    for (const { name, credential, actor } of actors) {
      const expected = expectedPhotos(actor);
      for (const [photoName, p] of Object.entries(photos)) {
        const thumb = await get(p.thumb, credential);
        const original = await get(p.original, credential);
        const want = expected.includes(p.id) ? 200 : 404;
        expect([thumb.status, original.status], `${name}: media of ${photoName}`).toEqual([want, want]);
      }
    }
  });
});
