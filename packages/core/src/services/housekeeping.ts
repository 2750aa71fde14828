import { type Kysely, type RawBuilder, type SqlBool, sql } from "kysely";
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

  /**
   * Delete the rows of `table` matching `condition`, {@link HOUSEKEEPING_BATCH} at a time (each batch its own
   * statement, picked by `key` through the index the condition uses), until a batch comes back short. `table` and
   * `key` are this module's constants; values in `condition` are bound parameters.
   */
  async function prune(table: string, key: string, condition: RawBuilder<SqlBool>): Promise<number> {
    let total = 0;
    for (;;) {
      const result =
        await sql`delete from ${sql.table(table)} where ${sql.ref(key)} in (select ${sql.ref(key)} from ${sql.table(table)} where ${condition} limit ${HOUSEKEEPING_BATCH})`.execute(
          db,
        );
      const deleted = Number(result.numAffectedRows ?? 0n);
      total += deleted;
      if (deleted < HOUSEKEEPING_BATCH) return total;
    }
  }

  return {
    retention: () => ({ ...retention }),

    async run(actor, now = Date.now()) {
      assertAdmin(actor);
      const before = (days: number) => now - days * DAY;
      const sessions = await prune("sessions", "id", sql`expires_at <= ${now}`);
      const shareSessions = await prune("share_sessions", "id", sql`expires_at <= ${now}`);
      const passwordResets = await prune("password_resets", "id", sql`expires_at <= ${now}`);
      const loginThrottle = await prune(
        "login_throttle",
        "key",
        sql`updated_at < ${now - THROTTLE_FORGET_MS} and locked_until <= ${now}`,
      );
      const activity = await prune("activity_log", "id", sql`at < ${before(retention.activityDays)}`);
      const events = await prune("events", "id", sql`occurred_at < ${before(retention.eventsDays)}`);
      // A delivery still being retried stays, however old its event.
      const webhookDeliveries = await prune(
        "webhook_deliveries",
        "id",
        sql`created_at < ${before(retention.webhookDeliveriesDays)} and status <> 'pending'`,
      );
      const jobs = await prune(
        "jobs",
        "id",
        sql`status = 'done' and created_at < ${before(retention.finishedJobsDays)}`,
      );
      // Keyed by (principal, key): one statement, as the idempotency service's own lazy sweep does.
      const idempotencyKeys = Number(
        (await db.deleteFrom("idempotency_keys").where("expires_at", "<=", now).executeTakeFirst())
          .numDeletedRows,
      );
      const rateLimits = await prune("rate_limits", "key", sql`expires_at <= ${now}`);
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
