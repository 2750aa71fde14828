import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  HOOKS_DOC,
  readHooks,
  renderHooksDoc,
  undocumentedHooks,
} from "../../../scripts/generate-hooks-doc.mjs";

const root = new URL("../../../", import.meta.url);

describe("hook catalogue documentation", () => {
  it("has at least 40 hooks named subject:action:phase", () => {
    const hooks = readHooks();
    expect(hooks.length).toBeGreaterThanOrEqual(40);
    for (const hook of hooks) expect(hook.name).toMatch(/^[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*){1,2}$/);
    expect(new Set(hooks.map((h) => h.name)).size).toBe(hooks.length);
  });

  it("documents every hook: summary, @mutable and @veto (a hook without them fails here)", () => {
    expect(undocumentedHooks()).toEqual([]);
  });

  it("detects a hook lacking documentation", () => {
    const fake = [
      { name: "x:y:before", summary: "Something.", mutable: undefined, veto: "Yes.", context: "{}" },
    ];
    expect(undocumentedHooks(fake)).toEqual([{ name: "x:y:before", missing: ["@mutable"] }]);
  });

  it("docs/hooks.md is up to date (run `node scripts/generate-hooks-doc.mjs`)", () => {
    const current = readFileSync(new URL(HOOKS_DOC, root), "utf8");
    expect(current).toBe(renderHooksDoc());
  });
});
