import {
  type Gallery,
  isGalleryError,
  type PrivacyLevel,
  SYSTEM,
  TOKEN_SCOPES,
  type TokenScope,
  type User,
  type UserActor,
  type UserRole,
} from "@vernissage/core";
import { type ArgsDef, type CommandDef, defineCommand } from "citty";
import type { CliIO } from "../commands.js";
import { CliError } from "../errors.js";
import { openGallery } from "../open-gallery.js";
import { addUser, MIN_PASSWORD_LENGTH, readPassword, USER_ROLES } from "../users.js";
import { galleryArgs, galleryLocation, positiveInt } from "./gallery-args.js";

/** Run `fn` on the gallery the flags point at, closing it afterwards; gallery errors become clear CLI errors. */
async function withGallery<T>(
  io: CliIO,
  args: Parameters<typeof galleryLocation>[1],
  fn: (gallery: Gallery) => Promise<T>,
): Promise<T> {
  const gallery = await openGallery({ ...galleryLocation(io, args), jobs: false });
  try {
    return await fn(gallery);
  } catch (error) {
    if (isGalleryError(error)) {
      const fields = (error.errors ?? []).map((e) => `${e.path}: ${e.message}`).join("; ");
      throw new CliError(`${error.code}: ${fields || error.detail}`, { cause: error });
    }
    throw error;
  } finally {
    await gallery.close();
  }
}

async function findUser(gallery: Gallery, username: string): Promise<User> {
  const user = await gallery.users.findByUsername(SYSTEM, username);
  if (!user) throw new CliError(`No user named "${username.trim().toLowerCase()}".`);
  return user;
}

function userActor(user: User): UserActor {
  return {
    kind: "user",
    userId: user.id,
    role: user.role,
    privacyLevel: user.privacyLevel as PrivacyLevel,
    groupIds: [],
  };
}

/**
 * `vernissage users add|list|set-role|reset-password`: manage accounts with the operator's authority. Passwords
 * are read from standard input only (`--password-stdin`), never from the command line.
 */
export function usersCommand(io: CliIO): CommandDef<ArgsDef> {
  const add = defineCommand({
    meta: { name: "add", description: "Create a user" },
    args: {
      name: { type: "positional", description: "Login name", required: true },
      role: { type: "enum", options: [...USER_ROLES], default: "member", description: "Role of the user" },
      "password-stdin": { type: "boolean", description: "Read the password from standard input" },
      ...galleryArgs,
    },
    async run({ args }) {
      if (!args["password-stdin"]) {
        throw new CliError(
          "Pass the password on standard input with --password-stdin (it never goes on the command line).",
        );
      }
      const password = await readPassword(io.stdin);
      const gallery = await openGallery({ ...galleryLocation(io, args), jobs: false });
      try {
        const user = await addUser(gallery, { username: args.name, password, role: args.role as UserRole });
        io.logger.success(`Created the ${user.role} "${user.username}".`);
      } finally {
        await gallery.close();
      }
    },
  });

  const list = defineCommand({
    meta: { name: "list", description: "List users by name" },
    args: {
      ...galleryArgs,
      limit: { type: "string", description: "How many (default 200)", valueHint: "n" },
    },
    async run({ args }) {
      const limit = positiveInt("limit", args.limit) ?? 200;
      await withGallery(io, args, async (gallery) => {
        const page = await gallery.users.list(SYSTEM, { limit: Math.min(limit, 200) });
        if (page.items.length === 0) io.logger.info("No users.");
        for (const u of page.items) {
          io.stdout.write(
            `${[u.username.padEnd(20), u.role.padEnd(6), `level ${u.privacyLevel}`, u.status, u.id].join("  ")}\n`,
          );
        }
      });
    },
  });

  const setRole = defineCommand({
    meta: { name: "set-role", description: "Change a user's role (their sessions end)" },
    args: {
      name: { type: "positional", description: "Login name", required: true },
      role: { type: "positional", description: `New role (${USER_ROLES.join(", ")})`, required: true },
      ...galleryArgs,
    },
    async run({ args }) {
      if (!(USER_ROLES as readonly string[]).includes(args.role))
        throw new CliError(`Unknown role "${args.role}": expected one of ${USER_ROLES.join(", ")}.`);
      await withGallery(io, args, async (gallery) => {
        const user = await findUser(gallery, args.name);
        await gallery.users.update(SYSTEM, user.id, { role: args.role as UserRole });
        io.logger.success(`"${user.username}" is now ${args.role}.`);
      });
    },
  });

  const resetPassword = defineCommand({
    meta: { name: "reset-password", description: "Set a new password (read from stdin); their sessions end" },
    args: {
      name: { type: "positional", description: "Login name", required: true },
      "password-stdin": { type: "boolean", description: "Read the password from standard input" },
      ...galleryArgs,
    },
    async run({ args }) {
      if (!args["password-stdin"])
        throw new CliError("Pass the new password on standard input with --password-stdin.");
      const password = await readPassword(io.stdin);
      if (password.length < MIN_PASSWORD_LENGTH)
        throw new CliError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
      await withGallery(io, args, async (gallery) => {
        const user = await findUser(gallery, args.name);
        await gallery.users.update(SYSTEM, user.id, { password });
        io.logger.success(`Set a new password for "${user.username}"; their sessions ended.`);
      });
    },
  });

  return defineCommand({
    meta: { name: "users", description: "Manage users" },
    subCommands: {
      add: add as CommandDef<ArgsDef>,
      list: list as CommandDef<ArgsDef>,
      "set-role": setRole as CommandDef<ArgsDef>,
      "reset-password": resetPassword as CommandDef<ArgsDef>,
    },
  }) as CommandDef<ArgsDef>;
}

