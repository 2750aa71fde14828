import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, SYSTEM } from "@vernissage/core";
import { afterEach, describe, expect, it } from "vitest";
import { type StackAdapters, stackAdapters, testStack } from "./support/stack.js";

// The harness every stack-neutral test goes through: prove it really gives the stack that was asked for.
describe(`test stack ${testStack()}`, () => {
  let dir: string | undefined;
  let adapters: StackAdapters | undefined;
  afterEach(async () => {
    await adapters?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("builds a gallery on the adapters VERNISSAGE_TEST_STACK names, isolated per gallery", async () => {
    dir = await mkdtemp(join(tmpdir(), "vernissage-stack-"));
    adapters = await stackAdapters(dir);
    const expected =
      testStack() === "postgres-s3" ? { db: "postgres", store: "s3" } : { db: "sqlite", store: "fs" };
    expect(adapters.database.kind).toBe(expected.db);
    expect(adapters.storage.name).toBe(expected.store);

    const gallery = await createGallery({
      database: adapters.database,
      storage: adapters.storage,
      jobs: { run: false },
    });
    try {
      await gallery.albums.create(SYSTEM, { name: "Stack" });
      expect(await adapters.listKeys()).toEqual([]);
      await adapters.storage.put("probe/a.txt", new TextEncoder().encode("x"));
      expect(await adapters.listKeys()).toEqual(["probe/a.txt"]);
    } finally {
      await gallery.close();
    }

    // A second gallery starts empty: nothing is shared between test galleries.
    const otherDir = await mkdtemp(join(tmpdir(), "vernissage-stack-"));
    const other = await stackAdapters(otherDir);
    const second = await createGallery({
      database: other.database,
      storage: other.storage,
      jobs: { run: false },
    });
    try {
      expect(await second.db.selectFrom("albums").select("id").execute()).toEqual([]);
      expect(await other.listKeys()).toEqual([]);
    } finally {
      await second.close();
      await other.dispose();
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});
