import { type Gallery, SYSTEM, type UserActor } from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { errorCode, jpeg, openGallery } from "./helpers.js";

/** Core support of the album and photo admin pages: who manages what, the managed tree, partial batches. */

async function member(gallery: Gallery, username: string, groupIds: string[] = []): Promise<UserActor> {
  const user = await gallery.users.create(SYSTEM, {
    username,
    password: "a long password here",
    role: "member",
  });
  return { kind: "user", userId: user.id, role: "member", privacyLevel: 0, groupIds };
}

async function world() {
  const { gallery } = await openGallery();
  const admin = await gallery.users.create(SYSTEM, {
    username: "boss",
    password: "a long password here",
    role: "admin",
  });
  const adminActor: UserActor = {
    kind: "user",
    userId: admin.id,
    role: "admin",
    privacyLevel: 8,
    groupIds: [],
  };
  const trips = await gallery.albums.create(SYSTEM, { name: "Trips", visibility: "public" });
  const rome = await gallery.albums.create(SYSTEM, { name: "Rome", parentId: trips.id });
  const naples = await gallery.albums.create(SYSTEM, { name: "Naples", parentId: trips.id });
  const family = await gallery.albums.create(SYSTEM, { name: "Family", visibility: "public" });
  const up = async (albumId: string, colour: string, privacyLevel = 0) =>
    (
      await gallery.photos.upload(SYSTEM, {
        albumId,
        file: await jpeg(40, 30, colour),
        filename: "p.jpg",
        privacyLevel,
      })
    ).photo;
  const inRome = await up(rome.id, "#112233");
  const secret = await up(rome.id, "#445566", 8);
  const inFamily = await up(family.id, "#778899");
  return { gallery, adminActor, trips, rome, naples, family, inRome, secret, inFamily };
}

describe("managed albums", () => {
  it("answers all for admins, the granted subtrees for managers, nothing for others", async () => {
    const w = await world();
    const { gallery } = w;
    expect(await gallery.access.managedAlbums(w.adminActor)).toBe("all");
    expect(await gallery.access.managedAlbums(SYSTEM)).toBe("all");
    expect(await gallery.access.managedAlbums({ kind: "guest" })).toEqual([]);

    const mia = await member(gallery, "mia");
    expect(await gallery.access.managedAlbums(mia)).toEqual([]);
    await gallery.access.grant(SYSTEM, w.trips.id, { userId: mia.userId, role: "viewer" });
    await gallery.access.grant(SYSTEM, w.family.id, { userId: mia.userId, role: "contributor" });
    expect(await gallery.access.managedAlbums(mia)).toEqual([]);

    await gallery.access.grant(SYSTEM, w.trips.id, { username: "MIA", role: "manager" });
    expect(((await gallery.access.managedAlbums(mia)) as string[]).sort()).toEqual(
      [w.trips.id, w.rome.id, w.naples.id].sort(),
    );

    // Through a group, found by its name.
    const group = await gallery.groups.create(SYSTEM, { name: "Editors" });
    const leo = await member(gallery, "leo", [group.id]);
    await gallery.groups.addMembers(SYSTEM, group.id, [leo.userId]);
    await gallery.access.grant(SYSTEM, w.rome.id, { groupName: "Editors", role: "manager" });
    expect(await gallery.access.managedAlbums(leo)).toEqual([w.rome.id]);

    const named = await gallery.access.listNamedAlbumGrants(SYSTEM, w.trips.id);
    expect(named.map((g) => [g.subjectName, g.role])).toEqual([["mia", "manager"]]);
    expect((await gallery.access.listNamedAlbumGrants(SYSTEM, w.rome.id))[0]?.subjectName).toBe("Editors");
    expect(await errorCode(gallery.access.listNamedAlbumGrants(leo, w.trips.id))).toBe("FORBIDDEN");
    expect(
      await errorCode(gallery.access.grant(SYSTEM, w.rome.id, { username: "nobody", role: "viewer" })),
    ).toBe("NOT_FOUND");
    expect(
      await errorCode(
        gallery.access.grant(SYSTEM, w.rome.id, { username: "mia", groupName: "Editors", role: "viewer" }),
      ),
    ).toBe("VALIDATION_FAILED");
  });

  it("gives a manager the tree of his albums only, with counts of what he may see", async () => {
    const w = await world();
    const { gallery } = w;
    const mia = await member(gallery, "mia");
    expect(await errorCode(gallery.dashboard.albumTree(mia))).toBe("FORBIDDEN");
    await gallery.access.grant(SYSTEM, w.trips.id, { userId: mia.userId, role: "manager" });
    const tree = await gallery.dashboard.albumTree(mia);
    expect(tree.map((a) => [a.name, a.depth, a.photoCount])).toEqual([
      ["Trips", 0, 0],
      ["Rome", 1, 1],
      ["Naples", 1, 0],
    ]);
    expect(tree[1]?.parentId).toBe(w.trips.id);
    const all = await gallery.dashboard.albumTree(w.adminActor);
    expect(all.find((a) => a.name === "Rome")?.photoCount).toBe(2);
    expect(all.map((a) => a.name)).toContain("Family");

    // A sub-album manager: its album is the top of the tree, its real parent kept.
    const leo = await member(gallery, "leo");
    await gallery.access.grant(SYSTEM, w.rome.id, { userId: leo.userId, role: "manager" });
    const small = await gallery.dashboard.albumTree(leo);
    expect(small.map((a) => [a.name, a.depth, a.parentId])).toEqual([["Rome", 0, w.trips.id]]);
  });
});

