import { type Kysely, type Selectable, sql } from "kysely";
import { accessAtLeast, albumAccess, assertCanEditPhoto, requireScope } from "../access/permissions.js";
import {
  type Actor,
  actorPrivacyLevel,
  hasAdminView,
  PRIVACY_LEVELS,
  type PrivacyLevel,
  type ShareActor,
} from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { ShareInfo } from "../hook-contexts.js";
import type { HookBus } from "../hooks.js";
import { newId } from "../ids.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { Page, PageInput } from "../types.js";
import type { ActivityService } from "./activity.js";
import { hashPassword, verifyPassword } from "./auth.js";
import { hashSecret, randomSecret, secretMatches, splitToken } from "./secrets.js";

/** A share link as listed (never its token nor its password). */
export interface ShareLink {
  id: string;
  /** The visible start of the link's token, to recognise it. */
  prefix: string;
  /** Root of the shared album subtree, or `null` for a photo-set link. */
  albumId: string | null;
  /** Photos of a photo-set link. */
  photoIds: string[];
  privacyLevel: number;
  hasPassword: boolean;
  expiresAt: number | null;
  maxUses: number | null;
  useCount: number;
  viewCount: number;
  canDownload: boolean;
  canUpload: boolean;
  createdBy: string | null;
  createdAt: number;
  revokedAt: number | null;
}

/** Input of {@link ShareService.create}: an album subtree or a set of photos. */
export interface CreateShareLinkInput {
  albumId?: string | undefined;
  photoIds?: string[] | undefined;
  /** Set to require a password (posted once to unlock; never put in a URL). */
  password?: string | undefined;
  /** Highest privacy level the link reveals; at most the creator's. @default 0 */
  privacyLevel?: number | undefined;
  /** Epoch ms. @default never */
  expiresAt?: number | null | undefined;
  /** Unlocks allowed. @default unlimited */
  maxUses?: number | null | undefined;
  /** @default false */
  canDownload?: boolean | undefined;
  /** Album links only. @default false */
  canUpload?: boolean | undefined;
}

/** Input of {@link ShareService.update}. `password: null` removes the password. */
export interface UpdateShareLinkInput {
  password?: string | null | undefined;
  /** Highest privacy level the link reveals; at most the editor's. Open share sessions follow at once. */
  privacyLevel?: number | undefined;
  expiresAt?: number | null | undefined;
  maxUses?: number | null | undefined;
  canDownload?: boolean | undefined;
  canUpload?: boolean | undefined;
}

/** The result of unlocking a link: a share session scoped to that link. */
export interface ShareSession {
  /** `id.secret`, for the share cookie; only the secret's hash is stored. */
  token: string;
  expiresAt: number;
  actor: ShareActor;
}

/** Share links: capabilities over an album subtree or a set of photos. */
export interface ShareService {
  /**
   * Create a link (album links: managers of the album and admins; photo links: those who may edit each photo;
   * tokens need `shares:write`). The link's token is in the result only.
   */
  create(actor: Actor, input: CreateShareLinkInput): Promise<{ share: ShareLink; token: string }>;
  /** Links the actor created (admins: all), newest first, optionally of one album. */
  list(actor: Actor, input?: { albumId?: string | undefined }): Promise<ShareLink[]>;
  /**
   * One page of the links the actor created (admins: all), newest first, optionally of one album; keyset
   * pagination on (creation time, id), so links created while paging neither repeat nor shift the pages.
   */
  page(actor: Actor, input?: PageInput & { albumId?: string | undefined }): Promise<Page<ShareLink>>;
  /** One link, for its creator or an admin (`NOT_FOUND` for anyone else, as for a missing link). */
  get(actor: Actor, id: string): Promise<ShareLink>;
  /** Change a link (its creator or an admin). */
  update(actor: Actor, id: string, input: UpdateShareLinkInput): Promise<ShareLink>;
  /** Revoke a link at once: its share sessions end and its media stop being served. */
  revoke(actor: Actor, id: string): Promise<void>;
  /**
   * Unlock a link with its token and, when it has one, its password: counts a use (refused past `maxUses`) and
   * opens a share session. Wrong, revoked, expired and used-up links all answer `NOT_FOUND`; a wrong password
   * answers `INVALID_CREDENTIALS`, and repeated wrong passwords `RATE_LIMITED`.
   */
  unlock(
    linkToken: string,
    password?: string | undefined,
    client?: { ip?: string | undefined },
  ): Promise<ShareSession>;
  /** Resolve a share session token to its actor; `null` when invalid, expired or the link is no longer live. */
  resolveSession(token: string): Promise<ShareActor | null>;
  /** Count a view of the link (its page or album listing). */
  recordView(actor: ShareActor): Promise<void>;
}

