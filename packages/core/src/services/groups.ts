import type { Kysely } from "kysely";
import { assertUserAdmin } from "../access/permissions.js";
import type { Actor } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { GroupInfo } from "../hook-contexts.js";
import type { HookBus } from "../hooks.js";
import { newId } from "../ids.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { DatabaseAdapter } from "../ports/database.js";
import type { Page, PageInput } from "../types.js";
import type { ActivityService } from "./activity.js";

/** A group of users. Grants to a group reach every member. */
export interface Group {
  id: string;
  name: string;
  /** New users join default groups at registration. */
  isDefault: boolean;
  memberCount: number;
  createdAt: number;
}

/** Groups and memberships; admins only (tokens need `users:admin`). */
export interface GroupService {
  /** Groups by name. */
  list(actor: Actor, input?: PageInput): Promise<Page<Group>>;
  /** One group. */
  get(actor: Actor, id: string): Promise<Group>;
  /** Create a group (names are unique, 1–100 characters). */
  create(actor: Actor, input: { name: string; isDefault?: boolean | undefined }): Promise<Group>;
  /** Rename a group or change whether it is a default group. */
  update(
    actor: Actor,
    id: string,
    input: { name?: string | undefined; isDefault?: boolean | undefined },
  ): Promise<Group>;
  /** Delete a group (its grants and memberships go with it). */
  delete(actor: Actor, id: string): Promise<void>;
  /** Ids of the group's members. */
  members(actor: Actor, id: string): Promise<string[]>;
  /** Add users to a group (already-members are ignored); unknown users answer `NOT_FOUND`. */
  addMembers(actor: Actor, id: string, userIds: readonly string[]): Promise<Group>;
  /** Remove users from a group. */
  removeMembers(actor: Actor, id: string, userIds: readonly string[]): Promise<Group>;
  /** Ids of the default groups. @internal */
  defaultGroupIds(): Promise<string[]>;
}

function validName(name: unknown): string {
  const trimmed = typeof name === "string" ? name.trim() : "";
  if (trimmed.length < 1 || trimmed.length > 100)
    throw new GalleryError("VALIDATION_FAILED", { errors: [{ path: "name", message: "1–100 characters" }] });
  return trimmed;
}

function validIds(ids: readonly string[]): string[] {
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 500 || ids.some((i) => typeof i !== "string"))
    throw new GalleryError("VALIDATION_FAILED", { errors: [{ path: "userIds", message: "1–500 user ids" }] });
  return [...new Set(ids)];
}

