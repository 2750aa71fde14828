import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";

/**
 * Random secrets and their stored hashes, shared by sessions, API tokens, share links and password resets.
 * Secrets carry 160 random bits; only their SHA-256 is ever stored, and hashes are compared in constant time.
 */

/** A random, URL-safe secret (base32, 160 bits). */
export function randomSecret(bytes = 20): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return encodeBase32LowerCaseNoPadding(buffer);
}

/** The hex SHA-256 of a secret: the only form a secret is stored in. */
export function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

/** Whether `secret` hashes to `storedHash`, in constant time. */
export function secretMatches(storedHash: string, secret: string): boolean {
  const expected = new TextEncoder().encode(storedHash);
  const actual = new TextEncoder().encode(hashSecret(secret));
  return expected.length === actual.length && constantTimeEqual(expected, actual);
}

/** Split an `id.secret` token; `null` when malformed. */
export function splitToken(token: unknown, maxLength = 200): { id: string; secret: string } | null {
  if (typeof token !== "string" || token.length > maxLength) return null;
  const [id, secret, extra] = token.split(".");
  if (!id || !secret || extra !== undefined) return null;
  if (!/^[a-z0-9_]+$/.test(id) || !/^[a-z0-9]+$/.test(secret)) return null;
  return { id, secret };
}
