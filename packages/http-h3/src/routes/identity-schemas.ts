import { TOKEN_SCOPES } from "@vernissage/core";
import { z } from "zod";
import { resolvedClientIp } from "../client-ip.js";

/** Schemas of the identity and access routes (users, groups, grants, tokens, share links, activity). */

const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9a-z]+$/, "an id");
const Role = z.enum(["owner", "admin", "member"]);
const Level = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(4), z.literal(8)]);
const Status = z.enum(["active", "disabled", "pending"]);
const Password = z.string().min(8).max(1024);
const Timestamp = z.iso.datetime({ offset: true });

/** A user. */
export const UserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    role: Role,
    privacyLevel: z.number().int(),
    sharedAccount: z.boolean(),
    status: Status,
    createdAt: z.string(),
  })
  .meta({ id: "User" });

/** Body of createUser. */
export const CreateUserBody = z
  .object({
    username: z.string().min(1).max(64),
    password: Password.optional(),
    role: Role.optional(),
    displayName: z.string().min(1).max(200).optional(),
    email: z.string().max(320).optional(),
    privacyLevel: Level.optional(),
    sharedAccount: z.boolean().optional(),
  })
  .strict()
  .meta({ id: "CreateUser" });

/** Body of register. */
export const RegisterBody = z
  .object({
    username: z.string().min(1).max(64),
    password: Password,
    email: z.string().max(320).optional(),
    displayName: z.string().min(1).max(200).optional(),
  })
  .strict()
  .meta({ id: "Register" });

/** Body of updateUser. */
export const UpdateUserBody = z
  .object({
    displayName: z.string().min(1).max(200).optional(),
    email: z.string().max(320).nullable().optional(),
    role: Role.optional(),
    privacyLevel: Level.optional(),
    sharedAccount: z.boolean().optional(),
    status: Status.optional(),
    password: Password.optional(),
  })
  .strict()
  .meta({ id: "UpdateUser" });

/** Body of updateMe. */
export const UpdateMeBody = z
  .object({
    displayName: z.string().min(1).max(200).optional(),
    email: z.string().max(320).nullable().optional(),
    currentPassword: z.string().max(1024).optional(),
    newPassword: Password.optional(),
  })
  .strict()
  .meta({ id: "UpdateMe" });

/** A group. */
export const GroupSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    isDefault: z.boolean(),
    memberCount: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: "Group" });

/** Body of createGroup. */
export const CreateGroupBody = z
  .object({ name: z.string().min(1).max(100), isDefault: z.boolean().optional() })
  .strict()
  .meta({ id: "CreateGroup" });

/** Body of updateGroup. */
export const UpdateGroupBody = z
  .object({ name: z.string().min(1).max(100).optional(), isDefault: z.boolean().optional() })
  .strict()
  .meta({ id: "UpdateGroup" });

/** Body of addGroupMembers / removeGroupMembers. */
export const MembersBody = z
  .object({ userIds: z.array(Id).min(1).max(500) })
  .strict()
  .meta({ id: "GroupMembers" });

/** A grant on an album. */
export const GrantSchema = z
  .object({
    id: z.string(),
    albumId: z.string(),
    userId: z.string().nullable(),
    groupId: z.string().nullable(),
    role: z.enum(["viewer", "contributor", "manager"]),
    createdAt: z.string(),
  })
  .meta({ id: "AlbumGrant" });

/** Body of grantAlbumAccess: exactly one of `userId` and `groupId`. */
export const GrantBody = z
  .object({
    userId: Id.optional(),
    groupId: Id.optional(),
    role: z.enum(["viewer", "contributor", "manager"]),
  })
  .strict()
  .meta({ id: "GrantAlbumAccess" });

/** Path parameters `{id}` and `{grantId}`. */
export const GrantParams = z.object({ id: Id, grantId: Id });

/** A token scope. */
export const ScopeSchema = z.enum(TOKEN_SCOPES as [string, ...string[]]);

