import type { Kysely, Selectable } from "kysely";
import { requireScope } from "../access/permissions.js";
import { type Actor, actorUserId, hasAdminView } from "../actor.js";
import type { DB, WebhookDeliveriesTable, WebhooksTable } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import { newId } from "../ids.js";
import type { Logger } from "../logger.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { JobQueue } from "../ports/jobs.js";
import type { Page, PageInput } from "../types.js";
import { type SendOptions, type SendResult, sendWebhook } from "../webhooks/send.js";
import { newWebhookSecret, type SecretBox, signWebhook } from "../webhooks/signing.js";
import { type OutboundPolicy, parseWebhookUrl, resolveTarget } from "../webhooks/ssrf.js";
import { toUserActor } from "./auth.js";
import { eventVisibleTo, insertDeliverJob, isEventTypeFilter, WEBHOOK_DELIVER_JOB } from "./events.js";

/** A webhook subscription (its secret is shown once, at creation). */
export interface Webhook {
  id: string;
  /** The user it belongs to: deliveries only carry events this user may see at delivery time. */
  userId: string;
  url: string;
  description: string;
  /** Event types or `prefix.*` patterns; null for every event. */
  eventTypes: string[] | null;
  enabled: boolean;
  /** Why it was disabled (e.g. automatically after repeated failures), when it is. */
  disabledReason: string | null;
  /** Failed attempts since the last success. */
  consecutiveFailures: number;
  createdAt: number;
  updatedAt: number;
}

/** One entry of the delivery log. */
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  /** The event delivered (null for a test ping). */
  eventId: string | null;
  /** The `webhook-id` header: the event id, the same across retries and redeliveries. */
  messageId: string;
  eventType: string;
  /** `pending` (more attempts to come), `delivered`, `failed` (gave up) or `cancelled` (webhook disabled). */
  status: "pending" | "delivered" | "failed" | "cancelled";
  attempts: number;
  /** HTTP status of the last attempt, or null when no response came. */
  responseStatus: number | null;
  /** Start of the last response body (truncated). */
  responseBody: string | null;
  durationMs: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

/** Input of {@link WebhookService.create}. */
export interface CreateWebhookInput {
  /** `https://` (or `http://`) URL; internal addresses are refused unless the gallery allows them. */
  url: string;
  /** Event types or `prefix.*` patterns; omitted or null for every event. */
  eventTypes?: string[] | null | undefined;
  description?: string | undefined;
}

/** Input of {@link WebhookService.update}. */
export interface UpdateWebhookInput {
  url?: string | undefined;
  eventTypes?: string[] | null | undefined;
  description?: string | undefined;
  /** Re-enabling resets the failure count. */
  enabled?: boolean | undefined;
}

/** Webhook subscriptions, their delivery log, redelivery and test pings. */
export interface WebhookService {
  /** The actor's webhooks (admins: everyone's), oldest first. */
  list(actor: Actor, input?: PageInput): Promise<Page<Webhook>>;
  get(actor: Actor, id: string): Promise<Webhook>;
  /** Create a subscription; the signing secret is returned once, here. */
  create(actor: Actor, input: CreateWebhookInput): Promise<{ webhook: Webhook; secret: string }>;
  update(actor: Actor, id: string, input: UpdateWebhookInput): Promise<Webhook>;
  delete(actor: Actor, id: string): Promise<void>;
  /** The delivery log of one webhook, newest first. */
  listDeliveries(actor: Actor, webhookId: string, input?: PageInput): Promise<Page<WebhookDelivery>>;
  /** Send a delivery again (same body and `webhook-id`), as a new entry of the log. */
  redeliver(actor: Actor, webhookId: string, deliveryId: string): Promise<WebhookDelivery>;
  /** Queue a `webhook.test` ping to the webhook. */
  test(actor: Actor, id: string): Promise<WebhookDelivery>;
  /** Run one delivery attempt (the job handler). @internal */
  deliver(deliveryId: string): Promise<void>;
}

