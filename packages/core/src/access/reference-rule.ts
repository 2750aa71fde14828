import { type Actor, actorPrivacyLevel, actorUserId, hasAdminView, type ShareActor } from "../actor.js";
import type { AlbumVisibility } from "../types.js";

/** A grant in a {@link ReferenceWorld}: exactly one of `userId` and `groupId` is set. */
export interface ReferenceGrant {
  albumId: string;
  userId: string | null;
  groupId: string | null;
  role: "viewer" | "contributor" | "manager";
}

/** A share link in a {@link ReferenceWorld}. */
export interface ReferenceShare {
  /** Root of the shared subtree, or `null` for a photo-set link. */
  albumId: string | null;
  /** Photos of a photo-set link. */
  photoIds: readonly string[];
  revoked: boolean;
  /** Epoch ms, or `null` for no expiry. */
  expiresAt: number | null;
}

/** A small in-memory world for the reference evaluator. */
export interface ReferenceWorld {
  albums: ReadonlyMap<string, { parentId: string | null; visibility: AlbumVisibility }>;
  photos: ReadonlyMap<
    string,
    { privacyLevel: number; uploaderId: string | null; albumIds: readonly string[] }
  >;
  /** Album grants. @default none */
  grants?: readonly ReferenceGrant[];
  /** Group ids of each user (membership is read from the world, not from the actor). @default none */
  groupsOf?: ReadonlyMap<string, readonly string[]>;
  /** Share links by id. @default none */
  shares?: ReadonlyMap<string, ReferenceShare>;
  /** The current time, for share-link expiry. @default Date.now() */
  now?: number;
}

/** The chain from `albumId` up to its root (itself first), or `null` when the album is unknown or in a cycle. */
function chain(world: ReferenceWorld, albumId: string): string[] | null {
  const out: string[] = [];
  let current: string | null = albumId;
  while (current !== null) {
    if (out.includes(current)) return null;
    const album = world.albums.get(current);
    if (!album) return null;
    out.push(current);
    current = album.parentId;
  }
  return out;
}

function hasGrant(world: ReferenceWorld, userId: string, albumIds: readonly string[]): boolean {
  const groups = world.groupsOf?.get(userId) ?? [];
  return (world.grants ?? []).some(
    (g) =>
      albumIds.includes(g.albumId) &&
      (g.userId === userId || (g.groupId !== null && groups.includes(g.groupId))),
  );
}

/** Recursive definition of DESIGN.md §3: (public or granted here or above) and not hidden, and parent viewable. */
function memberViewable(world: ReferenceWorld, userId: string | undefined, albumId: string): boolean {
  const path = chain(world, albumId);
  if (!path) return false;
  return path.every((id, index) => {
    const visibility = world.albums.get(id)?.visibility;
    if (visibility === "hidden") return false;
    if (visibility === "public") return true;
    return userId !== undefined && hasGrant(world, userId, path.slice(index));
  });
}

function shareLive(world: ReferenceWorld, actor: ShareActor): ReferenceShare | null {
  const share = world.shares?.get(actor.shareId);
  if (!share || share.revoked) return null;
  if (share.expiresAt !== null && share.expiresAt <= (world.now ?? Date.now())) return null;
  return share;
}

function shareViewable(world: ReferenceWorld, actor: ShareActor, albumId: string): boolean {
  if (actor.albumId === null || !shareLive(world, actor)) return false;
  const path = chain(world, albumId);
  if (!path) return false;
  const rootIndex = path.indexOf(actor.albumId);
  if (rootIndex < 0) return false;
  // Hidden albums strictly below the shared root stay hidden.
  return path.slice(0, rootIndex).every((id) => world.albums.get(id)?.visibility !== "hidden");
}

/**
 * The visibility rule of DESIGN.md §3 as plain code, with no database: whether `actor` may view the album. The
 * SQL filters in `visibility.ts` must agree with it for every actor, album and photo; a property test compares
 * the two on random worlds.
 */
export function referenceAlbumViewable(world: ReferenceWorld, actor: Actor, albumId: string): boolean {
  if (!world.albums.has(albumId)) return false;
  switch (actor.kind) {
    case "system":
      return true;
    case "guest":
      return memberViewable(world, undefined, albumId);
    case "user":
      return hasAdminView(actor) || memberViewable(world, actor.userId, albumId);
    case "token": {
      const base = hasAdminView(actor) || memberViewable(world, actor.userId, albumId);
      if (!base || actor.albumIds === null) return base;
      const path = chain(world, albumId) ?? [];
      return actor.albumIds.some((limit) => path.includes(limit));
    }
    case "share":
      return shareViewable(world, actor, albumId);
  }
}

/** Whether `actor` may see the photo `photoId` in `world`. */
export function referencePhotoVisible(world: ReferenceWorld, actor: Actor, photoId: string): boolean {
  const photo = world.photos.get(photoId);
  if (!photo) return false;
  if (actor.kind === "system") return true;
  const limited = actor.kind === "token" && actor.albumIds !== null;
  if (hasAdminView(actor) && !limited) return true;
  const userId = actorUserId(actor);
  if (userId !== undefined && !limited && photo.uploaderId === userId) return true;
  if (photo.privacyLevel > actorPrivacyLevel(actor)) return false;
  if (actor.kind === "share" && shareLive(world, actor)?.photoIds.includes(photoId)) return true;
  return photo.albumIds.some((albumId) => referenceAlbumViewable(world, actor, albumId));
}
