import { type ArgsDef, type CommandDef, defineCommand } from "citty";
import type { CliIO } from "../commands.js";
import { openGallery } from "../open-gallery.js";
import { galleryArgs, galleryLocation, positiveInt } from "./gallery-args.js";

/**
 * `vernissage worker`: a process that only runs background jobs (derivatives, rebuilds, plugin jobs) for a
 * gallery, next to HTTP processes started with `vernissage serve --no-jobs`. Any number of workers may share
 * one PostgreSQL database: each job is claimed by one of them (`FOR UPDATE SKIP LOCKED`) under a lease that is
 * renewed while it runs, and a worker that dies loses its jobs to the others when the lease ends. Stops on
 * SIGINT/SIGTERM after the running jobs finish.
 */
export function workerCommand(io: CliIO): CommandDef<ArgsDef> {
  return defineCommand({
    meta: { name: "worker", description: "Run background jobs only (no HTTP)" },
    args: {
      ...galleryArgs,
      concurrency: {
        type: "string",
        description: "Jobs at once [env VERNISSAGE_JOB_CONCURRENCY, default 2]",
        valueHint: "n",
      },
      "lease-ms": {
        type: "string",
        description:
          "Job lease in ms: a dead worker's jobs go to others after it [env VERNISSAGE_JOB_LEASE_MS, default 60000]",
        valueHint: "ms",
      },
    },
    async run({ args }) {
      const log = io.logger;
      const concurrency = positiveInt("concurrency", args.concurrency ?? io.env.VERNISSAGE_JOB_CONCURRENCY);
      const leaseMs = positiveInt("lease", args["lease-ms"] ?? io.env.VERNISSAGE_JOB_LEASE_MS);
      const gallery = await openGallery({
        ...galleryLocation(io, args),
        jobs: true,
        gallery: {
          jobs: {
            ...(concurrency === undefined ? {} : { concurrency }),
            ...(leaseMs === undefined ? {} : { leaseMs }),
          },
        },
      });
      log.ready(`Vernissage worker ${process.pid} is processing jobs (${gallery.database.kind}).`);
      try {
        const signal = await io.untilShutdown();
        log.info(`${signal}: finishing running jobs…`);
      } finally {
        await gallery.close();
      }
      log.success("Stopped.");
    },
  }) as CommandDef<ArgsDef>;
}
