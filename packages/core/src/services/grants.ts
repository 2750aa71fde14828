import type { Kysely } from "kysely";
import {
  accessAtLeast,
  albumAccess,
  assertCanEditPhoto,
  assertCanManageAlbum,
  type GrantRole,
  managedAlbumIds,
} from "../access/permissions.js";
import type { Actor } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { GrantInfo } from "../hook-contexts.js";
import type { HookBus } from "../hooks.js";
import { newId } from "../ids.js";
import type { ActivityService } from "./activity.js";

/** A grant of a role on an album (and its subtree) to a user or a group. */
export interface AlbumGrant {
  id: string;
  albumId: string;
  /** Exactly one of `userId` and `groupId` is set. */
  userId: string | null;
  groupId: string | null;
  role: GrantRole;
  createdAt: number;
}

/** Input of {@link AccessService.grant}: a user or a group (by id, or by username / group name), and a role. */
export interface GrantInput {
  userId?: string | undefined;
  groupId?: string | undefined;
  /** The user by username, instead of `userId` (how the admin pages name a grantee). */
  username?: string | undefined;
  /** The group by name, instead of `groupId`. */
  groupName?: string | undefined;
  role: GrantRole;
}

/** A grant with the name of its user or group, as the album manager lists it. */
export interface NamedAlbumGrant extends AlbumGrant {
  /** The user's username or the group's name. */
  subjectName: string;
}

/**
 * Album grants. Managers of an album (and admins) list, grant and revoke; nobody grants a role stronger than
 * their own on the album (a token also needs `albums:write`). Granting only writes one row: visibility is
 * evaluated from the indexed tables at query time, so nothing is rebuilt and uploads are never blocked.
 */
export interface AccessService {
  /** Grants made directly on the album. */
  listAlbumGrants(actor: Actor, albumId: string): Promise<AlbumGrant[]>;
  /** Grant (or change) a role on the album to a user or a group. */
  grant(actor: Actor, albumId: string, input: GrantInput): Promise<AlbumGrant>;
  /** Revoke a grant of the album. */
  revoke(actor: Actor, albumId: string, grantId: string): Promise<void>;
  /** {@link AccessService.listAlbumGrants} with each grantee's username or group name (managers of the album). */
  listNamedAlbumGrants(actor: Actor, albumId: string): Promise<NamedAlbumGrant[]>;
  /**
   * The albums the actor may manage: `"all"` for admins, else the albums under its `manager` grants with their
   * sub-albums (empty for everyone else). The admin pages use it to decide who may open them.
   */
  managedAlbums(actor: Actor): Promise<"all" | string[]>;
  /**
   * Whether the actor may edit or delete the photo (admins, its uploader, a manager of an album holding it):
   * the rule every photo write applies, asked without writing. False also when the actor cannot see it.
   */
  canEditPhoto(actor: Actor, photoId: string): Promise<boolean>;
}

const ROLES: readonly GrantRole[] = ["viewer", "contributor", "manager"];

