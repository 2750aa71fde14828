import type { Kysely } from "kysely";
import type { Actor } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";

/** A stored response, replayed for a repeated request. */
export interface IdempotentResponse {
  /** HTTP status of the first response. */
  status: number;
  /** Headers worth replaying (content type, location…); never `set-cookie`. */
  headers: Record<string, string>;
  /** Response body as text, or `null` for none. */
  body: string | null;
}

/** A finished request stored under its key. */
export interface IdempotencyRecord extends IdempotentResponse {
  /** SHA-256 (hex) over method, path and body bytes of the first request. */
  fingerprint: string;
  /** When the record was stored (epoch ms). */
  createdAt: number;
}

/**
 * Outcome of {@link IdempotencyService.begin}: `started` means this caller holds the key and must
 * `complete` or `release` it; `in-progress` means another request with the key is still running;
 * `completed` hands back the stored record (compare its fingerprint before replaying).
 */
export type IdempotencyBegin =
  | { state: "started" }
  | { state: "in-progress" }
  | { state: "completed"; record: IdempotencyRecord };

/** Key and principal of one idempotent request. */
export interface IdempotencyClaim {
  /** Who sent the request; see {@link idempotencyPrincipal}. */
  principal: string;
  /** The client's `Idempotency-Key`, checked by {@link assertIdempotencyKey}. */
  key: string;
}

/**
 * Idempotency records in the database: one claim per (principal, key) at a time, whatever the number of
 * processes. Framework-agnostic: the HTTP layer computes fingerprints and decides what to store.
 */
export interface IdempotencyService {
  /** Claim a key, or learn that it is running or finished. Atomic across processes. */
  begin(claim: IdempotencyClaim): Promise<IdempotencyBegin>;
  /** Store the response of a claimed key (kept `ttlMs`). */
  complete(claim: IdempotencyClaim & { fingerprint: string; response: IdempotentResponse }): Promise<void>;
  /** Give a claimed key up without storing anything (5xx, 429, unreadable body): a retry runs anew. */
  release(claim: IdempotencyClaim): Promise<void>;
  /** Delete expired records (also done lazily, at most every `sweepEveryMs`). Returns how many. */
  sweep(now?: number): Promise<number>;
}

/** Options of {@link createIdempotencyService}. */
export interface IdempotencyOptions {
  /** How long a finished record is kept. @default 24 hours */
  ttlMs?: number;
  /** How long a running claim blocks others before a dead process's claim is taken over. @default 15 minutes */
  leaseMs?: number;
  /** Least time between two lazy sweeps of expired records. @default 10 minutes */
  sweepEveryMs?: number;
}

const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** Throw `INVALID_IDEMPOTENCY_KEY` unless `key` is 1–255 printable ASCII characters. */
export function assertIdempotencyKey(key: string): void {
  if (!KEY_PATTERN.test(key) || key.trim() === "") {
    throw new GalleryError("INVALID_IDEMPOTENCY_KEY", {
      detail: "Idempotency-Key must be 1 to 255 printable ASCII characters.",
    });
  }
}

/**
 * The principal an idempotency key (and a rate-limit bucket) belongs to: the token for token requests, the
 * user for session requests, the share link for share visitors, else the client address (`null` when unknown).
 */
export function idempotencyPrincipal(actor: Actor, ip: string | undefined): string | null {
  switch (actor.kind) {
    case "token":
      return `token:${actor.tokenId}`;
    case "user":
      return `user:${actor.userId}`;
    case "share":
      return `share:${actor.shareId}`;
    case "system":
      return "system";
    default:
      return ip ? `ip:${ip}` : null;
  }
}

/** @internal */
export function createIdempotencyService(deps: {
  db: Kysely<DB>;
  options?: IdempotencyOptions;
}): IdempotencyService {
  const { db } = deps;
  const ttlMs = deps.options?.ttlMs ?? 24 * 3600_000;
  const leaseMs = deps.options?.leaseMs ?? 15 * 60_000;
  const sweepEveryMs = deps.options?.sweepEveryMs ?? 10 * 60_000;
  let lastSweep = 0;

  async function sweep(now = Date.now()): Promise<number> {
    lastSweep = now;
    const result = await db.deleteFrom("idempotency_keys").where("expires_at", "<=", now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  const where = (claim: IdempotencyClaim) =>
    db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("principal", "=", claim.principal)
      .where("key", "=", claim.key);

  return {
    async begin(claim) {
      assertIdempotencyKey(claim.key);
      const now = Date.now();
      if (now - lastSweep >= sweepEveryMs) await sweep(now);
      // A few rounds at most: each round either wins the insert, reads a live row, or removes a dead one.
      for (let round = 0; round < 5; round++) {
        const inserted = await db
          .insertInto("idempotency_keys")
          .values({
            principal: claim.principal,
            key: claim.key,
            state: "running",
            fingerprint: null,
            status: null,
            headers: null,
            body: null,
            created_at: now,
            expires_at: now + ttlMs,
            locked_until: now + leaseMs,
          })
          .onConflict((oc) => oc.columns(["principal", "key"]).doNothing())
          .returning("key")
          .executeTakeFirst();
        if (inserted) return { state: "started" };
        const row = await where(claim).executeTakeFirst();
        if (!row) continue;
        if (Number(row.expires_at) <= now) {
          await db
            .deleteFrom("idempotency_keys")
            .where("principal", "=", claim.principal)
            .where("key", "=", claim.key)
            .where("expires_at", "<=", now)
            .execute();
          continue;
        }
        if (row.state === "running") {
          if (Number(row.locked_until) > now) return { state: "in-progress" };
          // The claim's process died: take it over, unless another request just did.
          const taken = await db
            .updateTable("idempotency_keys")
            .set({ locked_until: now + leaseMs, created_at: now, expires_at: now + ttlMs })
            .where("principal", "=", claim.principal)
            .where("key", "=", claim.key)
            .where("state", "=", "running")
            .where("locked_until", "=", row.locked_until)
            .executeTakeFirst();
          if (Number(taken.numUpdatedRows) === 1) return { state: "started" };
          continue;
        }
        return {
          state: "completed",
          record: {
            fingerprint: row.fingerprint ?? "",
            status: Number(row.status ?? 500),
            headers: row.headers ? (JSON.parse(row.headers) as Record<string, string>) : {},
            body: row.body,
            createdAt: Number(row.created_at),
          },
        };
      }
      // Only reachable under pathological churn on one key: tell the client to come back.
      return { state: "in-progress" };
    },

    async complete({ principal, key, fingerprint, response }) {
      const now = Date.now();
      await db
        .updateTable("idempotency_keys")
        .set({
          state: "done",
          fingerprint,
          status: response.status,
          headers: JSON.stringify(response.headers),
          body: response.body,
          created_at: now,
          expires_at: now + ttlMs,
        })
        .where("principal", "=", principal)
        .where("key", "=", key)
        .where("state", "=", "running")
        .execute();
    },

    async release({ principal, key }) {
      await db
        .deleteFrom("idempotency_keys")
        .where("principal", "=", principal)
        .where("key", "=", key)
        .where("state", "=", "running")
        .execute();
    },

    sweep,
  };
}
