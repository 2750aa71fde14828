import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Actor,
  coreMigrations,
  createGallery,
  type DB,
  GUEST,
  type Photo,
  type PrivacyLevel,
  type ReferenceWorld,
  referenceAlbumViewable,
  referencePhotoVisible,
  runMigrations,
  SYSTEM,
} from "@vernissage/core";
import { Kysely, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { stackAdapters } from "../../../e2e/support/stack.js";
import { SEARCH_SCAN_BUDGET } from "../src/services/search.js";
import { createSearchIndex } from "../src/services/search-index.js";
import { type GeneratedWorld, loadWorld, referenceWorld } from "./access-world.js";
import { errorCode, jpeg, openGallery } from "./helpers.js";

// Migration 0010: `photo_tags.photo_added_at` / `photo_taken_key` (kept by triggers) order a tag page, and a
// search walks the text index newest first with a bounded number of candidates per request. Both must stay
// exactly right for every actor: compared here with a brute-force filter over the reference rule.

type Gallery = Awaited<ReturnType<typeof openGallery>>["gallery"];

async function uniqueJpeg(n: number): Promise<Buffer> {
  const hex = (n * 2_654_435_761) % 0xffffff;
  return jpeg(32, 24, `#${hex.toString(16).padStart(6, "0")}`);
}

async function tagRows(gallery: Gallery, photoId: string) {
  return gallery.db
    .selectFrom("photo_tags as pt")
    .innerJoin("photos as p", "p.id", "pt.photo_id")
    .select(["pt.tag_id", "pt.photo_added_at", "pt.photo_taken_key", "p.added_at", "p.taken_at"])
    .where("pt.photo_id", "=", photoId)
    .execute();
}

/** Every copy of the sort keys in `photo_tags` equals the photo's own. */
async function expectInSync(gallery: Gallery): Promise<void> {
  const rows = await gallery.db
    .selectFrom("photo_tags as pt")
    .innerJoin("photos as p", "p.id", "pt.photo_id")
    .select(["pt.photo_id", "pt.photo_added_at", "pt.photo_taken_key", "p.added_at", "p.taken_at"])
    .execute();
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect(Number(r.photo_added_at)).toBe(Number(r.added_at));
    expect(Number(r.photo_taken_key)).toBe(r.taken_at === null ? -1 : Number(r.taken_at));
  }
}

async function allPages(
  fetch: (cursor: string | undefined) => Promise<{ items: Photo[]; nextCursor: string | null }>,
) {
  const out: Photo[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 500; guard++) {
    const page = await fetch(cursor);
    out.push(...page.items);
    sizes.push(page.items.length);
    if (page.nextCursor === null) return { photos: out, sizes };
    cursor = page.nextCursor;
  }
  throw new Error("paging did not end");
}

