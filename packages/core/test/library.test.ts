import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Actor, GalleryError, GUEST, SYSTEM, type UserActor } from "@vernissage/core";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { jpeg, openGallery } from "./helpers.js";

const open = openGallery;

const member: UserActor = { kind: "user", userId: "m1", role: "member", privacyLevel: 0, groupIds: [] };

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GalleryError) return error.code;
    throw error;
  }
  return "OK";
}

let colour = 0;
/** A JPEG with unique content each call. */
function uniqueJpeg(): Promise<Buffer> {
  colour += 1;
  const hex = `#${(colour * 7919).toString(16).padStart(6, "0").slice(-6)}`;
  return jpeg(48, 32, hex);
}

describe("album tree", () => {
  it("moves a subtree, keeps the closure table right and refuses cycles with ALBUM_CYCLE", async () => {
    const { gallery } = await open();
    const a = await gallery.albums.create(SYSTEM, { name: "A" });
    const b = await gallery.albums.create(SYSTEM, { name: "B", parentId: a.id });
    const c = await gallery.albums.create(SYSTEM, { name: "C", parentId: b.id });
    const d = await gallery.albums.create(SYSTEM, { name: "D" });

    expect(await code(gallery.albums.update(SYSTEM, a.id, { parentId: c.id }))).toBe("ALBUM_CYCLE");
    expect(await code(gallery.albums.update(SYSTEM, b.id, { parentId: b.id }))).toBe("ALBUM_CYCLE");
    expect(await code(gallery.albums.update(SYSTEM, a.id, { parentId: "nope" }))).toBe("NOT_FOUND");

    const moved = await gallery.albums.update(SYSTEM, b.id, { parentId: d.id });
    expect(moved.parentId).toBe(d.id);
    expect((await gallery.albums.ancestors(SYSTEM, c.id)).map((x) => x.id)).toEqual([d.id, b.id]);
    const closure = await gallery.db
      .selectFrom("album_closure")
      .select(["ancestor_id", "descendant_id", "depth"])
      .where("descendant_id", "in", [a.id, b.id, c.id, d.id])
      .execute();
    const pairs = closure.map((r) => `${r.ancestor_id}>${r.descendant_id}:${r.depth}`).sort();
    expect(pairs).toEqual(
      [
        `${a.id}>${a.id}:0`,
        `${b.id}>${b.id}:0`,
        `${c.id}>${c.id}:0`,
        `${d.id}>${d.id}:0`,
        `${d.id}>${b.id}:1`,
        `${d.id}>${c.id}:2`,
        `${b.id}>${c.id}:1`,
      ].sort(),
    );
    // Now A may go under C (no longer its descendant); then back to the root.
    await gallery.albums.update(SYSTEM, a.id, { parentId: c.id });
    expect((await gallery.albums.ancestors(SYSTEM, a.id)).map((x) => x.id)).toEqual([d.id, b.id, c.id]);
    await gallery.albums.update(SYSTEM, a.id, { parentId: null });
    expect(await gallery.albums.ancestors(SYSTEM, a.id)).toEqual([]);
    expect((await gallery.albums.list(SYSTEM)).items.map((x) => x.id)).toEqual([d.id, a.id]);
  });

  it("renames (slug follows), describes, reorders sub-albums, and only admins may manage", async () => {
    const { gallery } = await open();
    const root = await gallery.albums.create(SYSTEM, { name: "Root" });
    const kids = [];
    for (const name of ["One", "Two", "Three"])
      kids.push(await gallery.albums.create(SYSTEM, { name, parentId: root.id }));
    const renamed = await gallery.albums.update(SYSTEM, root.id, { name: "Été 2026", description: "Hot" });
    expect(renamed.slug).toBe("ete-2026");
    expect(renamed.description).toBe("Hot");
    const [one, two, three] = kids.map((k) => k.id) as [string, string, string];
    const order = await gallery.albums.reorder(SYSTEM, root.id, [three, one]);
    expect(order.map((x) => x.id)).toEqual([three, one, two]);
    expect((await gallery.albums.list(GUEST, { parentId: root.id })).items.map((x) => x.id)).toEqual([
      three,
      one,
      two,
    ]);
    expect(await code(gallery.albums.reorder(SYSTEM, root.id, [root.id]))).toBe("VALIDATION_FAILED");
    expect(await code(gallery.albums.update(member, root.id, { name: "x" }))).toBe("FORBIDDEN");
    expect(await code(gallery.albums.delete(GUEST, root.id, { orphans: "keep" }))).toBe("FORBIDDEN");
    expect(await code(gallery.albums.update(SYSTEM, root.id, { name: "  " }))).toBe("VALIDATION_FAILED");
  });

  it("picks a visible cover automatically (album, then sub-albums) and honours an explicit one", async () => {
    const { gallery } = await open();
    const parent = await gallery.albums.create(SYSTEM, { name: "Parent" });
    const child = await gallery.albums.create(SYSTEM, { name: "Child", parentId: parent.id });
    expect((await gallery.albums.get(GUEST, parent.id)).coverPhotoId).toBeNull();
    const { photo: p1 } = await gallery.photos.upload(SYSTEM, {
      albumId: child.id,
      file: await uniqueJpeg(),
      filename: "1.jpg",
    });
    expect((await gallery.albums.get(GUEST, parent.id)).coverPhotoId).toBe(p1.id);
    const { photo: secret } = await gallery.photos.upload(SYSTEM, {
      albumId: parent.id,
      file: await uniqueJpeg(),
      filename: "2.jpg",
      privacyLevel: 8,
    });
    // The admin sees the direct photo as cover; a guest never gets the private one.
    expect((await gallery.albums.get(SYSTEM, parent.id)).coverPhotoId).toBe(secret.id);
    expect((await gallery.albums.get(GUEST, parent.id)).coverPhotoId).toBe(p1.id);
    expect((await gallery.albums.get(GUEST, parent.id)).photoCount).toBe(0);
    await gallery.albums.update(SYSTEM, parent.id, { coverPhotoId: p1.id });
    expect((await gallery.albums.get(SYSTEM, parent.id)).coverPhotoId).toBe(p1.id);
    const other = await gallery.albums.create(SYSTEM, { name: "Other" });
    expect(await code(gallery.albums.update(SYSTEM, other.id, { coverPhotoId: p1.id }))).toBe(
      "VALIDATION_FAILED",
    );
  });

  it("never takes a cover from a sub-album the actor may not view", async () => {
    const { gallery } = await open();
    const parent = await gallery.albums.create(SYSTEM, { name: "Parent" });
    const secret = await gallery.albums.create(SYSTEM, {
      name: "Secret",
      parentId: parent.id,
      visibility: "private",
    });
    const { photo } = await gallery.photos.upload(SYSTEM, {
      albumId: secret.id,
      file: await uniqueJpeg(),
      filename: "s.jpg",
    });
    expect((await gallery.albums.get(SYSTEM, parent.id)).coverPhotoId).toBe(photo.id);
    expect((await gallery.albums.get(GUEST, parent.id)).coverPhotoId).toBeNull();
    // Even as an explicit cover.
    await gallery.albums.update(SYSTEM, parent.id, { coverPhotoId: photo.id });
    expect((await gallery.albums.get(GUEST, parent.id)).coverPhotoId).toBeNull();
    expect(
      (await gallery.albums.list(GUEST)).items.map((a) => [a.name, a.coverPhotoId, a.photoCount]),
    ).toEqual([["Parent", null, 0]]);
  });

  it("orders an album's photos by manual rank, title, date taken or date added", async () => {
    const { gallery } = await open();
    const album = await gallery.albums.create(SYSTEM, { name: "Sorted" });
    const ids: string[] = [];
    for (const [title, takenAt] of [
      ["charlie", 3000],
      ["alpha", 1000],
      ["bravo", 2000],
    ] as const) {
      const { photo } = await gallery.photos.upload(SYSTEM, {
        albumId: album.id,
        file: await uniqueJpeg(),
        filename: "x.jpg",
        title,
      });
      await gallery.photos.update(SYSTEM, photo.id, { takenAt });
      ids.push(photo.id);
    }
    const [c, a, b] = ids as [string, string, string];
    const listed = async () => {
      // Page size 1 walks the cursor through every order.
      const out: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await gallery.photos.listInAlbum(GUEST, album.id, { limit: 1, cursor });
        out.push(...page.items.map((p) => p.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out;
    };
    expect(await listed()).toEqual([c, a, b]);
    await gallery.albums.update(SYSTEM, album.id, { photoOrder: "title" });
    expect(await listed()).toEqual([a, b, c]);
    await gallery.albums.update(SYSTEM, album.id, { photoOrder: "takenAt" });
    expect(await listed()).toEqual([a, b, c]);
    await gallery.albums.update(SYSTEM, album.id, { photoOrder: "addedAt" });
    expect(await listed()).toEqual([c, a, b]);
    await gallery.albums.update(SYSTEM, album.id, { photoOrder: "manual" });
    await gallery.photos.reorderInAlbum(SYSTEM, { albumId: album.id, photoIds: [b, c] });
    expect(await listed()).toEqual([b, c, a]);
    expect(await code(gallery.albums.update(SYSTEM, album.id, { photoOrder: "random" as never }))).toBe(
      "VALIDATION_FAILED",
    );
  });
});

describe("deleting albums and photos", () => {
  it("a photo in two albums survives deleting one of them; `keep` leaves orphans for admins only", async () => {
    const { gallery } = await open();
    const one = await gallery.albums.create(SYSTEM, { name: "One" });
    const sub = await gallery.albums.create(SYSTEM, { name: "Sub", parentId: one.id });
    const two = await gallery.albums.create(SYSTEM, { name: "Two" });
    const { photo: shared } = await gallery.photos.upload(SYSTEM, {
      albumId: sub.id,
      file: await uniqueJpeg(),
      filename: "s.jpg",
    });
    const { photo: alone } = await gallery.photos.upload(SYSTEM, {
      albumId: sub.id,
      file: await uniqueJpeg(),
      filename: "a.jpg",
    });
    expect(await gallery.photos.addToAlbum(SYSTEM, { albumId: two.id, photoIds: [shared.id] })).toBe(1);

    const result = await gallery.albums.delete(SYSTEM, one.id, { orphans: "keep" });
    expect(result.albumIds.sort()).toEqual([one.id, sub.id].sort());
    expect(result.orphanedPhotoIds).toEqual([alone.id]);
    expect(result.deletedPhotoIds).toEqual([]);
    expect((await gallery.photos.get(GUEST, shared.id)).id).toBe(shared.id);
    expect(await code(gallery.photos.get(GUEST, alone.id))).toBe("NOT_FOUND");
    expect((await gallery.photos.get(SYSTEM, alone.id)).id).toBe(alone.id);
    expect(await code(gallery.albums.get(SYSTEM, sub.id))).toBe("NOT_FOUND");
  });

  it("deleting the last album with `delete` removes the photo's original and derivatives from storage", async () => {
    const t = await open();
    const { gallery } = t;
    const keep = await gallery.albums.create(SYSTEM, { name: "Keep" });
    const gone = await gallery.albums.create(SYSTEM, { name: "Gone" });
    const { photo: survivor } = await gallery.photos.upload(SYSTEM, {
      albumId: keep.id,
      file: await uniqueJpeg(),
      filename: "k.jpg",
    });
    const { photo } = await gallery.photos.upload(SYSTEM, {
      albumId: gone.id,
      file: await uniqueJpeg(),
      filename: "g.jpg",
    });
    await gallery.jobs.runUntilIdle();
    const before = await t.listKeys();
    expect(before.some((k) => k.includes(photo.sha256))).toBe(true);
    expect(before.filter((k) => k.includes(photo.sha256)).length).toBeGreaterThan(1);

    const result = await gallery.albums.delete(SYSTEM, gone.id, { orphans: "delete" });
    expect(result.deletedPhotoIds).toEqual([photo.id]);
    const after = await t.listKeys();
    expect(after.filter((k) => k.includes(photo.sha256))).toEqual([]);
    expect(after.filter((k) => k.includes(survivor.sha256)).length).toBeGreaterThan(0);
    expect(
      await gallery.db
        .selectFrom("derivatives")
        .select("storage_key")
        .where("source_sha256", "=", photo.sha256)
        .execute(),
    ).toEqual([]);
    expect(await code(gallery.photos.get(SYSTEM, photo.id))).toBe("NOT_FOUND");
  });

  it("deletes a photo with its files, moves, copies and removes photos between albums", async () => {
    const t = await open();
    const { gallery } = t;
    const a = await gallery.albums.create(SYSTEM, { name: "A" });
    const b = await gallery.albums.create(SYSTEM, { name: "B" });
    const { photo } = await gallery.photos.upload(SYSTEM, {
      albumId: a.id,
      file: await uniqueJpeg(),
      filename: "p.jpg",
    });
    const { photo: p2 } = await gallery.photos.upload(SYSTEM, {
      albumId: b.id,
      file: await uniqueJpeg(),
      filename: "q.jpg",
    });
    // Insert at the top of B's manual order.
    expect(
      await gallery.photos.addToAlbum(SYSTEM, { albumId: b.id, photoIds: [photo.id], position: 0 }),
    ).toBe(1);
    expect(await gallery.photos.addToAlbum(SYSTEM, { albumId: b.id, photoIds: [photo.id] })).toBe(0);
    expect((await gallery.photos.listInAlbum(SYSTEM, b.id)).items.map((p) => p.id)).toEqual([
      photo.id,
      p2.id,
    ]);
    expect(await gallery.photos.removeFromAlbum(SYSTEM, { albumId: b.id, photoIds: [photo.id] })).toBe(1);
    expect(
      await gallery.photos.moveToAlbum(SYSTEM, { fromAlbumId: a.id, toAlbumId: b.id, photoIds: [photo.id] }),
    ).toBe(1);
    expect((await gallery.photos.listInAlbum(SYSTEM, a.id)).items).toEqual([]);
    expect((await gallery.photos.listInAlbum(SYSTEM, b.id)).items.map((p) => p.id)).toEqual([
      p2.id,
      photo.id,
    ]);
    expect(
      await code(
        gallery.photos.moveToAlbum(SYSTEM, { fromAlbumId: a.id, toAlbumId: b.id, photoIds: [photo.id] }),
      ),
    ).toBe("VALIDATION_FAILED");
    expect(await code(gallery.photos.addToAlbum(member, { albumId: a.id, photoIds: [photo.id] }))).toBe(
      "FORBIDDEN",
    );

    await gallery.jobs.runUntilIdle();
    expect(await code(gallery.photos.delete(member, [photo.id]))).toBe("FORBIDDEN");
    expect(await gallery.photos.delete(SYSTEM, [photo.id])).toBe(1);
    expect((await t.listKeys()).filter((k) => k.includes(photo.sha256))).toEqual([]);
    expect(await code(gallery.photos.delete(SYSTEM, [photo.id]))).toBe("NOT_FOUND");
  });
});

describe("photos", () => {
  it("updates fields with validation and permission checks", async () => {
    const { gallery } = await open();
    const album = await gallery.albums.create(SYSTEM, { name: "A" });
    const { photo } = await gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: await uniqueJpeg(),
      filename: "p.jpg",
    });
    const updated = await gallery.photos.update(SYSTEM, photo.id, {
      title: "Sunset",
      description: "Red sky",
      author: "Ann",
      takenAt: Date.UTC(2020, 0, 2),
      privacyLevel: 2,
    });
    expect(updated).toMatchObject({
      title: "Sunset",
      description: "Red sky",
      author: "Ann",
      takenAt: Date.UTC(2020, 0, 2),
      privacyLevel: 2,
    });
    expect(await code(gallery.photos.get(GUEST, photo.id))).toBe("NOT_FOUND");
    expect(await code(gallery.photos.update(SYSTEM, photo.id, { privacyLevel: 3 }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(await code(gallery.photos.update(member, photo.id, { title: "x" }))).toBe("NOT_FOUND");
    await gallery.photos.update(SYSTEM, photo.id, { privacyLevel: 0 });
    expect(await code(gallery.photos.update(member, photo.id, { title: "x" }))).toBe("FORBIDDEN");
  });

  it("handles duplicates per setting: link (the result says so) or refuse with DUPLICATE_PHOTO", async () => {
    const file = await uniqueJpeg();
    const { gallery } = await open();
    const a = await gallery.albums.create(SYSTEM, { name: "A" });
    const b = await gallery.albums.create(SYSTEM, { name: "B" });
    const first = await gallery.photos.upload(SYSTEM, { albumId: a.id, file, filename: "a.jpg" });
    const again = await gallery.photos.upload(SYSTEM, { albumId: b.id, file, filename: "b.jpg" });
    expect(again.duplicate).toBe(true);
    expect(again.photo.id).toBe(first.photo.id);
    expect((await gallery.photos.listInAlbum(GUEST, b.id)).items.map((p) => p.id)).toEqual([first.photo.id]);

    const { gallery: strict } = await open({ ingest: { duplicates: "refuse" } });
    const c = await strict.albums.create(SYSTEM, { name: "C" });
    await strict.photos.upload(SYSTEM, { albumId: c.id, file, filename: "a.jpg" });
    expect(await code(strict.photos.upload(SYSTEM, { albumId: c.id, file, filename: "a.jpg" }))).toBe(
      "DUPLICATE_PHOTO",
    );
    expect((await strict.photos.list(SYSTEM)).items).toHaveLength(1);
  });

  it("replaces the original: new content, old files and derivatives gone, derivatives regenerate", async () => {
    const t = await open();
    const { gallery } = t;
    const album = await gallery.albums.create(SYSTEM, { name: "A" });
    const { photo } = await gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: await jpeg(64, 48, "#aa0000"),
      filename: "p.jpg",
    });
    await gallery.jobs.runUntilIdle();
    const png = await sharp({ create: { width: 30, height: 90, channels: 3, background: "#00aa00" } })
      .png()
      .toBuffer();
    const replaced = await gallery.photos.replaceFile(SYSTEM, photo.id, { file: png, filename: "new.png" });
    expect(replaced.id).toBe(photo.id);
    expect(replaced.sha256).not.toBe(photo.sha256);
    expect(replaced).toMatchObject({
      width: 30,
      height: 90,
      mimeType: "image/png",
      originalFilename: "new.png",
    });
    expect((await t.listKeys()).filter((k) => k.includes(photo.sha256))).toEqual([]);
    expect(await gallery.jobs.runUntilIdle()).toBeGreaterThan(0);
    expect((await t.listKeys()).filter((k) => k.includes(replaced.sha256)).length).toBeGreaterThan(1);
    const other = await gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: await uniqueJpeg(),
      filename: "o.jpg",
    });
    expect(
      await code(gallery.photos.replaceFile(SYSTEM, other.photo.id, { file: png, filename: "dup.png" })),
    ).toBe("DUPLICATE_PHOTO");
    expect(
      await code(
        gallery.photos.replaceFile(SYSTEM, photo.id, {
          file: Buffer.from("hello world, not an image"),
          filename: "x.jpg",
        }),
      ),
    ).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect((await gallery.photos.get(SYSTEM, photo.id)).sha256).toBe(replaced.sha256);
  });

  it("lists every visible photo, filtered by album subtree, tag and dates, on a stable cursor", async () => {
    const { gallery } = await open();
    const root = await gallery.albums.create(SYSTEM, { name: "Root" });
    const child = await gallery.albums.create(SYSTEM, { name: "Child", parentId: root.id });
    const other = await gallery.albums.create(SYSTEM, { name: "Other" });
    const up = async (albumId: string, takenAt: number) => {
      const { photo } = await gallery.photos.upload(SYSTEM, {
        albumId,
        file: await uniqueJpeg(),
        filename: "p.jpg",
      });
      await gallery.photos.update(SYSTEM, photo.id, { takenAt });
      return photo.id;
    };
    const p1 = await up(root.id, 1000);
    const p2 = await up(child.id, 2000);
    const p3 = await up(other.id, 3000);
    await gallery.tags.tagPhotos(SYSTEM, { photoIds: [p1, p3], names: ["Sea"] });
    const seaId = (await gallery.tags.list(SYSTEM)).items[0]?.id ?? "";
    const ids = async (input: Parameters<typeof gallery.photos.list>[1]) =>
      (await gallery.photos.list(GUEST, input)).items.map((p) => p.id);
    expect((await ids({ albumId: root.id })).sort()).toEqual([p1, p2].sort());
    expect((await ids({ tagId: seaId })).sort()).toEqual([p1, p3].sort());
    expect(await ids({ sort: "taken", takenFrom: 1500 })).toEqual([p3, p2]);
    expect(await ids({ sort: "taken", takenTo: 2500 })).toEqual([p2, p1]);
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await gallery.photos.list(GUEST, { sort: "taken", limit: 2, cursor });
      walked.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(walked).toEqual([p3, p2, p1]);
    const addedCursor = (await gallery.photos.list(GUEST, { limit: 1 })).nextCursor ?? "";
    expect(await code(gallery.photos.list(GUEST, { sort: "taken", cursor: addedCursor }))).toBe(
      "INVALID_CURSOR",
    );
  });
});

