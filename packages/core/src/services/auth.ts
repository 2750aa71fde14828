import { hash as argonHash, verify as argonVerify } from "@node-rs/argon2";
import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import type { Kysely } from "kysely";
import type { PrivacyLevel, UserActor } from "../actor.js";
import type { DB, UserRow } from "../db/schema.js";
import { GalleryError } from "../errors.js";

/** Hash a password with argon2id (the library's default algorithm). */
export function hashPassword(password: string): Promise<string> {
  return argonHash(password, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

/** Verify a password against an argon2id hash; false on any malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argonVerify(hash, password);
  } catch {
    return false;
  }
}

function randomToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

/** A signed-in session. The `token` is given once, to put in a cookie; only its secret's hash is stored. */
export interface SessionInfo {
  /** `id.secret`; send it back to authenticate. */
  token: string;
  sessionId: string;
  userId: string;
  expiresAt: number;
}

/** Who a session token belongs to. */
export interface ResolvedSession {
  actor: UserActor;
  user: { id: string; username: string; displayName: string };
  sessionId: string;
  expiresAt: number;
  /** True when the expiry was extended by this call (the cookie should be re-sent). */
  refreshed: boolean;
}

/** Request metadata recorded with a session. */
export interface ClientInfo {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** Authentication: passwords and sessions (the Lucia session design). */
export interface AuthService {
  /** Check credentials and open a session. Unknown user and wrong password give the same error. */
  login(username: string, password: string, client?: ClientInfo): Promise<SessionInfo>;
  /** Resolve a session token to its actor, sliding the expiry; `null` when invalid or expired. */
  resolveSession(token: string): Promise<ResolvedSession | null>;
  /** End the session a token belongs to. */
  logout(token: string): Promise<void>;
  /** End one session by its id. */
  endSession(sessionId: string): Promise<void>;
  /** End every session of a user. */
  logoutEverywhere(userId: string): Promise<void>;
}

/** @internal */
export function toUserActor(row: UserRow, sessionId?: string): UserActor {
  return {
    kind: "user",
    userId: row.id,
    role: row.role,
    privacyLevel: row.privacy_level as PrivacyLevel,
    groupIds: [],
    sessionId,
  };
}

/** @internal */
export function createAuthService(deps: { db: Kysely<DB>; ttlMs: number }): AuthService {
  const { db, ttlMs } = deps;
  // A real hash to verify against for unknown users, so both failures cost the same time.
  const dummyHash = hashPassword(randomToken());

  function parse(token: string): { id: string; secret: string } | null {
    if (typeof token !== "string" || token.length > 100) return null;
    const [id, secret, extra] = token.split(".");
    if (!id || !secret || extra !== undefined) return null;
    return { id, secret };
  }

  return {
    async login(username, password, client = {}) {
      const user = await db
        .selectFrom("users")
        .selectAll()
        .where("username", "=", username.trim().toLowerCase())
        .executeTakeFirst();
      const ok = await verifyPassword(user?.password_hash ?? (await dummyHash), password);
      if (!user || !ok || !user.password_hash || user.status !== "active") {
        throw new GalleryError("INVALID_CREDENTIALS");
      }
      const id = randomToken();
      const secret = randomToken();
      const now = Date.now();
      await db
        .insertInto("sessions")
        .values({
          id,
          user_id: user.id,
          secret_hash: hashSecret(secret),
          created_at: now,
          expires_at: now + ttlMs,
          last_seen_at: now,
          ip: client.ip?.slice(0, 64) ?? null,
          user_agent: client.userAgent?.slice(0, 256) ?? null,
        })
        .execute();
      return { token: `${id}.${secret}`, sessionId: id, userId: user.id, expiresAt: now + ttlMs };
    },

    async resolveSession(token) {
      const parsed = parse(token);
      if (!parsed) return null;
      const row = await db
        .selectFrom("sessions as s")
        .innerJoin("users as u", "u.id", "s.user_id")
        .selectAll("u")
        .select(["s.id as session_id", "s.secret_hash", "s.expires_at"])
        .where("s.id", "=", parsed.id)
        .executeTakeFirst();
      if (!row) return null;
      const expected = new TextEncoder().encode(row.secret_hash);
      const actual = new TextEncoder().encode(hashSecret(parsed.secret));
      if (!constantTimeEqual(expected, actual)) return null;
      const now = Date.now();
      if (row.expires_at <= now || row.status !== "active") {
        await db.deleteFrom("sessions").where("id", "=", parsed.id).execute();
        return null;
      }
      let expiresAt = row.expires_at;
      let refreshed = false;
      // Sliding expiry: extend once less than half the lifetime is left.
      if (expiresAt - now < ttlMs / 2) {
        expiresAt = now + ttlMs;
        refreshed = true;
        await db
          .updateTable("sessions")
          .set({ expires_at: expiresAt, last_seen_at: now })
          .where("id", "=", parsed.id)
          .execute();
      }
      return {
        actor: toUserActor(row, row.session_id),
        user: { id: row.id, username: row.username, displayName: row.display_name },
        sessionId: row.session_id,
        expiresAt,
        refreshed,
      };
    },

    async logout(token) {
      const parsed = parse(token);
      if (parsed) await db.deleteFrom("sessions").where("id", "=", parsed.id).execute();
    },

    async endSession(sessionId) {
      await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
    },

    async logoutEverywhere(userId) {
      await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
    },
  };
}
