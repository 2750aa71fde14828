import { monotonicFactory } from "ulid";

const ulid = monotonicFactory();

/**
 * A new, time-sortable, URL-safe id (a lower-case ULID). Ids made later in the same process sort after earlier
 * ones, which keyset pagination relies on for stable "newest first" orders.
 */
export function newId(): string {
  return ulid().toLowerCase();
}