/** Webhook options of the gallery (see `GalleryOptions.webhooks`). */
export interface WebhookSettings extends OutboundPolicy {
  timeoutMs: number;
  /** Delays before the 2nd, 3rd… attempt; its length + 1 is the number of attempts. */
  retryScheduleMs: readonly number[];
  /** Failed attempts in a row after which a webhook is disabled. */
  disableAfterFailures: number;
  /** Response body bytes read and kept in the log. */
  maxResponseBytes: number;
}

/** Default retry schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts over about a day). */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

type WebhookRow = Selectable<WebhooksTable>;
type DeliveryRow = Selectable<WebhookDeliveriesTable>;

const toWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  userId: r.user_id,
  url: r.url,
  description: r.description,
  eventTypes: r.event_types ? (JSON.parse(r.event_types) as string[]) : null,
  enabled: r.enabled === 1,
  disabledReason: r.disabled_reason,
  consecutiveFailures: r.consecutive_failures,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  webhookId: r.webhook_id,
  eventId: r.event_id,
  messageId: r.message_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  responseStatus: r.response_status,
  responseBody: r.response_body,
  durationMs: r.duration_ms,
  lastError: r.last_error,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
});

function checkTypes(types: string[] | null | undefined): string[] | null {
  if (types === undefined || types === null) return null;
  if (!Array.isArray(types) || types.length > 100) {
    throw new GalleryError("VALIDATION_FAILED", { errors: [{ path: "eventTypes", message: "at most 100" }] });
  }
  for (const t of types) {
    if (typeof t !== "string" || !isEventTypeFilter(t)) {
      throw new GalleryError("VALIDATION_FAILED", {
        errors: [{ path: "eventTypes", message: `unknown event type ${JSON.stringify(t)}` }],
      });
    }
  }
  return [...new Set(types)];
}

function checkDescription(text: string | undefined): string {
  const value = (text ?? "").trim();
  if (value.length > 500) {
    throw new GalleryError("VALIDATION_FAILED", {
      errors: [{ path: "description", message: "at most 500" }],
    });
  }
  return value;
}

