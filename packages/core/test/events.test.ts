import {
  type Gallery,
  GUEST,
  recordEvent,
  SYSTEM,
  type TokenActor,
  type User,
  type UserActor,
} from "@vernissage/core";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { errorCode, jpeg, openGallery } from "./helpers.js";

const stack = process.env.VERNISSAGE_TEST_STACK ?? "sqlite-fs";

function asUser(user: User, privacyLevel: UserActor["privacyLevel"] = 0): UserActor {
  return { kind: "user", userId: user.id, role: user.role, privacyLevel, groupIds: [] };
}

let colour = 0;
function uniqueJpeg(): Promise<Buffer> {
  colour += 1;
  return jpeg(40, 30, `#${(colour * 104_729).toString(16).padStart(6, "0").slice(-6)}`);
}

async function countByType(gallery: Gallery): Promise<Record<string, number>> {
  const rows = await gallery.db
    .selectFrom("events")
    .select(["type", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("type")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
}

describe("events outbox", () => {
  it("records every change once, in the transaction of the change", async () => {
    const { gallery } = await openGallery();
    const owner = await gallery.users.create(SYSTEM, { username: "owner1", role: "admin" });
    const actor = asUser(owner, 8);
    const album = await gallery.albums.create(actor, { name: "Trip" });
    const other = await gallery.albums.create(actor, { name: "Other" });
    await gallery.albums.update(actor, album.id, { name: "Trip 2026", description: "sun" });
    await gallery.albums.update(actor, other.id, { parentId: album.id });
    const { photo } = await gallery.photos.upload(actor, {
      albumId: album.id,
      file: await uniqueJpeg(),
      filename: "a.jpg",
    });
    await gallery.photos.update(actor, photo.id, { title: "Beach" });
    await gallery.tags.tagPhotos(actor, { photoIds: [photo.id], names: ["sea", "sun"] });
    // Tagging again with a tag the photo already has is no change: no second event.
    await gallery.tags.tagPhotos(actor, { photoIds: [photo.id], names: ["sea"] });
    const tags = await gallery.tags.ofPhoto(actor, photo.id);
    await gallery.tags.untagPhotos(actor, { photoIds: [photo.id], tagIds: tags.map((t) => t.id) });
    await gallery.photos.addToAlbum(actor, { albumId: other.id, photoIds: [photo.id] });
    await gallery.photos.removeFromAlbum(actor, { albumId: other.id, photoIds: [photo.id] });
    const group = await gallery.groups.create(actor, { name: "Family" });
    await gallery.groups.addMembers(actor, group.id, [owner.id]);
    const grant = await gallery.access.grant(actor, album.id, { groupId: group.id, role: "viewer" });
    await gallery.access.revoke(actor, album.id, grant.id);
    await gallery.photos.delete(actor, [photo.id]);
    await gallery.albums.delete(actor, album.id, { orphans: "keep" });

    expect(await countByType(gallery)).toEqual({
      "user.created": 1,
      "album.created": 2,
      "album.updated": 1,
      "album.moved": 1,
      "photo.created": 1,
      "photo.updated": 1,
      "tag.created": 2,
      "photo.tagged": 1,
      "photo.untagged": 1,
      "album.photos.added": 1,
      "album.photos.removed": 1,
      "group.created": 1,
      "group.updated": 1,
      "grant.created": 1,
      "grant.revoked": 1,
      "photo.deleted": 1,
      "album.deleted": 2,
    });
    // Payloads never carry secrets: the share token is not in share.created.
    const third = await gallery.albums.create(actor, { name: "Shared" });
    const { share, token } = await gallery.shares.create(actor, { albumId: third.id });
    await gallery.shares.revoke(actor, share.id);
    const rows = await gallery.db
      .selectFrom("events")
      .select(["type", "payload"])
      .where("subject_id", "=", share.id)
      .orderBy("position")
      .execute();
    expect(rows.map((r) => r.type).sort()).toEqual(["share.created", "share.revoked"]);
    for (const r of rows) expect(r.payload).not.toContain(token);
  });

  it("records profile changes as user.updated, without secrets", async () => {
    const { gallery } = await openGallery();
    const user = await gallery.users.create(SYSTEM, { username: "selfie", password: "a long password 1" });
    await gallery.users.updateMe(asUser(user), { displayName: "Selfie" });
    await gallery.users.updateMe(asUser(user), {
      currentPassword: "a long password 1",
      newPassword: "a long password 2",
    });
    const rows = await gallery.db
      .selectFrom("events")
      .select(["type", "payload"])
      .where("type", "=", "user.updated")
      .orderBy("id")
      .execute();
    expect(rows.map((r) => JSON.parse(r.payload))).toEqual([
      { fields: ["displayName"] },
      { fields: ["password"] },
    ]);
    for (const r of rows) expect(r.payload).not.toContain("long password");
  });

  it("records a profile and password change made together as one user.updated", async () => {
    const { gallery } = await openGallery();
    const user = await gallery.users.create(SYSTEM, { username: "both", password: "a long password 1" });
    await gallery.users.updateMe(asUser(user), {
      displayName: "Both",
      currentPassword: "a long password 1",
      newPassword: "a long password 2",
    });
    const rows = await gallery.db
      .selectFrom("events")
      .select("payload")
      .where("type", "=", "user.updated")
      .execute();
    expect(rows.map((r) => JSON.parse(r.payload))).toEqual([{ fields: ["displayName", "password"] }]);
  });

  it("records re-ordering as album.updated, naming no photo, and nothing when the order is unchanged", async () => {
    const { gallery } = await openGallery();
    const parent = await gallery.albums.create(SYSTEM, { name: "Parent" });
    const a = await gallery.albums.create(SYSTEM, { name: "A", parentId: parent.id });
    const b = await gallery.albums.create(SYSTEM, { name: "B", parentId: parent.id });
    const ids: string[] = [];
    for (const filename of ["one.jpg", "two.jpg"]) {
      const { photo } = await gallery.photos.upload(SYSTEM, {
        albumId: parent.id,
        file: await uniqueJpeg(),
        filename,
      });
      ids.push(photo.id);
    }
    const reversed = [...ids].reverse();
    for (let round = 0; round < 2; round++) {
      await gallery.albums.reorder(SYSTEM, parent.id, [b.id, a.id]);
      await gallery.photos.reorderInAlbum(SYSTEM, { albumId: parent.id, photoIds: reversed });
    }
    const updated = (await gallery.events.list(SYSTEM, { types: ["album.updated"] })).items;
    expect(updated.map((e) => [e.subjectId, e.data.changed])).toEqual([
      [b.id, ["rank"]],
      [a.id, ["rank"]],
      [parent.id, ["photoRanks"]],
    ]);
    for (const e of updated) {
      expect(e.photoId).toBeNull();
      for (const id of ids) expect(JSON.stringify(e.data)).not.toContain(id);
    }
  });

  it("records tag.created for tags made from a file's keywords", async () => {
    const { gallery } = await openGallery({ ingest: { keywordsAsTags: true } });
    const album = await gallery.albums.create(SYSTEM, { name: "Keywords" });
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag><rdf:li>dune</rdf:li><rdf:li>tide</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>`;
    const file = async (background: string) =>
      sharp({ create: { width: 20, height: 20, channels: 3, background } })
        .withXmp(xmp)
        .jpeg()
        .toBuffer();
    await gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: await file("#123456"),
      filename: "a.jpg",
    });
    // The second photo finds both tags: no new event.
    await gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: await file("#654321"),
      filename: "b.jpg",
    });
    const created = (await gallery.events.list(SYSTEM, { types: ["tag.created"] })).items;
    expect(created.map((e) => e.data.name)).toEqual(["dune", "tide"]);
  });

  it("writes nothing when the change rolls back", async () => {
    const { gallery } = await openGallery();
    await gallery.users.create(SYSTEM, { username: "taken" });
    // The second insert fails inside the transaction that also wrote the event: both are gone.
    expect(await errorCode(gallery.users.create(SYSTEM, { username: "taken" }))).toBe("ALREADY_EXISTS");
    expect(await countByType(gallery)).toEqual({ "user.created": 1 });
    await expect(
      gallery.db.transaction().execute(async (trx) => {
        await recordEvent(trx, SYSTEM, { type: "tag.created", subjectType: "tag", subjectId: "x" });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await countByType(gallery)).toEqual({ "user.created": 1 });
  });

  it("feeds each reader only events about what they may see now", async () => {
    const { gallery } = await openGallery();
    const admin = await gallery.users.create(SYSTEM, { username: "boss", role: "admin" });
    const alice = await gallery.users.create(SYSTEM, { username: "alice" });
    const bob = await gallery.users.create(SYSTEM, { username: "bob" });
    const pub = await gallery.albums.create(SYSTEM, { name: "Public" });
    const priv = await gallery.albums.create(SYSTEM, { name: "Private", visibility: "private" });
    await gallery.access.grant(SYSTEM, priv.id, { userId: alice.id, role: "contributor" });
    const { photo: open } = await gallery.photos.upload(SYSTEM, {
      albumId: pub.id,
      file: await uniqueJpeg(),
      filename: "open.jpg",
    });
    const { photo: secret } = await gallery.photos.upload(asUser(alice), {
      albumId: priv.id,
      file: await uniqueJpeg(),
      filename: "secret.jpg",
    });
    const { photo: high } = await gallery.photos.upload(SYSTEM, {
      albumId: pub.id,
      file: await uniqueJpeg(),
      filename: "family.jpg",
      privacyLevel: 4,
    });

    const subjects = async (actor: Parameters<Gallery["events"]["list"]>[0]) =>
      (await gallery.events.list(actor, { limit: 200 })).items.map(
        (e) => `${e.type}:${e.photoId ?? e.albumId}`,
      );

    const guest = await subjects(GUEST);
    expect(guest).toContain(`photo.created:${open.id}`);
    expect(guest).toContain(`album.created:${pub.id}`);
    expect(guest.some((s) => s.includes(secret.id) || s.includes(priv.id) || s.includes(high.id))).toBe(
      false,
    );
    expect(guest.some((s) => s.startsWith("user.") || s.startsWith("grant."))).toBe(false);

    const bobs = await subjects(asUser(bob));
    expect(bobs.some((s) => s.includes(secret.id) || s.includes(priv.id))).toBe(false);
    const alices = await subjects(asUser(alice));
    expect(alices).toContain(`photo.created:${secret.id}`);
    expect(alices).toContain(`album.created:${priv.id}`);
    expect(await subjects(asUser(bob, 4))).toContain(`photo.created:${high.id}`);

    const admins = await subjects(asUser(admin, 8));
    expect(admins).toContain(`photo.created:${secret.id}`);
    expect(admins.filter((s) => s.startsWith("user.created"))).toHaveLength(3);

    // Alice deletes her photo: she (the owner) and admins see the deletion, bob does not.
    await gallery.photos.delete(asUser(alice), [secret.id]);
    const deleted = (actor: UserActor) =>
      gallery.events.list(actor, { types: ["photo.deleted"] }).then((p) => p.items.map((e) => e.subjectId));
    expect(await deleted(asUser(alice))).toEqual([secret.id]);
    expect(await deleted(asUser(admin, 8))).toEqual([secret.id]);
    expect(await deleted(asUser(bob))).toEqual([]);

    // Tokens need events:read; share links have no feed.
    const token: TokenActor = {
      kind: "token",
      tokenId: "t1",
      userId: alice.id,
      role: "member",
      privacyLevel: 0,
      groupIds: [],
      scopes: ["photos:read"],
      albumIds: null,
    };
    expect(await errorCode(gallery.events.list(token))).toBe("INSUFFICIENT_SCOPE");
    expect(await errorCode(gallery.events.list({ ...token, scopes: ["events:read"] }))).toBe("OK");
    const share = {
      kind: "share",
      shareId: "s",
      albumId: pub.id,
      privacyLevel: 0,
      canDownload: false,
      canUpload: false,
    } as const;
    expect(await errorCode(gallery.events.list(share))).toBe("FORBIDDEN");
    // An admin's token reads pictures' events with events:read; people and rights need users:admin too.
    const adminToken: TokenActor = { ...token, userId: admin.id, role: "admin", scopes: ["events:read"] };
    const tokenTypes = async (scopes: TokenActor["scopes"]) =>
      (await gallery.events.list({ ...adminToken, scopes }, { limit: 200 })).items.map((e) => e.type);
    expect(await tokenTypes(["events:read"])).toContain("photo.created");
    expect((await tokenTypes(["events:read"])).some((t) => t.startsWith("user."))).toBe(false);
    expect(await tokenTypes(["events:read", "users:admin"])).toContain("user.created");
    expect(await errorCode(gallery.events.list(GUEST, { types: ["nope.*"] }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(gallery.events.list(GUEST, { cursor: "garbage!" }))).toBe("INVALID_CURSOR");
  });

  it("pages with a cursor that is stable under inserts, and filters by type", async () => {
    const { gallery } = await openGallery();
    for (const name of ["a", "b", "c", "d", "e"]) await gallery.albums.create(SYSTEM, { name });
    const first = await gallery.events.list(SYSTEM, { limit: 2 });
    expect(first.items.map((e) => e.data.name)).toEqual(["a", "b"]);
    // New events arrive between pages: they come after the ones already there, nothing is skipped or repeated.
    await gallery.albums.create(SYSTEM, { name: "f" });
    const seen = [...first.items];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await gallery.events.list(SYSTEM, { limit: 2, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) {
        const empty = await gallery.events.list(SYSTEM, { cursor: page.pollCursor });
        expect(empty.items).toEqual([]);
        await gallery.albums.create(SYSTEM, { name: "g" });
        const later = await gallery.events.list(SYSTEM, { cursor: page.pollCursor });
        seen.push(...later.items);
      }
    }
    expect(seen.map((e) => e.data.name)).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    expect(new Set(seen.map((e) => e.id)).size).toBe(7);
    const byType = await gallery.events.list(SYSTEM, { types: ["photo.*", "album.created"] });
    expect(byType.items).toHaveLength(7);
    expect((await gallery.events.list(SYSTEM, { types: ["photo.*"] })).items).toHaveLength(0);
  });

  it.skipIf(stack !== "postgres-s3")(
    "never skips an event whose transaction committed after a later one (PostgreSQL)",
    async () => {
      const { gallery } = await openGallery();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let recorded!: () => void;
      const started = new Promise<void>((resolve) => {
        recorded = resolve;
      });
      // A transaction writes its event first (it takes the earlier id and time) but commits last.
      const slow = gallery.db.transaction().execute(async (trx) => {
        await recordEvent(trx, SYSTEM, { type: "tag.created", subjectType: "tag", subjectId: "slow" });
        recorded();
        await gate;
      });
      await started;
      await recordEvent(gallery.db, SYSTEM, { type: "tag.created", subjectType: "tag", subjectId: "fast" });
      const first = await gallery.events.list(SYSTEM);
      expect(first.items.map((e) => e.subjectId)).toEqual(["fast"]);
      release();
      await slow;
      const next = await gallery.events.list(SYSTEM, { cursor: first.pollCursor });
      expect(next.items.map((e) => e.subjectId)).toEqual(["slow"]);
    },
  );
});
