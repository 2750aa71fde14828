export type { SqliteDatabase, SqliteDatabaseOptions } from "./sqlite-database.js";
export { sqliteDatabase } from "./sqlite-database.js";
