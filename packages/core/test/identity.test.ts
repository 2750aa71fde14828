import {
  type Actor,
  type Gallery,
  GUEST,
  type PrivacyLevel,
  SYSTEM,
  type TokenActor,
  type TokenScope,
  type User,
  type UserActor,
} from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { errorCode, jpeg, openGallery } from "./helpers.js";

const open = async () => (await openGallery()).gallery;

const code = errorCode;

function asUser(user: User, level: PrivacyLevel = 0): UserActor {
  return { kind: "user", userId: user.id, role: user.role, privacyLevel: level, groupIds: [] };
}

function asToken(user: User, scopes: TokenScope[], albumIds: string[] | null = null): TokenActor {
  return {
    kind: "token",
    tokenId: "t",
    userId: user.id,
    role: user.role,
    privacyLevel: user.privacyLevel as PrivacyLevel,
    groupIds: [],
    scopes,
    albumIds,
  };
}

let colour = 0;
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

describe("grants and the visibility rule", () => {
  it("grants inherit downward, reach group members live, and revoke at once; hidden stays admin-only", async () => {
    const gallery = await open();
    const alice = await gallery.users.create(SYSTEM, { username: "alice" });
    const bob = await gallery.users.create(SYSTEM, { username: "bob" });
    const family = await gallery.albums.create(SYSTEM, { name: "Family", visibility: "private" });
    const nested = await gallery.albums.create(SYSTEM, { name: "Nested", parentId: family.id });
    const secret = await gallery.albums.create(SYSTEM, {
      name: "Secret",
      parentId: family.id,
      visibility: "hidden",
    });
    const photo = await photoIn(gallery, nested.id);
    const hiddenPhoto = await photoIn(gallery, secret.id);

    expect(await code(gallery.albums.get(asUser(alice), nested.id))).toBe("NOT_FOUND");
    const grant = await gallery.access.grant(SYSTEM, family.id, { userId: alice.id, role: "viewer" });
    expect((await gallery.albums.get(asUser(alice), nested.id)).id).toBe(nested.id);
    expect((await gallery.photos.get(asUser(alice), photo.id)).id).toBe(photo.id);
    // Hidden albums are for admins, whatever the grants.
    await gallery.access.grant(SYSTEM, secret.id, { userId: alice.id, role: "manager" });
    expect(await code(gallery.albums.get(asUser(alice), secret.id))).toBe("NOT_FOUND");
    expect(await code(gallery.photos.get(asUser(alice), hiddenPhoto.id))).toBe("NOT_FOUND");
    const admin = await gallery.users.create(SYSTEM, { username: "root", role: "admin" });
    expect((await gallery.photos.get(asUser(admin, 8), hiddenPhoto.id)).id).toBe(hiddenPhoto.id);

    // A group grant reaches members as soon as they join (no cache to rebuild).
    const friends = await gallery.groups.create(SYSTEM, { name: "Friends" });
    await gallery.access.grant(SYSTEM, family.id, { groupId: friends.id, role: "viewer" });
    expect(await code(gallery.photos.get(asUser(bob), photo.id))).toBe("NOT_FOUND");
    await gallery.groups.addMembers(SYSTEM, friends.id, [bob.id]);
    expect((await gallery.photos.get(asUser(bob), photo.id)).id).toBe(photo.id);
    await gallery.groups.removeMembers(SYSTEM, friends.id, [bob.id]);
    expect(await code(gallery.photos.get(asUser(bob), photo.id))).toBe("NOT_FOUND");

    await gallery.access.revoke(SYSTEM, family.id, grant.id);
    expect(await code(gallery.albums.get(asUser(alice), nested.id))).toBe("NOT_FOUND");
    expect(await gallery.access.listAlbumGrants(SYSTEM, family.id)).toEqual([
      expect.objectContaining({ groupId: friends.id, role: "viewer" }),
    ]);
  });

  it("a token sees its user's albums narrowed to its album subtrees; its uploads outside stay out of sight", async () => {
    const gallery = await open();
    const alice = await gallery.users.create(SYSTEM, { username: "alice" });
    const a = await gallery.albums.create(SYSTEM, { name: "A" });
    const b = await gallery.albums.create(SYSTEM, { name: "B" });
    const inA = await photoIn(gallery, a.id);
    const inB = await photoIn(gallery, b.id);
    const token = asToken(alice, ["photos:read"], [a.id]);
    expect((await gallery.photos.list(token)).items.map((p) => p.id)).toEqual([inA.id]);
    expect(await code(gallery.photos.get(token, inB.id))).toBe("NOT_FOUND");
    expect(await code(gallery.albums.get(token, b.id))).toBe("NOT_FOUND");
  });
});

