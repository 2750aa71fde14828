/** A job handler. Throwing schedules a retry with backoff; after `maxAttempts` the job is dead-lettered. */
export type JobHandler<P = unknown> = (payload: P, job: { id: string; attempt: number }) => Promise<void>;

/** Options for {@link JobQueue.enqueue}. */
export interface EnqueueOptions {
  /** At most one live (pending or running) job per key; enqueueing again returns the live one. */
  dedupeKey?: string | undefined;
  /** Earliest run time (epoch ms). @default now */
  runAt?: number | undefined;
  /** Attempts before the job is dead-lettered. @default 5 */
  maxAttempts?: number | undefined;
}

/** A job as the queue reports it. */
export interface JobInfo {
  id: string;
  type: string;
  status: "pending" | "running" | "done" | "dead";
  attempts: number;
  maxAttempts: number;
  runAt: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  /** At most one live job per key (see {@link EnqueueOptions.dedupeKey}). */
  dedupeKey: string | null;
  /** The worker holding a running job (`host:pid:random`). */
  lockedBy: string | null;
  /** When a running job's lease ends; another worker takes the job over after it. */
  lockedUntil: number | null;
}

/** Filter and page of {@link JobQueue.list}. Newest first. */
export interface JobListQuery {
  /** Only jobs in this state (e.g. `dead` for the dead-letter list). */
  status?: JobInfo["status"] | undefined;
  /** Only jobs of this type. */
  type?: string | undefined;
  /** Page size. @default 50 (at most 200) */
  limit?: number | undefined;
  /** `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

/**
 * The durable job queue port. Core's default implementation stores jobs in the gallery database (leases,
 * retries with backoff, dead-letter state; `SKIP LOCKED` where the engine has it).
 */
export interface JobQueue {
  /** Register the handler of a job type. */
  register<P>(type: string, handler: JobHandler<P>): void;
  /** Add a job; returns its id (the live job's id when deduplicated). */
  enqueue(type: string, payload: unknown, options?: EnqueueOptions): Promise<string>;
  /** Start processing in the background. */
  start(): void;
  /** Stop processing and wait for running jobs to finish. */
  stop(): Promise<void>;
  /** Process jobs until none is due (tests, CLI). Returns how many ran. */
  runUntilIdle(): Promise<number>;
  /** One job by id. */
  get(id: string): Promise<JobInfo | undefined>;
  /** Jobs, newest first, cursor-paginated. */
  list(query?: JobListQuery): Promise<{ items: JobInfo[]; nextCursor: string | null }>;
  /**
   * Put a dead job back in the queue with fresh attempts, to run now. `NOT_FOUND` for an unknown id,
   * `CONFLICT` for a job that is not dead (or whose key already has a live job).
   */
  retry(id: string): Promise<JobInfo>;
}
