import { type Actor, GUEST, SYSTEM } from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { asUser, jpeg, openGallery } from "./helpers.js";

// The automatic cover taken from sub-albums (services/albums.ts `firstSubAlbumCover`): nearest sub-albums
// first, then in album order, the first one with a photo the actor may see; never a photo the actor cannot see.

let colour = 0;
function uniqueJpeg(): Promise<Buffer> {
  colour += 1;
  return jpeg(40, 30, `#${(colour * 104_729).toString(16).padStart(6, "0").slice(-6)}`);
}

describe("automatic album cover from sub-albums", () => {
  it("takes the nearest sub-album first, then album order, skipping albums with nothing visible", async () => {
    const t = await openGallery();
    const { gallery } = t;
    const upload = async (albumId: string, privacyLevel = 0) =>
      (
        await gallery.photos.upload(SYSTEM, {
          albumId,
          file: await uniqueJpeg(),
          filename: "x.jpg",
          privacyLevel,
        })
      ).photo.id;
    const cover = async (actor: Actor, id: string) => (await gallery.albums.get(actor, id)).coverPhotoId;

    const root = await gallery.albums.create(SYSTEM, { name: "Root" });
    const first = await gallery.albums.create(SYSTEM, { name: "First", parentId: root.id });
    const second = await gallery.albums.create(SYSTEM, { name: "Second", parentId: root.id });
    const deep = await gallery.albums.create(SYSTEM, { name: "Deep", parentId: first.id });

    // Only a grandchild has a photo: it is the cover.
    const deepPhoto = await upload(deep.id);
    expect(await cover(GUEST, root.id)).toBe(deepPhoto);

    // A child (depth 1) beats the grandchild, even though it comes later in album order.
    const secondPhoto = await upload(second.id);
    await upload(second.id);
    expect(await cover(GUEST, root.id)).toBe(secondPhoto);

    // `First` comes before `Second`; its only photo is private: the admin gets it, the guest skips `First`.
    const privatePhoto = await upload(first.id, 8);
    expect(await cover(SYSTEM, root.id)).toBe(privatePhoto);
    expect(await cover(GUEST, root.id)).toBe(secondPhoto);

    // Reordering the sub-albums changes which one answers first.
    await gallery.albums.reorder(SYSTEM, root.id, [second.id, first.id]);
    expect(await cover(SYSTEM, root.id)).toBe(secondPhoto);
    await gallery.albums.reorder(SYSTEM, root.id, [first.id, second.id]);

    // A sub-album the actor may not view is skipped, even though its photo is at level 0.
    await gallery.albums.update(SYSTEM, second.id, { visibility: "private" });
    expect(await cover(GUEST, root.id)).toBe(deepPhoto);
    const listed = await gallery.albums.list(GUEST, { parentId: null });
    expect(listed.items.map((a) => [a.name, a.coverPhotoId])).toEqual([["Root", deepPhoto]]);

    // A member granted the private sub-album sees its photo again (grants are read live).
    const user = await gallery.users.create(SYSTEM, { username: "cover-member", role: "member" });
    const member = asUser(user);
    expect(await cover(member, root.id)).toBe(deepPhoto);
    await gallery.access.grant(SYSTEM, second.id, { userId: user.id, role: "viewer" });
    expect(await cover(member, root.id)).toBe(secondPhoto);

    // Hidden below: nothing visible remains for the guest.
    await gallery.albums.update(SYSTEM, first.id, { visibility: "hidden" });
    expect(await cover(GUEST, root.id)).toBeNull();
    expect(await cover(SYSTEM, root.id)).toBe(privatePhoto);
  });
});