describe("tag order columns (migration 0010)", () => {
  it("stay in sync through tagging, date changes, merges and several albums; tag pages follow them", async () => {
    const { gallery } = await openGallery();
    const one = await gallery.albums.create(SYSTEM, { name: "One" });
    const two = await gallery.albums.create(SYSTEM, { name: "Two", visibility: "private" });
    const photos: Photo[] = [];
    for (let n = 0; n < 4; n++) {
      const { photo } = await gallery.photos.upload(SYSTEM, {
        albumId: one.id,
        file: await uniqueJpeg(n + 1),
        filename: `p${n}.jpg`,
      });
      photos.push(photo);
    }
    const [a, b, c, d] = photos as [Photo, Photo, Photo, Photo];
    // A photo in several albums: still one row per tag, and listed once.
    await gallery.photos.addToAlbum(SYSTEM, { albumId: two.id, photoIds: [a.id, b.id] });
    const [red] = await gallery.tags.tagPhotos(SYSTEM, { photoIds: [a.id, b.id, c.id], names: ["red"] });
    const [blue] = await gallery.tags.tagPhotos(SYSTEM, { photoIds: [d.id], names: ["blue"] });
    if (!red || !blue) throw new Error("tags not created");
    await expectInSync(gallery);
    expect((await tagRows(gallery, a.id))[0]?.photo_taken_key).toBe(-1);

    // Dates change: the copies follow.
    await gallery.photos.update(SYSTEM, a.id, { takenAt: 1_000_000 });
    await gallery.photos.update(SYSTEM, b.id, { takenAt: 3_000_000 });
    await gallery.photos.update(SYSTEM, c.id, { takenAt: 2_000_000 });
    await expectInSync(gallery);
    const byTaken = await gallery.photos.list(SYSTEM, { tagId: red.id, sort: "taken" });
    expect(byTaken.items.map((p) => p.id)).toEqual([b.id, c.id, a.id]);
    await gallery.photos.update(SYSTEM, b.id, { takenAt: null });
    await expectInSync(gallery);
    expect(
      (await gallery.photos.list(SYSTEM, { tagId: red.id, sort: "taken" })).items.map((p) => p.id),
    ).toEqual([c.id, a.id, b.id]);
    // Core never changes `added_at`, but whoever does (an import, a repair) keeps the copy right too.
    await gallery.db.updateTable("photos").set({ added_at: 5 }).where("id", "=", c.id).execute();
    await expectInSync(gallery);
    const byAdded = await gallery.photos.list(SYSTEM, { tagId: red.id });
    expect(byAdded.items.map((p) => p.id)).toEqual([b.id, a.id, c.id]);

    // Untag, retag, merge: every new row gets the copies; removed ones are gone.
    expect(await gallery.tags.untagPhotos(SYSTEM, { photoIds: [a.id], tagIds: [red.id] })).toBe(1);
    expect((await gallery.photos.list(SYSTEM, { tagId: red.id })).items.map((p) => p.id)).toEqual([
      b.id,
      c.id,
    ]);
    await gallery.tags.tagPhotos(SYSTEM, { photoIds: [a.id], names: ["red"] });
    await gallery.photos.update(SYSTEM, d.id, { takenAt: 9_000_000 });
    await gallery.tags.merge(SYSTEM, { targetId: red.id, sourceIds: [blue.id] });
    await expectInSync(gallery);
    expect(
      (await gallery.photos.list(SYSTEM, { tagId: red.id, sort: "taken" })).items.map((p) => p.id),
    ).toEqual([d.id, c.id, a.id, b.id]);

    // Paging a tag page one photo at a time neither skips nor repeats, in both orders.
    for (const sort of ["added", "taken"] as const) {
      const whole = (await gallery.photos.list(SYSTEM, { tagId: red.id, sort })).items.map((p) => p.id);
      const paged = await allPages((cursor) =>
        gallery.photos.list(SYSTEM, { tagId: red.id, sort, limit: 1, cursor }),
      );
      expect(paged.photos.map((p) => p.id)).toEqual(whole);
    }
    // A guest sees the tag's public photos only (`a` and `b` are also in the private album, still visible by One).
    await gallery.photos.removeFromAlbum(SYSTEM, { albumId: one.id, photoIds: [a.id] });
    const guest = (await gallery.photos.list(GUEST, { tagId: red.id })).items.map((p) => p.id);
    expect(guest).toEqual([d.id, b.id, c.id]);
    // A cursor of the other order is refused; so is garbage.
    const page = await gallery.photos.list(SYSTEM, { tagId: red.id, limit: 1 });
    expect(
      await errorCode(
        gallery.photos.list(SYSTEM, { tagId: red.id, sort: "taken", cursor: page.nextCursor ?? undefined }),
      ),
    ).toBe("INVALID_CURSOR");
    expect(await errorCode(gallery.photos.list(SYSTEM, { tagId: red.id, cursor: "%%%' or 1=1 --" }))).toBe(
      "INVALID_CURSOR",
    );
  });
});

