import { type Kysely, sql } from "kysely";
import { albumViewable } from "../access/visibility.js";
import {
  type Actor,
  hasAdminView,
  type PrivacyLevel,
  TOKEN_SCOPES,
  type TokenActor,
  type TokenScope,
  tokenHasScope,
} from "../actor.js";
import type { DB } from "../db/schema.js";
import { GalleryError } from "../errors.js";
import type { HookBus } from "../hooks.js";
import { newId } from "../ids.js";
import type { ActivityService } from "./activity.js";
import { groupIdsOf } from "./auth.js";
import { hashSecret, randomSecret, secretMatches, splitToken } from "./secrets.js";

/** An API token as listed (never its secret). */
export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  /** The visible start of the token (`vrn_…`), to recognise it. */
  prefix: string;
  scopes: TokenScope[];
  /** Album subtrees the token is limited to, or `null`. */
  albumIds: string[] | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  createdAt: number;
  revokedAt: number | null;
}

/** Input of {@link TokenService.create}. */
export interface CreateApiTokenInput {
  name: string;
  scopes: TokenScope[];
  /** Limit the token to these album subtrees. @default no limit */
  albumIds?: string[] | null | undefined;
  /** Epoch ms. @default never */
  expiresAt?: number | null | undefined;
}

/** API tokens: bearer credentials of a user, narrowed by scopes and album limits. */
export interface TokenService {
  /**
   * Create a token for the actor's user; the secret is in the result only (only its hash is stored). Scopes
   * beyond the user's role are refused; a token creating a token may not widen its scopes, album limits or
   * expiry.
   */
  create(actor: Actor, input: CreateApiTokenInput): Promise<{ token: ApiToken; secret: string }>;
  /** The actor's own tokens, newest first (admins may pass another user's id). */
  list(actor: Actor, input?: { userId?: string | undefined }): Promise<ApiToken[]>;
  /** Revoke a token (its owner or an admin); it stops working at once. */
  revoke(actor: Actor, id: string): Promise<void>;
  /** Resolve a bearer secret to its actor, with the user's current role and level; `null` when invalid. */
  resolve(secret: string): Promise<TokenActor | null>;
}

const STAFF_SCOPES: readonly TokenScope[] = ["admin", "users:admin"];
const LAST_USED_EVERY_MS = 60_000;

function invalid(path: string, message: string): GalleryError {
  return new GalleryError("VALIDATION_FAILED", { errors: [{ path, message }] });
}

