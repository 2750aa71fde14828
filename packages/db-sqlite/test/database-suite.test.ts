import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDatabaseSuite } from "@vernissage/core/testing";
import { sqliteDatabase } from "../src/index.js";

runDatabaseSuite("sqlite (file)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-sqlite-"));
  const adapter = sqliteDatabase({ filename: join(dir, "gallery.db") });
  return {
    adapter,
    cleanup: async () => {
      await adapter.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

runDatabaseSuite("sqlite (memory)", async () => {
  const adapter = sqliteDatabase({ filename: ":memory:" });
  return { adapter, cleanup: () => adapter.close() };
});
