import { z } from "zod";
import { PageQuery } from "../schemas.js";

/** A background job, as admins see it. */
export const JobSchema = z
  .object({
    id: z.string(),
    type: z.string().describe("Job type, e.g. `derivatives:eager`."),
    status: z.enum(["pending", "running", "done", "dead"]).describe("`dead`: out of attempts (dead letter)."),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    runAt: z.string().describe("ISO 8601 time the job is due (after a failure: the retry time)."),
    lastError: z.string().nullable(),
    dedupeKey: z.string().nullable(),
    lockedBy: z.string().nullable().describe("The worker running it (`host:pid:…`)."),
    lockedUntil: z.string().nullable().describe("End of the running worker's lease."),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Job" });

/** Query of listJobs. */
export const JobListQuery = PageQuery.extend({
  status: z.enum(["pending", "running", "done", "dead"]).optional().describe("Only jobs in this state."),
  type: z.string().min(1).max(100).optional().describe("Only jobs of this type."),
});

/** Path parameter `{id}` of a job. */
export const JobIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[0-9a-z]+$/, "an id"),
});
