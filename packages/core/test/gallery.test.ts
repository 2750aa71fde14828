import { Readable } from "node:stream";
import { createGallery, definePlugin, GalleryError, GUEST, SYSTEM, type UserActor } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { fsStorage } from "@vernissage/storage-fs";
import { describe, expect, it } from "vitest";
import { jpeg, openGallery } from "./helpers.js";

const open = openGallery;

describe("createGallery", () => {
  it("fails fast on invalid options with INVALID_CONFIGURATION and field errors", async () => {
    await expect(createGallery({ database: {} as never, storage: {} as never })).rejects.toMatchObject({
      code: "INVALID_CONFIGURATION",
      errors: expect.arrayContaining([
        expect.objectContaining({ path: expect.stringContaining("database") }),
      ]),
    });
  });

  it("refuses an eager preset that does not exist", async () => {
    await expect(
      createGallery({
        database: sqliteDatabase({ filename: ":memory:" }),
        storage: fsStorage({ root: "/tmp/vernissage-never-used" }),
        derivatives: { eager: ["huge"] },
      }),
    ).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
  });

  it("binds the actor with gallery.as(actor)", async () => {
    const { gallery } = await open();
    const album = await gallery.as(SYSTEM).albums.create({ name: "Bound" });
    expect((await gallery.as(GUEST).albums.get(album.id)).name).toBe("Bound");
  });
});

