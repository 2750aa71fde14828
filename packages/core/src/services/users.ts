import type { Kysely } from "kysely";
import { type Actor, isAdminActor, type UserRole } from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import { newId } from "../ids.js";
import type { DatabaseAdapter } from "../ports/database.js";
import { hashPassword } from "./auth.js";

/** A user as services return it (never the password hash). */
export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  role: UserRole;
  privacyLevel: number;
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
}

/** Users. */
export interface UserService {
  /** Create a user. Admins create members; only the owner (or the system) creates admins and owners. */
  create(actor: Actor, input: CreateUserInput): Promise<User>;
  /** Number of users (for first-run setup). */
  count(): Promise<number>;
  /** Find a user by username (admins only). */
  findByUsername(actor: Actor, username: string): Promise<User | null>;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** @internal */
export function createUserService(deps: { db: Kysely<DB>; adapter: DatabaseAdapter }): UserService {
  const { db, adapter } = deps;
  const toUser = (row: DB["users"]): User => ({
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    privacyLevel: row.privacy_level,
    status: row.status,
    createdAt: row.created_at,
  });

  return {
    async create(actor, input) {
      const role = input.role ?? "member";
      if (!isAdminActor(actor))
        throw new GalleryError("FORBIDDEN", { detail: "Only admins may create users." });
      if (
        role !== "member" &&
        !(actor.kind === "system" || (actor.kind === "user" && actor.role === "owner"))
      ) {
        throw new GalleryError("FORBIDDEN", { detail: "Only the owner may create admins." });
      }
      const username = input.username.trim().toLowerCase();
      if (!USERNAME.test(username)) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [
            {
              path: "username",
              message: "1–64 of a–z, 0–9, dot, dash, underscore; starting with a letter or digit",
            },
          ],
        });
      }
      if (input.password !== undefined && (input.password.length < 8 || input.password.length > 1024)) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "password", message: "8–1024 characters" }],
        });
      }
      const level = input.privacyLevel ?? (role === "member" ? 0 : 8);
      if (![0, 1, 2, 4, 8].includes(level)) {
        throw new GalleryError("VALIDATION_FAILED", {
          errors: [{ path: "privacyLevel", message: "0, 1, 2, 4 or 8" }],
        });
      }
      const now = Date.now();
      const row = {
        id: newId(),
        username,
        display_name: input.displayName?.trim() || username,
        email: input.email ?? null,
        password_hash: input.password === undefined ? null : await hashPassword(input.password),
        role,
        privacy_level: level,
        shared_account: 0,
        status: "active" as const,
        created_at: now,
        updated_at: now,
      };
      try {
        await db.insertInto("users").values(row).execute();
      } catch (error) {
        if (adapter.classifyError(error) === "unique") {
          throw new GalleryError("ALREADY_EXISTS", {
            detail: "That username is taken.",
            data: { field: "username" },
          });
        }
        throw error;
      }
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
      if (!isAdminActor(actor)) throw new GalleryError("FORBIDDEN");
      const row = await db
        .selectFrom("users")
        .selectAll()
        .where("username", "=", username.trim().toLowerCase())
        .executeTakeFirst();
      return row ? toUser(row) : null;
    },
  };
}
