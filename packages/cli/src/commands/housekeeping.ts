import { type HousekeepingReport, SYSTEM } from "@vernissage/core";
import { type ArgsDef, type CommandDef, defineCommand } from "citty";
import type { CliIO } from "../commands.js";
import { openGallery } from "../open-gallery.js";
import { galleryArgs, galleryLocation, positiveInt } from "./gallery-args.js";

const LABELS: Record<keyof HousekeepingReport, string> = {
  sessions: "expired sessions",
  shareSessions: "expired share-link sessions",
  passwordResets: "expired password-reset tokens",
  loginThrottle: "forgotten sign-in failure counters",
  activity: "activity entries past retention",
  events: "events past retention",
  webhookDeliveries: "finished webhook deliveries past retention",
  jobs: "completed jobs past retention",
  idempotencyKeys: "expired idempotency records",
  rateLimits: "expired rate-limit windows",
  uploads: "abandoned resumable uploads",
};

/**
 * `vernissage housekeeping`: remove expired and old rows now (what every process that runs jobs also does every
 * hour), with the default retention or the one given.
 */
export function housekeepingCommand(io: CliIO): CommandDef<ArgsDef> {
  return defineCommand({
    meta: {
      name: "housekeeping",
      description:
        "Remove expired sessions and tokens, and events, deliveries, jobs and activity past retention",
    },
    args: {
      ...galleryArgs,
      "events-days": {
        type: "string",
        description: "Keep events this many days (default 90)",
        valueHint: "n",
      },
      "deliveries-days": {
        type: "string",
        description: "Keep finished webhook deliveries this many days (default 30)",
        valueHint: "n",
      },
      "jobs-days": {
        type: "string",
        description: "Keep completed jobs this many days (default 7)",
        valueHint: "n",
      },
      "activity-days": {
        type: "string",
        description: "Keep activity log entries this many days (default 180)",
        valueHint: "n",
      },
    },
    async run({ args }) {
      const eventsRetentionDays = positiveInt("events-days", args["events-days"]);
      const webhookDeliveriesRetentionDays = positiveInt("deliveries-days", args["deliveries-days"]);
      const finishedJobsRetentionDays = positiveInt("jobs-days", args["jobs-days"]);
      const activityRetentionDays = positiveInt("activity-days", args["activity-days"]);
      const gallery = await openGallery({
        ...galleryLocation(io, args),
        jobs: false,
        gallery: {
          housekeeping: { eventsRetentionDays, webhookDeliveriesRetentionDays, finishedJobsRetentionDays },
          identity: { activityRetentionDays },
        },
      });
      try {
        const report = await gallery.housekeeping.run(SYSTEM);
        let removed = 0;
        for (const [key, label] of Object.entries(LABELS) as [keyof HousekeepingReport, string][]) {
          removed += report[key];
          io.stdout.write(`${String(report[key]).padStart(8)}  ${label}\n`);
        }
        io.logger.success(removed === 0 ? "Nothing to remove." : `Removed ${removed} rows.`);
      } finally {
        await gallery.close();
      }
    },
  }) as CommandDef<ArgsDef>;
}