/**
 * `vernissage tokens create|list|revoke`: API tokens of a user, created with that user's rights (never more).
 * The secret is printed once, on standard output.
 */
export function tokensCommand(io: CliIO): CommandDef<ArgsDef> {
  const create = defineCommand({
    meta: { name: "create", description: "Create an API token for a user and print its secret once" },
    args: {
      user: {
        type: "string",
        description: "Login name of the token's user",
        required: true,
        valueHint: "name",
      },
      name: { type: "string", description: "A label for the token", required: true, valueHint: "label" },
      scopes: {
        type: "string",
        description: `Comma-separated scopes (${TOKEN_SCOPES.join(", ")})`,
        required: true,
        valueHint: "a,b",
      },
      albums: {
        type: "string",
        description: "Comma-separated album ids to limit the token to",
        valueHint: "ids",
      },
      "expires-days": { type: "string", description: "Expire after this many days", valueHint: "n" },
      ...galleryArgs,
    },
    async run({ args }) {
      const scopes = args.scopes
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      for (const scope of scopes)
        if (!(TOKEN_SCOPES as readonly string[]).includes(scope))
          throw new CliError(`Unknown scope "${scope}": expected some of ${TOKEN_SCOPES.join(", ")}.`);
      const days = positiveInt("expires-days", args["expires-days"]);
      const albumIds = args.albums
        ?.split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      await withGallery(io, args, async (gallery) => {
        const user = await findUser(gallery, args.user);
        const { token, secret } = await gallery.tokens.create(userActor(user), {
          name: args.name,
          scopes: scopes as TokenScope[],
          albumIds: albumIds && albumIds.length > 0 ? albumIds : null,
          expiresAt: days === undefined ? null : Date.now() + days * 86_400_000,
        });
        io.logger.success(
          `Created token ${token.id} (${token.prefix}) for "${user.username}"; it is shown once:`,
        );
        io.stdout.write(`${secret}\n`);
      });
    },
  });

  const list = defineCommand({
    meta: { name: "list", description: "List a user's API tokens (never their secrets)" },
    args: {
      user: { type: "string", description: "Login name", required: true, valueHint: "name" },
      ...galleryArgs,
    },
    async run({ args }) {
      await withGallery(io, args, async (gallery) => {
        const user = await findUser(gallery, args.user);
        const tokens = await gallery.tokens.list(userActor(user));
        if (tokens.length === 0) io.logger.info("No tokens.");
        for (const t of tokens) {
          const state =
            t.revokedAt !== null
              ? "revoked"
              : t.expiresAt !== null && t.expiresAt <= Date.now()
                ? "expired"
                : "active";
          io.stdout.write(
            `${[t.id, t.prefix, state.padEnd(7), t.name, t.scopes.join(","), t.lastUsedAt ? new Date(t.lastUsedAt).toISOString() : "never used"].join("  ")}\n`,
          );
        }
      });
    },
  });

  const revoke = defineCommand({
    meta: { name: "revoke", description: "Revoke an API token at once" },
    args: {
      id: { type: "positional", description: "Token id (from `tokens list`)", required: true },
      ...galleryArgs,
    },
    async run({ args }) {
      await withGallery(io, args, async (gallery) => {
        await gallery.tokens.revoke(SYSTEM, args.id);
        io.logger.success(`Revoked token ${args.id}.`);
      });
    },
  });

  return defineCommand({
    meta: { name: "tokens", description: "Manage API tokens" },
    subCommands: {
      create: create as CommandDef<ArgsDef>,
      list: list as CommandDef<ArgsDef>,
      revoke: revoke as CommandDef<ArgsDef>,
    },
  }) as CommandDef<ArgsDef>;
}