describe("write permissions with contributor and manager roles", () => {
  it("checks roles, answers NOT_FOUND for what cannot be seen, and never lets anyone grant more than they hold", async () => {
    const gallery = await open();
    const viewer = await gallery.users.create(SYSTEM, { username: "viewer" });
    const contributor = await gallery.users.create(SYSTEM, { username: "contrib" });
    const manager = await gallery.users.create(SYSTEM, { username: "manager" });
    const stranger = await gallery.users.create(SYSTEM, { username: "stranger" });
    const root = await gallery.albums.create(SYSTEM, { name: "Root", visibility: "private" });
    const child = await gallery.albums.create(SYSTEM, { name: "Child", parentId: root.id });
    await gallery.access.grant(SYSTEM, root.id, { userId: viewer.id, role: "viewer" });
    await gallery.access.grant(SYSTEM, root.id, { userId: contributor.id, role: "contributor" });
    await gallery.access.grant(SYSTEM, root.id, { userId: manager.id, role: "manager" });

    // Uploads: contributors and managers, into the granted album and its subtree.
    expect(await code(photoIn(gallery, child.id, asUser(viewer)))).toBe("FORBIDDEN");
    expect(await code(photoIn(gallery, child.id, asUser(stranger)))).toBe("NOT_FOUND");
    expect(await code(photoIn(gallery, child.id, GUEST))).toBe("NOT_FOUND");
    const mine = await photoIn(gallery, child.id, asUser(contributor));
    expect(mine.uploaderId).toBe(contributor.id);

    // Albums: managers create sub-albums; only admins create top-level albums.
    expect(await code(gallery.albums.create(asUser(contributor), { name: "X", parentId: root.id }))).toBe(
      "FORBIDDEN",
    );
    expect(await code(gallery.albums.create(asUser(manager), { name: "Top" }))).toBe("FORBIDDEN");
    const sub = await gallery.albums.create(asUser(manager), { name: "Sub", parentId: child.id });
    expect(sub.parentId).toBe(child.id);

    // Grants: managers grant up to manager; contributors may not manage grants at all.
    expect(
      await code(
        gallery.access.grant(asUser(contributor), child.id, { userId: stranger.id, role: "viewer" }),
      ),
    ).toBe("FORBIDDEN");
    const g = await gallery.access.grant(asUser(manager), child.id, {
      userId: stranger.id,
      role: "contributor",
    });
    expect(g.role).toBe("contributor");
    // The stranger's grant on Child is useless while its private parent is not viewable to them (the parent must
    // be viewable too), so Child is still missing for them.
    expect(
      await code(gallery.access.grant(asUser(stranger), child.id, { userId: viewer.id, role: "manager" })),
    ).toBe("NOT_FOUND");
    await gallery.access.grant(SYSTEM, root.id, { userId: stranger.id, role: "viewer" });
    expect(
      await code(gallery.access.grant(asUser(stranger), child.id, { userId: viewer.id, role: "viewer" })),
    ).toBe("FORBIDDEN");
    expect(
      await code(gallery.access.grant(asUser(manager), child.id, { userId: "nobody", role: "viewer" })),
    ).toBe("NOT_FOUND");

    // Tokens: the manager's token needs albums:write; with it, it acts within the manager's rights.
    expect(
      await code(
        gallery.access.grant(asToken(manager, ["albums:read"]), child.id, {
          userId: viewer.id,
          role: "viewer",
        }),
      ),
    ).toBe("INSUFFICIENT_SCOPE");
    expect(await code(photoIn(gallery, child.id, asToken(contributor, ["photos:read"])))).toBe(
      "INSUFFICIENT_SCOPE",
    );
    const viaToken = await photoIn(gallery, child.id, asToken(contributor, ["photos:write"]));
    expect(viaToken.uploaderId).toBe(contributor.id);
    // A token limited to another subtree cannot reach this album at all.
    const other = await gallery.albums.create(SYSTEM, { name: "Other" });
    expect(await code(photoIn(gallery, child.id, asToken(contributor, ["photos:write"], [other.id])))).toBe(
      "NOT_FOUND",
    );
  });
});

