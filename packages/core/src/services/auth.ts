import { hash as argonHash, verify as argonVerify } from "@node-rs/argon2";
import { type Kysely, sql } from "kysely";
import type { PrivacyLevel, UserActor } from "../actor.js";
import type { DB, UserRow } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { UserInfo } from "../hook-contexts.js";
import type { HookBus } from "../hooks.js";
import { newId } from "../ids.js";
import type { Logger } from "../logger.js";
import { errorFields } from "../logger.js";
import type { ActivityService } from "./activity.js";
import { hashSecret, randomSecret, secretMatches, splitToken } from "./secrets.js";
import type { SettingsService } from "./settings.js";
import { normaliseUsername, toUser, type User, userInfo, validatePassword } from "./users.js";

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

/** Request metadata recorded with a session and in the activity log. */
export interface ClientInfo {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** Options of {@link AuthService.login}. */
export interface LoginOptions extends ClientInfo {
  /** The session token the client held before signing in; it is ended (no session fixation). */
  previousToken?: string | undefined;
}

/** Login throttling: failures allowed before backoff starts, per account and per IP. */
export interface LoginThrottleOptions {
  /** Failures per account before backoff. @default 5 */
  accountFailures?: number;
  /** Failures per IP before backoff. @default 20 */
  ipFailures?: number;
  /** Longest lock in ms. @default 15 minutes */
  maxLockMs?: number;
}

/** Authentication: passwords and sessions (the Lucia session design). */
export interface AuthService {
  /**
   * Check credentials and open a session. Unknown user and wrong password give the same error with similar
   * timing; repeated failures per account and per IP answer `RATE_LIMITED` (with `data.retryAfter` seconds)
   * with an exponential backoff, counted in the database so every process shares them.
   */
  login(username: string, password: string, client?: LoginOptions): Promise<SessionInfo>;
  /** Resolve a session token to its actor, sliding the expiry; `null` when invalid or expired. */
  resolveSession(token: string): Promise<ResolvedSession | null>;
  /** End the session a token belongs to. */
  logout(token: string): Promise<void>;
  /** End one session by its id. */
  endSession(sessionId: string): Promise<void>;
  /** End every session of a user. */
  logoutEverywhere(userId: string): Promise<void>;
  /** Replace a session by a new one for the same user (after a privilege change); the old token stops working. */
  rotateSession(sessionId: string, client?: ClientInfo): Promise<SessionInfo>;
  /** Open a session for a user without a password (registration, password reset). @internal */
  openSession(userId: string, client?: ClientInfo): Promise<SessionInfo>;
  /**
   * Self-registration (when `identity.registration` allows it; else `REGISTRATION_CLOSED`). New accounts are
   * members at level 0 and join the default groups; with `approval` they wait (`status: "pending"`) and get no
   * session.
   */
  register(input: RegisterInput, client?: ClientInfo): Promise<{ user: User; session: SessionInfo | null }>;
  /**
   * Send a one-time, short-lived reset link through the `mail:send` hook to the account with this username or
   * e-mail. Always resolves the same way, whether or not such an account exists.
   */
  requestPasswordReset(usernameOrEmail: string, client?: ClientInfo): Promise<void>;
  /** Set a new password with a reset token (`INVALID_TOKEN` when unknown, used or expired); ends every session. */
  resetPassword(token: string, newPassword: string, client?: ClientInfo): Promise<void>;
  /** Whether only signed-in users may see anything. */
  readonly loginOnly: boolean;
}

/** Input of {@link AuthService.register}. */
export interface RegisterInput {
  username: string;
  password: string;
  email?: string | undefined;
  displayName?: string | undefined;
}

/** Account options of the gallery (see `GalleryOptions.identity`). @internal */
export interface IdentityOptions {
  registration?: "off" | "open" | "approval" | undefined;
  loginOnly?: boolean | undefined;
  publicUrl?: string | undefined;
  passwordResetTtlMs?: number | undefined;
}

/** @internal Group ids of a user. */
export async function groupIdsOf(db: Kysely<DB>, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("group_members")
    .select("group_id")
    .where("user_id", "=", userId)
    .execute();
  return rows.map((r) => r.group_id).sort();
}

/** @internal */
export function toUserActor(row: UserRow, sessionId?: string, groupIds: readonly string[] = []): UserActor {
  return {
    kind: "user",
    userId: row.id,
    role: row.role,
    privacyLevel: row.privacy_level as PrivacyLevel,
    groupIds,
    sessionId,
  };
}

/** @internal */
export function createAuthService(deps: {
  db: Kysely<DB>;
  ttlMs: number;
  activity: ActivityService;
  throttle?: LoginThrottleOptions | undefined;
  hooks?: HookBus | undefined;
  logger?: Logger | undefined;
  identity?: IdentityOptions | undefined;
  /** Run-time settings (registration mode, login-only) that override `identity`. */
  settings?: Pick<SettingsService, "get" | "snapshot"> | undefined;
}): AuthService {
  const { db, ttlMs, activity } = deps;
  const identity = deps.identity ?? {};
  const resetTtlMs = identity.passwordResetTtlMs ?? 3600_000;
  const accountFailures = deps.throttle?.accountFailures ?? 5;
  const ipFailures = deps.throttle?.ipFailures ?? 20;
  const maxLockMs = deps.throttle?.maxLockMs ?? 15 * 60_000;
  // A real hash to verify against for unknown users, so both failures cost the same time.
  const dummyHash = hashPassword(randomSecret());

  async function openSession(userId: string, client: ClientInfo = {}): Promise<SessionInfo> {
    const id = randomSecret();
    const secret = randomSecret();
    const now = Date.now();
    await db
      .insertInto("sessions")
      .values({
        id,
        user_id: userId,
        secret_hash: hashSecret(secret),
        created_at: now,
        expires_at: now + ttlMs,
        last_seen_at: now,
        ip: client.ip?.slice(0, 64) ?? null,
        user_agent: client.userAgent?.slice(0, 256) ?? null,
      })
      .execute();
    return { token: `${id}.${secret}`, sessionId: id, userId, expiresAt: now + ttlMs };
  }

  /** End one session; `auth:logout:after` runs when a session was actually ended. */
  async function endSession(sessionId: string): Promise<void> {
    const row = await db
      .deleteFrom("sessions")
      .where("id", "=", sessionId)
      .returning("user_id")
      .executeTakeFirst();
    if (row) await deps.hooks?.after("auth:logout:after", { userId: row.user_id });
  }

  function throttleKeys(username: string, ip: string | undefined): { key: string; free: number }[] {
    const keys = [{ key: `user:${username}`.slice(0, 200), free: accountFailures }];
    if (ip) keys.push({ key: `ip:${ip}`.slice(0, 200), free: ipFailures });
    return keys;
  }

  async function assertNotThrottled(keys: { key: string }[], now: number): Promise<void> {
    const rows = await db
      .selectFrom("login_throttle")
      .select(["locked_until"])
      .where(
        "key",
        "in",
        keys.map((k) => k.key),
      )
      .execute();
    const until = Math.max(0, ...rows.map((r) => Number(r.locked_until)));
    if (until > now) {
      throw new GalleryError("RATE_LIMITED", {
        detail: "Too many failed sign-ins; try again later.",
        data: { retryAfter: Math.ceil((until - now) / 1000) },
      });
    }
  }

  async function recordFailure(keys: { key: string; free: number }[], now: number): Promise<void> {
    for (const { key, free } of keys) {
      // One atomic upsert per key, so concurrent processes never lose a failure.
      const row = await db
        .insertInto("login_throttle")
        .values({ key, failures: 1, locked_until: 0, updated_at: now })
        .onConflict((oc) =>
          oc.column("key").doUpdateSet({ failures: sql`login_throttle.failures + 1`, updated_at: now }),
        )
        .returning("failures")
        .executeTakeFirstOrThrow();
      const failures = Number(row.failures);
      if (failures >= free) {
        const lockMs = Math.min(maxLockMs, 1000 * 2 ** Math.min(20, failures - free));
        await db
          .updateTable("login_throttle")
          .set({ locked_until: now + lockMs })
          .where("key", "=", key)
          .execute();
      }
    }
  }

  return {
    async login(username, password, client = {}) {
      const name = typeof username === "string" ? username.trim().toLowerCase() : "";
      const ip = client.ip ?? null;
      await deps.hooks?.before("auth:login:before", { username: name, ip });
      const now = Date.now();
      const keys = throttleKeys(name, client.ip);
      await assertNotThrottled(keys, now);
      const user = await db.selectFrom("users").selectAll().where("username", "=", name).executeTakeFirst();
      const ok = await verifyPassword(user?.password_hash ?? (await dummyHash), String(password));
      if (!user || !ok || !user.password_hash || user.status !== "active") {
        await recordFailure(keys, now);
        await activity.record(
          { kind: "guest" },
          { action: "auth.login_failed", subjectType: "user", subjectId: user?.id, ip: client.ip },
        );
        await deps.hooks?.after("auth:login:failed", { username: name, ip });
        throw new GalleryError("INVALID_CREDENTIALS");
      }
      await db.deleteFrom("login_throttle").where("key", "=", `user:${name}`.slice(0, 200)).execute();
      // Session fixation: whatever session the client came with is ended, and a fresh one is issued.
      const previous = splitToken(client.previousToken);
      if (previous) await db.deleteFrom("sessions").where("id", "=", previous.id).execute();
      const info = await openSession(user.id, client);
      await activity.record(toUserActor(user), {
        action: "auth.login",
        subjectType: "user",
        subjectId: user.id,
        ip: client.ip,
      });
      await deps.hooks?.after("auth:login:after", { user: userInfo(user), ip });
      return info;
    },

    async resolveSession(token) {
      const parsed = splitToken(token);
      if (!parsed) return null;
      const row = await db
        .selectFrom("sessions as s")
        .innerJoin("users as u", "u.id", "s.user_id")
        .selectAll("u")
        .select(["s.id as session_id", "s.secret_hash", "s.expires_at"])
        .where("s.id", "=", parsed.id)
        .executeTakeFirst();
      if (!row) return null;
      if (!secretMatches(row.secret_hash, parsed.secret)) return null;
      const now = Date.now();
      const storedExpiry = Number(row.expires_at);
      if (storedExpiry <= now || row.status !== "active") {
        await db.deleteFrom("sessions").where("id", "=", parsed.id).execute();
        return null;
      }
      let expiresAt = storedExpiry;
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
        actor: toUserActor(row, row.session_id, await groupIdsOf(db, row.id)),
        user: { id: row.id, username: row.username, displayName: row.display_name },
        sessionId: row.session_id,
        expiresAt,
        refreshed,
      };
    },

    async logout(token) {
      const parsed = splitToken(token);
      if (parsed) await endSession(parsed.id);
    },

    endSession,

    async logoutEverywhere(userId) {
      const ended = await db.deleteFrom("sessions").where("user_id", "=", userId).returning("id").execute();
      if (ended.length > 0) await deps.hooks?.after("auth:logout:after", { userId });
    },

    async rotateSession(sessionId, client = {}) {
      const row = await db
        .selectFrom("sessions")
        .select("user_id")
        .where("id", "=", sessionId)
        .executeTakeFirst();
      if (!row) throw new GalleryError("UNAUTHENTICATED");
      await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
      return openSession(row.user_id, client);
    },

    openSession,

    get loginOnly() {
      return deps.settings ? deps.settings.snapshot().loginOnly : identity.loginOnly === true;
    },

    async register(input, client = {}) {
      const mode = deps.settings
        ? (await deps.settings.get()).registration
        : (identity.registration ?? "off");
      if (mode === "off") throw new GalleryError("REGISTRATION_CLOSED");
      const username = normaliseUsername(input.username);
      validatePassword(input.password);
      const fields = {
        username,
        displayName: input.displayName?.trim().slice(0, 200) || username,
        email: input.email?.trim() || null,
        role: "member" as UserInfo["role"],
      };
      await deps.hooks?.before("user:create:before", { actor: { kind: "guest" }, fields });
      if (!["owner", "admin", "member"].includes(fields.role))
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "role", message: "owner, admin or member" }],
        });
      const email = fields.email?.trim() || null;
      if (email !== null && !/^[^\s@]{1,64}@[^\s@]{1,255}$/.test(email))
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "email", message: "an e-mail address" }],
        });
      const now = Date.now();
      const row: UserRow = {
        id: newId(),
        username,
        display_name: fields.displayName.trim().slice(0, 200) || username,
        email,
        password_hash: await hashPassword(input.password),
        role: fields.role,
        privacy_level: 0,
        shared_account: 0,
        status: mode === "approval" ? "pending" : "active",
        created_at: now,
        updated_at: now,
      };
      const defaults = await db.selectFrom("groups").select("id").where("is_default", "=", 1).execute();
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto("users").values(row).execute();
          if (defaults.length > 0)
            await trx
              .insertInto("group_members")
              .values(defaults.map((g) => ({ group_id: g.id, user_id: row.id, added_at: now })))
              .execute();
          await activity.record(
            toUserActor(row),
            {
              action: "user.register",
              subjectType: "user",
              subjectId: row.id,
              ip: client.ip,
              data: { status: row.status },
            },
            trx,
          );
        });
      } catch (error) {
        const taken = await db
          .selectFrom("users")
          .select("id")
          .where("username", "=", username)
          .executeTakeFirst();
        if (taken)
          throw new GalleryError("ALREADY_EXISTS", {
            detail: "That username is taken.",
            data: { field: "username" },
          });
        throw error;
      }
      await deps.hooks?.after("user:create:after", { actor: { kind: "guest" }, user: userInfo(row) });
      const session = row.status === "active" ? await openSession(row.id, client) : null;
      return { user: toUser(row), session };
    },

    async requestPasswordReset(usernameOrEmail, client = {}) {
      const key =
        typeof usernameOrEmail === "string" ? usernameOrEmail.trim().toLowerCase().slice(0, 320) : "";
      if (!key) return;
      const user = await db
        .selectFrom("users")
        .selectAll()
        .where((eb) => eb.or([eb("username", "=", key), eb(eb.fn("lower", ["email"]), "=", key)]))
        .executeTakeFirst();
      if (!user?.email || user.status !== "active" || user.shared_account === 1) return;
      const id = `pwr_${randomSecret(10)}`;
      const secret = randomSecret();
      const now = Date.now();
      await db
        .insertInto("password_resets")
        .values({
          id,
          user_id: user.id,
          secret_hash: hashSecret(secret),
          created_at: now,
          expires_at: now + resetTtlMs,
          used_at: null,
        })
        .execute();
      const token = `${id}.${secret}`;
      // Links come from the configured public URL only, never from the request's Host header.
      const link = identity.publicUrl
        ? `${identity.publicUrl.replace(/\/+$/, "")}/reset-password#token=${token}`
        : undefined;
      const minutes = Math.round(resetTtlMs / 60_000);
      const message = {
        to: [user.email],
        subject: "Reset your password",
        text: `Someone asked to reset the password of "${user.username}". ${link ? `Open ${link}` : `Use this token: ${token}`} within ${minutes} minutes. If it was not you, ignore this message.`,
        html: null,
      };
      // A mail plugin delivers it from `mail:send:before`; without one the message goes to the log (console).
      if (deps.hooks?.has("mail:send:before")) {
        // A veto cancels the e-mail only: the answer stays the same whether or not the account exists.
        try {
          await deps.hooks.before("mail:send:before", { message });
        } catch (error) {
          deps.logger?.warn({ hook: "mail:send:before", ...errorFields(error) }, "reset e-mail cancelled");
        }
      } else deps.logger?.info({ mail: { to: message.to, subject: message.subject } }, message.text);
      await activity.record(toUserActor(user), {
        action: "auth.password_reset_requested",
        subjectType: "user",
        subjectId: user.id,
        ip: client.ip,
      });
    },

    async resetPassword(token, newPassword, client = {}) {
      const parsed = splitToken(token);
      const invalid = new GalleryError("INVALID_TOKEN");
      if (!parsed?.id.startsWith("pwr_")) throw invalid;
      const row = await db
        .selectFrom("password_resets")
        .selectAll()
        .where("id", "=", parsed.id)
        .executeTakeFirst();
      if (!row || !secretMatches(row.secret_hash, parsed.secret)) throw invalid;
      if (row.used_at !== null || Number(row.expires_at) <= Date.now()) throw invalid;
      validatePassword(newPassword, "newPassword");
      const hash = await hashPassword(newPassword);
      const now = Date.now();
      const used = await db.transaction().execute(async (trx) => {
        // One use only, even with two concurrent requests.
        const marked = await trx
          .updateTable("password_resets")
          .set({ used_at: now })
          .where("id", "=", row.id)
          .where("used_at", "is", null)
          .executeTakeFirst();
        if (Number(marked.numUpdatedRows) === 0) return false;
        await trx
          .updateTable("users")
          .set({ password_hash: hash, updated_at: now })
          .where("id", "=", row.user_id)
          .execute();
        await trx.deleteFrom("sessions").where("user_id", "=", row.user_id).execute();
        // The audit entry and its `user.updated` event commit with the new password.
        await activity.record(
          { kind: "guest" },
          { action: "auth.password_reset", subjectType: "user", subjectId: row.user_id, ip: client.ip },
          trx,
        );
        return true;
      });
      if (!used) throw invalid;
    },
  };
}
