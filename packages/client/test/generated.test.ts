import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { generatedSources } from "../scripts/schema-source.js";
import { IDEMPOTENT_OPERATIONS, OPERATIONS } from "../src/index.js";

const committed = (name: string) => readFile(new URL(`../src/${name}`, import.meta.url), "utf8");

describe("the generated client files", () => {
  it("are up to date with the route table (run `pnpm --filter @vernissage/client generate` otherwise)", async () => {
    const fresh = await generatedSources();
    expect(await committed("schema.d.ts"), "src/schema.d.ts is stale").toBe(fresh.schema);
    expect(await committed("operations.ts"), "src/operations.ts is stale").toBe(fresh.operations);
  });

  it("name every operation once, with the creating POSTs among them", () => {
    expect(OPERATIONS.createAlbum).toEqual({ method: "POST", path: "/albums" });
    expect(OPERATIONS.listAlbumPhotos).toEqual({ method: "GET", path: "/albums/{id}/photos" });
    expect(IDEMPOTENT_OPERATIONS).toContain("POST /photos");
    for (const entry of IDEMPOTENT_OPERATIONS) expect(entry.startsWith("POST ")).toBe(true);
  });
});