describe("users and groups", () => {
  it("lets only the owner manage admins, keeps the last owner, and ends sessions on a privilege change", async () => {
    const gallery = await open();
    const owner = await gallery.users.create(SYSTEM, {
      username: "owner",
      role: "owner",
      password: "owner-pass-1",
    });
    const admin = await gallery.users.create(asUser(owner, 8), { username: "admin", role: "admin" });
    const member = await gallery.users.create(asUser(admin, 8), {
      username: "member",
      password: "member-pass-1",
    });
    expect(await code(gallery.users.create(asUser(admin, 8), { username: "admin2", role: "admin" }))).toBe(
      "FORBIDDEN",
    );
    expect(await code(gallery.users.create(asUser(member), { username: "x" }))).toBe("FORBIDDEN");
    expect(await code(gallery.users.update(asUser(admin, 8), owner.id, { role: "member" }))).toBe(
      "FORBIDDEN",
    );
    expect(await code(gallery.users.update(asUser(owner, 8), owner.id, { role: "member" }))).toBe(
      "FORBIDDEN",
    );
    expect(await code(gallery.users.delete(SYSTEM, owner.id))).toBe("CONFLICT");
    expect(await code(gallery.users.create(SYSTEM, { username: "member" }))).toBe("ALREADY_EXISTS");
    expect(await code(gallery.users.create(SYSTEM, { username: "bad name'; drop table users;--" }))).toBe(
      "VALIDATION_FAILED",
    );

    const session = await gallery.auth.login("member", "member-pass-1");
    expect(await gallery.auth.resolveSession(session.token)).not.toBeNull();
    await gallery.users.update(asUser(admin, 8), member.id, { displayName: "Member" });
    expect(await gallery.auth.resolveSession(session.token)).not.toBeNull();
    await gallery.users.update(asUser(admin, 8), member.id, { privacyLevel: 4 });
    expect(await gallery.auth.resolveSession(session.token)).toBeNull();

    const listed = await gallery.users.list(asUser(admin, 8), { limit: 2 });
    expect(listed.items.map((u) => u.username)).toEqual(["admin", "member"]);
    const rest = await gallery.users.list(asUser(admin, 8), { limit: 2, cursor: listed.nextCursor ?? "" });
    expect(rest.items.map((u) => u.username)).toEqual(["owner"]);
    expect(await code(gallery.users.list(asToken(admin, ["photos:read"])))).toBe("INSUFFICIENT_SCOPE");
    expect((await gallery.users.list(asToken(admin, ["users:admin"]))).items).toHaveLength(3);

    const activity = await gallery.activity.list(asUser(admin, 8));
    expect(activity.items.map((e) => e.action)).toContain("user.level_change");
    expect(await code(gallery.activity.list(asUser(member)))).toBe("FORBIDDEN");
  });

  it("lets users change their own profile and password, except shared accounts", async () => {
    const gallery = await open();
    const user = await gallery.users.create(SYSTEM, { username: "self", password: "first-pass-1" });
    const shared = await gallery.users.create(SYSTEM, {
      username: "family",
      password: "shared-pass-1",
      sharedAccount: true,
    });
    expect(await code(gallery.users.updateMe(asUser(shared), { displayName: "Us" }))).toBe("FORBIDDEN");
    expect((await gallery.users.updateMe(asUser(user), { displayName: "Me" })).displayName).toBe("Me");
    expect(
      await code(
        gallery.users.updateMe(asUser(user), {
          currentPassword: "wrong-pass-1",
          newPassword: "second-pass-2",
        }),
      ),
    ).toBe("INVALID_CREDENTIALS");
    const before = await gallery.auth.login("self", "first-pass-1");
    await gallery.users.updateMe(asUser(user), {
      currentPassword: "first-pass-1",
      newPassword: "second-pass-2",
    });
    expect(await gallery.auth.resolveSession(before.token)).toBeNull();
    expect(await code(gallery.auth.login("self", "first-pass-1"))).toBe("INVALID_CREDENTIALS");
    expect((await gallery.auth.login("self", "second-pass-2")).userId).toBe(user.id);
    expect(await code(gallery.users.updateMe(asToken(user, ["admin"]), { displayName: "T" }))).toBe(
      "FORBIDDEN",
    );
    expect((await gallery.users.me(asToken(user, ["photos:read"]))).username).toBe("self");
    expect(await code(gallery.users.me(GUEST))).toBe("UNAUTHENTICATED");
  });

  it("manages groups: unique names, members, default flag, deletion", async () => {
    const gallery = await open();
    const u = await gallery.users.create(SYSTEM, { username: "u1" });
    const g = await gallery.groups.create(SYSTEM, { name: "Club", isDefault: true });
    expect(await code(gallery.groups.create(SYSTEM, { name: "Club" }))).toBe("ALREADY_EXISTS");
    expect(await code(gallery.groups.create(SYSTEM, { name: "  " }))).toBe("VALIDATION_FAILED");
    expect((await gallery.groups.addMembers(SYSTEM, g.id, [u.id, u.id])).memberCount).toBe(1);
    expect((await gallery.groups.addMembers(SYSTEM, g.id, [u.id])).memberCount).toBe(1);
    expect(await code(gallery.groups.addMembers(SYSTEM, g.id, ["missing"]))).toBe("NOT_FOUND");
    expect(await gallery.groups.defaultGroupIds()).toEqual([g.id]);
    expect((await gallery.groups.update(SYSTEM, g.id, { name: "Club 2", isDefault: false })).name).toBe(
      "Club 2",
    );
    expect(await gallery.groups.defaultGroupIds()).toEqual([]);
    const session = await gallery.auth.openSession(u.id);
    expect((await gallery.auth.resolveSession(session.token))?.actor.groupIds).toEqual([g.id]);
    expect(await code(gallery.groups.list(asUser(u)))).toBe("FORBIDDEN");
    await gallery.groups.delete(SYSTEM, g.id);
    expect(await code(gallery.groups.get(SYSTEM, g.id))).toBe("NOT_FOUND");
  });
});