describe("partial batches", () => {
  it("applies to the photos the actor may edit and reports the refused ones", async () => {
    const w = await world();
    const { gallery } = w;
    const mia = await member(gallery, "mia");
    await gallery.access.grant(SYSTEM, w.trips.id, { userId: mia.userId, role: "manager" });
    const ids = [w.inRome.id, w.inFamily.id, w.secret.id, "01nosuchphoto0000000000000"];

    expect(await gallery.access.canEditPhoto(mia, w.inRome.id)).toBe(true);
    expect(await gallery.access.canEditPhoto(mia, w.inFamily.id)).toBe(false);
    expect(await gallery.access.canEditPhoto(mia, w.secret.id)).toBe(false);
    expect(await gallery.access.canEditPhoto(w.adminActor, w.secret.id)).toBe(true);

    // Without skipRefused the whole batch fails.
    expect(await errorCode(gallery.batch.photos(mia, { photoIds: ids, addTags: ["sea"] }))).toBe("NOT_FOUND");
    expect(await gallery.tags.ofPhoto(SYSTEM, w.inRome.id)).toEqual([]);

    const result = await gallery.batch.photos(mia, {
      photoIds: ids,
      addTags: ["Sea", "sun"],
      skipRefused: true,
    });
    expect(result.photoIds).toEqual([w.inRome.id]);
    expect(result.applied).toEqual(["addTags"]);
    expect(result.refused).toEqual([
      { photoId: w.inFamily.id, code: "FORBIDDEN" },
      { photoId: w.secret.id, code: "NOT_FOUND" },
      { photoId: "01nosuchphoto0000000000000", code: "NOT_FOUND" },
    ]);
    expect((await gallery.tags.ofPhoto(SYSTEM, w.inRome.id)).map((t) => t.name).sort()).toEqual([
      "Sea",
      "sun",
    ]);
    expect(await gallery.tags.ofPhoto(SYSTEM, w.inFamily.id)).toEqual([]);

    // Tags removed by name, case-insensitively; unknown names are ignored.
    const removed = await gallery.batch.photos(mia, {
      photoIds: [w.inRome.id],
      removeTags: [" SEA ", "never-was"],
      skipRefused: true,
    });
    expect(removed.applied).toEqual(["removeTags"]);
    expect((await gallery.tags.ofPhoto(SYSTEM, w.inRome.id)).map((t) => t.name)).toEqual(["sun"]);
    // Names no tag can have (blank, control characters only, too long) match nothing and change nothing.
    const blank = await gallery.batch.photos(mia, {
      photoIds: [w.inRome.id],
      removeTags: ["   ", "\u0007", "x".repeat(101)],
      skipRefused: true,
    });
    expect(blank.applied).toEqual(["removeTags"]);
    expect((await gallery.tags.ofPhoto(SYSTEM, w.inRome.id)).map((t) => t.name)).toEqual(["sun"]);

    // Nothing editable: nothing applied, everything reported.
    const none = await gallery.batch.photos(mia, {
      photoIds: [w.inFamily.id],
      privacyLevel: 4,
      skipRefused: true,
    });
    expect([none.photoIds, none.applied, none.refused.length]).toEqual([[], [], 1]);
    expect((await gallery.photos.get(SYSTEM, w.inFamily.id)).privacyLevel).toBe(0);

    // Delete still refuses other actions, and respects the per-photo check.
    expect(
      await errorCode(gallery.batch.photos(mia, { photoIds: [w.inRome.id], delete: true, privacyLevel: 1 })),
    ).toBe("VALIDATION_FAILED");
    const deleted = await gallery.batch.photos(mia, {
      photoIds: [w.inRome.id, w.inFamily.id],
      delete: true,
      skipRefused: true,
    });
    expect([deleted.deleted, deleted.refused.map((r) => r.photoId)]).toEqual([1, [w.inFamily.id]]);
    expect(await errorCode(gallery.photos.get(SYSTEM, w.inRome.id))).toBe("NOT_FOUND");
  });
});
