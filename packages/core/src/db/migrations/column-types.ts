import type { DatabaseKind } from "../../ports/database.js";

/** Column types that differ between engines. Timestamps are epoch milliseconds. */
export function columnTypes(kind: DatabaseKind) {
  return { ts: kind === "postgres" ? ("bigint" as const) : ("integer" as const) };
}
