import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type Gallery, type StorageAdapter, SYSTEM } from "@vernissage/core";
import { afterEach, describe, expect, it } from "vitest";
import { stackAdapters } from "../../../e2e/support/stack.js";
import { jpeg } from "./helpers.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** The same store, counting the writes per key; `close` is left to the owner. */
function counting(store: StorageAdapter, puts: Map<string, number>): StorageAdapter {
  return {
    name: store.name,
    put: (key, body, options) => {
      puts.set(key, (puts.get(key) ?? 0) + 1);
      return store.put(key, body, options);
    },
    get: (key, options) => store.get(key, options),
    head: (key) => store.head(key),
    delete: (key) => store.delete(key),
    list: (prefix, options) => store.list(prefix, options),
  };
}

describe("derivative generation across processes", () => {
  it("makes each file once when two galleries on one database and store generate the same photo at once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vernissage-genlock-"));
    const adapters = await stackAdapters(dir);
    const puts = new Map<string, number>();
    const open = (database: typeof adapters.database): Promise<Gallery> =>
      createGallery({
        database,
        storage: counting(adapters.storage, puts),
        jobs: { run: false },
        logger: quiet,
      });
    const a = await open(adapters.database);
    const b = await open(adapters.connectAgain());
    cleanups.push(async () => {
      await b.close();
      await a.close();
      await adapters.storage.close?.();
      await adapters.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    const album = await a.albums.create(SYSTEM, { name: "Race" });
    const ids: string[] = [];
    for (const colour of ["#112233", "#445566", "#778899"]) {
      const { photo } = await a.photos.upload(SYSTEM, {
        albumId: album.id,
        file: await jpeg(640, 480, colour),
        filename: "race.jpg",
      });
      ids.push(photo.id);
    }
    puts.clear();

    // Both "processes" ask for the same files at the same moment; each has its own in-memory dedupe only.
    const presets = ["thumb", "medium", "square"];
    const made = await Promise.all(
      ids.flatMap((id) => [a.derivatives.generate(id, presets), b.derivatives.generate(id, presets)]),
    );
    expect(made.reduce((x, y) => x + y, 0)).toBe(ids.length * presets.length);
    const derivativeWrites = [...puts].filter(([key]) => key.startsWith("derivatives/"));
    expect(derivativeWrites).toHaveLength(ids.length * presets.length);
    expect(derivativeWrites.every(([, n]) => n === 1)).toBe(true);
    const rows = await a.db.selectFrom("derivatives").select("storage_key").execute();
    expect(rows.map((r) => r.storage_key).sort()).toEqual(derivativeWrites.map(([k]) => k).sort());
    expect(await a.db.selectFrom("leases").selectAll().execute()).toEqual([]);
  });
});
