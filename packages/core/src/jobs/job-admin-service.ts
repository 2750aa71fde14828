import { assertAdmin } from "../access/permissions.js";
import type { Actor } from "../actor.js";
import { GalleryError } from "../errors.js";
import type { JobInfo, JobListQuery, JobQueue } from "../ports/jobs.js";

/** The job queue as admins see it: the list (dead letters included) and retrying dead jobs. */
export interface JobAdminService {
  /** Jobs, newest first, optionally by status (`dead` is the dead-letter list) and type. Admins only. */
  list(actor: Actor, query?: JobListQuery): Promise<{ items: JobInfo[]; nextCursor: string | null }>;
  /** One job. Admins only; `NOT_FOUND` when missing. */
  get(actor: Actor, id: string): Promise<JobInfo>;
  /** Put a dead job back in the queue with fresh attempts. Admins only. */
  retry(actor: Actor, id: string): Promise<JobInfo>;
}

/** @internal Permission checks in front of the queue (the queue itself trusts its caller). */
export function createJobAdminService(deps: { queue: JobQueue }): JobAdminService {
  const { queue } = deps;
  return {
    async list(actor, query = {}) {
      assertAdmin(actor);
      return queue.list(query);
    },
    async get(actor, id) {
      assertAdmin(actor);
      const job = await queue.get(id);
      if (!job) throw new GalleryError("NOT_FOUND", { detail: "No such job." });
      return job;
    },
    async retry(actor, id) {
      assertAdmin(actor);
      return queue.retry(id);
    },
  };
}
