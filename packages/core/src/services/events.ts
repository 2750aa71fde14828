import { type Kysely, type SqlBool, sql } from "kysely";
import { requireScope } from "../access/permissions.js";
import { albumViewable, photoColumns, photoVisible } from "../access/visibility.js";
import { type Actor, actorUserId, hasAdminView, tokenHasScope } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import { newId } from "../ids.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { DatabaseKind } from "../ports/database.js";

/**
 * Every event type the outbox records. Album membership changes are recorded once per photo
 * (`album.photos.added` / `album.photos.removed`, with both the album and the photo as subjects), so an event
 * never names a photo its reader may not see.
 */
export const EVENT_TYPES = [
  "photo.created",
  "photo.updated",
  "photo.deleted",
  "photo.tagged",
  "photo.untagged",
  "album.created",
  "album.updated",
  "album.moved",
  "album.deleted",
  "album.photos.added",
  "album.photos.removed",
  "tag.created",
  "tag.updated",
  "tag.deleted",
  "share.created",
  "share.updated",
  "share.revoked",
  "derivatives.ready",
  "user.created",
  "user.updated",
  "user.deleted",
  "group.created",
  "group.updated",
  "group.deleted",
  "grant.created",
  "grant.updated",
  "grant.revoked",
] as const;

/** A type of domain event. */
export type EventType = (typeof EVENT_TYPES)[number];

/** Event types only admins (and admins' webhooks) receive: they are about people and rights, not pictures. */
const ADMIN_ONLY_SUBJECTS = ["user", "group", "grant", "tag", "share"] as const;

/** What a subject of an event is. */
export type EventSubjectType = "photo" | "album" | "tag" | "share" | "user" | "group" | "grant";

/** One domain event, as the feed and webhooks show it. */
export interface GalleryEvent {
  /** Unique id (a ULID); also the `webhook-id` of its webhook deliveries. */
  id: string;
  type: EventType;
  /** Epoch ms. */
  occurredAt: number;
  /** Who made the change. */
  actor: { kind: Actor["kind"]; userId: string | null };
  subjectType: EventSubjectType;
  subjectId: string;
  /** The photo the event is about, when there is one (visibility is checked on it). */
  photoId: string | null;
  /** The album the event is about, when there is one (visibility is checked on it). */
  albumId: string | null;
  /** Ids and changed fields; never secrets. */
  data: Record<string, unknown>;
}

/** What a service records. */
export interface EventInput {
  type: EventType;
  subjectType: EventSubjectType;
  subjectId: string;
  photoId?: string | null | undefined;
  albumId?: string | null | undefined;
  /**
   * The user who owned the subject (a photo's uploader, an album's owner): after a deletion, when the
   * subject cannot be checked any more, they (and admins) still see the event.
   */
  ownerUserId?: string | null | undefined;
  /** Ids and changed fields (JSON-safe; never secrets). */
  data?: Record<string, unknown> | undefined;
}

/** Filter and page of {@link EventService.list}. */
export interface EventListInput {
  /** `nextCursor` or `pollCursor` of a previous call; omitted = from the oldest event kept. */
  cursor?: string | undefined;
  /** Page size. @default 50 (at most 200) */
  limit?: number | undefined;
  /** Only these types; `photo.*` matches every type under `photo.`. */
  types?: readonly string[] | undefined;
}

/** A page of the event feed (oldest first). */
export interface EventPage {
  items: GalleryEvent[];
  /** Cursor of the next page, or null when nothing more is available now. */
  nextCursor: string | null;
  /** Where to resume polling later (always set; equals `nextCursor` when there is one). */
  pollCursor: string;
}

/** The event outbox: every domain change, in commit order, filtered by what the reader may see. */
export interface EventService {
  /**
   * Events after `cursor`, oldest first, that the actor may see now: an event about a photo or album is shown
   * only while the actor may view it (both, for album membership events); deletions to admins and the
   * subject's owner; user, group, grant, tag and share events to admins (an admin's token also needs
   * `users:admin`). Tokens need `events:read`; share links may not read the feed.
   */
  list(actor: Actor, input?: EventListInput): Promise<EventPage>;
  /**
   * Record an event. Pass the transaction of the change as `executor` so the event exists exactly when the
   * change commits. Returns the event id.
   */
  record(actor: Actor, input: EventInput, executor?: Kysely<DB>): Promise<string>;
  /** Give positions to committed events that have none yet (reading the feed calls it; idempotent). */
  sequence(): Promise<number>;
}

