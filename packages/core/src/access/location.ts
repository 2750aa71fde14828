import { type Actor, actorUserId, hasAdminView } from "../actor.js";

/**
 * Who may read the GPS coordinates (latitude, longitude, altitude) of the photos they can see:
 * `everyone` who sees the photo, signed-in `members` (users and their tokens; not guests or share links), or
 * only the photo's `owners` (its uploader and admins).
 */
export type LocationVisibility = "everyone" | "members" | "owners";

/** The location rules, most open first. */
export const LOCATION_VISIBILITIES: readonly LocationVisibility[] = ["everyone", "members", "owners"];

/** Whether one actor may read a photo's coordinates, given the photo's uploader. */
export type LocationAccess = (uploaderId: string | null) => boolean;

/** Every coordinate readable: the system, admins, plugins' hooks. */
export const EVERY_LOCATION: LocationAccess = () => true;
const NO_LOCATION: LocationAccess = () => false;

/** The location rule applied to one actor. */
export function locationAccess(actor: Actor, rule: LocationVisibility): LocationAccess {
  if (rule === "everyone" || hasAdminView(actor)) return EVERY_LOCATION;
  const userId = actorUserId(actor);
  if (userId === undefined) return NO_LOCATION;
  if (rule === "members") return EVERY_LOCATION;
  return (uploaderId) => uploaderId === userId;
}