/** @internal */
export function createWebhookService(deps: {
  db: Kysely<DB>;
  jobs: JobQueue;
  logger: Logger;
  box: SecretBox;
  settings: WebhookSettings;
  /** The HTTP sender (tests may wrap it). */
  send?: (options: SendOptions) => Promise<SendResult>;
}): WebhookService {
  const { db, jobs, logger, box, settings } = deps;
  const send = deps.send ?? sendWebhook;

  /** The user behind the actor, after the scope check; guests and share links have no webhooks. */
  function owner(actor: Actor): string {
    if (actor.kind === "share" || actor.kind === "guest") throw new GalleryError("UNAUTHENTICATED");
    requireScope(actor, "webhooks:write");
    const userId = actorUserId(actor);
    if (userId === undefined) {
      throw new GalleryError("FORBIDDEN", { detail: "Webhooks belong to users; the system has none." });
    }
    return userId;
  }

  async function load(actor: Actor, id: string): Promise<WebhookRow> {
    const userId = owner(actor);
    const row = await db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
    // Another user's webhook is not found (admins see all).
    if (!row || (row.user_id !== userId && !hasAdminView(actor))) {
      throw new GalleryError("NOT_FOUND", { detail: "No such webhook." });
    }
    return row;
  }

  async function checkUrl(raw: string): Promise<string> {
    const url = parseWebhookUrl(raw);
    await resolveTarget(url, settings, { lenient: true });
    return url.toString();
  }

  async function newDelivery(row: {
    webhook_id: string;
    event_id: string | null;
    message_id: string;
    event_type: string;
    body: string;
  }): Promise<DeliveryRow> {
    const now = Date.now();
    const delivery: DeliveryRow = {
      id: newId(),
      ...row,
      status: "pending",
      attempts: 0,
      response_status: null,
      response_body: null,
      duration_ms: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      delivered_at: null,
    };
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("webhook_deliveries").values(delivery).execute();
      await insertDeliverJob(trx, delivery.id, now);
    });
    return delivery;
  }

  /** Is the owner still allowed to receive this delivery? Returns the actor, or why not. */
  async function ownerActor(userId: string): Promise<Actor | undefined> {
    const user = await db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
    if (user?.status !== "active") return undefined;
    const groups = await db
      .selectFrom("group_members")
      .select("group_id")
      .where("user_id", "=", userId)
      .execute();
    return toUserActor(
      user,
      undefined,
      groups.map((g) => g.group_id),
    );
  }

  async function finish(delivery: DeliveryRow, patch: Partial<Omit<DeliveryRow, "id">>): Promise<void> {
    await db
      .updateTable("webhook_deliveries")
      .set({ ...patch, updated_at: Date.now() })
      .where("id", "=", delivery.id)
      .execute();
  }

  return {
    async list(actor, input = {}) {
      const userId = owner(actor);
      const limit = pageLimit(input.limit);
      let query = db
        .selectFrom("webhooks")
        .selectAll()
        .orderBy("id")
        .limit(limit + 1);
      if (!hasAdminView(actor)) query = query.where("user_id", "=", userId);
      if (input.cursor) query = query.where("id", ">", decodeCursor(input.cursor, ["s"])[0] as string);
      const rows = await query.execute();
      const items = rows.slice(0, limit).map(toWebhook);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
    },

    async get(actor, id) {
      return toWebhook(await load(actor, id));
    },

    async create(actor, input) {
      const userId = owner(actor);
      const url = await checkUrl(input.url);
      const eventTypes = checkTypes(input.eventTypes);
      const secret = newWebhookSecret();
      const now = Date.now();
      const row: WebhookRow = {
        id: newId(),
        user_id: userId,
        url,
        description: checkDescription(input.description),
        event_types: eventTypes ? JSON.stringify(eventTypes) : null,
        secret: box.seal(secret),
        enabled: 1,
        disabled_reason: null,
        consecutive_failures: 0,
        created_at: now,
        updated_at: now,
      };
      await db.insertInto("webhooks").values(row).execute();
      return { webhook: toWebhook(row), secret };
    },

    async update(actor, id, input) {
      const row = await load(actor, id);
      const patch: Partial<WebhookRow> = { updated_at: Date.now() };
      if (input.url !== undefined) patch.url = await checkUrl(input.url);
      if (input.eventTypes !== undefined) {
        const types = checkTypes(input.eventTypes);
        patch.event_types = types ? JSON.stringify(types) : null;
      }
      if (input.description !== undefined) patch.description = checkDescription(input.description);
      if (input.enabled !== undefined) {
        patch.enabled = input.enabled ? 1 : 0;
        patch.disabled_reason = input.enabled ? null : "disabled by a user";
        if (input.enabled) patch.consecutive_failures = 0;
      }
      await db.updateTable("webhooks").set(patch).where("id", "=", row.id).execute();
      return toWebhook({ ...row, ...patch });
    },

    async delete(actor, id) {
      const row = await load(actor, id);
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("webhook_deliveries").where("webhook_id", "=", row.id).execute();
        await trx.deleteFrom("webhooks").where("id", "=", row.id).execute();
      });
    },

    async listDeliveries(actor, webhookId, input = {}) {
      const hook = await load(actor, webhookId);
      const limit = pageLimit(input.limit);
      let query = db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("webhook_id", "=", hook.id)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(limit + 1);
      if (input.cursor) {
        const [at, id] = decodeCursor(input.cursor, ["n", "s"]) as [number, string];
        query = query.where((eb) =>
          eb.or([eb("created_at", "<", at), eb.and([eb("created_at", "=", at), eb("id", "<", id)])]),
        );
      }
      const rows = await query.execute();
      const items = rows.slice(0, limit).map(toDelivery);
      const last = items.at(-1);
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt, last.id]) : null,
      };
    },

    async redeliver(actor, webhookId, deliveryId) {
      const hook = await load(actor, webhookId);
      if (hook.enabled !== 1) {
        throw new GalleryError("CONFLICT", { detail: "The webhook is disabled; enable it first." });
      }
      const old = await db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("id", "=", deliveryId)
        .where("webhook_id", "=", hook.id)
        .executeTakeFirst();
      if (!old) throw new GalleryError("NOT_FOUND", { detail: "No such delivery." });
      return toDelivery(
        await newDelivery({
          webhook_id: hook.id,
          event_id: old.event_id,
          message_id: old.message_id,
          event_type: old.event_type,
          body: old.body,
        }),
      );
    },

    async test(actor, id) {
      const hook = await load(actor, id);
      if (hook.enabled !== 1) {
        throw new GalleryError("CONFLICT", { detail: "The webhook is disabled; enable it first." });
      }
      const messageId = newId();
      const body = JSON.stringify({
        type: "webhook.test",
        timestamp: new Date().toISOString(),
        data: { webhookId: hook.id },
      });
      return toDelivery(
        await newDelivery({
          webhook_id: hook.id,
          event_id: null,
          message_id: messageId,
          event_type: "webhook.test",
          body,
        }),
      );
    },

    async deliver(deliveryId) {
      const delivery = await db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("id", "=", deliveryId)
        .executeTakeFirst();
      // Exactly once: a delivered, failed or cancelled delivery is never sent again by a stray job.
      if (delivery?.status !== "pending") return;
      const hook = await db
        .selectFrom("webhooks")
        .selectAll()
        .where("id", "=", delivery.webhook_id)
        .executeTakeFirst();
      if (!hook) return;
      if (hook.enabled !== 1) {
        await finish(delivery, { status: "cancelled", last_error: "webhook disabled" });
        return;
      }
      if (delivery.event_id !== null) {
        // What the owner may see is decided now, not when the event happened.
        const actor = await ownerActor(hook.user_id);
        if (!actor || !(await eventVisibleTo(db, actor, delivery.event_id))) {
          // Not theirs to know: the entry is dropped, so the log does not reveal that the event happened.
          await db.deleteFrom("webhook_deliveries").where("id", "=", delivery.id).execute();
          return;
        }
      }
      const attempt = delivery.attempts + 1;
      let result: SendResult;
      try {
        const target = await resolveTarget(parseWebhookUrl(hook.url), settings);
        if (!target) throw new GalleryError("WEBHOOK_DELIVERY_FAILED");
        const timestamp = Math.floor(Date.now() / 1000);
        result = await send({
          target,
          body: delivery.body,
          timeoutMs: settings.timeoutMs,
          maxBodyBytes: settings.maxResponseBytes,
          headers: {
            "webhook-id": delivery.message_id,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signWebhook(
              box.open(hook.secret),
              delivery.message_id,
              timestamp,
              delivery.body,
            ),
          },
        });
      } catch (error) {
        const code = error instanceof GalleryError ? error.code : "ERROR";
        result = { status: null, body: null, durationMs: 0, error: `${code}: ${(error as Error).message}` };
      }
      const ok = result.status !== null && result.status >= 200 && result.status < 300;
      const now = Date.now();
      const common = {
        attempts: attempt,
        response_status: result.status,
        response_body: result.body === null ? null : result.body.slice(0, settings.maxResponseBytes),
        duration_ms: result.durationMs,
        last_error: ok ? null : (result.error ?? `HTTP ${result.status}`).slice(0, 500),
      };
      if (ok) {
        await finish(delivery, { ...common, status: "delivered", delivered_at: now });
        await db.updateTable("webhooks").set({ consecutive_failures: 0 }).where("id", "=", hook.id).execute();
        return;
      }
      const failures = hook.consecutive_failures + 1;
      const disable = failures >= settings.disableAfterFailures;
      await db
        .updateTable("webhooks")
        .set({
          consecutive_failures: failures,
          ...(disable
            ? {
                enabled: 0,
                disabled_reason: `disabled after ${failures} failed deliveries in a row`,
                updated_at: now,
              }
            : {}),
        })
        .where("id", "=", hook.id)
        .execute();
      const delay = settings.retryScheduleMs[attempt - 1];
      if (disable || delay === undefined) {
        await finish(delivery, { ...common, status: "failed" });
        if (disable) logger.warn({ webhook: hook.id, failures }, "webhook disabled after repeated failures");
        return;
      }
      await finish(delivery, common);
      await jobs.enqueue(
        WEBHOOK_DELIVER_JOB,
        { deliveryId: delivery.id },
        { runAt: now + delay, maxAttempts: 5 },
      );
    },
  };
}