/** @internal */
export function createAccessService(deps: {
  db: Kysely<DB>;
  activity: ActivityService;
  hooks: HookBus;
}): AccessService {
  const { db, activity, hooks } = deps;
  const checkRole = (role: string) => {
    if (!ROLES.includes(role as GrantRole))
      throw new GalleryError("VALIDATION_FAILED", {
        errors: [{ path: "role", message: "viewer, contributor or manager" }],
      });
  };
  const toGrant = (r: DB["album_grants"]): AlbumGrant => ({
    id: r.id,
    albumId: r.album_id,
    userId: r.user_id,
    groupId: r.group_id,
    role: r.role,
    createdAt: Number(r.created_at),
  });

  /** Turn a username or group name into its id (unknown names answer `NOT_FOUND`, as unknown ids do). */
  async function resolveNames(input: GrantInput): Promise<GrantInput> {
    const { username, groupName, ...rest } = input;
    if (username === undefined && groupName === undefined) return rest;
    if ([username, groupName, input.userId, input.groupId].filter((v) => v !== undefined).length !== 1)
      throw new GalleryError("VALIDATION_FAILED", {
        errors: [{ path: "userId", message: "exactly one of userId, groupId, username and groupName" }],
      });
    if (username !== undefined) {
      const row = await db
        .selectFrom("users")
        .select("id")
        .where("username", "=", String(username).trim().toLowerCase())
        .executeTakeFirst();
      if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such user." });
      return { ...rest, userId: row.id };
    }
    const row = await db
      .selectFrom("groups")
      .select("id")
      .where("name", "=", String(groupName).trim())
      .executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such group." });
    return { ...rest, groupId: row.id };
  }

  return {
    async managedAlbums(actor) {
      return managedAlbumIds(db, actor);
    },

    async canEditPhoto(actor, photoId) {
      try {
        await assertCanEditPhoto(db, actor, photoId);
        return true;
      } catch (error) {
        if (error instanceof GalleryError && error.code !== "INTERNAL") return false;
        throw error;
      }
    },

    async listNamedAlbumGrants(actor, albumId) {
      await assertCanManageAlbum(db, actor, albumId);
      const rows = await db
        .selectFrom("album_grants as g")
        .leftJoin("users as u", "u.id", "g.user_id")
        .leftJoin("groups as gr", "gr.id", "g.group_id")
        .selectAll("g")
        .select(["u.username", "gr.name as group_name"])
        .where("g.album_id", "=", albumId)
        .orderBy("g.created_at")
        .orderBy("g.id")
        .execute();
      return rows.map((r) => ({
        ...toGrant(r),
        subjectName: r.username ?? r.group_name ?? "",
      }));
    },

    async listAlbumGrants(actor, albumId) {
      await assertCanManageAlbum(db, actor, albumId);
      const rows = await db
        .selectFrom("album_grants")
        .selectAll()
        .where("album_id", "=", albumId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map(toGrant);
    },

    async grant(actor, albumId, rawInput) {
      await assertCanManageAlbum(db, actor, albumId);
      checkRole(rawInput.role);
      const input = await resolveNames(rawInput);
      const hasUser = typeof input.userId === "string";
      const hasGroup = typeof input.groupId === "string";
      if (hasUser === hasGroup)
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "userId", message: "exactly one of userId and groupId" }],
        });
      const grantee = hasUser
        ? await db
            .selectFrom("users")
            .select("id")
            .where("id", "=", input.userId as string)
            .executeTakeFirst()
        : await db
            .selectFrom("groups")
            .select("id")
            .where("id", "=", input.groupId as string)
            .executeTakeFirst();
      if (!grantee)
        throw new GalleryError("NOT_FOUND", { detail: hasUser ? "No such user." : "No such group." });
      const now = Date.now();
      const existing = await db
        .selectFrom("album_grants")
        .selectAll()
        .where("album_id", "=", albumId)
        .where(hasUser ? "user_id" : "group_id", "=", grantee.id)
        .executeTakeFirst();
      const subject: GrantInfo["subject"] = { kind: hasUser ? "user" : "group", id: grantee.id };
      let role = input.role;
      let previous: GrantInfo | undefined;
      if (existing) {
        previous = grantInfo(existing);
        const patch: Partial<{ role: GrantRole }> = { role };
        await hooks.before("grant:update:before", { actor, current: previous, patch });
        role = patch.role ?? existing.role;
      } else {
        const fields: GrantInfo = { albumId, subject, role };
        await hooks.before("grant:create:before", { actor, fields });
        role = fields.role;
      }
      checkRole(role);
      // Never grant more than one holds (checked after the hooks, which may have changed the role).
      if (!accessAtLeast(await albumAccess(db, actor, albumId), role))
        throw new GalleryError("FORBIDDEN", { detail: "You may not grant a role stronger than yours." });
      let row: DB["album_grants"];
      const write = async (trx: Kysely<DB>) => {
        if (existing)
          await trx.updateTable("album_grants").set({ role }).where("id", "=", existing.id).execute();
        else await trx.insertInto("album_grants").values(row).execute();
        await activity.record(
          actor,
          {
            action: "grant.create",
            subjectType: "album",
            subjectId: albumId,
            data: {
              grantId: row.id,
              userId: row.user_id,
              groupId: row.group_id,
              role: row.role,
              ...(existing ? { previousRole: existing.role } : {}),
            },
          },
          trx,
        );
      };
      if (existing) {
        row = { ...existing, role };
      } else {
        row = {
          id: newId(),
          album_id: albumId,
          user_id: hasUser ? grantee.id : null,
          group_id: hasGroup ? grantee.id : null,
          role,
          granted_by: actor.kind === "user" || actor.kind === "token" ? actor.userId : null,
          created_at: now,
        };
      }
      await db.transaction().execute(write);
      if (previous) await hooks.after("grant:update:after", { actor, previous, current: grantInfo(row) });
      else await hooks.after("grant:create:after", { actor, grant: grantInfo(row) });
      return toGrant(row);
    },

    async revoke(actor, albumId, grantId) {
      await assertCanManageAlbum(db, actor, albumId);
      const row = await db
        .selectFrom("album_grants")
        .selectAll()
        .where("id", "=", grantId)
        .where("album_id", "=", albumId)
        .executeTakeFirst();
      if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such grant." });
      if (!accessAtLeast(await albumAccess(db, actor, albumId), row.role))
        throw new GalleryError("FORBIDDEN", { detail: "You may not revoke a role stronger than yours." });
      await hooks.before("grant:delete:before", { actor, target: grantInfo(row) });
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("album_grants").where("id", "=", grantId).execute();
        await activity.record(
          actor,
          {
            action: "grant.revoke",
            subjectType: "album",
            subjectId: albumId,
            data: { grantId, userId: row.user_id, groupId: row.group_id, role: row.role },
          },
          trx,
        );
      });
      await hooks.after("grant:delete:after", { actor, deleted: grantInfo(row) });
    },
  };
}

/** A grant row as hooks see it. */
function grantInfo(r: DB["album_grants"]): GrantInfo {
  return {
    albumId: r.album_id,
    subject: r.user_id !== null ? { kind: "user", id: r.user_id } : { kind: "group", id: r.group_id ?? "" },
    role: r.role,
  };
}
