import { runDatabaseSuite } from "@vernissage/core/testing";
import { postgresDatabase } from "../src/index.js";
import { createTestDatabase, describePostgres } from "./pg-test-db.js";

await describePostgres("db-postgres", () => {
  runDatabaseSuite("postgres", async () => {
    const database = await createTestDatabase();
    const adapter = postgresDatabase({ connectionString: database.url });
    return {
      adapter,
      cleanup: async () => {
        await adapter.close();
        await database.drop();
      },
    };
  });
});
