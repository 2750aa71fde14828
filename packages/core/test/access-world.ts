import {
  type Actor,
  type DB,
  GUEST,
  type PrivacyLevel,
  type ReferenceWorld,
  referenceAlbumViewable,
  referencePhotoVisible,
  type TokenScope,
} from "@vernissage/core";
import fc from "fast-check";
import { type Kysely, sql } from "kysely";
import {
  albumViewable,
  photoColumns,
  photoVisible,
  photoVisibleInViewableAlbum,
  viewableAlbumIds,
} from "../src/access/visibility.js";

/**
 * Random worlds for the agreement test of the visibility rule: album trees, grants to users and groups,
 * memberships, privacy levels, photos in several albums, share links (live, revoked, expired) and tokens
 * with album limits. Used on SQLite (core) and PostgreSQL (db-postgres).
 */

const LEVELS: PrivacyLevel[] = [0, 1, 2, 4, 8];
const ROLES = ["viewer", "contributor", "manager"] as const;

/** A generated world with the actors to ask about it. */
export interface GeneratedWorld {
  albums: { id: string; parentId: string | null; visibility: "public" | "private" | "hidden" }[];
  users: { id: string; role: "admin" | "member"; level: PrivacyLevel }[];
  groups: string[];
  members: { groupId: string; userId: string }[];
  grants: { albumId: string; userId: string | null; groupId: string | null; role: (typeof ROLES)[number] }[];
  photos: {
    id: string;
    level: PrivacyLevel;
    uploaderId: string | null;
    albumIds: string[];
    /** Title, added and taken times for tests that search or sort (generated worlds leave them out). */
    title?: string;
    addedAt?: number;
    takenAt?: number | null;
  }[];
  shares: {
    id: string;
    albumId: string | null;
    photoIds: string[];
    level: PrivacyLevel;
    revoked: boolean;
    expired: boolean;
  }[];
  tokens: { userIndex: number; albumIds: string[] | null }[];
}

const pick = <T>(items: readonly T[]) => fc.constantFrom(...items);

/** The fast-check arbitrary of worlds. */
export const worldArbitrary: fc.Arbitrary<GeneratedWorld> = fc
  .record({
    albumCount: fc.integer({ min: 1, max: 8 }),
    userLevels: fc.array(pick(LEVELS), { minLength: 2, maxLength: 4 }),
    groupCount: fc.integer({ min: 0, max: 3 }),
  })
  .chain(({ albumCount, userLevels, groupCount }) => {
    const albumIds = Array.from({ length: albumCount }, (_, i) => `a${i}`);
    const users = userLevels.map((level, i) => ({
      id: `u${i}`,
      role: (i === 0 ? "admin" : "member") as "admin" | "member",
      level,
    }));
    const userIds = users.map((u) => u.id);
    const groups = Array.from({ length: groupCount }, (_, i) => `g${i}`);
    const albums = fc.tuple(
      ...albumIds.map((id, i) =>
        fc.record({
          id: fc.constant(id),
          parentId: i === 0 ? fc.constant(null) : fc.option(pick(albumIds.slice(0, i)), { freq: 3 }),
          visibility: fc.constantFrom("public", "public", "private", "private", "hidden") as fc.Arbitrary<
            "public" | "private" | "hidden"
          >,
        }),
      ),
    );
    const members =
      groups.length === 0
        ? fc.constant([] as { groupId: string; userId: string }[])
        : fc.uniqueArray(fc.record({ groupId: pick(groups), userId: pick(userIds) }), {
            maxLength: 6,
            selector: (m) => `${m.groupId}/${m.userId}`,
          });
    const grantee: fc.Arbitrary<{ userId: string | null; groupId: string | null }> =
      groups.length === 0
        ? pick(userIds).map((userId) => ({ userId, groupId: null }))
        : fc.oneof(
            pick(userIds).map((userId) => ({ userId, groupId: null })),
            pick(groups).map((groupId) => ({ userId: null, groupId })),
          );
    const grants = fc.uniqueArray(
      fc.record({ albumId: pick(albumIds), grantee, role: pick(ROLES) }).map((g) => ({
        albumId: g.albumId,
        userId: g.grantee.userId,
        groupId: g.grantee.groupId,
        role: g.role,
      })),
      { maxLength: 6, selector: (g) => `${g.albumId}/${g.userId}/${g.groupId}` },
    );
    const photos = fc
      .array(
        fc.record({
          level: pick(LEVELS),
          uploaderId: fc.option(pick(userIds), { freq: 2 }),
          albumIds: fc.uniqueArray(pick(albumIds), { maxLength: 3 }),
        }),
        { maxLength: 8 },
      )
      .map((list) => list.map((p, i) => ({ id: `p${i}`, ...p })));
    return fc.record({
      albums,
      users: fc.constant(users),
      groups: fc.constant(groups),
      members,
      grants,
      photos,
    });
  })
  .chain((w) => {
    const albumIds = w.albums.map((a) => a.id);
    const photoIds = w.photos.map((p) => p.id);
    const shares = fc
      .array(
        fc.record({
          albumId: fc.option(pick(albumIds), { freq: 3 }),
          photoIds:
            photoIds.length === 0 ? fc.constant([]) : fc.uniqueArray(pick(photoIds), { maxLength: 3 }),
          level: pick(LEVELS),
          revoked: fc.boolean(),
          expired: fc.boolean(),
        }),
        { maxLength: 3 },
      )
      .map((list) => list.map((s, i) => ({ id: `s${i}`, ...s })));
    const tokens = fc.array(
      fc.record({
        userIndex: fc.nat({ max: w.users.length - 1 }),
        albumIds: fc.option(fc.uniqueArray(pick(albumIds), { maxLength: 2 }), { freq: 2 }),
      }),
      { maxLength: 3 },
    );
    return fc.record({ shares, tokens }).map((extra) => ({ ...w, ...extra }) as GeneratedWorld);
  });