describe("albums and photos", () => {
  it("builds a tree; a private ancestor hides its descendants and their photos from guests", async () => {
    const { gallery } = await open();
    const root = await gallery.albums.create(SYSTEM, { name: "Root", visibility: "private" });
    const child = await gallery.albums.create(SYSTEM, { name: "Child", parentId: root.id });
    const { photo } = await gallery.photos.upload(SYSTEM, {
      albumId: child.id,
      file: await jpeg(),
      filename: "a.jpg",
    });

    await expect(gallery.albums.get(GUEST, child.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(gallery.photos.get(GUEST, photo.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await gallery.photos.list(GUEST)).items).toHaveLength(0);
    expect((await gallery.albums.ancestors(SYSTEM, child.id)).map((a) => a.id)).toEqual([root.id]);

    // Photos also in a public album are visible through it.
    const open1 = await gallery.albums.create(SYSTEM, { name: "Open" });
    await gallery.photos.upload(SYSTEM, { albumId: open1.id, file: await jpeg(), filename: "again.jpg" });
    expect((await gallery.photos.get(GUEST, photo.id)).id).toBe(photo.id);
    const listed = await gallery.albums.list(GUEST);
    expect(listed.items.map((a) => [a.name, a.photoCount, a.coverPhotoId])).toEqual([["Open", 1, photo.id]]);
  });

  it("respects privacy levels and never counts what the actor cannot see", async () => {
    const { gallery } = await open();
    const album = await gallery.albums.create(SYSTEM, { name: "Family" });
    await gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: await jpeg(10, 10, "#111111"),
      filename: "p.jpg",
    });
    const { photo: secret } = await gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: await jpeg(10, 10, "#eeeeee"),
      filename: "f.jpg",
      privacyLevel: 4,
    });
    const member = await gallery.users.create(SYSTEM, { username: "kin", role: "member", privacyLevel: 4 });
    const kin: UserActor = { kind: "user", userId: member.id, role: "member", privacyLevel: 4, groupIds: [] };
    expect((await gallery.albums.get(GUEST, album.id)).photoCount).toBe(1);
    expect((await gallery.albums.get(kin, album.id)).photoCount).toBe(2);
    await expect(gallery.photos.get(GUEST, secret.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await gallery.photos.get(kin, secret.id)).id).toBe(secret.id);
  });

  it("paginates with stable cursors and rejects forged ones", async () => {
    const { gallery } = await open();
    const album = await gallery.albums.create(SYSTEM, { name: "Many" });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { photo } = await gallery.photos.upload(SYSTEM, {
        albumId: album.id,
        file: await jpeg(8 + i, 8),
        filename: `${i}.jpg`,
      });
      ids.push(photo.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await gallery.photos.listInAlbum(GUEST, album.id, { limit: 3, cursor });
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(ids);
    await expect(
      gallery.photos.listInAlbum(GUEST, album.id, { cursor: "not-a-cursor" }),
    ).rejects.toMatchObject({
      code: "INVALID_CURSOR",
    });
  });

  it("links a duplicate upload instead of storing it twice", async () => {
    const { gallery } = await open();
    const a = await gallery.albums.create(SYSTEM, { name: "A" });
    const b = await gallery.albums.create(SYSTEM, { name: "B" });
    const bytes = await jpeg();
    const first = await gallery.photos.upload(SYSTEM, {
      albumId: a.id,
      file: Readable.from([bytes]),
      filename: "x.jpg",
    });
    const second = await gallery.photos.upload(SYSTEM, { albumId: b.id, file: bytes, filename: "y.jpg" });
    expect(second.duplicate).toBe(true);
    expect(second.photo.id).toBe(first.photo.id);
    expect((await gallery.photos.listInAlbum(GUEST, b.id)).items.map((p) => p.id)).toEqual([first.photo.id]);
  });

  it("keeps writes to admins", async () => {
    const { gallery } = await open();
    await expect(gallery.albums.create(GUEST, { name: "x" })).rejects.toBeInstanceOf(GalleryError);
    await expect(gallery.albums.create(GUEST, { name: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("hooks and plugins", () => {
  it("lets a before hook change fields and veto, attributing errors to the plugin", async () => {
    const events: string[] = [];
    const plugin = definePlugin({
      name: "titler",
      version: "1.0.0",
      setup(ctx) {
        ctx.hook("photo:create:before", (c) => {
          if (c.file.originalFilename === "veto.jpg") throw new GalleryError("HOOK_VETOED", { detail: "no" });
          c.fields.title = `Titled ${c.file.width}x${c.file.height}`;
        });
        ctx.hook("photo:create:after", ({ photo }) => {
          events.push(photo.title);
          throw new Error("after hooks never fail the operation");
        });
      },
    });
    const { gallery } = await open({ plugins: [plugin] });
    const album = await gallery.albums.create(SYSTEM, { name: "P" });
    const { photo } = await gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: await jpeg(30, 20),
      filename: "ok.jpg",
    });
    expect(photo.title).toBe("Titled 30x20");
    expect(events).toEqual(["Titled 30x20"]);
    await expect(
      gallery.photos.upload(SYSTEM, { albumId: album.id, file: await jpeg(31, 20), filename: "veto.jpg" }),
    ).rejects.toMatchObject({ code: "HOOK_VETOED", data: { plugin: "titler", hook: "photo:create:before" } });
    expect(await gallery.db.selectFrom("photos").select("id").execute()).toHaveLength(1);
  });

  it("validates plugin configuration", async () => {
    const { z } = await import("zod");
    const plugin = definePlugin({
      name: "conf",
      version: "1.0.0",
      config: z.object({ size: z.number().default(3) }),
      setup() {},
    });
    await expect(open({ plugins: [{ plugin, config: { size: "big" } }] })).rejects.toMatchObject({
      code: "INVALID_CONFIGURATION",
    });
  });
});

describe("jobs", () => {
  it("retries a failing job with backoff and dead-letters it after maxAttempts", async () => {
    const { gallery } = await open();
    let calls = 0;
    gallery.jobs.register("test:flaky", async () => {
      calls++;
      throw new Error("boom");
    });
    const id = await gallery.jobs.enqueue("test:flaky", {}, { maxAttempts: 2 });
    await gallery.jobs.runUntilIdle();
    expect(await gallery.jobs.get(id)).toMatchObject({ status: "pending", attempts: 1 });
    await gallery.db.updateTable("jobs").set({ run_at: 0 }).where("id", "=", id).execute();
    await gallery.jobs.runUntilIdle();
    expect(await gallery.jobs.get(id)).toMatchObject({
      status: "dead",
      attempts: 2,
      lastError: "Error: boom",
    });
    expect(calls).toBe(2);
  });

  it("deduplicates live jobs by key", async () => {
    const { gallery } = await open();
    gallery.jobs.register("test:noop", async () => {});
    const a = await gallery.jobs.enqueue("test:noop", {}, { dedupeKey: "k" });
    const b = await gallery.jobs.enqueue("test:noop", {}, { dedupeKey: "k" });
    expect(b).toBe(a);
    await gallery.jobs.runUntilIdle();
    const c = await gallery.jobs.enqueue("test:noop", {}, { dedupeKey: "k" });
    expect(c).not.toBe(a);
  });
});