/** Name of the job that delivers one webhook delivery. */
export const WEBHOOK_DELIVER_JOB = "webhooks:deliver";
/**
 * Queue-level attempts of one delivery job: the handler schedules the next HTTP attempt itself (its own retry
 * schedule) and never throws for a failed request, so these only cover crashes and database errors.
 */
const DELIVER_MAX_ATTEMPTS = 5;

/**
 * The Standard Webhooks body for an event: `{ type, timestamp, data }` where `data` is the event as the feed
 * shows it (without `type` and `occurredAt`, which are the envelope's).
 */
export function eventBody(event: GalleryEvent): string {
  return JSON.stringify({
    type: event.type,
    timestamp: new Date(event.occurredAt).toISOString(),
    data: {
      id: event.id,
      actor: event.actor,
      subjectType: event.subjectType,
      subjectId: event.subjectId,
      photoId: event.photoId,
      albumId: event.albumId,
      data: event.data,
    },
  });
}

/** Whether `type` matches a filter of exact types and `prefix.*` patterns (`null` or empty = everything). */
export function eventTypeMatches(filters: readonly string[] | null, type: string): boolean {
  if (filters === null || filters.length === 0) return true;
  return filters.some((f) => (f.endsWith(".*") ? type.startsWith(f.slice(0, -1)) : f === type));
}

/** Whether a filter entry names a known type or a prefix of some (`photo.*`, `album.photos.*`). */
export function isEventTypeFilter(filter: string): boolean {
  if (filter.endsWith(".*")) {
    const prefix = filter.slice(0, -1);
    return EVENT_TYPES.some((t) => t.startsWith(prefix));
  }
  return (EVENT_TYPES as readonly string[]).includes(filter);
}

/**
 * Insert an event (and, when webhooks subscribe to it, their pending deliveries and delivery jobs) through
 * `executor`: pass the transaction of the change, so all of it commits or rolls back with the change.
 * @internal
 */
export async function recordEvent(executor: Kysely<DB>, actor: Actor, input: EventInput): Promise<string> {
  const id = newId();
  const now = Date.now();
  const actorInfo = { kind: actor.kind, userId: actorUserId(actor) ?? null };
  const data = input.data ?? {};
  await executor
    .insertInto("events")
    .values({
      id,
      position: null,
      type: input.type,
      occurred_at: now,
      actor_kind: actor.kind,
      actor_user_id: actorInfo.userId,
      subject_type: input.subjectType,
      subject_id: input.subjectId,
      photo_id: input.photoId ?? null,
      album_id: input.albumId ?? null,
      owner_user_id: input.ownerUserId ?? null,
      payload: JSON.stringify(data),
    })
    .execute();

  // Deliveries are only made for owners who could receive the event: an active account, and an admin for
  // admin-only subjects (a member's delivery log never lists them, even before the delivery-time check).
  const adminOnly = (ADMIN_ONLY_SUBJECTS as readonly string[]).includes(input.subjectType);
  const hooks = await executor
    .selectFrom("webhooks as w")
    .innerJoin("users as u", "u.id", "w.user_id")
    .select(["w.id", "w.event_types"])
    .where("w.enabled", "=", 1)
    .where("u.status", "=", "active")
    .$if(adminOnly, (qb) => qb.where("u.role", "in", ["owner", "admin"]))
    .execute();
  const matching = hooks.filter((h) =>
    eventTypeMatches(h.event_types ? (JSON.parse(h.event_types) as string[]) : null, input.type),
  );
  if (matching.length === 0) return id;
  const body = eventBody({
    id,
    type: input.type,
    occurredAt: now,
    actor: actorInfo,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    photoId: input.photoId ?? null,
    albumId: input.albumId ?? null,
    data,
  });
  for (const hook of matching) {
    const deliveryId = newId();
    await executor
      .insertInto("webhook_deliveries")
      .values({
        id: deliveryId,
        webhook_id: hook.id,
        event_id: id,
        message_id: id,
        event_type: input.type,
        body,
        status: "pending",
        attempts: 0,
        response_status: null,
        response_body: null,
        duration_ms: null,
        last_error: null,
        created_at: now,
        updated_at: now,
        delivered_at: null,
      })
      .execute();
    await insertDeliverJob(executor, deliveryId, now);
  }
  return id;
}