const SESSION_TTL_MS = 24 * 3600 * 1000;
const PASSWORD_FAILURES = 10;

function invalid(path: string, message: string): GalleryError {
  return new GalleryError("VALIDATION_FAILED", { errors: [{ path, message }] });
}

function live(row: { revoked_at: number | null; expires_at: number | null }, now: number): boolean {
  return row.revoked_at === null && (row.expires_at === null || Number(row.expires_at) > now);
}

/** @internal */
export function createShareService(deps: {
  db: Kysely<DB>;
  activity: ActivityService;
  hooks: HookBus;
}): ShareService {
  const { db, activity, hooks } = deps;
  const info = (link: ShareLink): ShareInfo => ({
    id: link.id,
    target:
      link.albumId !== null
        ? { kind: "album", albumId: link.albumId }
        : { kind: "photos", photoIds: [...link.photoIds] },
    expiresAt: link.expiresAt,
    createdBy: link.createdBy,
  });
  const dummyHash = hashPassword(randomSecret());

  type ShareRow = Selectable<DB["share_links"]>;

  /** Map rows to links, reading the photo sets of all of them in one query. */
  async function toLinks(rows: ShareRow[]): Promise<ShareLink[]> {
    const ids = rows.filter((r) => r.album_id === null).map((r) => r.id);
    const photos =
      ids.length === 0
        ? []
        : await db
            .selectFrom("share_link_photos")
            .select(["share_id", "photo_id"])
            .where("share_id", "in", ids)
            .orderBy("share_id")
            .orderBy("photo_id")
            .execute();
    const byShare = new Map<string, string[]>();
    for (const p of photos) {
      const list = byShare.get(p.share_id) ?? [];
      list.push(p.photo_id);
      byShare.set(p.share_id, list);
    }
    return rows.map((row) => ({
      id: row.id,
      prefix: row.prefix,
      albumId: row.album_id,
      photoIds: byShare.get(row.id) ?? [],
      privacyLevel: row.privacy_level,
      hasPassword: row.password_hash !== null,
      expiresAt: row.expires_at === null ? null : Number(row.expires_at),
      maxUses: row.max_uses,
      useCount: Number(row.use_count),
      viewCount: Number(row.view_count),
      canDownload: row.can_download === 1,
      canUpload: row.can_upload === 1,
      createdBy: row.created_by,
      createdAt: Number(row.created_at),
      revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    }));
  }

  async function load(id: string): Promise<ShareLink> {
    const row = await db.selectFrom("share_links").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such share link." });
    const [link] = await toLinks([row]);
    return link as ShareLink;
  }

  async function ownLink(actor: Actor, id: string): Promise<ShareLink> {
    if (actor.kind !== "user" && actor.kind !== "token" && actor.kind !== "system")
      throw new GalleryError("NOT_FOUND", { detail: "No such share link." });
    requireScope(actor, "shares:write");
    const link = await load(id).catch(() => null);
    const mine = actor.kind === "system" || hasAdminView(actor) || link?.createdBy === actor.userId;
    if (!link || !mine) throw new GalleryError("NOT_FOUND", { detail: "No such share link." });
    return link;
  }

  function validExpiry(expiresAt: number | null | undefined): number | null {
    if (expiresAt === undefined || expiresAt === null) return null;
    if (!Number.isFinite(expiresAt) || expiresAt <= Date.now())
      throw invalid("expiresAt", "a time in the future");
    return expiresAt;
  }

  function validMaxUses(maxUses: number | null | undefined): number | null {
    if (maxUses === undefined || maxUses === null) return null;
    if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 1_000_000)
      throw invalid("maxUses", "1–1,000,000");
    return maxUses;
  }

  async function validPassword(password: string | undefined | null): Promise<string | null> {
    if (password === undefined || password === null) return null;
    if (typeof password !== "string" || password.length < 4 || password.length > 1024)
      throw invalid("password", "4–1024 characters");
    return hashPassword(password);
  }

  async function listed(
    actor: Actor,
    input: { albumId?: string | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<ShareLink>> {
    if (actor.kind !== "user" && actor.kind !== "token" && actor.kind !== "system")
      throw new GalleryError("UNAUTHENTICATED");
    requireScope(actor, "shares:write");
    let query = db
      .selectFrom("share_links")
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(input.limit + 1);
    if (!(actor.kind === "system" || hasAdminView(actor)))
      query = query.where("created_by", "=", actor.userId);
    if (input.albumId !== undefined) query = query.where("album_id", "=", input.albumId);
    if (input.cursor !== undefined) {
      const [at, id] = decodeCursor(input.cursor, ["n", "s"]) as [number, string];
      query = query.where((eb) =>
        eb.or([eb("created_at", "<", at), eb.and([eb("created_at", "=", at), eb("id", "<", id)])]),
      );
    }
    const rows = await query.execute();
    const items = await toLinks(rows.slice(0, input.limit));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > input.limit && last ? encodeCursor([last.createdAt, last.id]) : null,
    };
  }

  return {
    async create(actor, input) {
      if (actor.kind !== "user" && actor.kind !== "token" && actor.kind !== "system")
        throw new GalleryError("FORBIDDEN", { detail: "Sign in to share." });
      requireScope(actor, "shares:write");
      const hasAlbum = typeof input.albumId === "string";
      const photoIds = [...new Set(input.photoIds ?? [])];
      if (hasAlbum === photoIds.length > 0) throw invalid("albumId", "an album or a set of photos, not both");
      if (photoIds.length > 1000) throw invalid("photoIds", "at most 1,000 photos");
      const level = input.privacyLevel ?? 0;
      if (!PRIVACY_LEVELS.includes(level as PrivacyLevel)) throw invalid("privacyLevel", "0, 1, 2, 4 or 8");
      if (level > actorPrivacyLevel(actor))
        throw new GalleryError("FORBIDDEN", { detail: "A link may not reveal more than its creator sees." });
      if (input.canUpload && !hasAlbum) throw invalid("canUpload", "album links only");
      if (hasAlbum) {
        const access = await albumAccess(db, actor, input.albumId as string);
        if (access === null) throw new GalleryError("NOT_FOUND", { detail: "No such album." });
        if (!accessAtLeast(access, "manager"))
          throw new GalleryError("FORBIDDEN", { detail: "Only managers of the album may share it." });
      } else {
        for (const photoId of photoIds) await assertCanEditPhoto(db, actor, photoId);
      }
      const fields: { target: ShareInfo["target"]; expiresAt: number | null } = {
        target: hasAlbum ? { kind: "album", albumId: input.albumId as string } : { kind: "photos", photoIds },
        expiresAt: input.expiresAt ?? null,
      };
      await hooks.before("share:create:before", { actor, fields });
      const id = newId();
      const secret = randomSecret();
      const now = Date.now();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("share_links")
          .values({
            id,
            token_hash: hashSecret(secret),
            prefix: secret.slice(0, 6),
            album_id: hasAlbum ? (input.albumId as string) : null,
            privacy_level: level,
            password_hash: await validPassword(input.password),
            expires_at: validExpiry(fields.expiresAt),
            max_uses: validMaxUses(input.maxUses),
            use_count: 0,
            view_count: 0,
            can_download: input.canDownload ? 1 : 0,
            can_upload: input.canUpload ? 1 : 0,
            created_by: actor.kind === "system" ? null : actor.userId,
            created_at: now,
            revoked_at: null,
          })
          .execute();
        if (photoIds.length > 0)
          await trx
            .insertInto("share_link_photos")
            .values(photoIds.map((photoId) => ({ share_id: id, photo_id: photoId })))
            .execute();
        await activity.record(
          actor,
          {
            action: "share.create",
            subjectType: "share",
            subjectId: id,
            data: { albumId: input.albumId ?? null, photos: photoIds.length, level },
          },
          trx,
        );
      });
      const share = await load(id);
      await hooks.after("share:create:after", { actor, share: info(share) });
      return { share, token: secret };
    },

    async list(actor, input = {}) {
      return (await listed(actor, { albumId: input.albumId, limit: 500 })).items;
    },

    async page(actor, input = {}) {
      return listed(actor, { ...input, limit: pageLimit(input.limit) });
    },

    async get(actor, id) {
      return ownLink(actor, id);
    },

    async update(actor, id, rawInput) {
      const link = await ownLink(actor, id);
      const hookPatch: Partial<{ expiresAt: number | null }> =
        rawInput.expiresAt !== undefined ? { expiresAt: rawInput.expiresAt } : {};
      await hooks.before("share:update:before", { actor, current: info(link), patch: hookPatch });
      const input: UpdateShareLinkInput = { ...rawInput, expiresAt: hookPatch.expiresAt };
      const patch: Partial<DB["share_links"]> = {};
      if (input.password !== undefined) patch.password_hash = await validPassword(input.password);
      if (input.expiresAt !== undefined) patch.expires_at = validExpiry(input.expiresAt);
      if (input.maxUses !== undefined) patch.max_uses = validMaxUses(input.maxUses);
      if (input.privacyLevel !== undefined) {
        if (!PRIVACY_LEVELS.includes(input.privacyLevel as PrivacyLevel))
          throw invalid("privacyLevel", "0, 1, 2, 4 or 8");
        if (input.privacyLevel > actorPrivacyLevel(actor))
          throw new GalleryError("FORBIDDEN", { detail: "A link may not reveal more than its editor sees." });
        patch.privacy_level = input.privacyLevel;
      }
      if (input.canDownload !== undefined) patch.can_download = input.canDownload ? 1 : 0;
      if (input.canUpload !== undefined) {
        if (input.canUpload && link.albumId === null) throw invalid("canUpload", "album links only");
        patch.can_upload = input.canUpload ? 1 : 0;
      }
      if (Object.keys(patch).length > 0) {
        await db.transaction().execute(async (trx) => {
          await trx.updateTable("share_links").set(patch).where("id", "=", id).execute();
          // A new password (or rights) ends the sessions opened under the old terms.
          if (input.password !== undefined)
            await trx.deleteFrom("share_sessions").where("share_id", "=", id).execute();
          await activity.record(
            actor,
            {
              action: "share.update",
              subjectType: "share",
              subjectId: id,
              // The field's name only, never the hash.
              data: { fields: Object.keys(patch).map((k) => (k === "password_hash" ? "password" : k)) },
            },
            trx,
          );
        });
      }
      const updated = await load(id);
      if (Object.keys(patch).length > 0)
        await hooks.after("share:update:after", { actor, previous: info(link), current: info(updated) });
      return updated;
    },

    async revoke(actor, id) {
      const link = await ownLink(actor, id);
      if (link.revokedAt !== null) return;
      await hooks.before("share:delete:before", { actor, target: info(link) });
      await db.transaction().execute(async (trx) => {
        await trx.updateTable("share_links").set({ revoked_at: Date.now() }).where("id", "=", id).execute();
        await trx.deleteFrom("share_sessions").where("share_id", "=", id).execute();
        await activity.record(actor, { action: "share.revoke", subjectType: "share", subjectId: id }, trx);
      });
      await hooks.after("share:delete:after", { actor, deleted: info(link) });
    },

    async unlock(linkToken, password) {
      const missing = new GalleryError("NOT_FOUND", { detail: "No such share link." });
      if (typeof linkToken !== "string" || !/^[a-z0-9]{16,64}$/.test(linkToken)) throw missing;
      const row = await db
        .selectFrom("share_links")
        .selectAll()
        .where("token_hash", "=", hashSecret(linkToken))
        .executeTakeFirst();
      const now = Date.now();
      if (!row || !live(row, now)) throw missing;
      if (row.max_uses !== null && Number(row.use_count) >= row.max_uses) throw missing;
      const throttleKey = `share:${row.id}`;
      if (row.password_hash !== null) {
        const throttle = await db
          .selectFrom("login_throttle")
          .select(["failures", "locked_until"])
          .where("key", "=", throttleKey)
          .executeTakeFirst();
        if (throttle && Number(throttle.locked_until) > now)
          throw new GalleryError("RATE_LIMITED", {
            data: { retryAfter: Math.ceil((Number(throttle.locked_until) - now) / 1000) },
          });
        const ok =
          typeof password === "string" &&
          password.length <= 1024 &&
          (await verifyPassword(row.password_hash, password));
        if (!ok) {
          const failed = await db
            .insertInto("login_throttle")
            .values({ key: throttleKey, failures: 1, locked_until: 0, updated_at: now })
            .onConflict((oc) =>
              oc.column("key").doUpdateSet({ failures: sql`login_throttle.failures + 1`, updated_at: now }),
            )
            .returning("failures")
            .executeTakeFirstOrThrow();
          const failures = Number(failed.failures);
          if (failures >= PASSWORD_FAILURES)
            await db
              .updateTable("login_throttle")
              .set({
                locked_until:
                  now + Math.min(15 * 60_000, 1000 * 2 ** Math.min(20, failures - PASSWORD_FAILURES)),
              })
              .where("key", "=", throttleKey)
              .execute();
          throw new GalleryError("INVALID_CREDENTIALS", { detail: "The password is wrong." });
        }
        await db.deleteFrom("login_throttle").where("key", "=", throttleKey).execute();
      } else {
        // Same work either way, so timing does not tell whether a link has a password.
        if (typeof password === "string") await verifyPassword(await dummyHash, password);
      }
      // Count the use atomically; a link at its limit refuses the unlock.
      const counted = await db
        .updateTable("share_links")
        .set({ use_count: sql`use_count + 1`, view_count: sql`view_count + 1` })
        .where("id", "=", row.id)
        .where((eb) => eb.or([eb("max_uses", "is", null), eb("use_count", "<", eb.ref("max_uses"))]))
        .executeTakeFirst();
      if (Number(counted.numUpdatedRows) === 0) throw missing;
      const sessionId = `shs_${randomSecret(10)}`;
      const secret = randomSecret();
      const expiresAt =
        row.expires_at === null
          ? now + SESSION_TTL_MS
          : Math.min(now + SESSION_TTL_MS, Number(row.expires_at));
      await db
        .insertInto("share_sessions")
        .values({
          id: sessionId,
          share_id: row.id,
          secret_hash: hashSecret(secret),
          created_at: now,
          expires_at: expiresAt,
        })
        .execute();
      return {
        token: `${sessionId}.${secret}`,
        expiresAt,
        actor: {
          kind: "share",
          shareId: row.id,
          albumId: row.album_id,
          privacyLevel: row.privacy_level as PrivacyLevel,
          canDownload: row.can_download === 1,
          canUpload: row.can_upload === 1,
        },
      };
    },

    async resolveSession(token) {
      const parsed = splitToken(token);
      if (!parsed?.id.startsWith("shs_")) return null;
      const row = await db
        .selectFrom("share_sessions as ss")
        .innerJoin("share_links as sl", "sl.id", "ss.share_id")
        .select([
          "ss.secret_hash",
          "ss.expires_at as session_expires_at",
          "sl.id",
          "sl.album_id",
          "sl.privacy_level",
          "sl.can_download",
          "sl.can_upload",
          "sl.revoked_at",
          "sl.expires_at",
        ])
        .where("ss.id", "=", parsed.id)
        .executeTakeFirst();
      if (!row || !secretMatches(row.secret_hash, parsed.secret)) return null;
      const now = Date.now();
      if (Number(row.session_expires_at) <= now || !live(row, now)) return null;
      return {
        kind: "share",
        shareId: row.id,
        albumId: row.album_id,
        privacyLevel: row.privacy_level as PrivacyLevel,
        canDownload: row.can_download === 1,
        canUpload: row.can_upload === 1,
      };
    },

    async recordView(actor) {
      await db
        .updateTable("share_links")
        .set({ view_count: sql`view_count + 1` })
        .where("id", "=", actor.shareId)
        .execute();
    },
  };
}
