import { type Kysely, sql } from "kysely";
import { assertUserAdmin } from "../access/permissions.js";
import { type Actor, actorUserId, PRIVACY_LEVELS, type PrivacyLevel, type UserRole } from "../actor.js";
import type { DB, UserRow } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { UserInfo } from "../hook-contexts.js";
import type { HookBus } from "../hooks.js";
import { newId } from "../ids.js";
import { decodeCursor, encodeCursor, pageLimit } from "../pagination.js";
import type { DatabaseAdapter } from "../ports/database.js";
import type { Page, PageInput } from "../types.js";
import type { ActivityService } from "./activity.js";
import { hashPassword, verifyPassword } from "./auth.js";

/** A user as services return it (never the password hash). */
export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  role: UserRole;
  privacyLevel: number;
  /** A shared account (Piwigo's "generic") may not change its own profile or password. */
  sharedAccount: boolean;
  status: "active" | "disabled" | "pending";
  createdAt: number;
}

/** Input of {@link UserService.create}. */
export interface CreateUserInput {
  username: string;
  password?: string | undefined;
  role?: UserRole | undefined;
  displayName?: string | undefined;
  email?: string | undefined;
  privacyLevel?: number | undefined;
  /** @default false */
  sharedAccount?: boolean | undefined;
  /** @default "active" */
  status?: User["status"] | undefined;
}

/** Input of {@link UserService.list}. */
export interface ListUsersInput extends PageInput {
  /** Only users whose username or display name contains this text (case-insensitive, at most 100 characters). */
  search?: string | undefined;
  /** Only users in this state (e.g. `pending` registrations waiting for approval). */
  status?: User["status"] | undefined;
}

/** Input of {@link UserService.update} (admins). */
export interface UpdateUserInput {
  displayName?: string | undefined;
  email?: string | null | undefined;
  role?: UserRole | undefined;
  privacyLevel?: number | undefined;
  sharedAccount?: boolean | undefined;
  status?: User["status"] | undefined;
  /** A new password (admin reset). */
  password?: string | undefined;
}

/** Input of {@link UserService.updateMe} (a user about their own account). */
export interface UpdateMeInput {
  displayName?: string | undefined;
  email?: string | null | undefined;
  /** Required with `newPassword`. */
  currentPassword?: string | undefined;
  newPassword?: string | undefined;
}

/** Users. */
export interface UserService {
  /** Create a user. Admins create members; only the owner (or the system) creates admins and owners. */
  create(actor: Actor, input: CreateUserInput): Promise<User>;
  /** Number of users (for first-run setup). */
  count(): Promise<number>;
  /** Find a user by username (admins only). */
  findByUsername(actor: Actor, username: string): Promise<User | null>;
  /** Users by username (admins only), optionally those whose username or name contains `search`, or of one status. */
  list(actor: Actor, input?: ListUsersInput): Promise<Page<User>>;
  /** One user (admins only). */
  get(actor: Actor, id: string): Promise<User>;
  /**
   * Change a user (admins). Only the owner changes admins and owners or grants those roles; nobody changes their
   * own role; the last owner stays. A change of role, level, status or password ends the user's sessions.
   */
  update(actor: Actor, id: string, input: UpdateUserInput): Promise<User>;
  /** Delete a user (admins; not oneself; admins and owners only by the owner; never the last owner). */
  delete(actor: Actor, id: string): Promise<void>;
  /** The signed-in user (a session's or a token's). */
  me(actor: Actor): Promise<User>;
  /**
   * Change one's own profile or password (not shared accounts, not through a token). A password change needs the
   * current password and ends every session of the user; the caller opens a new one.
   */
  updateMe(actor: Actor, input: UpdateMeInput): Promise<User>;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/** @internal */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    privacyLevel: row.privacy_level,
    sharedAccount: row.shared_account === 1,
    status: row.status,
    createdAt: Number(row.created_at),
  };
}

/** A user as hooks see it. @internal */
export function userInfo(row: UserRow): UserInfo {
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role };
}

function invalid(path: string, message: string): GalleryError {
  return new GalleryError("VALIDATION_FAILED", { errors: [{ path, message }] });
}

/** @internal */
export function validatePassword(password: string, path = "password"): void {
  if (typeof password !== "string" || password.length < 8 || password.length > 1024)
    throw invalid(path, "8–1024 characters");
}

