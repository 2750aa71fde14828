import type { Kysely } from "kysely";
import { assertAdmin } from "../access/permissions.js";
import type { Actor } from "../actor.js";
import type { DB } from "../db/schema.js";

/** How long housekeeping keeps what is no longer needed (see {@link HousekeepingService}). */
export interface HousekeepingRetention {
  /** Activity log entries, in days. @default 180 */
  activityDays: number;
  /** Domain events (the `listEvents` feed), in days. @default 90 */
  eventsDays: number;
  /** Finished webhook deliveries (delivered, failed, cancelled), in days. @default 30 */
  webhookDeliveriesDays: number;
  /** Jobs that ran to completion, in days (dead jobs stay until retried or the queue is cleared). @default 7 */
  finishedJobsDays: number;
}

/** Rows removed by one {@link HousekeepingService.run}, by kind. */
export interface HousekeepingReport {
  /** Expired sign-in sessions. */
  sessions: number;
  /** Expired share-link sessions (after a share link's password). */
  shareSessions: number;
  /** Expired password-reset tokens, used or not. */
  passwordResets: number;
  /** Sign-in failure counters untouched for a day and not locking anyone out. */
  loginThrottle: number;
  /** Activity log entries older than the retention. */
  activity: number;
  /** Domain events older than the retention. */
  events: number;
  /** Finished webhook deliveries older than the retention. */
  webhookDeliveries: number;
  /** Completed jobs older than the retention. */
  jobs: number;
  /** Expired idempotency records. */
  idempotencyKeys: number;
  /** Expired rate-limit windows (database store). */
  rateLimits: number;
}

/**
 * Removes what has expired or outlived its retention, so no table grows without bound: expired sessions,
 * share-link sessions and reset tokens, forgotten sign-in failure counters, old activity, events, finished webhook
 * deliveries and completed jobs, expired idempotency records and rate-limit windows. Runs on its own in every
 * process that runs jobs (one process at a time, through a database lease), and on demand
 * (`vernissage housekeeping`). Deletes in batches of {@link HOUSEKEEPING_BATCH} rows, each its own statement, so
 * it never holds a long write lock; safe to run from several processes at once.
 */
export interface HousekeepingService {
  /** Run once now (admins and the system). `now` is for tests. */
  run(actor: Actor, now?: number): Promise<HousekeepingReport>;
  /** The retention in force. */
  retention(): HousekeepingRetention;
}

/** Rows deleted per statement. */
export const HOUSEKEEPING_BATCH = 1000;

const DAY = 24 * 3600 * 1000;
/** Sign-in failure counters are forgotten after this long without a new failure (unless still locking). */
const THROTTLE_FORGET_MS = DAY;

/** @internal */
export function createHousekeepingService(deps: {
  db: Kysely<DB>;
  retention?: Partial<HousekeepingRetention> | undefined;
}): HousekeepingService {
  const { db } = deps;
  const retention: HousekeepingRetention = {
    activityDays: deps.retention?.activityDays ?? 180,
    eventsDays: deps.retention?.eventsDays ?? 90,
    webhookDeliveriesDays: deps.retention?.webhookDeliveriesDays ?? 30,
    finishedJobsDays: deps.retention?.finishedJobsDays ?? 7,
  };

  /** Repeat a bounded delete until it removes less than a batch. */
  async function batched(deleteBatch: () => Promise<{ numDeletedRows: bigint }>): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = Number((await deleteBatch()).numDeletedRows);
      total += deleted;
      if (deleted < HOUSEKEEPING_BATCH) return total;
    }
  }

  return {
    retention: () => ({ ...retention }),

    async run(actor, now = Date.now()) {
      assertAdmin(actor);
      const sessions = await batched(() =>
        db
          .deleteFrom("sessions")
          .where("id", "in", (eb) =>
            eb.selectFrom("sessions").select("id").where("expires_at", "<=", now).limit(HOUSEKEEPING_BATCH),
          )
          .executeTakeFirst(),
      );
      const shareSessions = await batched(() =>
        db
          .deleteFrom("share_sessions")
          .where("id", "in", (eb) =>
            eb
              .selectFrom("share_sessions")
              .select("id")
              .where("expires_at", "<=", now)
              .limit(HOUSEKEEPING_BATCH),
          )
          .executeTakeFirst(),
      );
      const passwordResets = await batched(() =>
        db
          .deleteFrom("password_resets")
          .where("id", "in", (eb) =>
            eb
              .selectFrom("password_resets")
              .select("id")
              .where("expires_at", "<=", now)
              .limit(HOUSEKEEPING_BATCH),
          )
          .executeTakeFirst(),
      );
      const loginThrottle = await batched(() =>
        db
          .deleteFrom("login_throttle")
          .where("key", "in", (eb) =>
            eb
              .selectFrom("login_throttle")
              .select("key")
              .where("updated_at", "<", now - THROTTLE_FORGET_MS)
              .where("locked_until", "<=", now)
              .limit(HOUSEKEEPING_BATCH),
          )
          .executeTakeFirst(),
      );
      const activity = await batched(() =>
        db
          .deleteFrom("activity_log")
          .where("id", "in", (eb) =>
            eb
              .selectFrom("activity_log")
              .select("id")
              .where("at", "<", now - retention.activityDays * DAY)
              .limit(HOUSEKEEPING_BATCH),
          )
          .executeTakeFirst(),
      );
      const events = await batched(() =>
        db
          .deleteFrom("events")
          .where("id", "in", (eb) =>
            eb
              .selectFrom("events")
              .select("id")
              .where("occurred_at", "<", now - retention.eventsDays * DAY)
              .limit(HOUSEKEEPING_BATCH),
          )
          .executeTakeFirst(),
      );
      const webhookDeliveries = await batched(() =>
        db
          .deleteFrom("webhook_deliveries")
          .where("id", "in", (eb) =>
            eb
              .selectFrom("webhook_deliveries")
              .select("id")
              .where("created_at", "<", now - retention.webhookDeliveriesDays * DAY)
              // A delivery still being retried stays, however old its event.
              .where("status", "!=", "pending")
              .limit(HOUSEKEEPING_BATCH),
          )
          .executeTakeFirst(),
      );
      const jobs = await batched(() =>
        db
          .deleteFrom("jobs")
          .where("id", "in", (eb) =>
            eb
              .selectFrom("jobs")
              .select("id")
              .where("status", "=", "done")
              .where("created_at", "<", now - retention.finishedJobsDays * DAY)
              .limit(HOUSEKEEPING_BATCH),
          )
          .executeTakeFirst(),
      );
      // Keyed by (principal, key): one statement, as the idempotency service's own lazy sweep does.
      const idempotencyKeys = Number(
        (await db.deleteFrom("idempotency_keys").where("expires_at", "<=", now).executeTakeFirst())
          .numDeletedRows,
      );
      const rateLimits = await batched(() =>
        db
          .deleteFrom("rate_limits")
          .where("key", "in", (eb) =>
            eb
              .selectFrom("rate_limits")
              .select("key")
              .where("expires_at", "<=", now)
              .limit(HOUSEKEEPING_BATCH),
          )
          .executeTakeFirst(),
      );
      return {
        sessions,
        shareSessions,
        passwordResets,
        loginThrottle,
        activity,
        events,
        webhookDeliveries,
        jobs,
        idempotencyKeys,
        rateLimits,
      };
    },
  };
}
