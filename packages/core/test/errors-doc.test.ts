import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ERRORS_DOC,
  readCatalogue,
  renderErrorsDoc,
  undocumentedCodes,
} from "../../../scripts/generate-errors-doc.mjs";
import { ERROR_CATALOGUE, type ErrorCatalogueEntry } from "../src/index.js";

const root = new URL("../../../", import.meta.url);

describe("error catalogue documentation", () => {
  it("reads exactly the catalogue the code uses", () => {
    const read = readCatalogue();
    expect(read.map((e) => e.code)).toEqual(Object.keys(ERROR_CATALOGUE));
    for (const { code, ...fields } of read) {
      expect(fields).toEqual(ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE]);
    }
  });

  it("gives every code a meaning and retry guidance; retryable 5xx codes say when", () => {
    expect(undocumentedCodes()).toEqual([]);
    expect(undocumentedCodes([{ code: "X", status: 400, retryable: false, description: "d" }])).toEqual([
      "X",
    ]);
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE) as [string, ErrorCatalogueEntry][]) {
      if (entry.status === 503)
        expect({ code, retryAfter: entry.retryAfter }).toEqual({ code, retryAfter: 1 });
      if (entry.status === 429) expect(entry.retryable).toBe(true);
    }
  });

  it(`keeps ${ERRORS_DOC} current (run pnpm docs:errors after changing the catalogue)`, () => {
    const current = readFileSync(new URL(ERRORS_DOC, root), "utf8");
    expect(current).toBe(renderErrorsDoc());
    for (const code of Object.keys(ERROR_CATALOGUE)) expect(current).toContain(`| \`${code}\` |`);
  });
});