/** @internal */
export function normaliseUsername(username: string): string {
  const name = typeof username === "string" ? username.trim().toLowerCase() : "";
  if (!USERNAME.test(name))
    throw invalid("username", "1–64 of a–z, 0–9, dot, dash, underscore; starting with a letter or digit");
  return name;
}

function validateLevel(level: number): PrivacyLevel {
  if (!PRIVACY_LEVELS.includes(level as PrivacyLevel)) throw invalid("privacyLevel", "0, 1, 2, 4 or 8");
  return level as PrivacyLevel;
}

function validateEmail(email: string | null | undefined): string | null {
  if (email === undefined || email === null || email === "") return null;
  if (!EMAIL.test(email)) throw invalid("email", "an e-mail address");
  return email;
}

function isOwnerOrSystem(actor: Actor): boolean {
  return (
    actor.kind === "system" || ((actor.kind === "user" || actor.kind === "token") && actor.role === "owner")
  );
}

/** @internal */
export function createUserService(deps: {
  db: Kysely<DB>;
  adapter: DatabaseAdapter;
  activity: ActivityService;
  hooks: HookBus;
}): UserService {
  const { db, adapter, activity, hooks } = deps;

  /** Run `user:update:before` on the profile fields of `input`; returns the input with the hooks' patch applied. */
  async function profileHook<
    I extends { displayName?: string | undefined; email?: string | null | undefined },
  >(
    actor: Actor,
    row: UserRow,
    input: I & { role?: UserRole | undefined },
  ): Promise<I & { role?: UserRole | undefined }> {
    if (!hooks.has("user:update:before")) return input;
    const patch: Partial<{ displayName: string; email: string | null; role: UserInfo["role"] }> = {};
    if (input.displayName !== undefined) patch.displayName = input.displayName;
    if (input.email !== undefined) patch.email = input.email;
    if (input.role !== undefined) patch.role = input.role;
    await hooks.before("user:update:before", { actor, current: userInfo(row), patch });
    return { ...input, displayName: patch.displayName, email: patch.email, role: patch.role };
  }

  async function load(id: string): Promise<UserRow> {
    const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new GalleryError("NOT_FOUND", { detail: "No such user." });
    return row;
  }

  async function ownerCount(): Promise<number> {
    const row = await db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("role", "=", "owner")
      .where("status", "=", "active")
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function insert(row: UserRow, executor: Kysely<DB> = db): Promise<void> {
    try {
      await executor.insertInto("users").values(row).execute();
    } catch (error) {
      if (adapter.classifyError(error) === "unique") {
        throw new GalleryError("ALREADY_EXISTS", {
          detail: "That username is taken.",
          data: { field: "username" },
        });
      }
      throw error;
    }
  }

  return {
    async create(actor, input) {
      assertUserAdmin(actor);
      const username = normaliseUsername(input.username);
      const fields = {
        username,
        displayName: input.displayName?.trim().slice(0, 200) || username,
        email: input.email ?? null,
        role: input.role ?? ("member" as UserRole),
      };
      await hooks.before("user:create:before", { actor, fields });
      const role = fields.role;
      if (!["owner", "admin", "member"].includes(role)) throw invalid("role", "owner, admin or member");
      if (role !== "member" && !isOwnerOrSystem(actor)) {
        throw new GalleryError("FORBIDDEN", { detail: "Only the owner may create admins." });
      }
      if (input.password !== undefined) validatePassword(input.password);
      const level = validateLevel(input.privacyLevel ?? (role === "member" ? 0 : 8));
      const now = Date.now();
      const row: UserRow = {
        id: newId(),
        username,
        display_name: fields.displayName.trim().slice(0, 200) || username,
        email: validateEmail(fields.email),
        password_hash: input.password === undefined ? null : await hashPassword(input.password),
        role,
        privacy_level: level,
        shared_account: input.sharedAccount ? 1 : 0,
        status: input.status ?? "active",
        created_at: now,
        updated_at: now,
      };
      await db.transaction().execute(async (trx) => {
        await insert(row, trx);
        await activity.record(
          actor,
          { action: "user.create", subjectType: "user", subjectId: row.id, data: { role } },
          trx,
        );
      });
      await hooks.after("user:create:after", { actor, user: userInfo(row) });
      return toUser(row);
    },

    async count() {
      const row = await db
        .selectFrom("users")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async findByUsername(actor, username) {
      assertUserAdmin(actor);
      const row = await db
        .selectFrom("users")
        .selectAll()
        .where("username", "=", String(username).trim().toLowerCase())
        .executeTakeFirst();
      return row ? toUser(row) : null;
    },

    async list(actor, input = {}) {
      assertUserAdmin(actor);
      const limit = pageLimit(input.limit);
      let query = db
        .selectFrom("users")
        .selectAll()
        .orderBy("username")
        .limit(limit + 1);
      if (input.cursor) {
        const [after] = decodeCursor(input.cursor, ["s"]) as [string];
        query = query.where("username", ">", after);
      }
      const search = typeof input.search === "string" ? input.search.trim().slice(0, 100) : "";
      if (search !== "") {
        // Wildcards typed by the admin match themselves.
        const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where(
          sql<boolean>`(lower(username) like ${pattern} escape '\\' or lower(display_name) like ${pattern} escape '\\')`,
        );
      }
      if (input.status !== undefined) {
        if (!["active", "disabled", "pending"].includes(input.status))
          throw invalid("status", "active, disabled or pending");
        query = query.where("status", "=", input.status);
      }
      const rows = await query.execute();
      const items = rows.slice(0, limit).map(toUser);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.username]) : null };
    },

    async get(actor, id) {
      assertUserAdmin(actor);
      return toUser(await load(id));
    },

    async update(actor, id, rawInput) {
      assertUserAdmin(actor);
      const row = await load(id);
      const self = actorUserId(actor) === id;
      const targetIsStaff = row.role !== "member";
      if (targetIsStaff && !isOwnerOrSystem(actor) && !self) {
        throw new GalleryError("FORBIDDEN", { detail: "Only the owner may change admins." });
      }
      const input = await profileHook(actor, row, rawInput);
      const patch: Partial<UserRow> = {};
      if (input.displayName !== undefined) {
        const name = input.displayName.trim().slice(0, 200);
        if (!name) throw invalid("displayName", "not empty");
        patch.display_name = name;
      }
      if (input.email !== undefined) patch.email = validateEmail(input.email);
      if (input.sharedAccount !== undefined) patch.shared_account = input.sharedAccount ? 1 : 0;
      if (input.role !== undefined && input.role !== row.role) {
        if (self) throw new GalleryError("FORBIDDEN", { detail: "You may not change your own role." });
        if (input.role !== "member" && !isOwnerOrSystem(actor))
          throw new GalleryError("FORBIDDEN", { detail: "Only the owner may grant admin roles." });
        if (row.role === "owner" && (await ownerCount()) <= 1)
          throw new GalleryError("CONFLICT", { detail: "The last owner keeps the role." });
        patch.role = input.role;
      }
      if (input.privacyLevel !== undefined) patch.privacy_level = validateLevel(input.privacyLevel);
      if (input.status !== undefined && input.status !== row.status) {
        if (self) throw new GalleryError("FORBIDDEN", { detail: "You may not change your own status." });
        if (row.role === "owner" && input.status !== "active" && (await ownerCount()) <= 1)
          throw new GalleryError("CONFLICT", { detail: "The last owner stays active." });
        patch.status = input.status;
      }
      if (input.password !== undefined) {
        validatePassword(input.password);
        patch.password_hash = await hashPassword(input.password);
      }
      if (Object.keys(patch).length === 0) return toUser(row);
      patch.updated_at = Date.now();
      const privilegeChanged =
        (patch.role !== undefined && patch.role !== row.role) ||
        (patch.privacy_level !== undefined && patch.privacy_level !== row.privacy_level) ||
        (patch.status !== undefined && patch.status !== row.status) ||
        patch.password_hash !== undefined;
      await db.transaction().execute(async (trx) => {
        await trx.updateTable("users").set(patch).where("id", "=", id).execute();
        // Privilege change: every session of the user ends (the Lucia rotation rule).
        if (privilegeChanged) await trx.deleteFrom("sessions").where("user_id", "=", id).execute();
        await activity.record(
          actor,
          {
            action: "user.update",
            subjectType: "user",
            subjectId: id,
            data: {
              fields: Object.keys(input).filter(
                (k) => k !== "password" && input[k as keyof UpdateUserInput] !== undefined,
              ),
            },
          },
          trx,
        );
      });
      if (patch.role !== undefined && patch.role !== row.role)
        await activity.record(actor, {
          action: "user.role_change",
          subjectType: "user",
          subjectId: id,
          data: { from: row.role, to: patch.role },
        });
      if (patch.privacy_level !== undefined && patch.privacy_level !== row.privacy_level)
        await activity.record(actor, {
          action: "user.level_change",
          subjectType: "user",
          subjectId: id,
          data: { from: row.privacy_level, to: patch.privacy_level },
        });
      const updated = await load(id);
      await hooks.after("user:update:after", { actor, previous: userInfo(row), current: userInfo(updated) });
      return toUser(updated);
    },

    async delete(actor, id) {
      assertUserAdmin(actor);
      const row = await load(id);
      if (actorUserId(actor) === id)
        throw new GalleryError("FORBIDDEN", { detail: "You may not delete yourself." });
      if (row.role !== "member" && !isOwnerOrSystem(actor))
        throw new GalleryError("FORBIDDEN", { detail: "Only the owner may delete admins." });
      if (row.role === "owner" && (await ownerCount()) <= 1)
        throw new GalleryError("CONFLICT", { detail: "The last owner cannot be deleted." });
      await hooks.before("user:delete:before", { actor, target: userInfo(row) });
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("users").where("id", "=", id).execute();
        await activity.record(
          actor,
          { action: "user.delete", subjectType: "user", subjectId: id, data: { username: row.username } },
          trx,
        );
      });
      await hooks.after("user:delete:after", { actor, deleted: userInfo(row) });
    },

    async me(actor) {
      const id = actorUserId(actor);
      if (id === undefined) throw new GalleryError("UNAUTHENTICATED");
      return toUser(await load(id));
    },

    async updateMe(actor, rawInput) {
      if (actor.kind === "token")
        throw new GalleryError("FORBIDDEN", {
          detail: "Profiles are changed in a session, not with a token.",
        });
      if (actor.kind !== "user") throw new GalleryError("UNAUTHENTICATED");
      const row = await load(actor.userId);
      if (row.shared_account === 1)
        throw new GalleryError("FORBIDDEN", { detail: "A shared account may not change its profile." });
      // Only profile fields can change here: a hook's `role` is ignored (nobody changes their own role).
      const input = await profileHook(actor, row, rawInput);
      const patch: Partial<UserRow> = {};
      if (input.displayName !== undefined) {
        const name = input.displayName.trim().slice(0, 200);
        if (!name) throw invalid("displayName", "not empty");
        patch.display_name = name;
      }
      if (input.email !== undefined) patch.email = validateEmail(input.email);
      if (input.newPassword !== undefined) {
        validatePassword(input.newPassword, "newPassword");
        const ok =
          row.password_hash !== null &&
          input.currentPassword !== undefined &&
          (await verifyPassword(row.password_hash, input.currentPassword));
        if (!ok) throw new GalleryError("INVALID_CREDENTIALS", { detail: "The current password is wrong." });
        patch.password_hash = await hashPassword(input.newPassword);
      }
      if (Object.keys(patch).length === 0) return toUser(row);
      patch.updated_at = Date.now();
      await db.transaction().execute(async (trx) => {
        await trx.updateTable("users").set(patch).where("id", "=", actor.userId).execute();
        const fields = Object.keys(patch)
          .filter((k) => k !== "password_hash" && k !== "updated_at")
          .map((k) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
        if (patch.password_hash !== undefined) {
          await trx.deleteFrom("sessions").where("user_id", "=", actor.userId).execute();
          // With profile fields in the same call, this one entry (and its one `user.updated` event) names them all.
          await activity.record(
            actor,
            {
              action: "user.password_change",
              subjectType: "user",
              subjectId: actor.userId,
              ...(fields.length > 0 ? { data: { fields: [...fields, "password"] } } : {}),
            },
            trx,
          );
        } else if (fields.length > 0) {
          // A profile change is a domain event (`user.updated`) and an audit entry.
          await activity.record(
            actor,
            { action: "user.update", subjectType: "user", subjectId: actor.userId, data: { fields } },
            trx,
          );
        }
      });
      const updated = await load(actor.userId);
      await hooks.after("user:update:after", { actor, previous: userInfo(row), current: userInfo(updated) });
      return toUser(updated);
    },
  };
}
