import type { Webhook, WebhookDelivery } from "@vernissage/core";
import { z } from "zod";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { IdParams, PageQuery, pageOf } from "../schemas.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";

const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9a-z]+$/, "an id");

const EventTypes = z
  .array(z.string().min(1).max(64))
  .max(100)
  .nullable()
  .describe("Event types or `prefix.*` patterns (e.g. `photo.*`); null or omitted for every event.");

/** A webhook subscription (its secret is never shown again). */
export const WebhookSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()).nullable(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    consecutiveFailures: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Webhook" });

/** One entry of a webhook's delivery log. */
export const WebhookDeliverySchema = z
  .object({
    id: z.string(),
    webhookId: z.string(),
    eventId: z.string().nullable(),
    messageId: z.string().describe("The `webhook-id` header sent (same across retries and redeliveries)."),
    eventType: z.string(),
    status: z.enum(["pending", "delivered", "failed", "cancelled"]),
    attempts: z.number().int(),
    responseStatus: z.number().int().nullable(),
    responseBody: z.string().nullable().describe("Start of the last response body (truncated)."),
    durationMs: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: "WebhookDelivery" });

const CreateWebhookBody = z
  .object({
    url: z
      .string()
      .min(1)
      .max(2000)
      .describe("Where deliveries are POSTed (http or https; public addresses)."),
    eventTypes: EventTypes.optional(),
    description: z.string().max(500).optional(),
  })
  .strict()
  .meta({ id: "CreateWebhook" });

const UpdateWebhookBody = z
  .object({
    url: z.string().min(1).max(2000).optional(),
    eventTypes: EventTypes.optional(),
    description: z.string().max(500).optional(),
    enabled: z.boolean().optional().describe("Re-enabling resets the failure count."),
  })
  .strict()
  .meta({ id: "UpdateWebhook" });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const webhookJson = (w: Webhook) => ({
  ...w,
  createdAt: new Date(w.createdAt).toISOString(),
  updatedAt: new Date(w.updatedAt).toISOString(),
});

const deliveryJson = (d: WebhookDelivery) => ({
  ...d,
  createdAt: new Date(d.createdAt).toISOString(),
  updatedAt: new Date(d.updatedAt).toISOString(),
  deliveredAt: iso(d.deliveredAt),
});

const SCOPE = "webhooks:write" as const;
const OWN_ERRORS = [...WRITE_ERRORS, "INSUFFICIENT_SCOPE", "NOT_FOUND"] as const;

/** Webhook subscriptions of the signed-in user (admins see everyone's). Tokens need `webhooks:write`. */
export function webhookRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/webhooks",
      operationId: "listWebhooks",
      summary: "The caller's webhooks",
      description: "Webhook subscriptions of the caller (admins: of everyone), oldest first.",
      tags: ["webhooks"],
      scope: SCOPE,
      auth: "required",
      rateClass: "read",
      query: PageQuery,
      response: pageOf(WebhookSchema),
      errors: [...READ_ERRORS, "UNAUTHENTICATED", "INSUFFICIENT_SCOPE"],
      async handler(ctx) {
        const page = await ctx.gallery.webhooks.list(ctx.actor, ctx.query);
        return { items: page.items.map(webhookJson), nextCursor: page.nextCursor };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/webhooks",
      operationId: "createWebhook",
      summary: "Subscribe a URL to events (the signing secret is shown once)",
      description:
        "Deliveries are signed per the Standard Webhooks spec with the returned `whsec_` secret. A member only " +
        "receives events about what they may see at delivery time; user, group, grant, tag and share events go " +
        "to admins' webhooks. URLs resolving to private, loopback, link-local, multicast or unspecified " +
        "addresses are refused with `WEBHOOK_URL_FORBIDDEN` unless the gallery allows them.",
      tags: ["webhooks"],
      scope: SCOPE,
      auth: "required",
      rateClass: "write",
      // The response carries the secret shown once: it must not be stored for replays.
      idempotent: false,
      body: CreateWebhookBody,
      response: z.object({
        webhook: WebhookSchema,
        secret: z.string().describe("`whsec_` + base64; shown once."),
      }),
      status: 201,
      errors: [...WRITE_ERRORS, "INSUFFICIENT_SCOPE", "WEBHOOK_URL_FORBIDDEN"],
      async handler(ctx) {
        const { webhook, secret } = await ctx.gallery.webhooks.create(ctx.actor, ctx.body);
        return { webhook: webhookJson(webhook), secret };
      },
    }),
    defineApiRoute({
      method: "PATCH",
      path: "/webhooks/{id}",
      operationId: "updateWebhook",
      summary: "Change a webhook's URL, event types, description, or enable/disable it",
      tags: ["webhooks"],
      scope: SCOPE,
      auth: "required",
      rateClass: "write",
      params: IdParams,
      body: UpdateWebhookBody,
      response: WebhookSchema,
      errors: [...OWN_ERRORS, "WEBHOOK_URL_FORBIDDEN"],
      async handler(ctx) {
        return webhookJson(await ctx.gallery.webhooks.update(ctx.actor, ctx.params.id, ctx.body));
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/webhooks/{id}",
      operationId: "deleteWebhook",
      summary: "Delete a webhook and its delivery log",
      tags: ["webhooks"],
      scope: SCOPE,
      auth: "required",
      rateClass: "write",
      params: IdParams,
      response: null,
      status: 204,
      errors: [...OWN_ERRORS],
      async handler(ctx) {
        await ctx.gallery.webhooks.delete(ctx.actor, ctx.params.id);
        return null;
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/webhooks/{id}/deliveries",
      operationId: "listWebhookDeliveries",
      summary: "A webhook's delivery log, newest first",
      description:
        "Status, response code, attempts, duration and the start of the response body per delivery.",
      tags: ["webhooks"],
      scope: SCOPE,
      auth: "required",
      rateClass: "read",
      params: IdParams,
      query: PageQuery,
      response: pageOf(WebhookDeliverySchema),
      errors: [...READ_ERRORS, "UNAUTHENTICATED", "INSUFFICIENT_SCOPE", "NOT_FOUND"],
      async handler(ctx) {
        const page = await ctx.gallery.webhooks.listDeliveries(ctx.actor, ctx.params.id, ctx.query);
        return { items: page.items.map(deliveryJson), nextCursor: page.nextCursor };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/webhooks/{id}/deliveries/{deliveryId}/redeliver",
      operationId: "redeliverWebhook",
      summary: "Send a delivery again",
      description:
        "Queues the same body with the same `webhook-id` (receivers that deduplicate by it treat it as the same " +
        "message) as a new entry of the log. `CONFLICT` when the webhook is disabled.",
      tags: ["webhooks"],
      scope: SCOPE,
      auth: "required",
      rateClass: "write",
      idempotent: true,
      params: z.object({ id: Id, deliveryId: Id }),
      response: WebhookDeliverySchema,
      status: 202,
      errors: [...OWN_ERRORS, "CONFLICT"],
      async handler(ctx) {
        return deliveryJson(
          await ctx.gallery.webhooks.redeliver(ctx.actor, ctx.params.id, ctx.params.deliveryId),
        );
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/webhooks/{id}/test",
      operationId: "testWebhook",
      summary: "Send a signed `webhook.test` ping",
      tags: ["webhooks"],
      scope: SCOPE,
      auth: "required",
      rateClass: "write",
      idempotent: true,
      params: IdParams,
      response: WebhookDeliverySchema,
      status: 202,
      errors: [...OWN_ERRORS, "CONFLICT"],
      async handler(ctx) {
        return deliveryJson(await ctx.gallery.webhooks.test(ctx.actor, ctx.params.id));
      },
    }),
  ];
}
