import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStorageSuite } from "@vernissage/core/testing";
import { fsStorage } from "../src/index.js";

runStorageSuite("fs", async () => {
  const root = await mkdtemp(join(tmpdir(), "vernissage-fs-suite-"));
  return { storage: fsStorage({ root }), cleanup: () => rm(root, { recursive: true, force: true }) };
});