/** Replace the database's identity and library rows by the world, in a few batched statements. */
export async function loadWorld(db: Kysely<DB>, world: GeneratedWorld, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of [
      "share_link_photos",
      "share_links",
      "album_grants",
      "group_members",
      "groups",
      "album_photos",
      "photos",
      "album_closure",
      "albums",
      "users",
    ] as const) {
      await trx.deleteFrom(table).execute();
    }
    await trx
      .insertInto("users")
      .values(
        world.users.map((u) => ({
          id: u.id,
          username: u.id,
          display_name: u.id,
          email: null,
          password_hash: null,
          role: u.role,
          privacy_level: u.level,
          shared_account: 0,
          status: "active" as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    // Parents always precede their children (a parent is picked among earlier albums).
    const albums = world.albums;
    await trx
      .insertInto("albums")
      .values(
        albums.map((a, i) => ({
          id: a.id,
          parent_id: a.parentId,
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
      .execute();
    const closure: { ancestor_id: string; descendant_id: string; depth: number }[] = [];
    const parentOf = new Map(albums.map((a) => [a.id, a.parentId]));
    for (const a of albums) {
      let current: string | null = a.id;
      let depth = 0;
      while (current !== null) {
        closure.push({ ancestor_id: current, descendant_id: a.id, depth });
        current = parentOf.get(current) ?? null;
        depth++;
      }
    }
    await trx.insertInto("album_closure").values(closure).execute();
    if (world.groups.length > 0) {
      await trx
        .insertInto("groups")
        .values(world.groups.map((id) => ({ id, name: id, is_default: 0, created_at: now, updated_at: now })))
        .execute();
    }
    if (world.members.length > 0) {
      await trx
        .insertInto("group_members")
        .values(world.members.map((m) => ({ group_id: m.groupId, user_id: m.userId, added_at: now })))
        .execute();
    }
    if (world.grants.length > 0) {
      await trx
        .insertInto("album_grants")
        .values(
          world.grants.map((g, i) => ({
            id: `gr${i}`,
            album_id: g.albumId,
            user_id: g.userId,
            group_id: g.groupId,
            role: g.role,
            granted_by: null,
            created_at: now,
          })),
        )
        .execute();
    }
    // In chunks: a world may hold more photos than one statement may bind parameters.
    for (let i = 0; i < world.photos.length; i += 500) {
      const chunk = world.photos.slice(i, i + 500);
      await trx
        .insertInto("photos")
        .values(
          chunk.map((p) => ({
            id: p.id,
            sha256: p.id,
            storage_key: `k/${p.id}`,
            original_filename: `${p.id}.jpg`,
            mime_type: "image/jpeg",
            byte_size: 1,
            width: 1,
            height: 1,
            orientation: 1,
            title: p.title ?? "",
            description: "",
            author: "",
            taken_at: p.takenAt ?? null,
            added_at: p.addedAt ?? now,
            privacy_level: p.level,
            uploader_id: p.uploaderId,
            thumbhash: null,
            metadata: null,
            updated_at: now,
          })),
        )
        .execute();
      const links = chunk.flatMap((p) =>
        p.albumIds.map((albumId, rank) => ({ album_id: albumId, photo_id: p.id, rank, added_at: now })),
      );
      if (links.length > 0) await trx.insertInto("album_photos").values(links).execute();
    }
    if (world.shares.length > 0) {
      await trx
        .insertInto("share_links")
        .values(
          world.shares.map((s) => ({
            id: s.id,
            token_hash: s.id,
            prefix: s.id,
            album_id: s.albumId,
            privacy_level: s.level,
            password_hash: null,
            expires_at: s.expired ? now - 60_000 : now + 3_600_000,
            max_uses: null,
            use_count: 0,
            view_count: 0,
            can_download: 0,
            can_upload: 0,
            created_by: null,
            created_at: now,
            revoked_at: s.revoked ? now : null,
          })),
        )
        .execute();
      const shared = world.shares.flatMap((s) =>
        s.photoIds.map((photoId) => ({ share_id: s.id, photo_id: photoId })),
      );
      if (shared.length > 0) await trx.insertInto("share_link_photos").values(shared).execute();
    }
  });
}

/** The reference evaluator's view of a world. */
export function referenceWorld(world: GeneratedWorld, now: number): ReferenceWorld {
  const groupsOf = new Map<string, string[]>();
  for (const m of world.members) groupsOf.set(m.userId, [...(groupsOf.get(m.userId) ?? []), m.groupId]);
  return {
    albums: new Map(world.albums.map((a) => [a.id, { parentId: a.parentId, visibility: a.visibility }])),
    photos: new Map(
      world.photos.map((p) => [
        p.id,
        { privacyLevel: p.level, uploaderId: p.uploaderId, albumIds: p.albumIds },
      ]),
    ),
    grants: world.grants,
    groupsOf,
    shares: new Map(
      world.shares.map((s) => [
        s.id,
        {
          albumId: s.albumId,
          photoIds: s.photoIds,
          revoked: s.revoked,
          expiresAt: s.expired ? now - 60_000 : now + 3_600_000,
        },
      ]),
    ),
    now,
  };
}

const READ_SCOPES: TokenScope[] = ["albums:read", "photos:read"];

/** Every actor of a world: guest, each user, each token, each share link. */
export function worldActors(world: GeneratedWorld): Actor[] {
  const groupIdsOf = (userId: string) =>
    world.members.filter((m) => m.userId === userId).map((m) => m.groupId);
  const actors: Actor[] = [GUEST];
  for (const u of world.users) {
    actors.push({
      kind: "user",
      userId: u.id,
      role: u.role,
      privacyLevel: u.level,
      groupIds: groupIdsOf(u.id),
    });
  }
  world.tokens.forEach((t, i) => {
    const u = world.users[t.userIndex];
    if (!u) return;
    actors.push({
      kind: "token",
      tokenId: `t${i}`,
      userId: u.id,
      role: u.role,
      privacyLevel: u.level,
      groupIds: groupIdsOf(u.id),
      scopes: READ_SCOPES,
      albumIds: t.albumIds,
    });
  });
  for (const s of world.shares) {
    actors.push({
      kind: "share",
      shareId: s.id,
      albumId: s.albumId,
      privacyLevel: s.level,
      canDownload: false,
      canUpload: false,
    });
  }
  return actors;
}

/** A disagreement between SQL and the reference evaluator, or `null`. */
export async function compareWorld(db: Kysely<DB>, world: GeneratedWorld): Promise<string | null> {
  const now = Date.now();
  await loadWorld(db, world, now);
  const ref = referenceWorld(world, now);
  for (const actor of worldActors(world)) {
    const albums = await db
      .selectFrom("albums as a")
      .select("a.id")
      .where(albumViewable(actor, sql.ref("a.id")))
      .execute();
    const photos = await db
      .selectFrom("photos as p")
      .select("p.id")
      .where(photoVisible(actor, photoColumns("p")))
      .execute();
    // The second formulation: the actor's viewable album set, computed once per statement (search uses it).
    const set = viewableAlbumIds(actor);
    const setAlbums = await db
      .selectFrom("albums as a")
      .select("a.id")
      .where(set === null ? sql<boolean>`1 = 1` : sql<boolean>`a.id in (${set})`)
      .execute();
    const setPhotos = await db
      .selectFrom("photos as p")
      .select("p.id")
      .where(photoVisible(actor, photoColumns("p"), { albumSet: true }))
      .execute();
    // The third formulation: photos read through an album already known viewable (album pages, counts, covers).
    const inAlbums = await db
      .selectFrom("album_photos as ap")
      .innerJoin("photos as p", "p.id", "ap.photo_id")
      .select(["ap.album_id", "ap.photo_id"])
      .where(albumViewable(actor, sql.ref("ap.album_id")))
      .where(photoVisibleInViewableAlbum(actor, photoColumns("p")))
      .execute();
    const sqlInAlbums = inAlbums.map((r) => `${r.album_id}/${r.photo_id}`).sort();
    const sqlAlbums = albums.map((r) => r.id).sort();
    const sqlPhotos = photos.map((r) => r.id).sort();
    const sqlSetAlbums = setAlbums.map((r) => r.id).sort();
    const sqlSetPhotos = setPhotos.map((r) => r.id).sort();
    const refAlbums = world.albums
      .filter((a) => referenceAlbumViewable(ref, actor, a.id))
      .map((a) => a.id)
      .sort();
    const refPhotos = world.photos
      .filter((p) => referencePhotoVisible(ref, actor, p.id))
      .map((p) => p.id)
      .sort();
    const refInAlbums = world.albums
      .filter((a) => referenceAlbumViewable(ref, actor, a.id))
      .flatMap((a) =>
        world.photos
          .filter((p) => p.albumIds.includes(a.id) && referencePhotoVisible(ref, actor, p.id))
          .map((p) => `${a.id}/${p.id}`),
      )
      .sort();
    if (
      sqlInAlbums.join() !== refInAlbums.join() ||
      sqlAlbums.join() !== refAlbums.join() ||
      sqlPhotos.join() !== refPhotos.join() ||
      sqlSetAlbums.join() !== refAlbums.join() ||
      sqlSetPhotos.join() !== refPhotos.join()
    ) {
      return JSON.stringify({
        actor,
        sqlAlbums,
        sqlSetAlbums,
        refAlbums,
        sqlPhotos,
        sqlSetPhotos,
        refPhotos,
        sqlInAlbums,
        refInAlbums,
      });
    }
  }
  return null;
}

/** Run the agreement property on `db` for `numRuns` random worlds; throws with a counterexample on failure. */
export async function assertAgreement(db: Kysely<DB>, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(worldArbitrary, async (world) => {
      const mismatch = await compareWorld(db, world);
      if (mismatch !== null) throw new Error(`SQL and reference disagree: ${mismatch}`);
    }),
    { numRuns },
  );
}
