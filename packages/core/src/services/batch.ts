import type { Kysely } from "kysely";
import { assertCanEditPhoto } from "../access/permissions.js";
import type { Actor } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { PhotoService } from "./photos.js";
import { cleanTagName, nameKey, type TagService } from "./tags.js";

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
  /** Tag names to remove (compared case-insensitively; unknown names are ignored). */
  removeTags?: readonly string[] | undefined;
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
  /**
   * Check every photo first and leave out the ones the actor may not edit (listed in `refused` with the error
   * code) instead of failing the whole batch. Album checks (may the actor add to or take out of the album)
   * still apply to the whole batch. @default false
   */
  skipRefused?: boolean | undefined;
}

/** What a batch did. */
export interface BatchPhotosResult {
  /** Photos the batch applied to. */
  photoIds: string[];
  /** Actions applied, by name. */
  applied: string[];
  /** Photos deleted (when `delete`). */
  deleted: number;
  /** Photos left out because the actor may not edit them (only with `skipRefused`), with the error code. */
  refused: { photoId: string; code: string }[];
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
      const requested = [...new Set(input.photoIds)];
      if (requested.length === 0 || requested.length > 1000) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "photoIds", message: "1–1000 ids" }],
        });
      }
      const applied: string[] = [];
      const refused: { photoId: string; code: string }[] = [];
      let photoIds = requested;
      if (input.skipRefused) {
        // Each photo is checked on its own; the ones the actor may not edit (or see) are reported, not fatal.
        photoIds = [];
        for (const id of requested) {
          try {
            await assertCanEditPhoto(deps.db, actor, id);
            photoIds.push(id);
          } catch (error) {
            if (!(error instanceof GalleryError) || error.code === "INSUFFICIENT_SCOPE") throw error;
            refused.push({ photoId: id, code: error.code });
          }
        }
        if (photoIds.length === 0) return { photoIds, applied, deleted: 0, refused };
      }
      if (input.delete) {
        const others = Object.entries(input).filter(
          ([k, v]) => v !== undefined && k !== "photoIds" && k !== "delete" && k !== "skipRefused",
        );
        if (others.length > 0) {
          throw new GalleryError("VALIDATION_FAILED", {
            errors: [{ path: "delete", message: "delete cannot be combined with other actions" }],
          });
        }
        const deleted = await deps.photos.delete(actor, photoIds);
        return { photoIds, applied: ["delete"], deleted, refused };
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
      const removeTagIds = [...(input.removeTagIds ?? [])];
      if (input.removeTags && input.removeTags.length > 0) {
        if (input.removeTags.length > 100)
          throw new GalleryError("VALIDATION_FAILED", {
            errors: [{ path: "removeTags", message: "1–100 names" }],
          });
        // Names compared as tags store them; a name no tag could have (empty, too long) matches nothing.
        const keys = [
          ...new Set(
            input.removeTags.flatMap((n) => {
              try {
                return [nameKey(cleanTagName(n))];
              } catch {
                return [];
              }
            }),
          ),
        ];
        const rows =
          keys.length === 0
            ? []
            : await deps.db.selectFrom("tags").select("id").where("name_key", "in", keys).execute();
        removeTagIds.push(...rows.map((r) => r.id));
      }
      if (removeTagIds.length > 0 || (input.removeTags && input.removeTags.length > 0)) {
        if (removeTagIds.length > 0) await deps.tags.untagPhotos(actor, { photoIds, tagIds: removeTagIds });
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
      return { photoIds, applied, deleted: 0, refused };
    },
  };
}
