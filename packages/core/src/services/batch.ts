import type { Kysely } from "kysely";
import { assertCanEditPhoto } from "../access/permissions.js";
import type { Actor } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { PhotoService } from "./photos.js";
import type { TagService } from "./tags.js";

/**
 * One batch request on a set of photos (Piwigo's batch manager). Every action given is applied, in the order
 * of the fields below; `delete` excludes every other action.
 */
export interface BatchPhotosInput {
  photoIds: readonly string[];
  /** Tag names to add (created when missing). */
  addTags?: readonly string[] | undefined;
  /** Tag ids to remove. */
  removeTagIds?: readonly string[] | undefined;
  /** Album to copy the photos into. */
  addToAlbumId?: string | undefined;
  /** Move the photos from one album to another. */
  move?: { fromAlbumId: string; toAlbumId: string } | undefined;
  /** Album to take the photos out of. */
  removeFromAlbumId?: string | undefined;
  privacyLevel?: number | undefined;
  author?: string | undefined;
  /** Capture time (epoch ms) or null. */
  takenAt?: number | null | undefined;
  /** Regenerate the eager derivatives (drops the existing files of these photos first). */
  regenerateDerivatives?: boolean | undefined;
  /** Delete the photos with their files. */
  delete?: boolean | undefined;
}

/** What a batch did. */
export interface BatchPhotosResult {
  /** Photos the batch applied to. */
  photoIds: string[];
  /** Actions applied, by name. */
  applied: string[];
  /** Photos deleted (when `delete`). */
  deleted: number;
}

/** Batch operations on sets of photos; the same permission checks as the single-photo methods. */
export interface BatchService {
  /** Apply several actions to a set of photos. */
  photos(actor: Actor, input: BatchPhotosInput): Promise<BatchPhotosResult>;
}

/** @internal */
export interface BatchServiceDeps {
  db: Kysely<DB>;
  photos: PhotoService;
  tags: TagService;
  /** Drop and re-schedule the derivatives of one photo. */
  regenerate(photoId: string): Promise<void>;
}

/** @internal */
export function createBatchService(deps: BatchServiceDeps): BatchService {
  return {
    async photos(actor, input) {
      const photoIds = [...new Set(input.photoIds)];
      if (photoIds.length === 0 || photoIds.length > 1000) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "photoIds", message: "1–1000 ids" }],
        });
      }
      const applied: string[] = [];
      if (input.delete) {
        const others = Object.entries(input).filter(
          ([k, v]) => v !== undefined && k !== "photoIds" && k !== "delete",
        );
        if (others.length > 0) {
          throw new GalleryError("VALIDATION_FAILED", {
            errors: [{ path: "delete", message: "delete cannot be combined with other actions" }],
          });
        }
        const deleted = await deps.photos.delete(actor, photoIds);
        return { photoIds, applied: ["delete"], deleted };
      }
      // Check every photo is visible and editable before changing anything.
      const visible = await deps.photos.getMany(actor, photoIds);
      if (visible.length !== photoIds.length)
        throw new GalleryError("NOT_FOUND", { detail: "No such photo." });

      if (input.privacyLevel !== undefined || input.author !== undefined || input.takenAt !== undefined) {
        for (const id of photoIds) {
          await deps.photos.update(actor, id, {
            privacyLevel: input.privacyLevel,
            author: input.author,
            takenAt: input.takenAt,
          });
        }
        applied.push("fields");
      }
      if (input.addTags && input.addTags.length > 0) {
        await deps.tags.tagPhotos(actor, { photoIds, names: input.addTags });
        applied.push("addTags");
      }
      if (input.removeTagIds && input.removeTagIds.length > 0) {
        await deps.tags.untagPhotos(actor, { photoIds, tagIds: input.removeTagIds });
        applied.push("removeTags");
      }
      if (input.addToAlbumId !== undefined) {
        await deps.photos.addToAlbum(actor, { albumId: input.addToAlbumId, photoIds });
        applied.push("addToAlbum");
      }
      if (input.move !== undefined) {
        await deps.photos.moveToAlbum(actor, { ...input.move, photoIds });
        applied.push("move");
      }
      if (input.removeFromAlbumId !== undefined) {
        await deps.photos.removeFromAlbum(actor, { albumId: input.removeFromAlbumId, photoIds });
        applied.push("removeFromAlbum");
      }
      if (input.regenerateDerivatives) {
        for (const id of photoIds) {
          await assertCanEditPhoto(deps.db, actor, id);
          await deps.regenerate(id);
        }
        applied.push("regenerateDerivatives");
      }
      return { photoIds, applied, deleted: 0 };
    },
  };
}
