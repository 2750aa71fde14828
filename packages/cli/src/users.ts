import type { Readable } from "node:stream";
import { type Gallery, isGalleryError, SYSTEM, type User, type UserRole } from "@vernissage/core";
import { CliError } from "./errors.js";

/** Shortest password the CLI accepts (the same floor as core). */
export const MIN_PASSWORD_LENGTH = 8;

/** Roles `users add` accepts. */
export const USER_ROLES: readonly UserRole[] = ["owner", "admin", "member"];

/** Input of {@link addUser}. */
export interface AddUserInput {
  /** Login name: 1–64 of a–z, 0–9, dot, dash, underscore. */
  username: string;
  /** The password, at least {@link MIN_PASSWORD_LENGTH} characters. */
  password: string;
  /** Role of the new user. @default "member" */
  role?: UserRole;
}

/**
 * Create a user as the system actor (the CLI runs with the operator's authority). Fails with a
 * {@link CliError} and a clear message for a short password, a taken name or an invalid field.
 *
 * @example
 * await addUser(gallery, { username: "alice", password: "correct horse", role: "admin" });
 */
export async function addUser(gallery: Gallery, input: AddUserInput): Promise<User> {
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new CliError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  try {
    return await gallery.users.create(SYSTEM, {
      username: input.username,
      password: input.password,
      role: input.role ?? "member",
    });
  } catch (error) {
    if (isGalleryError(error) && error.code === "ALREADY_EXISTS") {
      throw new CliError(`A user named "${input.username.trim().toLowerCase()}" already exists.`, {
        cause: error,
      });
    }
    if (isGalleryError(error) && error.code === "VALIDATION_FAILED") {
      const fields = (error.errors ?? []).map((e) => `${e.path}: ${e.message}`).join("; ");
      throw new CliError(`Invalid user: ${fields || error.detail || error.code}`, { cause: error });
    }
    throw error;
  }
}

/** Largest password read from stdin, in bytes (core accepts at most 1024 characters). */
const MAX_STDIN_BYTES = 64 * 1024;

/**
 * Read a password from a stream (stdin): everything up to its end, minus one final newline (`\n` or `\r\n`),
 * so `echo "$PW" | vernissage users add …` and a file with a trailing newline both work.
 *
 * @example
 * const password = await readPassword(process.stdin);
 */
export async function readPassword(stream: Readable | AsyncIterable<Uint8Array | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) throw new CliError("The password on stdin is too long.");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}
