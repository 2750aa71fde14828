import { type Actor, type Gallery, GUEST, SYSTEM, type User, type UserActor } from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { errorCode, jpeg, openGallery } from "./helpers.js";

const open = async () => (await openGallery()).gallery;

const code = errorCode;

const asUser = (u: User, level = u.privacyLevel): UserActor => ({
  kind: "user",
  userId: u.id,
  role: u.role,
  privacyLevel: level as UserActor["privacyLevel"],
  groupIds: [],
});

let colour = 100;
async function photoIn(gallery: Gallery, albumId: string, actor: Actor = SYSTEM, privacyLevel = 0) {
  colour += 1;
  const hex = `#${(colour * 7919).toString(16).padStart(6, "0").slice(-6)}`;
  const { photo } = await gallery.photos.upload(actor, {
    albumId,
    file: await jpeg(16, 16, hex),
    filename: "p.jpg",
    privacyLevel,
  });
  return photo;
}

describe("API tokens", () => {
  it("are shown once, stored hashed, resolve with the user's current rights, and revoke at once", async () => {
    const gallery = await open();
    const alice = await gallery.users.create(SYSTEM, { username: "alice", privacyLevel: 2 });
    const { token, secret } = await gallery.tokens.create(asUser(alice), {
      name: "sync",
      scopes: ["photos:read"],
    });
    expect(secret.startsWith(`${token.prefix}.`)).toBe(true);
    const stored = await gallery.db.selectFrom("api_tokens").selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(secret.split(".")[1]);
    expect(await gallery.tokens.resolve(secret)).toMatchObject({
      kind: "token",
      userId: alice.id,
      privacyLevel: 2,
    });
    expect(await gallery.tokens.resolve(`${token.prefix}.wrongsecret`)).toBeNull();
    expect(await gallery.tokens.resolve("garbage")).toBeNull();
    // Current rights: a level change applies to the next request.
    await gallery.users.update(SYSTEM, alice.id, { privacyLevel: 0 });
    expect((await gallery.tokens.resolve(secret))?.privacyLevel).toBe(0);
    expect((await gallery.tokens.list(asUser(alice)))[0]?.lastUsedAt).toEqual(expect.any(Number));
    await gallery.tokens.revoke(asUser(alice), token.id);
    expect(await gallery.tokens.resolve(secret)).toBeNull();
    // Disabled users' tokens stop too.
    const { secret: again } = await gallery.tokens.create(asUser(alice), {
      name: "again",
      scopes: ["photos:read"],
    });
    await gallery.users.update(SYSTEM, alice.id, { status: "disabled" });
    expect(await gallery.tokens.resolve(again)).toBeNull();
  });

  it("never mints more than it has: scopes, album limits, expiry, admin scopes", async () => {
    const gallery = await open();
    const bob = await gallery.users.create(SYSTEM, { username: "bob" });
    const a = await gallery.albums.create(SYSTEM, { name: "A" });
    const b = await gallery.albums.create(SYSTEM, { name: "B" });
    const hidden = await gallery.albums.create(SYSTEM, { name: "H", visibility: "hidden" });
    expect(await code(gallery.tokens.create(asUser(bob), { name: "x", scopes: ["admin"] }))).toBe(
      "FORBIDDEN",
    );
    expect(await code(gallery.tokens.create(asUser(bob), { name: "x", scopes: ["nope" as "admin"] }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(
      await code(
        gallery.tokens.create(asUser(bob), { name: "x", scopes: ["photos:read"], albumIds: [hidden.id] }),
      ),
    ).toBe("NOT_FOUND");
    const expiry = Date.now() + 3_600_000;
    const parent = await gallery.tokens.create(asUser(bob), {
      name: "parent",
      scopes: ["photos:read", "albums:read"],
      albumIds: [a.id],
      expiresAt: expiry,
    });
    const parentActor = await gallery.tokens.resolve(parent.secret);
    if (!parentActor) throw new Error("unresolved");
    // A token trying to raise its own scopes.
    expect(await code(gallery.tokens.create(parentActor, { name: "wider", scopes: ["photos:write"] }))).toBe(
      "INSUFFICIENT_SCOPE",
    );
    expect(
      await code(
        gallery.tokens.create(parentActor, { name: "other", scopes: ["photos:read"], albumIds: [b.id] }),
      ),
    ).toBe("NOT_FOUND");
    const child = await gallery.tokens.create(parentActor, {
      name: "child",
      scopes: ["photos:read"],
      expiresAt: expiry + 86_400_000,
    });
    expect(child.token.albumIds).toEqual([a.id]);
    expect(child.token.expiresAt).toBe(expiry);
    // Someone else's token is missing, not forbidden.
    const carol = await gallery.users.create(SYSTEM, { username: "carol" });
    expect(await code(gallery.tokens.revoke(asUser(carol), parent.token.id))).toBe("NOT_FOUND");
    expect(await code(gallery.tokens.create(GUEST, { name: "g", scopes: ["photos:read"] }))).toBe(
      "UNAUTHENTICATED",
    );
  });
});

describe("share links", () => {
  it("reveal their subtree up to their level, need their password, count uses, and revoke at once", async () => {
    const gallery = await open();
    const root = await gallery.albums.create(SYSTEM, { name: "Trip", visibility: "private" });
    const day = await gallery.albums.create(SYSTEM, { name: "Day 1", parentId: root.id });
    const secretChild = await gallery.albums.create(SYSTEM, {
      name: "Mine",
      parentId: root.id,
      visibility: "hidden",
    });
    const outside = await gallery.albums.create(SYSTEM, { name: "Elsewhere", visibility: "private" });
    const p1 = await photoIn(gallery, day.id);
    const pFamily = await photoIn(gallery, day.id, SYSTEM, 4);
    const pHidden = await photoIn(gallery, secretChild.id);
    const pOut = await photoIn(gallery, outside.id);

    const { share, token } = await gallery.shares.create(SYSTEM, {
      albumId: root.id,
      password: "open sesame",
      maxUses: 2,
      privacyLevel: 2,
    });
    expect(share.hasPassword).toBe(true);
    expect(await code(gallery.shares.unlock(token))).toBe("INVALID_CREDENTIALS");
    expect(await code(gallery.shares.unlock(token, "wrong"))).toBe("INVALID_CREDENTIALS");
    expect(await code(gallery.shares.unlock(`${token}x`, "open sesame"))).toBe("NOT_FOUND");
    const session = await gallery.shares.unlock(token, "open sesame");
    const actor = await gallery.shares.resolveSession(session.token);
    if (!actor) throw new Error("unresolved");
    const seen = (await gallery.photos.list(actor)).items.map((p) => p.id);
    expect(seen).toEqual([p1.id]);
    for (const id of [pFamily.id, pHidden.id, pOut.id])
      expect(await code(gallery.photos.get(actor, id))).toBe("NOT_FOUND");
    expect(await code(gallery.albums.get(actor, secretChild.id))).toBe("NOT_FOUND");
    // Originals need download rights.
    expect(await code(gallery.derivatives.original(actor, p1.id))).toBe("FORBIDDEN");

    await gallery.shares.unlock(token, "open sesame");
    expect(await code(gallery.shares.unlock(token, "open sesame"))).toBe("NOT_FOUND");
    expect((await gallery.shares.list(SYSTEM))[0]).toMatchObject({ useCount: 2, viewCount: 2 });

    await gallery.shares.revoke(SYSTEM, share.id);
    expect(await gallery.shares.resolveSession(session.token)).toBeNull();
    // Even an actor resolved before the revocation sees nothing any more.
    expect((await gallery.photos.list(actor)).items).toEqual([]);
    expect(await code(gallery.photos.get(actor, p1.id))).toBe("NOT_FOUND");
  });

  it("photo-set links, creators' limits and upload rights", async () => {
    const gallery = await open();
    const member = await gallery.users.create(SYSTEM, { username: "m" });
    const album = await gallery.albums.create(SYSTEM, { name: "Open" });
    const mine = await photoIn(gallery, album.id);
    const other = await photoIn(gallery, album.id);
    await gallery.access.grant(SYSTEM, album.id, { userId: member.id, role: "contributor" });
    const own = await photoIn(gallery, album.id, asUser(member));
    expect(await code(gallery.shares.create(asUser(member), { albumId: album.id }))).toBe("FORBIDDEN");
    expect(await code(gallery.shares.create(asUser(member), { photoIds: [other.id] }))).toBe("FORBIDDEN");
    expect(await code(gallery.shares.create(asUser(member), { photoIds: [own.id], privacyLevel: 4 }))).toBe(
      "FORBIDDEN",
    );
    const { token } = await gallery.shares.create(asUser(member), { photoIds: [own.id] });
    const { actor } = await gallery.shares.unlock(token);
    expect((await gallery.photos.list(actor)).items.map((p) => p.id)).toEqual([own.id]);
    expect(await code(gallery.photos.get(actor, mine.id))).toBe("NOT_FOUND");

    const upload = await gallery.shares.create(SYSTEM, {
      albumId: album.id,
      canUpload: true,
      canDownload: true,
    });
    const uploader = (await gallery.shares.unlock(upload.token)).actor;
    const added = await photoIn(gallery, album.id, uploader);
    expect(added.uploaderId).toBeNull();
    expect((await gallery.derivatives.original(uploader, added.id)).contentType).toBe("image/jpeg");
    const readOnly = (
      await gallery.shares.unlock((await gallery.shares.create(SYSTEM, { albumId: album.id })).token)
    ).actor;
    expect(await code(photoIn(gallery, album.id, readOnly))).toBe("FORBIDDEN");
  });
});
