/**
 * bench/permissions: the cost of the visibility rule at scale (issue 5). A SQLite gallery with 100,000 photos,
 * 5,000 albums in a deep tree, 1,000 users in 50 groups with mixed grants. Measures p50/p99 of an album page
 * (`photos.listInAlbum`, 50 photos) and of a search (`search.photos`, 50 hits) as a member holding many grants,
 * against the same queries as an admin (no filter) in the same run, and upload latency alone versus during a
 * burst of grant changes (grants never rebuild caches, so they must not block uploads).
 * Usage: `pnpm --filter @vernissage/bench permissions` (env BENCH_PHOTOS, BENCH_ALBUMS, BENCH_ITERATIONS).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type Actor, createGallery, type Gallery, SYSTEM, type UserActor } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { fsStorage } from "@vernissage/storage-fs";
import { sql } from "kysely";
import sharp from "sharp";

const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 100_000);
const ALBUMS = Number(process.env.BENCH_ALBUMS ?? 5_000);
const USERS = 1_000;
const GROUPS = 50;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const GRANT_RATE = Number(process.env.BENCH_GRANT_RATE ?? 200);
const WORDS = [
  "alps",
  "beach",
  "city",
  "dawn",
  "dusk",
  "forest",
  "harbour",
  "lake",
  "market",
  "night",
  "river",
  "snow",
];

// A seeded generator, so every run builds the same world.
let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function stats(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function chunks<T>(rows: T[], size: number, fn: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await fn(rows.slice(i, i + size));
}

/** Build the world with batched inserts (the permission tables are what is measured, not ingest). */
async function buildWorld(gallery: Gallery) {
  const db = gallery.db;
  const now = Date.now();
  const pad = (n: number) => n.toString().padStart(6, "0");
  const albums: { id: string; parent: string | null; visibility: "public" | "private" | "hidden" }[] = [];
  const depth = new Map<string, number>();
  for (let i = 0; i < ALBUMS; i++) {
    // Parents among the latest albums make long chains: a deep tree (see the depth figures printed).
    const parent = i < 20 ? null : (albums[i - 1 - Math.floor(random() ** 2 * Math.min(i, 200))]?.id ?? null);
    const r = random();
    const visibility = r < 0.45 ? "public" : r < 0.92 ? "private" : "hidden";
    const id = `a${pad(i)}`;
    albums.push({ id, parent, visibility });
    depth.set(id, parent === null ? 0 : (depth.get(parent) ?? 0) + 1);
  }
  await db.transaction().execute(async (trx) => {
    await chunks(albums, 500, (c) =>
      trx
        .insertInto("albums")
        .values(
          c.map((a, i) => ({
            id: a.id,
            parent_id: a.parent,
            name: a.id,
            slug: a.id,
            description: "",
            visibility: a.visibility,
            rank: i,
            cover_photo_id: null,
            owner_id: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute(),
    );
    const parentOf = new Map(albums.map((a) => [a.id, a.parent]));
    const closure: { ancestor_id: string; descendant_id: string; depth: number }[] = [];
    for (const a of albums) {
      let current: string | null = a.id;
      let d = 0;
      while (current !== null) {
        closure.push({ ancestor_id: current, descendant_id: a.id, depth: d++ });
        current = parentOf.get(current) ?? null;
      }
    }
    await chunks(closure, 2000, (c) => trx.insertInto("album_closure").values(c).execute());

    const users = Array.from({ length: USERS }, (_, i) => ({
      id: `u${pad(i)}`,
      username: `user${i}`,
      display_name: `User ${i}`,
      email: null,
      password_hash: null,
      role: "member" as const,
      privacy_level: pick([0, 0, 1, 2, 4]),
      shared_account: 0,
      status: "active" as const,
      created_at: now,
      updated_at: now,
    }));
    await chunks(users, 500, (c) => trx.insertInto("users").values(c).execute());
    const groups = Array.from({ length: GROUPS }, (_, i) => `g${pad(i)}`);
    await trx
      .insertInto("groups")
      .values(groups.map((id) => ({ id, name: id, is_default: 0, created_at: now, updated_at: now })))
      .execute();
    const members = new Set<string>();
    for (const u of users)
      for (let k = 0; k < 1 + Math.floor(random() * 3); k++) members.add(`${pick(groups)}|${u.id}`);
    await chunks([...members], 1000, (c) =>
      trx
        .insertInto("group_members")
        .values(
          c.map((m) => ({
            group_id: m.split("|")[0] as string,
            user_id: m.split("|")[1] as string,
            added_at: now,
          })),
        )
        .execute(),
    );
    // Mixed grants: 3,000 to users, 500 to groups; the benchmark member (u000000) holds 300 direct ones.
    const grants = new Map<string, { album_id: string; user_id: string | null; group_id: string | null }>();
    for (let i = 0; i < 3000; i++) {
      const g = { album_id: pick(albums).id, user_id: pick(users).id, group_id: null };
      grants.set(`${g.album_id}|u|${g.user_id}`, g);
    }
    for (let i = 0; i < 500; i++) {
      const g = { album_id: pick(albums).id, user_id: null, group_id: pick(groups) };
      grants.set(`${g.album_id}|g|${g.group_id}`, g);
    }
    for (let i = 0; i < 300; i++) {
      const g = { album_id: pick(albums).id, user_id: "u000000", group_id: null };
      grants.set(`${g.album_id}|u|${g.user_id}`, g);
    }
    await chunks([...grants.values()], 1000, (c) =>
      trx
        .insertInto("album_grants")
        .values(
          c.map((g) => ({
            id: `gr${g.album_id}${g.user_id ?? g.group_id}`,
            ...g,
            role: pick(["viewer", "viewer", "contributor", "manager"] as const),
            granted_by: null,
            created_at: now,
          })),
        )
        .execute(),
    );

    const photoRows = [];
    const links = [];
    const search = [];
    for (let i = 0; i < PHOTOS; i++) {
      const id = `p${pad(i)}`;
      const title = `${pick(WORDS)} ${pick(WORDS)} ${i}`;
      photoRows.push({
        id,
        sha256: id,
        storage_key: `originals/${id}`,
        original_filename: `${id}.jpg`,
        mime_type: "image/jpeg",
        byte_size: 1,
        width: 1,
        height: 1,
        orientation: 1,
        title,
        description: "",
        author: "",
        taken_at: now - i * 1000,
        added_at: now - i * 1000,
        privacy_level: pick([0, 0, 0, 0, 0, 0, 0, 1, 2, 4]),
        uploader_id: null,
        thumbhash: null,
        metadata: null,
        updated_at: now,
      });
      const first = pick(albums).id;
      links.push({ album_id: first, photo_id: id, rank: i, added_at: now });
      if (random() < 0.3) {
        const second = pick(albums).id;
        if (second !== first) links.push({ album_id: second, photo_id: id, rank: i, added_at: now });
      }
      search.push({ photo_id: id, body: title });
    }
    await chunks(photoRows, 400, (c) => trx.insertInto("photos").values(c).execute());
    await chunks(links, 2000, (c) => trx.insertInto("album_photos").values(c).execute());
    // The search index as core keeps it on SQLite (migration 0010): rowid = added time × 1024 (every photo here
    // has its own second), in photo_search_keys and FTS5, written oldest first (FTS5's fast, ascending path).
    await chunks(
      search.map((row, i) => ({ ...row, rowid: (now - i * 1000) * 1024 })).reverse(),
      2000,
      async (c) => {
        await sql`insert into photo_search_keys (rowid, photo_id) values ${sql.join(c.map((r) => sql`(${r.rowid}, ${r.photo_id})`))}`.execute(
          trx,
        );
        await sql`insert into photo_search (rowid, photo_id, body) values ${sql.join(c.map((r) => sql`(${r.rowid}, ${r.photo_id}, ${r.body})`))}`.execute(
          trx,
        );
      },
    );
  });
  const depths = [...depth.values()].sort((a, b) => a - b);
  return { albums, maxDepth: depths.at(-1) ?? 0, medianDepth: percentile(depths, 50) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "vernissage-bench-perm-"));
  const gallery = await createGallery({
    database: sqliteDatabase({ filename: join(dir, "gallery.db") }),
    storage: fsStorage({ root: join(dir, "files") }),
    jobs: { run: false },
    derivatives: { eager: [] },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  try {
    const built = performance.now();
    const world = await buildWorld(gallery);
    const buildMs = performance.now() - built;
    console.error(`world built in ${Math.round(buildMs)} ms`);
    const member: UserActor = {
      kind: "user",
      userId: "u000000",
      role: "member",
      privacyLevel: 4,
      groupIds: [],
    };
    const admin = await gallery.users.create(SYSTEM, { username: "boss", role: "admin" });
    const adminActor: Actor = {
      kind: "user",
      userId: admin.id,
      role: "admin",
      privacyLevel: 8,
      groupIds: [],
    };
    // The same albums for both actors: those the member may view and that hold photos.
    const viewable: string[] = [];
    for (const a of world.albums) {
      if (viewable.length >= 200) break;
      const page = await gallery.photos.listInAlbum(member, a.id, { limit: 1 }).catch(() => null);
      if (page && page.items.length > 0) viewable.push(a.id);
    }

    const measure = async (label: string, fn: (actor: Actor, i: number) => Promise<unknown>) => {
      for (let i = 0; i < 20; i++) {
        await fn(member, i);
        await fn(adminActor, i);
      }
      const m: number[] = [];
      const a: number[] = [];
      // Interleaved, so both see the same machine load.
      for (let i = 0; i < ITERATIONS; i++) {
        m.push(await time(() => fn(member, i)));
        a.push(await time(() => fn(adminActor, i)));
      }
      const ms = stats(m);
      const as = stats(a);
      return { label, member: ms, admin: as, ratioP99: ms.p99 / as.p99 };
    };
    const albumPage = await measure("album page (50)", (actor, i) =>
      gallery.photos.listInAlbum(actor, viewable[i % viewable.length] as string, { limit: 50 }),
    );
    console.error("album pages measured");
    const searchPage = await measure("search (50)", (actor, i) =>
      gallery.search.photos(actor, { q: WORDS[i % WORDS.length] as string, limit: 50 }),
    );

    console.error("searches measured");
    // Upload latency alone, then during a burst of grant changes.
    const target = world.albums.find((a) => a.visibility === "public")?.id as string;
    const images = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        sharp({
          create: { width: 64, height: 48, channels: 3, background: { r: i, g: 255 - i, b: (i * 7) % 256 } },
        })
          .jpeg()
          .toBuffer(),
      ),
    );
    let next = 0;
    const uploadOnce = () =>
      time(() =>
        gallery.photos.upload(SYSTEM, { albumId: target, file: images[next++] as Buffer, filename: "u.jpg" }),
      );
    const alone: number[] = [];
    for (let i = 0; i < 40; i++) alone.push(await uploadOnce());
    let burst = true;
    let grantOps = 0;
    const burstStart = performance.now();
    const grantLoop = (async () => {
      while (burst) {
        const albumId = pick(world.albums).id;
        const userId = `u${Math.floor(random() * USERS)
          .toString()
          .padStart(6, "0")}`;
        const grant = await gallery.access.grant(SYSTEM, albumId, { userId, role: "viewer" });
        await gallery.access.revoke(SYSTEM, albumId, grant.id);
        grantOps += 2;
        // Each change is its own request in a server: yield to I/O between them, as separate requests would,
        // and pace the burst at BENCH_GRANT_RATE changes per second (0: as fast as possible).
        const wait =
          GRANT_RATE > 0 ? Math.max(0, grantOps / GRANT_RATE - (performance.now() - burstStart) / 1000) : 0;
        await new Promise((resolve) => (wait > 0 ? setTimeout(resolve, wait * 1000) : setImmediate(resolve)));
      }
    })();
    const during: number[] = [];
    for (let i = 0; i < 40; i++) during.push(await uploadOnce());
    const burstSeconds = (performance.now() - burstStart) / 1000;
    burst = false;
    await grantLoop;

    const f = (n: number) => n.toFixed(2);
    console.log(
      `bench/permissions: ${PHOTOS} photos, ${ALBUMS} albums (median depth ${world.medianDepth}, max ${world.maxDepth}), ${USERS} users in ${GROUPS} groups; world built in ${(buildMs / 1000).toFixed(1)} s; ${availableParallelism()} CPUs, load ${loadavg()[0]?.toFixed(2)}`,
    );
    console.log("query                member p50/p99 ms   admin p50/p99 ms   member/admin p99");
    for (const r of [albumPage, searchPage]) {
      console.log(
        `${r.label.padEnd(20)} ${f(r.member.p50).padStart(7)} / ${f(r.member.p99).padEnd(9)} ${f(r.admin.p50).padStart(7)} / ${f(r.admin.p99).padEnd(9)} ${f(r.ratioP99)}×`,
      );
    }
    const u1 = stats(alone);
    const u2 = stats(during);
    console.log(
      `upload (64×48 JPEG)  alone p50/p99 ${f(u1.p50)} / ${f(u1.p99)} ms; during ${Math.round(grantOps / burstSeconds)} grant changes/s: ${f(u2.p50)} / ${f(u2.p99)} ms`,
    );
  } finally {
    await gallery.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
