import { type JobInfo, SYSTEM } from "@vernissage/core";
import { type ArgsDef, type CommandDef, defineCommand } from "citty";
import type { CliIO } from "../commands.js";
import { CliError } from "../errors.js";
import { openGallery } from "../open-gallery.js";
import { galleryArgs, galleryLocation, positiveInt } from "./gallery-args.js";

const STATUSES = ["pending", "running", "done", "dead"] as const;

function line(job: JobInfo): string {
  const error = job.lastError ? `  ${job.lastError.replace(/\s+/g, " ").slice(0, 120)}` : "";
  return [
    job.id,
    job.status.padEnd(7),
    job.type,
    `attempts ${job.attempts}/${job.maxAttempts}`,
    new Date(job.updatedAt).toISOString(),
  ]
    .join("  ")
    .concat(error);
}

/**
 * `vernissage jobs list [--status dead] [--type t] [--limit n]` and `vernissage jobs retry <id>`: the durable
 * job queue from the command line (the same as the admin API's `listJobs` / `retryJob`).
 */
export function jobsCommand(io: CliIO): CommandDef<ArgsDef> {
  const list = defineCommand({
    meta: { name: "list", description: "List jobs, newest first (--status dead: the dead letters)" },
    args: {
      ...galleryArgs,
      status: {
        type: "string",
        description: `Only jobs in this state (${STATUSES.join(", ")})`,
        valueHint: "s",
      },
      type: { type: "string", description: "Only jobs of this type", valueHint: "type" },
      limit: { type: "string", description: "How many (default 50, at most 200)", valueHint: "n" },
    },
    async run({ args }) {
      const status = args.status;
      if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
        throw new CliError(`Unknown status "${status}": expected one of ${STATUSES.join(", ")}.`);
      }
      const limit = positiveInt("limit", args.limit);
      const gallery = await openGallery({ ...galleryLocation(io, args), jobs: false });
      try {
        const page = await gallery.jobAdmin.list(SYSTEM, {
          status: status as JobInfo["status"] | undefined,
          type: args.type,
          limit,
        });
        if (page.items.length === 0) io.logger.info("No jobs.");
        for (const job of page.items) io.stdout.write(`${line(job)}\n`);
        if (page.nextCursor) io.logger.info("More jobs exist; raise --limit or filter by --status / --type.");
      } finally {
        await gallery.close();
      }
    },
  });
  const retry = defineCommand({
    meta: { name: "retry", description: "Put a dead job back in the queue" },
    args: {
      id: { type: "positional", description: "Job id (from `jobs list --status dead`)", required: true },
      ...galleryArgs,
    },
    async run({ args }) {
      const gallery = await openGallery({ ...galleryLocation(io, args), jobs: false });
      try {
        const job = await gallery.jobAdmin.retry(SYSTEM, args.id);
        io.logger.success(`Job ${job.id} (${job.type}) is pending again; a worker will run it.`);
      } finally {
        await gallery.close();
      }
    },
  });
  return defineCommand({
    meta: { name: "jobs", description: "Inspect and retry background jobs" },
    subCommands: { list: list as CommandDef<ArgsDef>, retry: retry as CommandDef<ArgsDef> },
  }) as CommandDef<ArgsDef>;
}
