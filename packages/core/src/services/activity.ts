import { type Kysely, sql } from "kysely";
import { assertAdmin } from "../access/permissions.js";
import type { Actor } from "../actor.js";
import { pruneInBatches } from "../db/prune.js";
import type { DB } from "../db/schema.js";
import { newId } from "../ids.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { Page, PageInput } from "../types.js";
import { type EventInput, recordEvent } from "./events.js";

/** Security-relevant actions recorded in the activity log. */
export type ActivityAction =
  | "auth.login"
  | "auth.login_failed"
  | "auth.logout_everywhere"
  | "auth.password_reset_requested"
  | "auth.password_reset"
  | "user.create"
  | "user.register"
  | "user.update"
  | "user.role_change"
  | "user.level_change"
  | "user.delete"
  | "user.password_change"
  | "group.create"
  | "group.update"
  | "group.delete"
  | "group.members_add"
  | "group.members_remove"
  | "grant.create"
  | "grant.revoke"
  | "token.create"
  | "token.revoke"
  | "share.create"
  | "share.update"
  | "share.revoke"
  | "settings.update";

/** One entry of the activity log. */
export interface ActivityEntry {
  id: string;
  /** Epoch ms. */
  at: number;
  action: ActivityAction;
  /** `user`, `token`, `share`, `guest` or `system`. */
  actorKind: Actor["kind"];
  /** The user behind the actor, when there is one. */
  actorUserId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  ip: string | null;
  /** Extra details (never secrets). */
  data: Record<string, unknown> | null;
}

/** What to record. */
export interface ActivityRecord {
  action: ActivityAction;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  ip?: string | undefined;
  data?: Record<string, unknown> | undefined;
}

/** The activity log of security-relevant actions (admins read it). */
export interface ActivityService {
  /**
   * Append an entry (internal; services call it). Entries that are also domain changes (users, groups, grants,
   * share links) record their event in the outbox too, through the same `executor`: pass the transaction of
   * the change so the entry and the event commit (or roll back) with it.
   */
  record(actor: Actor, entry: ActivityRecord, executor?: Kysely<DB>): Promise<void>;
  /** Newest first; admins only. */
  list(
    actor: Actor,
    input?: PageInput & { action?: ActivityAction | undefined },
  ): Promise<Page<ActivityEntry>>;
  /**
   * Delete entries older than the retention period (`identity.activityRetentionDays`), in batches; returns how
   * many. Housekeeping calls it. `now` is for tests.
   */
  purge(now?: number): Promise<number>;
}

/** @internal */
export function createActivityService(deps: { db: Kysely<DB>; retentionMs: number }): ActivityService {
  const { db, retentionMs } = deps;
  return {
    async record(actor, entry, executor = db) {
      const event = domainEvent(entry);
      if (event) await recordEvent(executor, actor, event);
      await executor
        .insertInto("activity_log")
        .values({
          id: newId(),
          at: Date.now(),
          actor_kind: actor.kind,
          actor_user_id: actor.kind === "user" || actor.kind === "token" ? actor.userId : null,
          action: entry.action,
          subject_type: entry.subjectType ?? null,
          subject_id: entry.subjectId ?? null,
          ip: entry.ip?.slice(0, 64) ?? null,
          data: entry.data ? JSON.stringify(entry.data) : null,
        })
        .execute();
    },

    async list(actor, input = {}) {
      assertAdmin(actor);
      const limit = pageLimit(input.limit);
      let query = db
        .selectFrom("activity_log")
        .selectAll()
        .orderBy("at", "desc")
        .orderBy("id", "desc")
        .limit(limit + 1);
      if (input.action) query = query.where("action", "=", input.action);
      if (input.cursor) {
        const [at, id] = decodeCursor(input.cursor, ["n", "s"]) as [number, string];
        query = query.where((eb) =>
          eb.or([eb("at", "<", at), eb.and([eb("at", "=", at), eb("id", "<", id)])]),
        );
      }
      const rows = await query.execute();
      const items = rows.slice(0, limit).map(
        (r): ActivityEntry => ({
          id: r.id,
          at: Number(r.at),
          action: r.action as ActivityAction,
          actorKind: r.actor_kind as Actor["kind"],
          actorUserId: r.actor_user_id,
          subjectType: r.subject_type,
          subjectId: r.subject_id,
          ip: r.ip,
          data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null,
        }),
      );
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.at, last.id]) : null };
    },

    purge: (now = Date.now()) =>
      pruneInBatches(db as Kysely<unknown>, "activity_log", "id", sql`at < ${now - retentionMs}`),
  };
}

/**
 * The domain event an activity entry stands for, if any. The activity log (security audit for admins: logins,
 * failures, IPs, kept for a retention period) and the events outbox (domain changes for feeds and webhooks,
 * filtered by visibility) have different audiences, so they are different tables; they share the write point.
 */
function domainEvent(entry: ActivityRecord): EventInput | undefined {
  const id = entry.subjectId ?? "";
  const data = entry.data ?? {};
  switch (entry.action) {
    case "user.create":
    case "user.register":
      return { type: "user.created", subjectType: "user", subjectId: id, data };
    case "user.update":
      return { type: "user.updated", subjectType: "user", subjectId: id, data };
    case "user.password_change":
    case "auth.password_reset":
      return {
        type: "user.updated",
        subjectType: "user",
        subjectId: id,
        data: { fields: Array.isArray(data.fields) ? data.fields : ["password"] },
      };
    case "user.delete":
      return { type: "user.deleted", subjectType: "user", subjectId: id, data };
    case "group.create":
      return { type: "group.created", subjectType: "group", subjectId: id, data };
    case "group.update":
    case "group.members_add":
    case "group.members_remove":
      return {
        type: "group.updated",
        subjectType: "group",
        subjectId: id,
        data: { change: entry.action.slice("group.".length), ...data },
      };
    case "group.delete":
      return { type: "group.deleted", subjectType: "group", subjectId: id, data };
    case "grant.create":
    case "grant.revoke":
      return {
        type:
          entry.action === "grant.revoke"
            ? "grant.revoked"
            : data.previousRole !== undefined
              ? "grant.updated"
              : "grant.created",
        subjectType: "grant",
        subjectId: typeof data.grantId === "string" ? data.grantId : id,
        data: { albumId: id, ...data },
      };
    case "share.create":
      return { type: "share.created", subjectType: "share", subjectId: id, data };
    case "share.update":
      return { type: "share.updated", subjectType: "share", subjectId: id, data };
    case "share.revoke":
      return { type: "share.revoked", subjectType: "share", subjectId: id, data };
    default:
      return undefined;
  }
}