describe("login", () => {
  it("throttles per account with backoff, shares the same answer for unknown users, and ends the previous session", async () => {
    const gallery = await open();
    await gallery.users.create(SYSTEM, { username: "carol", password: "carol-pass-1" });
    const first = await gallery.auth.login("carol", "carol-pass-1", { ip: "10.0.0.1" });
    expect(await code(gallery.auth.login("nobody", "whatever-1"))).toBe("INVALID_CREDENTIALS");
    // Session fixation: signing in with a previous token ends it.
    const second = await gallery.auth.login("carol", "carol-pass-1", { previousToken: first.token });
    expect(await gallery.auth.resolveSession(first.token)).toBeNull();
    expect(await gallery.auth.resolveSession(second.token)).not.toBeNull();

    for (let i = 0; i < 5; i++) {
      expect(await code(gallery.auth.login("carol", "wrong-pass", { ip: "10.0.0.2" }))).toBe(
        "INVALID_CREDENTIALS",
      );
    }
    const limited = await gallery.auth.login("carol", "carol-pass-1", { ip: "10.0.0.3" }).catch((e) => e);
    expect(limited).toMatchObject({ code: "RATE_LIMITED", data: { retryAfter: expect.any(Number) } });
    expect(limited.data.retryAfter).toBeGreaterThanOrEqual(1);
    // Counted in the database: the row is there for every process to see.
    const row = await gallery.db
      .selectFrom("login_throttle")
      .selectAll()
      .where("key", "=", "user:carol")
      .executeTakeFirstOrThrow();
    expect(Number(row.failures)).toBe(5);
    const activity = await gallery.activity.list(SYSTEM, { action: "auth.login_failed" });
    expect(activity.items.length).toBeGreaterThanOrEqual(6);
  });
});

describe("registration with approval and password resets", () => {
  it("keeps approval accounts pending without a session, and refuses reset tokens that are wrong or expired", async () => {
    const t = await openGallery({ identity: { registration: "approval", passwordResetTtlMs: 60_000 } });
    const gallery = t.gallery;
    const { user, session } = await gallery.auth.register({ username: "gina", password: "gina-password-1" });
    expect([user.status, session]).toEqual(["pending", null]);
    expect(await code(gallery.auth.login("gina", "gina-password-1"))).toBe("INVALID_CREDENTIALS");
    await gallery.users.update(SYSTEM, user.id, { status: "active", email: "gina@example.org" });
    expect((await gallery.auth.login("gina", "gina-password-1")).userId).toBe(user.id);
    expect(await code(gallery.auth.register({ username: "gina", password: "another-pass-1" }))).toBe(
      "ALREADY_EXISTS",
    );

    // Without a mailer the message goes to the log; the token is then read from the database side here.
    await gallery.auth.requestPasswordReset("GINA@example.org");
    const row = await gallery.db.selectFrom("password_resets").selectAll().executeTakeFirstOrThrow();
    expect(await code(gallery.auth.resetPassword(`${row.id}.wrongsecret`, "gina-password-2"))).toBe(
      "INVALID_TOKEN",
    );
    expect(await code(gallery.auth.resetPassword("garbage", "gina-password-2"))).toBe("INVALID_TOKEN");
    await gallery.db
      .updateTable("password_resets")
      .set({ expires_at: Date.now() - 1 })
      .execute();
    expect(await code(gallery.auth.resetPassword(`${row.id}.x`, "gina-password-2"))).toBe("INVALID_TOKEN");
    const actions = (await gallery.activity.list(SYSTEM)).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["user.register", "auth.password_reset_requested"]));
  });
});
