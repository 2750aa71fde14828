import {
  definePlugin,
  type Gallery,
  type GalleryHooks,
  GUEST,
  type HookContext,
  type HookName,
  SYSTEM,
  type User,
  type UserActor,
} from "@vernissage/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { jpeg, tempGallery } from "./helpers.js";

/**
 * Every hook of the catalogue fires at its real call site: once, with the documented context; a `before` hook's
 * mutation takes effect and its veto (a throw) leaves nothing written.
 */

let t: Awaited<ReturnType<typeof tempGallery>>;
let g: Gallery;
const offs: (() => void)[] = [];

beforeAll(async () => {
  t = await tempGallery({ identity: { registration: "open" } });
  g = t.gallery;
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  while (offs.length) offs.pop()?.();
});

/** Record every call of `name`; `fn` runs on each context (to mutate it, or to throw: a veto). */
function spy<N extends HookName>(name: N, fn?: (ctx: HookContext<N>) => void): HookContext<N>[] {
  const calls: HookContext<N>[] = [];
  const handler = (ctx: HookContext<N>) => {
    calls.push(ctx);
    fn?.(ctx);
  };
  offs.push(g.hooks.hook(name, handler as unknown as GalleryHooks[N]));
  return calls;
}

/** Veto `name`: its handler throws. */
function veto<N extends HookName>(name: N): HookContext<N>[] {
  return spy(name, () => {
    throw new Error(`no ${name}`);
  });
}