/** @internal */
export function createTokenService(deps: {
  db: Kysely<DB>;
  activity: ActivityService;
  hooks: HookBus;
}): TokenService {
  const { db, activity, hooks } = deps;

  const toToken = (r: DB["api_tokens"]): ApiToken => ({
    id: r.id,
    userId: r.user_id,
    name: r.name,
    prefix: r.prefix,
    scopes: JSON.parse(r.scopes) as TokenScope[],
    albumIds: r.album_ids === null ? null : (JSON.parse(r.album_ids) as string[]),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
    createdAt: Number(r.created_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  });

  return {
    async create(actor, input) {
      if (actor.kind !== "user" && actor.kind !== "token") throw new GalleryError("UNAUTHENTICATED");
      const name = typeof input.name === "string" ? input.name.trim() : "";
      if (name.length < 1 || name.length > 100) throw invalid("name", "1–100 characters");
      if (!Array.isArray(input.scopes) || input.scopes.length === 0)
        throw invalid("scopes", "at least one scope");
      const scopes = [...new Set(input.scopes)].sort();
      for (const scope of scopes)
        if (!TOKEN_SCOPES.includes(scope)) throw invalid("scopes", `unknown scope ${scope}`);
      // Never more than the user holds: staff scopes for staff only.
      if (!hasAdminView(actor) && scopes.some((s) => STAFF_SCOPES.includes(s)))
        throw new GalleryError("FORBIDDEN", { detail: "Admin scopes need an admin account." });
      let expiresAt = input.expiresAt ?? null;
      if (expiresAt !== null && (!Number.isFinite(expiresAt) || expiresAt <= Date.now()))
        throw invalid("expiresAt", "a time in the future");
      let albumIds =
        input.albumIds === undefined || input.albumIds === null ? null : [...new Set(input.albumIds)];
      if (albumIds !== null && (albumIds.length === 0 || albumIds.length > 100))
        throw invalid("albumIds", "1–100 albums");
      if (actor.kind === "token") {
        // Never more than the creating token holds.
        for (const scope of scopes)
          if (!tokenHasScope(actor, scope))
            throw new GalleryError("INSUFFICIENT_SCOPE", {
              detail: "A token may not mint a wider token.",
              data: { scope },
            });
        if (actor.albumIds !== null && albumIds === null) albumIds = [...actor.albumIds];
        const parent = await db
          .selectFrom("api_tokens")
          .select("expires_at")
          .where("id", "=", actor.tokenId)
          .executeTakeFirst();
        const parentExpiry = parent?.expires_at == null ? null : Number(parent.expires_at);
        if (parentExpiry !== null && (expiresAt === null || expiresAt > parentExpiry))
          expiresAt = parentExpiry;
      }
      if (albumIds !== null) {
        // Every album must be one the creator can view (a limited token: inside its own subtrees).
        const seen = await db
          .selectFrom("albums as a")
          .select("a.id")
          .where("a.id", "in", albumIds)
          .where(albumViewable(actor, sql.ref("a.id")))
          .execute();
        if (seen.length !== albumIds.length)
          throw new GalleryError("NOT_FOUND", { detail: "No such album." });
        albumIds.sort();
      }
      const id = newId();
      const tokenId = `vrn_${randomSecret(5)}`;
      const secret = randomSecret();
      const now = Date.now();
      const row: DB["api_tokens"] = {
        id,
        user_id: actor.userId,
        name,
        prefix: tokenId,
        secret_hash: hashSecret(secret),
        scopes: JSON.stringify(scopes),
        album_ids: albumIds === null ? null : JSON.stringify(albumIds),
        expires_at: expiresAt,
        last_used_at: null,
        created_at: now,
        revoked_at: null,
      };
      await db.insertInto("api_tokens").values(row).execute();
      await activity.record(actor, {
        action: "token.create",
        subjectType: "token",
        subjectId: id,
        data: { scopes, albumIds, prefix: tokenId },
      });
      await hooks.after("auth:token:created", { userId: actor.userId, tokenId: id, scopes });
      return { token: toToken(row), secret: `${tokenId}.${secret}` };
    },

    async list(actor, input = {}) {
      if (actor.kind !== "user" && actor.kind !== "token") throw new GalleryError("UNAUTHENTICATED");
      let userId = actor.userId;
      if (input.userId !== undefined && input.userId !== actor.userId) {
        if (!hasAdminView(actor) || (actor.kind === "token" && !tokenHasScope(actor, "users:admin")))
          throw new GalleryError("FORBIDDEN");
        userId = input.userId;
      }
      const rows = await db
        .selectFrom("api_tokens")
        .selectAll()
        .where("user_id", "=", userId)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .execute();
      return rows.map(toToken);
    },

    async revoke(actor, id) {
      if (actor.kind !== "user" && actor.kind !== "token" && actor.kind !== "system")
        throw new GalleryError("UNAUTHENTICATED");
      const row = await db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
      const mayAny =
        actor.kind === "system" ||
        (hasAdminView(actor) && (actor.kind === "user" || tokenHasScope(actor, "users:admin")));
      const own = actor.kind !== "system" && row?.user_id === actor.userId;
      if (!row || !(mayAny || own)) throw new GalleryError("NOT_FOUND", { detail: "No such token." });
      if (row.revoked_at === null) {
        await db.updateTable("api_tokens").set({ revoked_at: Date.now() }).where("id", "=", id).execute();
        await activity.record(actor, { action: "token.revoke", subjectType: "token", subjectId: id });
      }
    },

    async resolve(bearer) {
      const parsed = splitToken(bearer);
      if (!parsed?.id.startsWith("vrn_")) return null;
      const row = await db
        .selectFrom("api_tokens as t")
        .innerJoin("users as u", "u.id", "t.user_id")
        .select([
          "t.id",
          "t.secret_hash",
          "t.scopes",
          "t.album_ids",
          "t.expires_at",
          "t.revoked_at",
          "t.last_used_at",
          "u.id as user_id",
          "u.role",
          "u.privacy_level",
          "u.status",
        ])
        .where("t.prefix", "=", parsed.id)
        .executeTakeFirst();
      if (!row || !secretMatches(row.secret_hash, parsed.secret)) return null;
      const now = Date.now();
      if (row.revoked_at !== null || row.status !== "active") return null;
      if (row.expires_at !== null && Number(row.expires_at) <= now) return null;
      if (row.last_used_at === null || Number(row.last_used_at) < now - LAST_USED_EVERY_MS) {
        await db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", row.id).execute();
      }
      return {
        kind: "token",
        tokenId: row.id,
        userId: row.user_id,
        role: row.role,
        privacyLevel: row.privacy_level as PrivacyLevel,
        groupIds: await groupIdsOf(db, row.user_id),
        scopes: JSON.parse(row.scopes) as TokenScope[],
        albumIds: row.album_ids === null ? null : (JSON.parse(row.album_ids) as string[]),
      };
    },
  };
}