/** @internal */
export function createGroupService(deps: {
  db: Kysely<DB>;
  adapter: DatabaseAdapter;
  activity: ActivityService;
  hooks: HookBus;
}): GroupService {
  const { db, adapter, activity, hooks } = deps;
  const info = (g: Group): GroupInfo => ({ id: g.id, name: g.name });
  type GroupPatch = Partial<{ name: string; addUserIds: string[]; removeUserIds: string[] }>;
  /** Run `group:update:before`; returns the group before the change and the (possibly changed) patch. */
  async function beforeUpdate(actor: Actor, id: string, patch: GroupPatch): Promise<[Group, GroupPatch]> {
    const current = await load(id);
    await hooks.before("group:update:before", { actor, current: info(current), patch });
    return [current, patch];
  }

  function select() {
    return db
      .selectFrom("groups as g")
      .select(["g.id", "g.name", "g.is_default", "g.created_at"])
      .select((eb) =>
        eb
          .selectFrom("group_members as m")
          .select((e) => e.fn.countAll<number>().as("n"))
          .whereRef("m.group_id", "=", "g.id")
          .as("member_count"),
      );
  }
  type Row = {
    id: string;
    name: string;
    is_default: number;
    created_at: number;
    member_count: number | null;
  };
  const toGroup = (r: Row): Group => ({
    id: r.id,
    name: r.name,
    isDefault: r.is_default === 1,
    memberCount: Number(r.member_count ?? 0),
    createdAt: Number(r.created_at),
  });

  async function load(id: string): Promise<Group> {
    const row = await select().where("g.id", "=", id).executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such group." });
    return toGroup(row);
  }

  async function unique<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (adapter.classifyError(error) === "unique")
        throw new GalleryError("ALREADY_EXISTS", {
          detail: "That group name is taken.",
          data: { field: "name" },
        });
      throw error;
    }
  }

  return {
    async list(actor, input = {}) {
      assertUserAdmin(actor);
      const limit = pageLimit(input.limit);
      let query = select()
        .orderBy("g.name")
        .orderBy("g.id")
        .limit(limit + 1);
      if (input.cursor) {
        const [name, id] = decodeCursor(input.cursor, ["s", "s"]) as [string, string];
        query = query.where((eb) =>
          eb.or([eb("g.name", ">", name), eb.and([eb("g.name", "=", name), eb("g.id", ">", id)])]),
        );
      }
      const rows = await query.execute();
      const items = rows.slice(0, limit).map(toGroup);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.name, last.id]) : null };
    },

    async get(actor, id) {
      assertUserAdmin(actor);
      return load(id);
    },

    async create(actor, input) {
      assertUserAdmin(actor);
      const fields = { name: validName(input.name) };
      await hooks.before("group:create:before", { actor, fields });
      const name = validName(fields.name);
      const now = Date.now();
      const id = newId();
      await unique(() =>
        db.transaction().execute(async (trx) => {
          await trx
            .insertInto("groups")
            .values({ id, name, is_default: input.isDefault ? 1 : 0, created_at: now, updated_at: now })
            .execute();
          await activity.record(
            actor,
            { action: "group.create", subjectType: "group", subjectId: id, data: { name } },
            trx,
          );
        }),
      );
      const group = await load(id);
      await hooks.after("group:create:after", { actor, group: info(group) });
      return group;
    },

    async update(actor, id, input) {
      assertUserAdmin(actor);
      const [previous, hookPatch] = await beforeUpdate(
        actor,
        id,
        input.name !== undefined ? { name: input.name } : {},
      );
      const patch: { name?: string; is_default?: number; updated_at: number } = { updated_at: Date.now() };
      if (hookPatch.name !== undefined) patch.name = validName(hookPatch.name);
      if (input.isDefault !== undefined) patch.is_default = input.isDefault ? 1 : 0;
      await unique(() =>
        db.transaction().execute(async (trx) => {
          await trx.updateTable("groups").set(patch).where("id", "=", id).execute();
          await activity.record(actor, { action: "group.update", subjectType: "group", subjectId: id }, trx);
        }),
      );
      const group = await load(id);
      await hooks.after("group:update:after", { actor, previous: info(previous), current: info(group) });
      return group;
    },

    async delete(actor, id) {
      assertUserAdmin(actor);
      const target = info(await load(id));
      await hooks.before("group:delete:before", { actor, target });
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("groups").where("id", "=", id).execute();
        await activity.record(actor, { action: "group.delete", subjectType: "group", subjectId: id }, trx);
      });
      await hooks.after("group:delete:after", { actor, deleted: target });
    },

    async members(actor, id) {
      assertUserAdmin(actor);
      await load(id);
      const rows = await db
        .selectFrom("group_members")
        .select("user_id")
        .where("group_id", "=", id)
        .orderBy("user_id")
        .execute();
      return rows.map((r) => r.user_id);
    },

    async addMembers(actor, id, userIds) {
      assertUserAdmin(actor);
      const [previous, hookPatch] = await beforeUpdate(actor, id, { addUserIds: validIds(userIds) });
      const ids = validIds(hookPatch.addUserIds ?? []);
      const known = await db.selectFrom("users").select("id").where("id", "in", ids).execute();
      if (known.length !== ids.length) throw new GalleryError("NOT_FOUND", { detail: "No such user." });
      const now = Date.now();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("group_members")
          .values(ids.map((userId) => ({ group_id: id, user_id: userId, added_at: now })))
          .onConflict((oc) => oc.columns(["group_id", "user_id"]).doNothing())
          .execute();
        await activity.record(
          actor,
          { action: "group.members_add", subjectType: "group", subjectId: id, data: { userIds: ids } },
          trx,
        );
      });
      const group = await load(id);
      await hooks.after("group:update:after", { actor, previous: info(previous), current: info(group) });
      return group;
    },

    async removeMembers(actor, id, userIds) {
      assertUserAdmin(actor);
      const [previous, hookPatch] = await beforeUpdate(actor, id, { removeUserIds: validIds(userIds) });
      const ids = validIds(hookPatch.removeUserIds ?? []);
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom("group_members")
          .where("group_id", "=", id)
          .where("user_id", "in", ids)
          .execute();
        await activity.record(
          actor,
          { action: "group.members_remove", subjectType: "group", subjectId: id, data: { userIds: ids } },
          trx,
        );
      });
      const group = await load(id);
      await hooks.after("group:update:after", { actor, previous: info(previous), current: info(group) });
      return group;
    },

    async defaultGroupIds() {
      const rows = await db.selectFrom("groups").select("id").where("is_default", "=", 1).execute();
      return rows.map((r) => r.id);
    },
  };
}
