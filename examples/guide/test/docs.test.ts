import { describe, expect, it } from "vitest";
import { GUIDES, looseCodeBlocks, readGuide, syncGuide } from "../../../scripts/sync-doc-examples.mjs";

describe("the guides' code is the tested code", () => {
  it.each(GUIDES)("%s includes its examples verbatim (run `node scripts/sync-doc-examples.mjs`)", (guide) => {
    const text = readGuide(guide);
    expect(text).toContain("<!-- file: ");
    expect(syncGuide(text)).toBe(text);
  });

  it.each(GUIDES)("%s has no TypeScript block outside an included file", (guide) => {
    expect(looseCodeBlocks(readGuide(guide))).toEqual([]);
  });
});
