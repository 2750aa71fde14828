import { type DB, GUEST, type Photo, SYSTEM } from "@vernissage/core";
import type { Insertable } from "kysely";
import { describe, expect, it } from "vitest";
import { openGallery } from "./helpers.js";

// `photos.list({ tagId })` walks the tag's own index (`photo_tags_added_idx`, migration 0010) newest first,
// whatever the tag's size: small and large tags must give complete, visible-only pages on a stable cursor.

describe("tag page on small and large tags", () => {
  it("lists exactly the visible photos of the tag, newest first, across pages, whatever the tag's size", async () => {
    const t = await openGallery();
    const { gallery } = t;
    const db = gallery.db;
    const open = await gallery.albums.create(SYSTEM, { name: "Open" });
    const closed = await gallery.albums.create(SYSTEM, { name: "Closed", visibility: "private" });
    const big = await gallery.tags.create(SYSTEM, { name: "big" });
    const small = await gallery.tags.create(SYSTEM, { name: "small" });
    const now = Date.now();
    const count = 1_300;
    const expected = { big: [] as string[], small: [] as string[] };
    const photos: (Insertable<DB["photos"]> & { id: string; added_at: number })[] = [];
    const links: Insertable<DB["album_photos"]>[] = [];
    const tags: Insertable<DB["photo_tags"]>[] = [];
    for (let n = 0; n < count; n++) {
      const id = `tp${n.toString().padStart(5, "0")}`;
      const privacy = n % 5 === 0 ? 4 : 0;
      const inOpen = n % 3 !== 0;
      // Ties on added_at every other photo: the keyset must still neither skip nor repeat.
      photos.push({
        id,
        sha256: `${id}`.padEnd(64, "0"),
        storage_key: `originals/${id}.jpg`,
        original_filename: `${id}.jpg`,
        mime_type: "image/jpeg",
        byte_size: 1000,
        width: 40,
        height: 30,
        orientation: 1,
        title: id,
        description: "",
        author: "",
        taken_at: null,
        added_at: now - Math.floor(n / 2) * 1000,
        privacy_level: privacy,
        uploader_id: null,
        thumbhash: null,
        metadata: null,
        updated_at: now,
      });
      links.push({ album_id: inOpen ? open.id : closed.id, photo_id: id, rank: n, added_at: now });
      const visible = privacy === 0 && inOpen;
      // The large tag: ~1,114 photos (over the 1,000 limit), not all of them, so its filter is exercised too.
      if (n % 7 !== 0) {
        tags.push({ photo_id: id, tag_id: big.id, added_at: now });
        if (visible) expected.big.push(id);
      }
      if (n % 97 === 0) {
        tags.push({ photo_id: id, tag_id: small.id, added_at: now });
        if (visible) expected.small.push(id);
      }
    }
    for (let i = 0; i < count; i += 200) {
      await db
        .insertInto("photos")
        .values(photos.slice(i, i + 200))
        .execute();
      await db
        .insertInto("album_photos")
        .values(links.slice(i, i + 200))
        .execute();
    }
    for (let i = 0; i < tags.length; i += 200) {
      await db
        .insertInto("photo_tags")
        .values(tags.slice(i, i + 200))
        .execute();
    }

    const byNewest = (ids: string[]) =>
      [...ids].sort((a, b) => {
        const pa = photos.find((p) => p.id === a);
        const pb = photos.find((p) => p.id === b);
        return (pb?.added_at ?? 0) - (pa?.added_at ?? 0) || (a < b ? 1 : a > b ? -1 : 0);
      });
    async function all(tagId: string): Promise<string[]> {
      const out: Photo[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 100; guard++) {
        const page = await gallery.photos.list(GUEST, { tagId, limit: 100, cursor });
        out.push(...page.items);
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      return out.map((p) => p.id);
    }
    expect(expected.big.length).toBeGreaterThan(100);
    expect(expected.small.length).toBeGreaterThan(3);
    expect(await all(big.id)).toEqual(byNewest(expected.big));
    expect(await all(small.id)).toEqual(byNewest(expected.small));
    // The admin sees every tagged photo of the large tag.
    const admin = await gallery.photos.list(SYSTEM, { tagId: big.id, limit: 100 });
    const bigIds = photos.map((p) => p.id).filter((_, n) => n % 7 !== 0);
    expect(bigIds.length).toBeGreaterThan(1000);
    expect(admin.items.map((p) => p.id)).toEqual(byNewest(bigIds).slice(0, 100));
  });
});
