import { type Actor, actorPrivacyLevel, isAdminActor } from "../actor.js";
import type { AlbumVisibility } from "../types.js";

/** A small in-memory world for the reference evaluator. */
export interface ReferenceWorld {
  albums: ReadonlyMap<string, { parentId: string | null; visibility: AlbumVisibility }>;
  photos: ReadonlyMap<
    string,
    { privacyLevel: number; uploaderId: string | null; albumIds: readonly string[] }
  >;
}

/**
 * The visibility rule of DESIGN.md §3 as plain code, with no database. The SQL filters in `visibility.ts` must
 * agree with it for every actor, album and photo; tests compare the two.
 */
export function referenceAlbumViewable(world: ReferenceWorld, actor: Actor, albumId: string): boolean {
  if (isAdminActor(actor)) return world.albums.has(albumId);
  let current: string | null = albumId;
  const seen = new Set<string>();
  while (current !== null) {
    if (seen.has(current)) return false;
    seen.add(current);
    const album = world.albums.get(current);
    if (album?.visibility !== "public") return false;
    current = album.parentId;
  }
  return true;
}

/** Whether `actor` may see the photo `photoId` in `world`. */
export function referencePhotoVisible(world: ReferenceWorld, actor: Actor, photoId: string): boolean {
  const photo = world.photos.get(photoId);
  if (!photo) return false;
  if (isAdminActor(actor)) return true;
  if (actor.kind === "user" && photo.uploaderId === actor.userId) return true;
  if (photo.privacyLevel > actorPrivacyLevel(actor)) return false;
  return photo.albumIds.some((albumId) => referenceAlbumViewable(world, actor, albumId));
}
