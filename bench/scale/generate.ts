import { createHash } from "node:crypto";
import type { DB, Gallery } from "@vernissage/core";
import { type Insertable, type Kysely, sql } from "kysely";

/** The shape of a synthetic library. */
export interface LibraryShape {
  photos: number;
  /** Photos per album (leaf albums). @default 1000 */
  perAlbum?: number;
  /** Top-level albums; the rest are their children. @default 20 */
  roots?: number;
  /** Distinct tags; each photo has two. @default 500 */
  tags?: number;
}

/** What was generated: ids the benchmark queries with. */
export interface Library {
  memberId: string;
  /** Leaf albums the member can see (public, or private with the member's grant). */
  visibleAlbums: string[];
  tagIds: string[];
  /** Words that occur in titles, for searches. */
  words: string[];
}

const WORDS = [
  "harbour",
  "sunset",
  "mountain",
  "forest",
  "market",
  "bridge",
  "river",
  "garden",
  "street",
  "portrait",
  "winter",
  "summer",
  "autumn",
  "spring",
  "festival",
  "beach",
  "lighthouse",
  "castle",
  "village",
  "station",
];

const id = (prefix: string, n: number) => `${prefix}${n.toString(36).padStart(8, "0")}`;
const hash = (n: number) => createHash("sha256").update(`photo-${n}`).digest("hex");

async function insertChunks<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/**
 * Fill a freshly migrated gallery database with a synthetic library, quickly: rows only, written in large
 * batches inside transactions (no sharp, no files; derivatives and originals are not read by the benchmarked
 * queries). A member gets a grant on every other private top-level album; privacy levels vary so the rule's
 * level check does work.
 */