/** Queue the delivery job inside the caller's transaction (the queue sees it when the change commits). */
export async function insertDeliverJob(executor: Kysely<DB>, deliveryId: string, now: number): Promise<void> {
  await executor
    .insertInto("jobs")
    .values({
      id: newId(),
      type: WEBHOOK_DELIVER_JOB,
      payload: JSON.stringify({ deliveryId }),
      status: "pending",
      dedupe_key: null,
      attempts: 0,
      max_attempts: DELIVER_MAX_ATTEMPTS,
      run_at: now,
      locked_by: null,
      locked_until: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

const SEQUENCE_BATCH = 500;
// Any constant: the advisory lock that serialises sequencers across PostgreSQL processes.
const SEQUENCER_LOCK = 7_302_118_008;

/**
 * Give positions, in commit order, to events that have none. Sequencers run one at a time (an advisory lock on
 * PostgreSQL; SQLite has one writer) and each only sees committed rows, so every position it hands out is
 * larger than every position handed out before: a reader that has read up to position P will find any event
 * committed later above P. (Numbering events at insert time instead would let a transaction that took a
 * number first but committed last land *below* a cursor a reader already passed.)
 */
async function sequenceEvents(db: Kysely<DB>, kind: DatabaseKind): Promise<number> {
  const pending = await db.selectFrom("events").select("id").where("position", "is", null).limit(1).execute();
  if (pending.length === 0) return 0;
  // Read committed (whatever the server's default): each statement after the lock must see what the previous
  // sequencer committed while this one waited, which a snapshot taken before the lock would not.
  const transaction =
    kind === "postgres" ? db.transaction().setIsolationLevel("read committed") : db.transaction();
  return transaction.execute(async (trx) => {
    if (kind === "postgres") await sql`select pg_advisory_xact_lock(${SEQUENCER_LOCK})`.execute(trx);
    let total = 0;
    for (;;) {
      const rows = await trx
        .selectFrom("events")
        .select("id")
        .where("position", "is", null)
        .orderBy("occurred_at")
        .orderBy("id")
        .limit(SEQUENCE_BATCH)
        .execute();
      if (rows.length === 0) return total;
      const top = await trx
        .selectFrom("events")
        .select((eb) => eb.fn.max("position").as("max"))
        .executeTakeFirst();
      const base = Number(top?.max ?? 0);
      const cases = sql.join(
        rows.map((r, i) => sql`when ${r.id} then ${base + i + 1}`),
        sql` `,
      );
      await trx
        .updateTable("events")
        .set({ position: sql<number>`cast(case id ${cases} end as bigint)` })
        .where(
          "id",
          "in",
          rows.map((r) => r.id),
        )
        .where("position", "is", null)
        .execute();
      total += rows.length;
      if (rows.length < SEQUENCE_BATCH) return total;
    }
  });
}

const ADMIN_ONLY_SQL = sql.join(ADMIN_ONLY_SUBJECTS.map((s) => sql`${s}`));

/**
 * How much of the feed the actor sees: `all` (admins), `pictures` (every photo and album event but not those
 * about people and rights: an admin's token without `users:admin`, which could not list users either), or
 * `filtered` (the visibility rule, {@link eventVisible}).
 */
function feedView(actor: Actor): "all" | "pictures" | "filtered" {
  if (!hasAdminView(actor)) return "filtered";
  if (actor.kind !== "token") return "all";
  if (actor.albumIds !== null) return "filtered";
  return tokenHasScope(actor, "users:admin") ? "all" : "pictures";
}

/** The condition on events (alias `e`) that the actor may see, or undefined for everything. */
function visibleEvents(actor: Actor): ReturnType<typeof sql<SqlBool>> | undefined {
  const view = feedView(actor);
  if (view === "all") return undefined;
  if (view === "pictures") return sql<SqlBool>`e.subject_type not in (${ADMIN_ONLY_SQL})`;
  return eventVisible(actor);
}

/**
 * The visibility condition of events (alias `e`) for a non-admin reader: one SQL expression built from the
 * same fragments as every other listing.
 */
function eventVisible(actor: Actor): ReturnType<typeof sql<SqlBool>> {
  const photo = sql<SqlBool>`exists (select 1 from photos ep where ep.id = e.photo_id and ${photoVisible(actor, photoColumns("ep"))})`;
  const album = sql<SqlBool>`exists (select 1 from albums ea where ea.id = e.album_id and ${albumViewable(actor, sql.ref("e.album_id"))})`;
  const userId = actorUserId(actor);
  const owner =
    userId === undefined
      ? sql<SqlBool>`1 = 0`
      : sql<SqlBool>`(e.type in ('photo.deleted', 'album.deleted') and e.owner_user_id = ${userId})`;
  return sql<SqlBool>`(e.subject_type not in (${ADMIN_ONLY_SQL}) and ((e.photo_id is not null and ${photo} and (e.album_id is null or ${album})) or (e.photo_id is null and e.album_id is not null and ${album}) or ${owner}))`;
}

/**
 * Whether the actor may see the event now (the feed's rule, for one event): webhook deliveries check it at
 * delivery time. @internal
 */
export async function eventVisibleTo(db: Kysely<DB>, actor: Actor, eventId: string): Promise<boolean> {
  let query = db.selectFrom("events as e").select("e.id").where("e.id", "=", eventId);
  const visible = visibleEvents(actor);
  if (visible) query = query.where(visible);
  return (await query.executeTakeFirst()) !== undefined;
}

/** @internal */
export function createEventService(deps: { db: Kysely<DB>; kind: DatabaseKind }): EventService {
  const { db, kind } = deps;
  return {
    async record(actor, input, executor) {
      return recordEvent(executor ?? db, actor, input);
    },

    sequence() {
      return sequenceEvents(db, kind);
    },

    async list(actor, input = {}) {
      if (actor.kind === "share")
        throw new GalleryError("FORBIDDEN", { detail: "Share links have no feed." });
      requireScope(actor, "events:read");
      const limit = pageLimit(input.limit);
      const after = input.cursor === undefined ? 0 : (decodeCursor(input.cursor, ["n"])[0] as number);
      const types = input.types ?? [];
      for (const t of types) {
        if (!isEventTypeFilter(t)) {
          throw new GalleryError("VALIDATION_FAILED", {
            detail: `Unknown event type "${t}".`,
            errors: [{ path: "types", message: "unknown event type", code: "invalid_value" }],
          });
        }
      }
      await sequenceEvents(db, kind);
      // The ceiling is read first: rows sequenced after it wait for the next call, so `pollCursor` never
      // passes an event this call did not consider.
      const top = await db
        .selectFrom("events")
        .select((eb) => eb.fn.max("position").as("max"))
        .executeTakeFirst();
      const ceiling = Number(top?.max ?? 0);
      let query = db
        .selectFrom("events as e")
        .selectAll("e")
        .where("e.position", ">", after)
        .where("e.position", "<=", ceiling)
        .orderBy("e.position")
        .limit(limit + 1);
      const visible = visibleEvents(actor);
      if (visible) query = query.where(visible);
      if (types.length > 0) {
        query = query.where((eb) =>
          eb.or(
            types.map((t) =>
              t.endsWith(".*") ? eb("e.type", "like", `${t.slice(0, -1)}%`) : eb("e.type", "=", t),
            ),
          ),
        );
      }
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const items = page.map(
        (r): GalleryEvent => ({
          id: r.id,
          type: r.type as EventType,
          occurredAt: Number(r.occurred_at),
          actor: { kind: r.actor_kind as Actor["kind"], userId: r.actor_user_id },
          subjectType: r.subject_type as EventSubjectType,
          subjectId: r.subject_id,
          photoId: r.photo_id,
          albumId: r.album_id,
          data: JSON.parse(r.payload) as Record<string, unknown>,
        }),
      );
      const last = page.at(-1);
      const more = rows.length > limit && last !== undefined;
      const nextCursor = more ? encodeCursor([Number(last.position)]) : null;
      return { items, nextCursor, pollCursor: nextCursor ?? encodeCursor([Math.max(after, ceiling)]) };
    },
  };
}
