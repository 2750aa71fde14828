import { type Kysely, sql } from "kysely";
import { assertAdmin } from "../access/permissions.js";
import { type Actor, SYSTEM } from "../actor.js";
import { PRUNE_BATCH, pruneInBatches } from "../db/prune.js";
import type { DB } from "../db/schema.js";
import type { ActivityService } from "./activity.js";
import type { IdempotencyService } from "./idempotency.js";
import { databaseRateLimitStore } from "./rate-limit-store.js";
import type { UploadService } from "./uploads.js";

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
  /** Abandoned resumable uploads, with their stored bytes. */
  uploads: number;
}

/**
 * Removes what has expired or outlived its retention, so no table grows without bound: expired sessions,
 * share-link sessions and reset tokens, forgotten sign-in failure counters, old activity, events, finished webhook
 * deliveries and completed jobs, expired idempotency records and rate-limit windows, abandoned resumable uploads
 * with their bytes. Runs on its own in every
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
export const HOUSEKEEPING_BATCH = PRUNE_BATCH;

const DAY = 24 * 3600 * 1000;
/** Sign-in failure counters are forgotten after this long without a new failure (unless still locking). */
const THROTTLE_FORGET_MS = DAY;

/** @internal */
export function createHousekeepingService(deps: {
  db: Kysely<DB>;
  /** Owns the activity log's retention (`identity.activityRetentionDays`) and its purge. */
  activity: Pick<ActivityService, "purge">;
  /** Owns the idempotency records' expiry and their sweep. */
  idempotency: Pick<IdempotencyService, "sweep">;
  /** Owns resumable uploads' expiry (`uploads.ttlMs`) and removes their bytes from storage. */
  uploads: Pick<UploadService, "sweep">;
  retention?: Partial<HousekeepingRetention> | undefined;
}): HousekeepingService {
  const { db } = deps;
  const retention: HousekeepingRetention = {
    activityDays: deps.retention?.activityDays ?? 180,
    eventsDays: deps.retention?.eventsDays ?? 90,
    webhookDeliveriesDays: deps.retention?.webhookDeliveriesDays ?? 30,
    finishedJobsDays: deps.retention?.finishedJobsDays ?? 7,
  };
  const prune = (table: string, key: string, condition: Parameters<typeof pruneInBatches>[3]) =>
    pruneInBatches(db as Kysely<unknown>, table, key, condition);
  const rateLimits = databaseRateLimitStore(db);

  return {
    retention: () => ({ ...retention }),

    async run(actor, now = Date.now()) {
      assertAdmin(actor);
      const before = (days: number) => now - days * DAY;
      return {
        sessions: await prune("sessions", "id", sql`expires_at <= ${now}`),
        shareSessions: await prune("share_sessions", "id", sql`expires_at <= ${now}`),
        passwordResets: await prune("password_resets", "id", sql`expires_at <= ${now}`),
        loginThrottle: await prune(
          "login_throttle",
          "key",
          sql`updated_at < ${now - THROTTLE_FORGET_MS} and locked_until <= ${now}`,
        ),
        activity: await deps.activity.purge(now),
        events: await prune("events", "id", sql`occurred_at < ${before(retention.eventsDays)}`),
        // A delivery still being retried stays, however old its event.
        webhookDeliveries: await prune(
          "webhook_deliveries",
          "id",
          sql`created_at < ${before(retention.webhookDeliveriesDays)} and status <> 'pending'`,
        ),
        jobs: await prune(
          "jobs",
          "id",
          sql`status = 'done' and created_at < ${before(retention.finishedJobsDays)}`,
        ),
        idempotencyKeys: await deps.idempotency.sweep(now),
        rateLimits: (await rateLimits.sweep?.(now)) ?? 0,
        uploads: (await deps.uploads.sweep(SYSTEM, now)).removed,
      };
    },
  };
}
