import type { Kysely } from "kysely";
import type { Actor } from "./actor.js";
import type { DB } from "./db/schema.js";
import type { HookBus } from "./hooks.js";
import { groupIdsOf, toUserActor } from "./services/auth.js";

/** Input of {@link resolveProviderActor}. */
export interface ProviderActorInput {
  /** The incoming request. */
  request: Request;
  /** The client's address as the server socket saw it (never a forwarded header), when known. */
  ip: string | null;
  /** The actor resolved so far (session, token, embedder, or guest). */
  actor: Actor;
}

/**
 * Let authentication providers (LDAP, OIDC, a reverse proxy's user header…) replace the actor of a request:
 * runs the `auth:actor:resolve` hook and returns the actor it leaves. A handler error (attributed to its
 * plugin) answers the request with that error. Cheap when no provider is registered.
 *
 * @example
 * const actor = await resolveProviderActor(gallery, { request, ip: "10.0.0.2", actor: GUEST });
 */
export async function resolveProviderActor(
  gallery: { db: Kysely<DB>; hooks: HookBus },
  input: ProviderActorInput,
): Promise<Actor> {
  if (!gallery.hooks.has("auth:actor:resolve")) return input.actor;
  const ctx = {
    request: input.request,
    ip: input.ip,
    actor: input.actor,
    async actorForUsername(username: string): Promise<Actor | null> {
      const row = await gallery.db
        .selectFrom("users")
        .selectAll()
        .where("username", "=", username)
        .where("status", "=", "active")
        .executeTakeFirst();
      if (!row) return null;
      return toUserActor(row, undefined, await groupIdsOf(gallery.db, row.id));
    },
  };
  await gallery.hooks.before("auth:actor:resolve", ctx);
  return ctx.actor;
}
