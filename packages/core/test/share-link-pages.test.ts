import { SYSTEM } from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { asUser, errorCode, openGallery } from "./helpers.js";

describe("share links: keyset pages and get", () => {
  it("pages every link once, newest first, scoped to the creator, with hostile cursors refused", async () => {
    const { gallery } = await openGallery();
    const alice = await gallery.users.create(SYSTEM, { username: "alice" });
    const bob = await gallery.users.create(SYSTEM, { username: "bob" });
    const albumA = await gallery.albums.create(SYSTEM, { name: "A" });
    const albumB = await gallery.albums.create(SYSTEM, { name: "B" });
    for (const album of [albumA, albumB])
      for (const user of [alice, bob])
        await gallery.access.grant(SYSTEM, album.id, { userId: user.id, role: "manager" });
    const made: string[] = [];
    // Several links share a creation millisecond: the id breaks the tie, so none repeats or goes missing.
    for (let i = 0; i < 7; i++) {
      const { share } = await gallery.shares.create(asUser(alice), {
        albumId: i % 2 === 0 ? albumA.id : albumB.id,
      });
      made.push(share.id);
    }
    const { share: bobs } = await gallery.shares.create(asUser(bob), { albumId: albumA.id });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await gallery.shares.page(asUser(alice), { limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((l) => l.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort()).toEqual([...made].sort());
    expect(seen).not.toContain(bobs.id);
    // Newest first, as the unpaginated list orders them.
    expect(seen).toEqual((await gallery.shares.list(asUser(alice))).map((l) => l.id));

    // The album filter holds across pages.
    const ofB = await gallery.shares.page(asUser(alice), { albumId: albumB.id, limit: 2 });
    expect(ofB.items.every((l) => l.albumId === albumB.id)).toBe(true);
    const rest = await gallery.shares.page(asUser(alice), {
      albumId: albumB.id,
      limit: 2,
      cursor: ofB.nextCursor ?? undefined,
    });
    expect(ofB.items.length + rest.items.length).toBe(3);
    expect(rest.nextCursor).toBeNull();

    // The system actor (and admins) see every link.
    expect((await gallery.shares.page(SYSTEM, { limit: 200 })).items).toHaveLength(8);

    for (const bad of ["", "not-a-cursor", Buffer.from('["x","y"]').toString("base64url"), "W10"])
      expect(await errorCode(gallery.shares.page(asUser(alice), { cursor: bad }))).toBe("INVALID_CURSOR");
    for (const limit of [0, -1, 1.5])
      expect(await errorCode(gallery.shares.page(asUser(alice), { limit }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(gallery.shares.page({ kind: "guest" }))).toBe("UNAUTHENTICATED");
  });

  it("get answers the creator and admins, NOT_FOUND for anyone else", async () => {
    const { gallery } = await openGallery();
    const alice = await gallery.users.create(SYSTEM, { username: "alice" });
    const bob = await gallery.users.create(SYSTEM, { username: "bob" });
    const admin = await gallery.users.create(SYSTEM, { username: "root", role: "admin" });
    const album = await gallery.albums.create(SYSTEM, { name: "A" });
    await gallery.access.grant(SYSTEM, album.id, { userId: alice.id, role: "manager" });
    const { share } = await gallery.shares.create(asUser(alice), { albumId: album.id, password: "secret!" });
    expect(await gallery.shares.get(asUser(alice), share.id)).toMatchObject({
      id: share.id,
      hasPassword: true,
    });
    expect((await gallery.shares.get(asUser(admin), share.id)).id).toBe(share.id);
    expect(await errorCode(gallery.shares.get(asUser(bob), share.id))).toBe("NOT_FOUND");
    expect(await errorCode(gallery.shares.get(asUser(alice), "nope"))).toBe("NOT_FOUND");
    expect(await errorCode(gallery.shares.get({ kind: "guest" }, share.id))).toBe("NOT_FOUND");
  });
});
