export type { PostgresDatabase, PostgresDatabaseOptions } from "./postgres-database.js";
export { postgresDatabase } from "./postgres-database.js";