/** The code and vetoing hook of a rejection. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; hook: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; data?: Record<string, unknown> };
    return { code: e.code ?? String(error), hook: e.data?.hook };
  }
  return { code: "OK", hook: undefined };
}

let seq = 0;
async function album(name = `Album ${++seq}`) {
  return g.albums.create(SYSTEM, { name });
}
async function photo(albumId: string) {
  seq += 1;
  const hex = `#${(seq * 7919).toString(16).padStart(6, "0").slice(-6)}`;
  const { photo } = await g.photos.upload(SYSTEM, {
    albumId,
    file: await jpeg(16, 16, hex),
    filename: "p.jpg",
  });
  return photo;
}
async function user(role: User["role"] = "member") {
  return g.users.create(SYSTEM, { username: `user${++seq}`, password: "a long password", role });
}
function actorOf(u: User): UserActor {
  return { kind: "user", userId: u.id, role: u.role, privacyLevel: 0, groupIds: [] };
}

describe("album and photo before hooks", () => {
  it("album:update:before sees the current album, may change the patch, and vetoes", async () => {
    const a = await album("Before");
    const calls = spy("album:update:before", (ctx) => {
      if (ctx.patch.name) ctx.patch.name = `${ctx.patch.name} (checked)`;
    });
    const updated = await g.albums.update(SYSTEM, a.id, { name: "After", photoOrder: "title" });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.current).toMatchObject({ id: a.id, name: "Before" });
    expect(calls[0]?.patch).toEqual({ name: "After (checked)" });
    expect(updated).toMatchObject({ name: "After (checked)", photoOrder: "title" });

    veto("album:update:before");
    expect(await refusal(g.albums.update(SYSTEM, a.id, { name: "Never", photoOrder: "manual" }))).toEqual({
      code: "PLUGIN_ERROR",
      hook: "album:update:before",
    });
    expect(await g.albums.get(SYSTEM, a.id)).toMatchObject({ name: "After (checked)", photoOrder: "title" });
  });

  it("album:delete:before sees the album and a veto keeps the album and its photos", async () => {
    const a = await album();
    const p = await photo(a.id);
    const calls = veto("album:delete:before");
    expect((await refusal(g.albums.delete(SYSTEM, a.id, { orphans: "delete" }))).hook).toBe(
      "album:delete:before",
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]?.target).toMatchObject({ id: a.id });
    expect(await g.albums.get(SYSTEM, a.id)).toMatchObject({ id: a.id });
    expect(await g.photos.get(SYSTEM, p.id)).toMatchObject({ id: p.id });
    offs.pop()?.();
    await g.albums.delete(SYSTEM, a.id, { orphans: "delete" });
    expect((await refusal(g.albums.get(SYSTEM, a.id))).code).toBe("NOT_FOUND");
  });

  it("deleting an album with its photos hears photo:delete:before for each of them", async () => {
    const a = await album();
    const p = await photo(a.id);
    const calls = veto("photo:delete:before");
    expect((await refusal(g.albums.delete(SYSTEM, a.id, { orphans: "delete" }))).hook).toBe(
      "photo:delete:before",
    );
    expect(calls.map((c) => c.target.id)).toEqual([p.id]);
    expect((await g.albums.get(SYSTEM, a.id)).id).toBe(a.id);
    expect((await g.photos.get(SYSTEM, p.id)).id).toBe(p.id);
  });

  it("photo:update:before may change the patch and vetoes", async () => {
    const p = await photo((await album()).id);
    const calls = spy("photo:update:before", (ctx) => {
      ctx.patch.author = "Hook";
    });
    const updated = await g.photos.update(SYSTEM, p.id, { title: "Sunset" });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.current.id).toBe(p.id);
    expect(updated).toMatchObject({ title: "Sunset", author: "Hook" });
    veto("photo:update:before");
    expect((await refusal(g.photos.update(SYSTEM, p.id, { title: "Never" }))).hook).toBe(
      "photo:update:before",
    );
    expect((await g.photos.get(SYSTEM, p.id)).title).toBe("Sunset");
  });

  it("photo:delete:before runs once per photo; one veto keeps every photo and file", async () => {
    const a = await album();
    const p1 = await photo(a.id);
    const p2 = await photo(a.id);
    const keys = await t.listKeys();
    const calls = spy("photo:delete:before", (ctx) => {
      if (ctx.target.id === p2.id) throw new Error("keep p2");
    });
    expect((await refusal(g.photos.delete(SYSTEM, [p1.id, p2.id]))).hook).toBe("photo:delete:before");
    expect(calls.map((c) => c.target.id)).toEqual([p1.id, p2.id]);
    expect((await g.photos.get(SYSTEM, p1.id)).id).toBe(p1.id);
    expect(await t.listKeys()).toEqual(keys);
    offs.pop()?.();
    expect(await g.photos.delete(SYSTEM, [p1.id, p2.id])).toBe(2);
  });
});

describe("ingest hooks", () => {
  it("ingest:file:accepted fires once with the sniffed file; a veto keeps nothing", async () => {
    const a = await album();
    const before = await t.listKeys();
    const calls = veto("ingest:file:accepted");
    const upload = g.photos.upload(SYSTEM, { albumId: a.id, file: await jpeg(20, 10), filename: "x.jpeg" });
    expect((await refusal(upload)).hook).toBe("ingest:file:accepted");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      albumId: a.id,
      file: { mimeType: "image/jpeg", originalFilename: "x.jpeg" },
    });
    expect(calls[0]?.file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await t.listKeys()).toEqual(before);
    expect((await g.photos.listInAlbum(SYSTEM, a.id)).items).toEqual([]);
  });

  it("ingest:duplicate:found fires when the content already exists", async () => {
    const a = await album();
    const bytes = await jpeg(22, 11, "#123456");
    const first = await g.photos.upload(SYSTEM, { albumId: a.id, file: bytes, filename: "a.jpg" });
    const calls = spy("ingest:duplicate:found");
    const second = await g.photos.upload(SYSTEM, { albumId: a.id, file: bytes, filename: "b.jpg" });
    expect(second.duplicate).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      albumId: a.id,
      existingPhotoId: first.photo.id,
      sha256: first.photo.sha256,
    });
  });
});

describe("tag hooks", () => {
  it("create, rename and delete: before may change and veto, after sees the result", async () => {
    const created = spy("tag:create:after");
    spy("tag:create:before", (ctx) => {
      ctx.fields.name = ctx.fields.name.toUpperCase();
    });
    const tag = await g.tags.create(SYSTEM, { name: "sea" });
    expect(tag.name).toBe("SEA");
    expect(created).toEqual([{ actor: SYSTEM, tag: { id: tag.id, name: "SEA" } }]);
    while (offs.length) offs.pop()?.();

    const vetoed = veto("tag:create:before");
    expect((await refusal(g.tags.create(SYSTEM, { name: "vetoed" }))).hook).toBe("tag:create:before");
    expect(vetoed).toHaveLength(1);
    expect((await g.tags.list(SYSTEM, { query: "vetoed" })).items).toEqual([]);
    offs.pop()?.();

    const updates = spy("tag:update:after");
    spy("tag:update:before", (ctx) => {
      ctx.patch.name = "Ocean";
    });
    expect((await g.tags.update(SYSTEM, tag.id, { name: "Lake" })).name).toBe("Ocean");
    expect(updates).toEqual([
      { actor: SYSTEM, previous: { id: tag.id, name: "SEA" }, current: { id: tag.id, name: "Ocean" } },
    ]);
    while (offs.length) offs.pop()?.();
    veto("tag:update:before");
    expect((await refusal(g.tags.update(SYSTEM, tag.id, { name: "Never" }))).hook).toBe("tag:update:before");
    expect((await g.tags.get(SYSTEM, tag.id)).name).toBe("Ocean");
    offs.pop()?.();

    const deleteVeto = veto("tag:delete:before");
    expect((await refusal(g.tags.delete(SYSTEM, tag.id))).hook).toBe("tag:delete:before");
    expect(deleteVeto[0]?.target).toEqual({ id: tag.id, name: "Ocean" });
    expect((await g.tags.get(SYSTEM, tag.id)).id).toBe(tag.id);
    offs.pop()?.();
    const deleted = spy("tag:delete:after");
    await g.tags.delete(SYSTEM, tag.id);
    expect(deleted).toEqual([{ actor: SYSTEM, deleted: { id: tag.id, name: "Ocean" } }]);
  });

  it("tagging photos with new names creates tags through tag:create:before/after", async () => {
    const p = await photo((await album()).id);
    const existing = await g.tags.create(SYSTEM, { name: "already-there" });
    const befores = spy("tag:create:before", (ctx) => {
      ctx.fields.name = `${ctx.fields.name}-checked`;
    });
    const afters = spy("tag:create:after");
    const tags = await g.tags.tagPhotos(SYSTEM, { photoIds: [p.id], names: ["already-there", "brand-new"] });
    expect(tags.map((x) => x.name)).toEqual(["already-there", "brand-new-checked"]);
    expect(befores.map((b) => b.fields.name)).toEqual(["brand-new-checked"]);
    expect(afters.map((a) => a.tag)).toEqual([{ id: tags[1]?.id, name: "brand-new-checked" }]);
    while (offs.length) offs.pop()?.();

    veto("tag:create:before");
    const refused = g.tags.tagPhotos(SYSTEM, { photoIds: [p.id], names: ["already-there", "refused-tag"] });
    expect((await refusal(refused)).hook).toBe("tag:create:before");
    expect((await g.tags.list(SYSTEM, { query: "refused" })).items).toEqual([]);
    expect((await g.tags.ofPhoto(SYSTEM, p.id)).map((x) => x.id)).toEqual([existing.id, tags[1]?.id]);
  });

  it("merge deletes its sources through tag:delete:before/after", async () => {
    const target = await g.tags.create(SYSTEM, { name: "merge-target" });
    const source = await g.tags.create(SYSTEM, { name: "merge-source" });
    veto("tag:delete:before");
    expect((await refusal(g.tags.merge(SYSTEM, { targetId: target.id, sourceIds: [source.id] }))).hook).toBe(
      "tag:delete:before",
    );
    expect((await g.tags.get(SYSTEM, source.id)).id).toBe(source.id);
    offs.pop()?.();
    const deleted = spy("tag:delete:after");
    await g.tags.merge(SYSTEM, { targetId: target.id, sourceIds: [source.id] });
    expect(deleted.map((d) => d.deleted.id)).toEqual([source.id]);
  });
});

describe("user hooks", () => {
  it("create, update and delete: before may change and veto, after sees the result", async () => {
    const created = spy("user:create:after");
    spy("user:create:before", (ctx) => {
      ctx.fields.displayName = "Chosen by hook";
    });
    const u = await g.users.create(SYSTEM, { username: "hooked", password: "a long password" });
    expect(u.displayName).toBe("Chosen by hook");
    expect(created).toHaveLength(1);
    expect(created[0]?.user).toEqual({
      id: u.id,
      username: "hooked",
      displayName: "Chosen by hook",
      role: "member",
    });
    while (offs.length) offs.pop()?.();

    veto("user:create:before");
    expect(
      (await refusal(g.users.create(SYSTEM, { username: "nobody", password: "a long password" }))).hook,
    ).toBe("user:create:before");
    expect(await g.users.findByUsername(SYSTEM, "nobody")).toBeNull();
    offs.pop()?.();

    const updates = spy("user:update:after");
    spy("user:update:before", (ctx) => {
      ctx.patch.email = "set@by.hook";
    });
    const changed = await g.users.update(SYSTEM, u.id, { displayName: "Renamed" });
    expect(changed).toMatchObject({ displayName: "Renamed", email: "set@by.hook" });
    expect(updates).toHaveLength(1);
    expect(updates[0]?.previous.displayName).toBe("Chosen by hook");
    expect(updates[0]?.current.displayName).toBe("Renamed");
    while (offs.length) offs.pop()?.();

    // A profile change by the user themselves goes through the same hooks.
    veto("user:update:before");
    expect((await refusal(g.users.updateMe(actorOf(u), { displayName: "Me" }))).hook).toBe(
      "user:update:before",
    );
    expect((await g.users.get(SYSTEM, u.id)).displayName).toBe("Renamed");
    offs.pop()?.();

    veto("user:delete:before");
    expect((await refusal(g.users.delete(SYSTEM, u.id))).hook).toBe("user:delete:before");
    expect((await g.users.get(SYSTEM, u.id)).id).toBe(u.id);
    offs.pop()?.();
    const deleted = spy("user:delete:after");
    await g.users.delete(SYSTEM, u.id);
    expect(deleted).toHaveLength(1);
    expect(deleted[0]?.deleted.id).toBe(u.id);
  });

  it("a hook that raises a role is still subject to the owner rule", async () => {
    const admin = await user("admin");
    spy("user:create:before", (ctx) => {
      ctx.fields.role = "admin";
    });
    expect(
      (await refusal(g.users.create(actorOf(admin), { username: "sneaky", password: "a long password" })))
        .code,
    ).toBe("FORBIDDEN");
    expect(await g.users.findByUsername(SYSTEM, "sneaky")).toBeNull();
  });

  it("self-registration runs user:create:before/after", async () => {
    const created = spy("user:create:after");
    spy("user:create:before", (ctx) => {
      ctx.fields.displayName = "Registered";
    });
    const { user: u } = await g.auth.register({ username: "newcomer", password: "a long password" });
    expect(u.displayName).toBe("Registered");
    expect(created.map((c) => c.user.id)).toEqual([u.id]);
    while (offs.length) offs.pop()?.();
    veto("user:create:before");
    expect((await refusal(g.auth.register({ username: "refused", password: "a long password" }))).hook).toBe(
      "user:create:before",
    );
    expect(await g.users.findByUsername(SYSTEM, "refused")).toBeNull();
  });
});

describe("group hooks", () => {
  it("create, rename, members and delete", async () => {
    const m1 = await user();
    const m2 = await user();
    spy("group:create:before", (ctx) => {
      ctx.fields.name = `${ctx.fields.name}!`;
    });
    const created = spy("group:create:after");
    const group = await g.groups.create(SYSTEM, { name: "Friends" });
    expect(group.name).toBe("Friends!");
    expect(created).toEqual([{ actor: SYSTEM, group: { id: group.id, name: "Friends!" } }]);
    while (offs.length) offs.pop()?.();

    veto("group:create:before");
    expect((await refusal(g.groups.create(SYSTEM, { name: "Never" }))).hook).toBe("group:create:before");
    expect((await g.groups.list(SYSTEM)).items.map((x) => x.name)).not.toContain("Never");
    offs.pop()?.();

    // The hook drops one of the users being added.
    const updates = spy("group:update:after");
    const befores = spy("group:update:before", (ctx) => {
      if (ctx.patch.addUserIds) ctx.patch.addUserIds = ctx.patch.addUserIds.filter((id) => id !== m2.id);
    });
    await g.groups.addMembers(SYSTEM, group.id, [m1.id, m2.id]);
    expect(await g.groups.members(SYSTEM, group.id)).toEqual([m1.id]);
    expect(befores[0]?.patch).toEqual({ addUserIds: [m1.id] });
    await g.groups.update(SYSTEM, group.id, { name: "Pals" });
    expect(updates.map((u) => [u.previous.name, u.current.name])).toEqual([
      ["Friends!", "Friends!"],
      ["Friends!", "Pals"],
    ]);
    while (offs.length) offs.pop()?.();

    veto("group:update:before");
    expect((await refusal(g.groups.removeMembers(SYSTEM, group.id, [m1.id]))).hook).toBe(
      "group:update:before",
    );
    expect(await g.groups.members(SYSTEM, group.id)).toEqual([m1.id]);
    offs.pop()?.();

    veto("group:delete:before");
    expect((await refusal(g.groups.delete(SYSTEM, group.id))).hook).toBe("group:delete:before");
    expect((await g.groups.get(SYSTEM, group.id)).id).toBe(group.id);
    offs.pop()?.();
    const deleted = spy("group:delete:after");
    await g.groups.delete(SYSTEM, group.id);
    expect(deleted).toEqual([{ actor: SYSTEM, deleted: { id: group.id, name: "Pals" } }]);
  });
});

describe("grant hooks", () => {
  it("create, update and delete a grant", async () => {
    const a = await album();
    const u = await user();
    spy("grant:create:before", (ctx) => {
      ctx.fields.role = "viewer";
    });
    const created = spy("grant:create:after");
    const grant = await g.access.grant(SYSTEM, a.id, { userId: u.id, role: "manager" });
    expect(grant.role).toBe("viewer");
    expect(created).toEqual([
      { actor: SYSTEM, grant: { albumId: a.id, subject: { kind: "user", id: u.id }, role: "viewer" } },
    ]);
    while (offs.length) offs.pop()?.();

    // Granting again changes the role: an update.
    const updates = spy("grant:update:after");
    const befores = spy("grant:update:before");
    await g.access.grant(SYSTEM, a.id, { userId: u.id, role: "contributor" });
    expect(befores[0]?.current.role).toBe("viewer");
    expect(updates.map((x) => [x.previous.role, x.current.role])).toEqual([["viewer", "contributor"]]);
    while (offs.length) offs.pop()?.();

    veto("grant:update:before");
    expect((await refusal(g.access.grant(SYSTEM, a.id, { userId: u.id, role: "manager" }))).hook).toBe(
      "grant:update:before",
    );
    expect((await g.access.listAlbumGrants(SYSTEM, a.id)).map((x) => x.role)).toEqual(["contributor"]);
    offs.pop()?.();

    const other = await user();
    veto("grant:create:before");
    expect((await refusal(g.access.grant(SYSTEM, a.id, { userId: other.id, role: "viewer" }))).hook).toBe(
      "grant:create:before",
    );
    expect(await g.access.listAlbumGrants(SYSTEM, a.id)).toHaveLength(1);
    offs.pop()?.();

    veto("grant:delete:before");
    expect((await refusal(g.access.revoke(SYSTEM, a.id, grant.id))).hook).toBe("grant:delete:before");
    expect(await g.access.listAlbumGrants(SYSTEM, a.id)).toHaveLength(1);
    offs.pop()?.();
    const deleted = spy("grant:delete:after");
    await g.access.revoke(SYSTEM, a.id, grant.id);
    expect(deleted[0]?.deleted).toEqual({
      albumId: a.id,
      subject: { kind: "user", id: u.id },
      role: "contributor",
    });
    expect(await g.access.listAlbumGrants(SYSTEM, a.id)).toEqual([]);
  });
});

describe("share hooks", () => {
  it("create, update and revoke a share link; the token is never in a context", async () => {
    const a = await album();
    const expiry = Date.now() + 3_600_000;
    spy("share:create:before", (ctx) => {
      ctx.fields.expiresAt = expiry;
    });
    const created = spy("share:create:after");
    const { share, token } = await g.shares.create(SYSTEM, { albumId: a.id });
    expect(share.expiresAt).toBe(expiry);
    expect(created).toHaveLength(1);
    expect(created[0]?.share).toEqual({
      id: share.id,
      target: { kind: "album", albumId: a.id },
      expiresAt: expiry,
      createdBy: null,
    });
    expect(JSON.stringify(created)).not.toContain(token.slice(0, 12));
    while (offs.length) offs.pop()?.();

    veto("share:create:before");
    expect((await refusal(g.shares.create(SYSTEM, { albumId: a.id }))).hook).toBe("share:create:before");
    expect(await g.shares.list(SYSTEM, { albumId: a.id })).toHaveLength(1);
    offs.pop()?.();

    const updates = spy("share:update:after");
    spy("share:update:before", (ctx) => {
      ctx.patch.expiresAt = null;
    });
    expect((await g.shares.update(SYSTEM, share.id, { expiresAt: expiry + 1000 })).expiresAt).toBeNull();
    expect(updates.map((u) => [u.previous.expiresAt, u.current.expiresAt])).toEqual([[expiry, null]]);
    while (offs.length) offs.pop()?.();

    veto("share:delete:before");
    expect((await refusal(g.shares.revoke(SYSTEM, share.id))).hook).toBe("share:delete:before");
    expect((await g.shares.list(SYSTEM, { albumId: a.id }))[0]?.revokedAt).toBeNull();
    offs.pop()?.();
    const deleted = spy("share:delete:after");
    await g.shares.revoke(SYSTEM, share.id);
    expect(deleted.map((d) => d.deleted.id)).toEqual([share.id]);
  });
});

describe("auth hooks", () => {
  async function sessionCount(userId: string): Promise<number> {
    const rows = await g.db.selectFrom("sessions").select("id").where("user_id", "=", userId).execute();
    return rows.length;
  }

  it("login before (veto: no session), after, failed; logout after; token created", async () => {
    const u = await user();
    const befores = veto("auth:login:before");
    expect((await refusal(g.auth.login(u.username, "a long password", { ip: "192.0.2.1" }))).hook).toBe(
      "auth:login:before",
    );
    expect(befores).toEqual([{ username: u.username, ip: "192.0.2.1" }]);
    expect(await sessionCount(u.id)).toBe(0);
    offs.pop()?.();

    const failed = spy("auth:login:failed");
    expect((await refusal(g.auth.login(u.username, "wrong password"))).code).toBe("INVALID_CREDENTIALS");
    expect(failed).toEqual([{ username: u.username, ip: null }]);

    const after = spy("auth:login:after");
    const session = await g.auth.login(u.username, "a long password", { ip: "192.0.2.1" });
    expect(after).toEqual([
      {
        user: { id: u.id, username: u.username, displayName: u.displayName, role: "member" },
        ip: "192.0.2.1",
      },
    ]);

    const logouts = spy("auth:logout:after");
    await g.auth.logout(session.token);
    await g.auth.logout(session.token); // already ended: nothing happens
    expect(logouts).toEqual([{ userId: u.id }]);
    expect(await sessionCount(u.id)).toBe(0);

    const tokens = spy("auth:token:created");
    const { token, secret } = await g.tokens.create(actorOf(u), { name: "ci", scopes: ["photos:read"] });
    expect(tokens).toEqual([{ userId: u.id, tokenId: token.id, scopes: ["photos:read"] }]);
    expect(JSON.stringify(tokens)).not.toContain(secret.split(".")[1] ?? secret);
  });

  it("a veto of the reset e-mail cancels it without changing the answer", async () => {
    const u = await g.users.create(SYSTEM, {
      username: `mail${++seq}`,
      password: "a long password",
      email: "someone@example.org",
    });
    const mails = veto("mail:send:before");
    await expect(g.auth.requestPasswordReset(u.username)).resolves.toBeUndefined();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.message.to).toEqual(["someone@example.org"]);
  });
});

describe("search hooks and plugin search keys", () => {
  it("search:query:parse may rewrite the query; search:query:before restricts the results", async () => {
    const a = await album("Searchable");
    const p1 = await photo(a.id);
    const p2 = await photo(a.id);
    await g.photos.update(SYSTEM, p1.id, { title: "harbour boats" });
    await g.photos.update(SYSTEM, p2.id, { title: "harbour cranes" });

    const parsed = spy("search:query:parse", (ctx) => {
      ctx.query.words = ctx.query.words.map((w) => (w === "port" ? "harbour" : w));
    });
    const before = spy("search:query:before", (ctx) => {
      ctx.photoIds = [p2.id];
    });
    const page = await g.search.photos(GUEST, { q: "port" });
    expect(parsed).toHaveLength(1);
    expect(parsed[0]?.text).toBe("port");
    expect(before).toHaveLength(1);
    expect(before[0]?.query).toEqual({ words: ["harbour"], filters: [] });
    expect(page.items.map((p) => p.id)).toEqual([p2.id]);
  });

  it("a key nobody registered is searched as words", async () => {
    const before = spy("search:query:before");
    await g.search.photos(GUEST, { q: "camera:nikon" });
    expect(before[0]?.query).toEqual({ words: ["camera:nikon"], filters: [] });
  });
});

describe("plugin search keys and job types", () => {
  it("a registered search key filters results; a pushed job type runs", async () => {
    const ran: unknown[] = [];
    const plugin = definePlugin({
      name: "colours",
      version: "1.0.0",
      setup(ctx) {
        ctx.registerSearchKey({ name: "colour", description: "Photos of a colour" }, async (c) => {
          const value = c.query.filters.find((f) => f.key === "colour")?.value;
          const rows = await ctx
            .db<{ photos: { id: string; title: string } }>()
            .selectFrom("photos")
            .select("id")
            .where("title", "=", String(value))
            .execute();
          c.photoIds = rows.map((r) => r.id);
        });
        ctx.hook("jobs:register:extend", ({ types }) => {
          types.push({
            type: "colours:count",
            handler: async (payload) => {
              ran.push(payload);
            },
          });
        });
      },
    });
    const t2 = await tempGallery({ plugins: [plugin] });
    try {
      const gallery = t2.gallery;
      expect(gallery.plugins.searchKeys()).toEqual([{ name: "colour", description: "Photos of a colour" }]);
      const a = await gallery.albums.create(SYSTEM, { name: "Colours" });
      const red = await gallery.photos.upload(SYSTEM, {
        albumId: a.id,
        file: await jpeg(12, 12, "#ff0000"),
        filename: "r.jpg",
        title: "red",
      });
      await gallery.photos.upload(SYSTEM, {
        albumId: a.id,
        file: await jpeg(12, 12, "#0000ff"),
        filename: "b.jpg",
        title: "blue",
      });
      const onlyKey = await gallery.search.photos(GUEST, { q: "colour:red" });
      expect(onlyKey.items.map((p) => p.id)).toEqual([red.photo.id]);
      const keyAndWord = await gallery.search.photos(GUEST, { q: "Colour:red blue" });
      expect(keyAndWord.items).toEqual([]);

      await gallery.jobs.enqueue("colours:count", { n: 1 });
      await gallery.jobs.runUntilIdle();
      expect(ran).toEqual([{ n: 1 }]);
    } finally {
      await t2.close();
    }
  });

  it("a throwing jobs:register:extend stops the gallery from starting", async () => {
    const plugin = definePlugin({
      name: "broken-jobs",
      version: "1.0.0",
      setup(ctx) {
        ctx.hook("jobs:register:extend", ({ types }) => {
          types.push({ type: "derivatives:eager", handler: async () => {} });
        });
      },
    });
    expect((await refusal(tempGallery({ plugins: [plugin] }))).code).toBe("INVALID_CONFIGURATION");
  });
});