/** An API token (never its secret). */
export const ApiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.string()),
    albumIds: z.array(z.string()).nullable(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "ApiToken" });

/** Response of createApiToken: the secret appears here only. */
export const CreatedApiTokenSchema = z
  .object({
    token: ApiTokenSchema,
    secret: z.string().describe("Shown once; send as `Authorization: Bearer`."),
  })
  .meta({ id: "CreatedApiToken" });

/** Body of createApiToken. */
export const CreateApiTokenBody = z
  .object({
    name: z.string().min(1).max(100),
    scopes: z.array(ScopeSchema).min(1).max(20),
    albumIds: z.array(Id).min(1).max(100).optional(),
    expiresAt: Timestamp.optional(),
  })
  .strict()
  .meta({ id: "CreateApiToken" });

/** A share link (never its token nor password). */
export const ShareLinkSchema = z
  .object({
    id: z.string(),
    prefix: z.string(),
    albumId: z.string().nullable(),
    photoIds: z.array(z.string()),
    privacyLevel: z.number().int(),
    hasPassword: z.boolean(),
    expiresAt: z.string().nullable(),
    maxUses: z.number().int().nullable(),
    useCount: z.number().int(),
    viewCount: z.number().int(),
    canDownload: z.boolean(),
    canUpload: z.boolean(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "ShareLink" });

/** Response of createShareLink: the link's token and URL appear here only. */
export const CreatedShareLinkSchema = z
  .object({ share: ShareLinkSchema, token: z.string(), url: z.string() })
  .meta({ id: "CreatedShareLink" });

/** Body of createShareLink: `albumId` or `photoIds`. */
export const CreateShareLinkBody = z
  .object({
    albumId: Id.optional(),
    photoIds: z.array(Id).min(1).max(1000).optional(),
    password: z.string().min(4).max(1024).optional(),
    privacyLevel: Level.optional(),
    expiresAt: Timestamp.optional(),
    maxUses: z.number().int().min(1).max(1_000_000).optional(),
    canDownload: z.boolean().optional(),
    canUpload: z.boolean().optional(),
  })
  .strict()
  .meta({ id: "CreateShareLink" });

/** Body of updateShareLink; `password: null` removes the password. */
export const UpdateShareLinkBody = z
  .object({
    password: z.string().min(4).max(1024).nullable().optional(),
    privacyLevel: Level.optional(),
    expiresAt: Timestamp.nullable().optional(),
    maxUses: z.number().int().min(1).max(1_000_000).nullable().optional(),
    canDownload: z.boolean().optional(),
    canUpload: z.boolean().optional(),
  })
  .strict()
  .meta({ id: "UpdateShareLink" });

/** Body of unlockShareLink (the password is posted, never put in a URL). */
export const UnlockShareBody = z
  .object({ password: z.string().max(1024).optional() })
  .strict()
  .meta({ id: "UnlockShareLink" });

/** Response of unlockShareLink. */
export const ShareSessionSchema = z
  .object({
    albumId: z.string().nullable(),
    canDownload: z.boolean(),
    canUpload: z.boolean(),
    expiresAt: z.string(),
  })
  .meta({ id: "ShareSession" });

/** An activity log entry. */
export const ActivityEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    action: z.string(),
    actorKind: z.string(),
    actorUserId: z.string().nullable(),
    subjectType: z.string().nullable(),
    subjectId: z.string().nullable(),
    ip: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: "ActivityEntry" });

/** ISO 8601 from epoch ms, or null. */
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * The client's address: as the app resolved it (forwarding headers only from trusted proxies, see the
 * `trustProxy` option), else the socket's (srvx's `request.ip`); never from headers alone.
 */
export function clientIp(request: Request): string | undefined {
  const resolved = resolvedClientIp(request);
  if (resolved) return resolved;
  const ip = (request as Request & { ip?: unknown }).ip;
  return typeof ip === "string" && ip.length <= 64 ? ip : undefined;
}
