import type { JobInfo } from "@vernissage/core";
import { type ApiRoute, defineApiRoute } from "../route.js";
import { pageOf } from "../schemas.js";
import { type ApiRouteOptions, READ_ERRORS, WRITE_ERRORS } from "./common.js";
import { JobIdParams, JobListQuery, JobSchema } from "./jobs-schemas.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A job as the API shows it (times as ISO 8601). */
function jobJson(job: JobInfo) {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    runAt: new Date(job.runAt).toISOString(),
    lastError: job.lastError,
    dedupeKey: job.dedupeKey,
    lockedBy: job.lockedBy,
    lockedUntil: iso(job.lockedUntil),
    createdAt: new Date(job.createdAt).toISOString(),
    updatedAt: new Date(job.updatedAt).toISOString(),
  };
}

/** Job queue routes (admins): the list with its dead letters, and retrying a dead job. */
export function jobRoutes(_options: ApiRouteOptions): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/jobs",
      operationId: "listJobs",
      summary: "List background jobs, newest first (admins)",
      description:
        "`?status=dead` lists the dead letters: jobs that ran out of attempts, with their last error.",
      tags: ["jobs"],
      scope: "session",
      auth: "required",
      rateClass: "read",
      query: JobListQuery,
      response: pageOf(JobSchema),
      errors: [...READ_ERRORS, "UNAUTHENTICATED", "FORBIDDEN"],
      async handler(ctx) {
        const page = await ctx.gallery.jobAdmin.list(ctx.actor, ctx.query);
        return { items: page.items.map(jobJson), nextCursor: page.nextCursor };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/jobs/{id}/retry",
      operationId: "retryJob",
      summary: "Put a dead job back in the queue (admins)",
      description:
        "Moves a dead job (one that used up its attempts) back to pending, with its attempt count reset. A " +
        "job in another state answers 409 `CONFLICT`. Browser sessions of admins only.",
      tags: ["jobs"],
      scope: "session",
      auth: "required",
      rateClass: "write",
      params: JobIdParams,
      response: JobSchema,
      errors: [...WRITE_ERRORS, "NOT_FOUND", "CONFLICT"],
      async handler(ctx) {
        return jobJson(await ctx.gallery.jobAdmin.retry(ctx.actor, ctx.params.id));
      },
    }),
  ];
}