export async function generateLibrary(gallery: Gallery, shape: LibraryShape): Promise<Library> {
  const db: Kysely<DB> = gallery.db;
  const now = Date.now();
  const perAlbum = shape.perAlbum ?? 1000;
  const rootCount = shape.roots ?? 20;
  const tagCount = shape.tags ?? 500;
  const leafCount = Math.max(rootCount, Math.ceil(shape.photos / perAlbum));

  const memberId = "umember";
  await db
    .insertInto("users")
    .values([
      {
        id: "uowner",
        username: "owner",
        display_name: "Owner",
        email: null,
        password_hash: null,
        role: "owner",
        privacy_level: 8,
        shared_account: 0,
        status: "active",
        created_at: now,
        updated_at: now,
      },
      {
        id: memberId,
        username: "member",
        display_name: "Member",
        email: null,
        password_hash: null,
        role: "member",
        privacy_level: 2,
        shared_account: 0,
        status: "active",
        created_at: now,
        updated_at: now,
      },
    ])
    .execute();

  // Albums: roots (even: public, odd: private), leaves spread under them.
  const albums: Insertable<DB["albums"]>[] = [];
  const closure: Insertable<DB["album_closure"]>[] = [];
  for (let r = 0; r < rootCount; r++) {
    const rid = id("r", r);
    albums.push({
      id: rid,
      parent_id: null,
      name: `Root ${r}`,
      slug: `root-${r}`,
      description: "",
      visibility: r % 2 === 0 ? "public" : "private",
      rank: r,
      cover_photo_id: null,
      owner_id: null,
      created_at: now,
      updated_at: now,
    });
    closure.push({ ancestor_id: rid, descendant_id: rid, depth: 0 });
  }
  const leaves: string[] = [];
  for (let l = 0; l < leafCount; l++) {
    const lid = id("a", l);
    const root = l % rootCount;
    const rid = id("r", root);
    leaves.push(lid);
    albums.push({
      id: lid,
      parent_id: rid,
      name: `Album ${l} ${WORDS[l % WORDS.length]}`,
      slug: `album-${l}`,
      description: "",
      visibility: "public",
      rank: l,
      cover_photo_id: null,
      owner_id: null,
      created_at: now,
      updated_at: now,
    });
    closure.push(
      { ancestor_id: lid, descendant_id: lid, depth: 0 },
      { ancestor_id: rid, descendant_id: lid, depth: 1 },
    );
  }
  const grants = Array.from({ length: rootCount }, (_, r) => r)
    .filter((r) => r % 4 === 1)
    .map((r) => ({
      id: id("g", r),
      album_id: id("r", r),
      user_id: memberId,
      group_id: null,
      role: "viewer" as const,
      granted_by: "uowner",
      created_at: now,
    }));
  const visibleAlbums = leaves.filter((_, l) => {
    const root = l % rootCount;
    return root % 2 === 0 || root % 4 === 1;
  });

  const tags = Array.from({ length: tagCount }, (_, t) => ({
    id: id("t", t),
    name: `tag ${t}`,
    name_key: `tag ${t}`,
    slug: `tag-${t}`,
    created_at: now,
    updated_at: now,
  }));

  await db.transaction().execute(async (trx) => {
    await insertChunks(albums, 500, (c) => trx.insertInto("albums").values(c).execute());
    await insertChunks(closure, 2000, (c) => trx.insertInto("album_closure").values(c).execute());
    if (grants.length > 0) await trx.insertInto("album_grants").values(grants).execute();
    await insertChunks(tags, 1000, (c) => trx.insertInto("tags").values(c).execute());
  });

  const BATCH = 500;
  for (let start = 0; start < shape.photos; start += BATCH * 20) {
    await db.transaction().execute(async (trx) => {
      for (let b = start; b < Math.min(shape.photos, start + BATCH * 20); b += BATCH) {
        const photos: Insertable<DB["photos"]>[] = [];
        const links: Insertable<DB["album_photos"]>[] = [];
        const photoTags: Insertable<DB["photo_tags"]>[] = [];
        for (let n = b; n < Math.min(shape.photos, b + BATCH); n++) {
          const pid = id("p", n);
          const sha = hash(n);
          const word = WORDS[n % WORDS.length] ?? "photo";
          const title = `${word} ${n}`;
          photos.push({
            id: pid,
            sha256: sha,
            storage_key: `originals/${sha.slice(0, 2)}/${sha}.jpg`,
            original_filename: `IMG_${n}.jpg`,
            mime_type: "image/jpeg",
            byte_size: 1000 + (n % 5000),
            width: 4000,
            height: 3000,
            orientation: 1,
            title,
            description: "",
            author: "",
            taken_at: now - n * 60_000,
            added_at: now - n * 1000,
            privacy_level: n % 10 === 0 ? 4 : n % 7 === 0 ? 2 : 0,
            uploader_id: "uowner",
            thumbhash: null,
            metadata: null,
            updated_at: now,
          });
          const album = leaves[Math.floor(n / perAlbum) % leaves.length] as string;
          links.push({ album_id: album, photo_id: pid, rank: n, added_at: now - n * 1000 });
          if (n % 10 === 3)
            links.push({
              album_id: leaves[(Math.floor(n / perAlbum) + 7) % leaves.length] as string,
              photo_id: pid,
              rank: n,
              added_at: now - n * 1000,
            });
          const t1 = n % tagCount;
          const t2 = (n * 7 + 3) % tagCount;
          photoTags.push({ photo_id: pid, tag_id: id("t", t1), added_at: now });
          if (t2 !== t1) photoTags.push({ photo_id: pid, tag_id: id("t", t2), added_at: now });
        }
        await trx.insertInto("photos").values(photos).execute();
        await trx.insertInto("album_photos").values(links).execute();
        await trx.insertInto("photo_tags").values(photoTags).execute();
      }
    });
  }
  // The search index, oldest photo first: SQLite's FTS5 rowid is the added time × 1024 (every photo here has its
  // own second), and FTS5 writes fastest in ascending rowid order, as real uploads arrive.
  for (let end = shape.photos; end > 0; end -= BATCH * 20) {
    await db.transaction().execute(async (trx) => {
      for (let top = end; top > Math.max(0, end - BATCH * 20); top -= BATCH) {
        const search: { rowid: number; photo_id: string; body: string }[] = [];
        for (let n = top - 1; n >= Math.max(0, top - BATCH); n--) {
          const word = WORDS[n % WORDS.length] ?? "photo";
          const t1 = n % tagCount;
          const t2 = (n * 7 + 3) % tagCount;
          search.push({
            rowid: (now - n * 1000) * 1024,
            photo_id: id("p", n),
            body: `${word} ${n} IMG ${n} tag ${t1} tag ${t2}`,
          });
        }
        if (gallery.database.kind === "postgres") {
          // A trigger copies the photo's added time into \`photo_search.added_at\`.
          await trx
            .insertInto("photo_search")
            .values(search.map(({ photo_id, body }) => ({ photo_id, body })))
            .execute();
        } else {
          await sql`insert into photo_search (rowid, photo_id, body) values ${sql.join(
            search.map((r) => sql`(${r.rowid}, ${r.photo_id}, ${r.body})`),
          )}`.execute(trx);
          await sql`insert into photo_search_keys (rowid, photo_id) values ${sql.join(
            search.map((r) => sql`(${r.rowid}, ${r.photo_id})`),
          )}`.execute(trx);
        }
      }
    });
  }
  if (gallery.database.kind === "postgres") await sql`analyze`.execute(db);
  else await sql`analyze`.execute(db);
  return { memberId, visibleAlbums, tagIds: tags.map((t) => t.id), words: WORDS };
}