describe("search walks the index with a bounded budget", () => {
  it("pages exactly what each actor may see (brute force over the reference rule), with every filter", async () => {
    const { gallery } = await openGallery();
    const db = gallery.db;
    const now = Date.now();
    const levels: PrivacyLevel[] = [0, 1, 2, 4, 8];
    const albums = [
      { id: "ra", parentId: null, visibility: "public" },
      { id: "rb", parentId: null, visibility: "private" },
      { id: "ca", parentId: "ra", visibility: "private" },
      { id: "ch", parentId: "ra", visibility: "hidden" },
      { id: "cb", parentId: "rb", visibility: "public" },
    ] as const;

    // More matches than one request's budget; the newest ones are level 8 (admins only), so low-level actors get
    // short (even empty) pages that continue. Every 13th photo does not match; some share a millisecond.
    const total = SEARCH_SCAN_BUDGET + 400;
    const photos: {
      id: string;
      addedAt: number;
      level: PrivacyLevel;
      albumIds: string[];
      matches: boolean;
      tagged: boolean;
    }[] = [];
    const albumIds = albums.map((a) => a.id);
    for (let n = 0; n < total; n++) {
      const newest = n < SEARCH_SCAN_BUDGET;
      photos.push({
        id: `ph${n.toString().padStart(5, "0")}`,
        addedAt: now - 10_000_000 + (total - n) * 10 - (n % 5 === 1 ? 10 : 0),
        level: newest && n % 3 !== 0 ? 8 : (levels[n % levels.length] as PrivacyLevel),
        albumIds:
          n % 17 === 0
            ? []
            : n % 4 === 0
              ? [albumIds[n % 5] as string, albumIds[(n + 2) % 5] as string]
              : [albumIds[n % 5] as string],
        matches: n % 13 !== 0,
        tagged: n % 2 === 0,
      });
    }
    // The tree: a public root with a private child (granted to the group) and a hidden child; a private root
    // granted to `ugrant` directly, with a public child. Loaded by the agreement test's world loader.
    const generated: GeneratedWorld = {
      albums: [...albums],
      users: [
        { id: "ugrant", role: "member", level: 2 },
        { id: "ugroup", role: "member", level: 4 },
        { id: "ulow", role: "member", level: 0 },
      ],
      groups: ["gfriends"],
      members: [{ groupId: "gfriends", userId: "ugroup" }],
      grants: [
        { albumId: "rb", userId: "ugrant", groupId: null, role: "viewer" },
        { albumId: "ca", userId: null, groupId: "gfriends", role: "viewer" },
      ],
      photos: photos.map((p) => ({
        id: p.id,
        level: p.level,
        uploaderId: p.id === "ph00003" ? "ulow" : null,
        albumIds: p.albumIds,
        title: p.matches ? `Grey Héron ${p.id}` : `Sparrow ${p.id}`,
        addedAt: p.addedAt,
        takenAt: p.addedAt - 5,
      })),
      shares: [],
      tokens: [],
    };
    await loadWorld(db, generated, now);
    await db
      .insertInto("tags")
      .values({ id: "tmark", name: "mark", name_key: "mark", slug: "mark", created_at: now, updated_at: now })
      .execute();
    const tagged = photos
      .filter((p) => p.tagged)
      .map((p) => ({ photo_id: p.id, tag_id: "tmark", added_at: now }));
    for (let i = 0; i < tagged.length; i += 500)
      await db
        .insertInto("photo_tags")
        .values(tagged.slice(i, i + 500))
        .execute();
    // Indexed newest first except a shuffled tail: the index order must not depend on the order of indexing.
    const order = photos.map((p) => p.id);
    await createSearchIndex(db, gallery.database.kind).reindex([
      ...order.slice(300),
      ...order.slice(0, 300).reverse(),
    ]);

    const world: ReferenceWorld = referenceWorld(generated, now);
    const user = (id: string, level: PrivacyLevel, groupIds: string[] = []): Actor => ({
      kind: "user",
      userId: id,
      role: "member",
      privacyLevel: level,
      groupIds,
    });
    const actors: Actor[] = [
      GUEST,
      SYSTEM,
      user("ugrant", 2),
      user("ugroup", 4, ["gfriends"]),
      user("ulow", 0),
      {
        kind: "token",
        tokenId: "tk",
        userId: "ugrant",
        role: "member",
        privacyLevel: 2,
        groupIds: [],
        scopes: ["photos:read"],
        albumIds: ["cb"],
      },
    ];
    const inSubtree = (albumId: string, root: string): boolean => {
      let current: string | null = albumId;
      while (current !== null) {
        if (current === root) return true;
        current = world.albums.get(current)?.parentId ?? null;
      }
      return false;
    };
    const byNewest = (a: { addedAt: number; id: string }, b: { addedAt: number; id: string }) =>
      b.addedAt - a.addedAt;
    // PostgreSQL's `simple` configuration keeps accents; SQLite's tokenizer removes them.
    const word = gallery.database.kind === "sqlite" ? "heron" : "héron";
    let continuedShortPages = 0;
    for (const actor of actors) {
      const cases: {
        filter: { albumId?: string; tagId?: string; addedFrom?: number };
        keep: (p: (typeof photos)[number]) => boolean;
      }[] = [
        { filter: {}, keep: () => true },
        { filter: { tagId: "tmark" }, keep: (p) => p.tagged },
        {
          filter: { albumId: "ra" },
          keep: (p) => p.albumIds.some((a) => inSubtree(a, "ra") && referenceAlbumViewable(world, actor, a)),
        },
        {
          filter: { addedFrom: now - 10_000_000 + 8_000 },
          keep: (p) => p.addedAt >= now - 10_000_000 + 8_000,
        },
      ];
      for (const { filter, keep } of cases) {
        const expected = photos
          .filter((p) => p.matches && keep(p) && referencePhotoVisible(world, actor, p.id))
          .sort(byNewest);
        const { photos: got, sizes } = await allPages((cursor) =>
          gallery.search.photos(actor, { q: word, limit: 40, cursor, ...filter }),
        );
        const ids = got.map((p) => p.id);
        expect(new Set(ids).size, "no repeats").toBe(ids.length);
        expect([...ids].sort(), JSON.stringify({ actor: actor.kind, filter })).toEqual(
          expected.map((p) => p.id).sort(),
        );
        // Newest first (photos added in the same millisecond may come in either order).
        const added = got.map((p) => p.addedAt);
        expect(added).toEqual([...added].sort((x, y) => y - x));
        expect(sizes.every((s) => s <= 40)).toBe(true);
        continuedShortPages += sizes.slice(0, -1).filter((s) => s < 40).length;
      }
    }
    // The budget was hit: some pages came back short (or empty) and still continued.
    expect(continuedShortPages).toBeGreaterThan(0);

    // Words are prefixes, case- and accent-insensitive on SQLite; several words must all match.
    const admin = (q: string) =>
      allPages((cursor) => gallery.search.photos(SYSTEM, { q, limit: 200, cursor }));
    const matching = photos.filter((p) => p.matches).length;
    expect((await admin(gallery.database.kind === "sqlite" ? "GREY her" : "GREY hér")).photos.length).toBe(
      matching,
    );
    expect((await admin("grey sparrow")).photos).toEqual([]);

    // Cursors: a listing cursor, a forged one and garbage are refused.
    const listing = await gallery.photos.list(SYSTEM, { limit: 1 });
    for (const cursor of [
      listing.nextCursor ?? "",
      Buffer.from('[3,1.5,""]').toString("base64url"),
      "' or 1=1",
    ]) {
      expect(await errorCode(gallery.search.photos(SYSTEM, { q: word, cursor }))).toBe("INVALID_CURSOR");
    }
    // `sort: "taken"` is a filtered listing: full pages in capture order.
    const taken = await gallery.search.photos(GUEST, { q: word, sort: "taken", limit: 5 });
    const guestExpected = photos
      .filter((p) => p.matches && referencePhotoVisible(world, GUEST, p.id))
      .sort((x, y) => byNewest(x, y) || (x.id < y.id ? 1 : -1))
      .slice(0, 5);
    expect(taken.items.map((p) => p.id)).toEqual(guestExpected.map((p) => p.id));
  });
});

