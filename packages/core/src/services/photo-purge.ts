import type { Kysely } from "kysely";
import type { Actor } from "../actor.js";
import type { DB } from "../db/schema.js";
import type { Logger } from "../logger.js";
import { errorFields } from "../logger.js";
import type { DatabaseKind } from "../ports/database.js";
import type { StorageAdapter } from "../ports/storage.js";
import type { DerivativeService } from "./derivatives.js";
import { recordEvent } from "./events.js";
import { createSearchIndex } from "./search-index.js";

/** What purging photos needs. @internal */
export interface PurgeDeps {
  db: Kysely<DB>;
  originals: StorageAdapter;
  derivatives: Pick<DerivativeService, "deleteForSource">;
  logger: Logger;
  kind: DatabaseKind;
}

/**
 * Delete photos for good: rows first (memberships and tags cascade), then, for content no other photo shares,
 * the original file and every derivative. A storage failure is logged with the key; the rows are gone either
 * way so nothing can point at a half-deleted file. Returns the number of photos deleted. @internal
 */
export async function purgePhotos(
  deps: PurgeDeps,
  photoIds: readonly string[],
  /** Who deletes: a `photo.deleted` event is recorded per photo, with the deletion. */
  actor?: Actor,
): Promise<number> {
  const { db } = deps;
  const unique = [...new Set(photoIds)];
  if (unique.length === 0) return 0;
  let deleted = 0;
  for (let i = 0; i < unique.length; i += 500) {
    const ids = unique.slice(i, i + 500);
    const rows = await db
      .selectFrom("photos")
      .select(["id", "sha256", "storage_key", "uploader_id"])
      .where("id", "in", ids)
      .execute();
    if (rows.length === 0) continue;
    await db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom("photos")
        .where(
          "id",
          "in",
          rows.map((r) => r.id),
        )
        .execute();
      if (actor === undefined) return;
      for (const row of rows) {
        await recordEvent(trx, actor, {
          type: "photo.deleted",
          subjectType: "photo",
          subjectId: row.id,
          ownerUserId: row.uploader_id,
          data: { photoId: row.id, sha256: row.sha256 },
        });
      }
    });
    await createSearchIndex(db, deps.kind).unindex(rows.map((r) => r.id));
    deleted += rows.length;
    for (const row of rows) await releaseContent(deps, row.sha256, row.storage_key);
  }
  return deleted;
}

/**
 * Remove an original file and its derivatives unless another photo still uses the same key or content.
 * @internal
 */
export async function releaseContent(deps: PurgeDeps, sha256: string, storageKey: string): Promise<void> {
  const { db, originals, derivatives, logger } = deps;
  const sharedKey = await db
    .selectFrom("photos")
    .select("id")
    .where("storage_key", "=", storageKey)
    .executeTakeFirst();
  if (!sharedKey) {
    await originals
      .delete(storageKey)
      .catch((e) => logger.error({ key: storageKey, ...errorFields(e) }, "original delete failed"));
  }
  const sharedContent = await db
    .selectFrom("photos")
    .select("id")
    .where("sha256", "=", sha256)
    .executeTakeFirst();
  if (!sharedContent) {
    await derivatives
      .deleteForSource(sha256)
      .catch((e) => logger.error({ sha256, ...errorFields(e) }, "derivative delete failed"));
  }
}