describe("tags and search", () => {
  it("creates, renames, merges, deletes, tags in bulk, and counts only visible photos", async () => {
    const { gallery } = await open();
    const pub = await gallery.albums.create(SYSTEM, { name: "Public" });
    const priv = await gallery.albums.create(SYSTEM, { name: "Private", visibility: "private" });
    const { photo: seen } = await gallery.photos.upload(SYSTEM, {
      albumId: pub.id,
      file: await uniqueJpeg(),
      filename: "a.jpg",
    });
    const { photo: hidden } = await gallery.photos.upload(SYSTEM, {
      albumId: priv.id,
      file: await uniqueJpeg(),
      filename: "b.jpg",
    });
    const [beach] = await gallery.tags.tagPhotos(SYSTEM, {
      photoIds: [seen.id, hidden.id],
      names: ["Beach"],
    });
    const [secret] = await gallery.tags.tagPhotos(SYSTEM, { photoIds: [hidden.id], names: ["Secret"] });
    expect(beach?.photoCount).toBe(2);
    const guestTags = (await gallery.tags.list(GUEST)).items;
    expect(guestTags.map((x) => [x.name, x.photoCount])).toEqual([["Beach", 1]]);
    expect((await gallery.tags.list(SYSTEM)).items.map((x) => x.name)).toEqual(["Beach", "Secret"]);
    expect(await code(gallery.tags.get(GUEST, secret?.id ?? ""))).toBe("NOT_FOUND");

    expect(await code(gallery.tags.create(SYSTEM, { name: "beach" }))).toBe("ALREADY_EXISTS");
    expect(await code(gallery.tags.create(member, { name: "x" }))).toBe("FORBIDDEN");
    const sand = await gallery.tags.create(SYSTEM, { name: "Sand" });
    expect(sand.photoCount).toBe(0);
    expect(await code(gallery.tags.update(SYSTEM, sand.id, { name: "BEACH" }))).toBe("ALREADY_EXISTS");
    const renamed = await gallery.tags.update(SYSTEM, sand.id, { name: "Sandy shore" });
    expect(renamed.slug).toBe("sandy-shore");
    await gallery.tags.tagPhotos(SYSTEM, { photoIds: [seen.id], names: ["Sandy shore"] });
    const merged = await gallery.tags.merge(SYSTEM, {
      targetId: beach?.id ?? "",
      sourceIds: [sand.id, secret?.id ?? ""],
    });
    expect(merged.photoCount).toBe(2);
    expect((await gallery.tags.list(SYSTEM)).items.map((x) => x.name)).toEqual(["Beach"]);
    expect(await gallery.tags.untagPhotos(SYSTEM, { photoIds: [seen.id], tagIds: [merged.id] })).toBe(1);
    expect((await gallery.tags.ofPhoto(SYSTEM, hidden.id)).map((x) => x.name)).toEqual(["Beach"]);
    await gallery.tags.delete(SYSTEM, merged.id);
    expect((await gallery.tags.list(SYSTEM)).items).toEqual([]);
    expect(await code(gallery.tags.tagPhotos(member, { photoIds: [seen.id], names: ["x"] }))).toBe(
      "FORBIDDEN",
    );
  });

  it("searches title, description, file name, tags and album names; never returns hidden photos", async () => {
    const { gallery } = await open();
    const alps = await gallery.albums.create(SYSTEM, { name: "Alpine walks" });
    const priv = await gallery.albums.create(SYSTEM, { name: "Private", visibility: "private" });
    const { photo: p1 } = await gallery.photos.upload(SYSTEM, {
      albumId: alps.id,
      file: await uniqueJpeg(),
      filename: "IMG_4711.jpg",
      title: "Matterhorn at dawn",
    });
    const { photo: p2 } = await gallery.photos.upload(SYSTEM, {
      albumId: alps.id,
      file: await uniqueJpeg(),
      filename: "lake.jpg",
      description: "Crème brûlée by the lake",
    });
    const { photo: p3 } = await gallery.photos.upload(SYSTEM, {
      albumId: priv.id,
      file: await uniqueJpeg(),
      filename: "dawn.jpg",
      title: "Dawn, privately",
    });
    await gallery.tags.tagPhotos(SYSTEM, { photoIds: [p2.id], names: ["Glacier"] });
    const q = async (text: string, actor: Actor = GUEST, extra = {}) =>
      (await gallery.search.photos(actor, { q: text, ...extra })).items.map((p) => p.id).sort();
    expect(await q("matterhorn")).toEqual([p1.id]);
    expect(await q("dawn")).toEqual([p1.id]);
    expect(await q("dawn", SYSTEM)).toEqual([p1.id, p3.id].sort());
    expect(await q("4711")).toEqual([p1.id]);
    expect(await q("glac")).toEqual([p2.id]);
    // SQLite folds diacritics; PostgreSQL's `simple` configuration matches the accented word.
    expect(await q(gallery.database.kind === "sqlite" ? "creme" : "crème")).toEqual([p2.id]);
    expect(await q("alpine")).toEqual([p1.id, p2.id].sort());
    expect(await q("alpine lake")).toEqual([p2.id]);
    expect(await q('" OR * NEAR(')).toEqual([]);
    expect(await q("dawn", SYSTEM, { albumId: alps.id })).toEqual([p1.id]);
    expect(await code(gallery.search.photos(GUEST, { q: "  " }))).toBe("VALIDATION_FAILED");
    // Renaming the album re-indexes its photos.
    await gallery.albums.update(SYSTEM, alps.id, { name: "Summits" });
    expect(await q("summits")).toEqual([p1.id, p2.id].sort());
    expect(await q("alpine")).toEqual([]);
    // Editing re-indexes; deleting drops the photo from the index.
    await gallery.photos.update(SYSTEM, p1.id, { title: "Eiger" });
    expect(await q("matterhorn")).toEqual([]);
    expect(await q("eiger")).toEqual([p1.id]);
    await gallery.photos.delete(SYSTEM, [p1.id]);
    expect(await q("summits", SYSTEM)).toEqual([p2.id]);
    const leftovers = await gallery.db.selectFrom("photo_search").select("photo_id").execute();
    expect(leftovers.map((r) => r.photo_id).sort()).toEqual([p2.id, p3.id].sort());
  });

  it("applies batch operations: tags, privacy, author, copy and delete", async () => {
    const t = await open();
    const { gallery } = t;
    const a = await gallery.albums.create(SYSTEM, { name: "A" });
    const b = await gallery.albums.create(SYSTEM, { name: "B" });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await gallery.photos.upload(SYSTEM, { albumId: a.id, file: await uniqueJpeg(), filename: "p.jpg" }))
          .photo.id,
      );
    const result = await gallery.batch.photos(SYSTEM, {
      photoIds: ids,
      addTags: ["Trip"],
      privacyLevel: 4,
      author: "Bo",
      addToAlbumId: b.id,
    });
    expect(result.applied).toEqual(["fields", "addTags", "addToAlbum"]);
    expect((await gallery.photos.listInAlbum(SYSTEM, b.id)).items).toHaveLength(3);
    expect(
      (await gallery.photos.getMany(SYSTEM, ids)).every((p) => p.author === "Bo" && p.privacyLevel === 4),
    ).toBe(true);
    expect(await code(gallery.batch.photos(SYSTEM, { photoIds: ids, delete: true, author: "x" }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(await code(gallery.batch.photos(member, { photoIds: ids, author: "x" }))).toBe("NOT_FOUND");
    await gallery.jobs.runUntilIdle();
    const regen = await gallery.batch.photos(SYSTEM, {
      photoIds: [ids[0] ?? ""],
      regenerateDerivatives: true,
    });
    expect(regen.applied).toEqual(["regenerateDerivatives"]);
    expect(await gallery.jobs.runUntilIdle()).toBe(1);
    const del = await gallery.batch.photos(SYSTEM, { photoIds: ids, delete: true });
    expect(del.deleted).toBe(3);
    expect((await gallery.photos.list(SYSTEM)).items).toEqual([]);
    expect((await t.listKeys()).filter((k) => k.includes("originals/"))).toEqual([]);
  });
});

describe("ingest formats", () => {
  it("accepts JPEG, PNG, WebP, AVIF, GIF and TIFF by content, whatever the name says", async () => {
    const { gallery } = await open();
    const album = await gallery.albums.create(SYSTEM, { name: "Formats" });
    const base = () => sharp({ create: { width: 24, height: 16, channels: 3, background: "#884422" } });
    const cases: [string, Promise<Buffer>][] = [
      ["image/png", base().png().toBuffer()],
      ["image/webp", base().webp().toBuffer()],
      ["image/avif", base().avif({ effort: 0 }).toBuffer()],
      ["image/gif", base().gif().toBuffer()],
      ["image/tiff", base().tiff().toBuffer()],
    ];
    for (const [mime, bytes] of cases) {
      // Every file is named .jpg: the name is never trusted.
      const { photo } = await gallery.photos.upload(SYSTEM, {
        albumId: album.id,
        file: await bytes,
        filename: "x.jpg",
      });
      expect([mime, photo.width, photo.height]).toEqual([photo.mimeType, 24, 16]);
    }
  });

  it("reports an HEIC file the bundled libvips cannot decode as UNSUPPORTED_MEDIA_TYPE, keeping nothing", async () => {
    const t = await open();
    const album = await t.gallery.albums.create(SYSTEM, { name: "Heic" });
    const heic = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from("ftypheic", "ascii"),
      Buffer.from([0, 0, 0, 0]),
      Buffer.from("mif1heic", "ascii"),
      Buffer.alloc(256, 7),
    ]);
    expect(
      await code(t.gallery.photos.upload(SYSTEM, { albumId: album.id, file: heic, filename: "IMG.HEIC" })),
    ).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(await t.listKeys()).toEqual([]);
  });

  it("lets photo:create:before change fields or veto (nothing kept on a veto)", async () => {
    const t = await open();
    const album = await t.gallery.albums.create(SYSTEM, { name: "Hooks" });
    const off = t.gallery.hooks.hook("photo:create:before", (ctx) => {
      if (ctx.file.originalFilename.startsWith("veto")) throw new GalleryError("HOOK_VETOED");
      ctx.fields.title = `${ctx.file.width}px`;
    });
    const { photo } = await t.gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: await jpeg(30, 20),
      filename: "ok.jpg",
    });
    expect(photo.title).toBe("30px");
    const keys = await t.listKeys();
    expect(
      await code(
        t.gallery.photos.upload(SYSTEM, {
          albumId: album.id,
          file: await uniqueJpeg(),
          filename: "veto.jpg",
        }),
      ),
    ).toBe("HOOK_VETOED");
    expect(await t.listKeys()).toEqual(keys);
    off();
  });
});