describe("migration 0010 on an existing library", () => {
  it("backfills the tag order columns and puts the existing search index in added order", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vernissage-0010-"));
    const adapters = await stackAdapters(dir);
    try {
      const kind = adapters.database.kind;
      const before = adapters.connectAgain();
      const db = new Kysely<DB>({ dialect: before.dialect });
      // The schema as it was before 0010 (migrations after it come later, in order).
      const older = Object.fromEntries(
        Object.entries(coreMigrations(kind)).filter(([name]) => name < "0010"),
      );
      await runMigrations(db, { kind, migrations: older });
      const now = Date.now();
      await db
        .insertInto("albums")
        .values({
          id: "al",
          parent_id: null,
          name: "Old",
          slug: "old",
          description: "",
          visibility: "public",
          rank: 0,
          cover_photo_id: null,
          owner_id: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await db
        .insertInto("album_closure")
        .values({ ancestor_id: "al", descendant_id: "al", depth: 0 })
        .execute();
      // Indexed in an order unrelated to their added times (as old rowids were given on first indexing).
      const old = [
        { id: "pb", added: now - 2_000, taken: 50 },
        { id: "pc", added: now - 1_000, taken: null },
        { id: "pa", added: now - 3_000, taken: 70 },
      ];
      for (const [i, p] of old.entries()) {
        await db
          .insertInto("photos")
          .values({
            id: p.id,
            sha256: p.id.padEnd(64, "0"),
            storage_key: `originals/${p.id}.jpg`,
            original_filename: `${p.id}.jpg`,
            mime_type: "image/jpeg",
            byte_size: 1,
            width: 1,
            height: 1,
            orientation: 1,
            title: `kestrel ${p.id}`,
            description: "",
            author: "",
            taken_at: p.taken,
            added_at: p.added,
            privacy_level: 0,
            uploader_id: null,
            thumbhash: null,
            metadata: null,
            updated_at: now,
          })
          .execute();
        await db
          .insertInto("album_photos")
          .values({ album_id: "al", photo_id: p.id, rank: i, added_at: now })
          .execute();
        if (kind === "sqlite") {
          await sql`insert into photo_search_keys (rowid, photo_id) values (${i + 1}, ${p.id})`.execute(db);
          await sql`insert into photo_search (rowid, photo_id, body) values (${i + 1}, ${p.id}, ${`kestrel ${p.id}`})`.execute(
            db,
          );
        } else {
          await sql`insert into photo_search (photo_id, body) values (${p.id}, ${`kestrel ${p.id}`})`.execute(
            db,
          );
        }
      }
      await db
        .insertInto("tags")
        .values({ id: "tk", name: "k", name_key: "k", slug: "k", created_at: now, updated_at: now })
        .execute();
      await sql`insert into photo_tags (photo_id, tag_id, added_at) values ('pa', 'tk', ${now}), ('pb', 'tk', ${now}), ('pc', 'tk', ${now})`.execute(
        db,
      );
      expect((await runMigrations(db, { kind }))[0]).toBe("0010_tag_order");
      await db.destroy();

      const gallery = await createGallery({
        database: adapters.database,
        storage: adapters.storage,
        jobs: { run: false },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      });
      try {
        await expectInSync(gallery);
        const newest = ["pc", "pb", "pa"];
        expect((await gallery.search.photos(GUEST, { q: "kestrel" })).items.map((p) => p.id)).toEqual(newest);
        const paged = await allPages((cursor) =>
          gallery.search.photos(GUEST, { q: "kestrel", limit: 1, cursor }),
        );
        expect(paged.photos.map((p) => p.id)).toEqual(newest);
        expect((await gallery.photos.list(GUEST, { tagId: "tk" })).items.map((p) => p.id)).toEqual(newest);
        expect(
          (await gallery.photos.list(GUEST, { tagId: "tk", sort: "taken" })).items.map((p) => p.id),
        ).toEqual(["pa", "pb", "pc"]);
        // A photo indexed after the migration takes its place by added time, not by indexing order.
        const album = await gallery.albums.create(SYSTEM, { name: "New" });
        const { photo } = await gallery.photos.upload(SYSTEM, {
          albumId: album.id,
          file: await uniqueJpeg(99),
          filename: "kestrel.jpg",
        });
        expect((await gallery.search.photos(GUEST, { q: "kestrel" })).items.map((p) => p.id)).toEqual([
          photo.id,
          ...newest,
        ]);
      } finally {
        await gallery.close();
      }
    } finally {
      await adapters.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
