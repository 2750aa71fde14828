import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { GalleryError } from "../errors.js";

/**
 * Standard Webhooks (https://www.standardwebhooks.com/) signing: a secret `whsec_<base64 key>`, and per
 * delivery the headers `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`).
 */

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** The `webhook-signature` value for one message. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/**
 * How signing secrets are stored. The server must sign, so it needs the secret itself (a hash would not do).
 * With a gallery `webhooks.secretKey` the secret is encrypted with AES-256-GCM under a key derived from it
 * (`v1:` prefix); without one it is stored as is (`plain:` prefix) and the database must be protected like the
 * key would be. Either way it is never logged and shown to the user once.
 */
export interface SecretBox {
  seal(secret: string): string;
  open(stored: string): string;
}

/** A {@link SecretBox} over an optional gallery key. */
export function secretBox(key: string | undefined): SecretBox {
  const derived =
    key === undefined ? undefined : createHash("sha256").update(`vernissage-webhooks:${key}`).digest();
  return {
    seal(secret) {
      if (!derived) return `plain:${secret}`;
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", derived, iv);
      const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64url")}`;
    },
    open(stored) {
      if (stored.startsWith("plain:")) return stored.slice(6);
      if (!stored.startsWith("v1:") || !derived) {
        throw new GalleryError("INVALID_CONFIGURATION", {
          detail: "A webhook secret is encrypted but the gallery has no (or another) webhooks.secretKey.",
        });
      }
      const raw = Buffer.from(stored.slice(3), "base64url");
      try {
        const decipher = createDecipheriv("aes-256-gcm", derived, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
      } catch (error) {
        throw new GalleryError("INVALID_CONFIGURATION", {
          detail: "A webhook secret cannot be decrypted with the configured webhooks.secretKey.",
          cause: error,
        });
      }
    },
  };
}