describe("metadata", () => {
  it("parses EXIF dates and offsets strictly", async () => {
    const { parseExifDate, parseOffset } = await import("../src/ingest/metadata.js");
    expect(parseExifDate("2021:06:15 18:30:00")).toBe(Date.UTC(2021, 5, 15, 18, 30, 0));
    expect(parseExifDate("2021:06:15 18:30:00.25")).toBe(Date.UTC(2021, 5, 15, 18, 30, 0, 250));
    for (const bad of ["0000:00:00 00:00:00", "2021:13:01 00:00:00", "yesterday", "", 42, null]) {
      expect(parseExifDate(bad)).toBeNull();
    }
    expect(parseOffset("+02:00")).toBe(120);
    expect(parseOffset("-05:30")).toBe(-330);
    expect(parseOffset("+0930")).toBe(570);
    for (const bad of ["+25:00", "2", "", undefined]) expect(parseOffset(bad)).toBeNull();
  });

  it("reads date with timezone, camera, exposure, GPS, title, keywords and rating into typed columns", async () => {
    const { gallery } = await open();
    const album = await gallery.albums.create(SYSTEM, { name: "Meta" });
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:Rating>4</xmp:Rating>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Harbour lights</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Boats at night</rdf:li></rdf:Alt></dc:description>
<dc:subject><rdf:Bag><rdf:li>harbour</rdf:li><rdf:li>Night</rdf:li></rdf:Bag></dc:subject>
</rdf:Description></rdf:RDF></x:xmpmeta>`;
    const file = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#123456" } })
      .withExif({
        IFD0: { Make: "Fujifilm", Model: "X-T4" },
        IFD2: {
          DateTimeOriginal: "2021:06:15 18:30:00",
          OffsetTimeOriginal: "+02:00",
          ExposureTime: "1/250",
          FNumber: "28/10",
          ISOSpeedRatings: "400",
          FocalLength: "35/1",
          LensModel: "XF35mmF1.4 R",
        },
      })
      .withXmp(xmp)
      .jpeg()
      .toBuffer();
    const seen: string[] = [];
    gallery.hooks.hook("metadata:extract:after", (ctx) => {
      seen.push(ctx.sha256);
      ctx.extra.plugin = { stars: ctx.metadata.rating };
    });
    const { photo } = await gallery.photos.upload(SYSTEM, { albumId: album.id, file, filename: "m.jpg" });
    expect(seen).toEqual([photo.sha256]);
    expect(photo.takenAt).toBe(Date.UTC(2021, 5, 15, 16, 30, 0));
    expect(photo.title).toBe("Harbour lights");
    expect(photo.description).toBe("Boats at night");
    expect(photo.metadata).toMatchObject({
      takenAtOffset: 120,
      cameraMake: "Fujifilm",
      cameraModel: "X-T4",
      lens: "XF35mmF1.4 R",
      exposureTime: 0.004,
      aperture: 2.8,
      iso: 400,
      focalLength: 35,
      title: "Harbour lights",
      keywords: ["harbour", "Night"],
      rating: 4,
    });
    expect((await gallery.tags.ofPhoto(SYSTEM, photo.id)).map((x) => x.name).sort()).toEqual(
      ["harbour", "Night"].sort(),
    );
    const row = await gallery.db
      .selectFrom("photos")
      .select("metadata")
      .where("id", "=", photo.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.metadata ?? "{}")).toMatchObject({ Make: "Fujifilm", plugin: { stars: 4 } });

    // Re-reading on demand restores columns changed by hand.
    await gallery.db
      .updateTable("photos")
      .set({ camera_make: null, iso: null })
      .where("id", "=", photo.id)
      .execute();
    const resynced = await gallery.photos.resyncMetadata(SYSTEM, photo.id);
    expect(resynced.metadata).toMatchObject({ cameraMake: "Fujifilm", iso: 400 });
    expect(seen).toHaveLength(2);
  });

  it("keywords do not become tags when the setting is off", async () => {
    const { gallery } = await open({ ingest: { keywordsAsTags: false } });
    const album = await gallery.albums.create(SYSTEM, { name: "Meta" });
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag><rdf:li>solo</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>`;
    const file = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#654321" } })
      .withXmp(xmp)
      .jpeg()
      .toBuffer();
    const { photo } = await gallery.photos.upload(SYSTEM, { albumId: album.id, file, filename: "k.jpg" });
    expect(photo.metadata.keywords).toEqual(["solo"]);
    expect((await gallery.tags.list(SYSTEM)).items).toEqual([]);
  });

  const corpusPhoto = join(import.meta.dirname, "../../../.corpus/photos/phone/IMG_20200827_231612.jpg");
  it.skipIf(!(process.env.VERNISSAGE_TEST_STRICT === "1" || existsSync(corpusPhoto)))(
    "EXIF of a real phone photo (date, camera, GPS) lands in the columns",
    async () => {
      const { readFile } = await import("node:fs/promises");
      const { gallery } = await open();
      const album = await gallery.albums.create(SYSTEM, { name: "Phone" });
      const { photo } = await gallery.photos.upload(SYSTEM, {
        albumId: album.id,
        file: await readFile(corpusPhoto),
        filename: "IMG_20200827_231612.jpg",
      });
      // No offset recorded: the wall-clock time is kept as UTC and the offset is unknown.
      expect(photo.takenAt).toBe(Date.UTC(2020, 7, 27, 23, 16, 12));
      expect(photo.metadata).toMatchObject({
        takenAtOffset: null,
        cameraMake: "Xiaomi",
        cameraModel: "Mi A3",
        iso: 132,
        aperture: 1.79,
        focalLength: 4.71,
      });
      expect(photo.metadata.latitude).toBeCloseTo(-15.835554, 5);
      expect(photo.metadata.longitude).toBeCloseTo(-48.015791, 5);
      expect(photo.metadata.altitude).toBeCloseTo(1133.4, 1);
    },
  );
});
