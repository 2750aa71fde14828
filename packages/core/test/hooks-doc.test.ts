import { readdirSync, readFileSync } from "node:fs";
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

  it("has a call site for every hook in packages/*/src (a declared hook that never fires fails here)", () => {
    const sources = packageSources();
    const dead = readHooks()
      .map((h) => h.name)
      .filter((name) => !hasCallSite(name, sources));
    expect(dead).toEqual([]);
  });

  it("detects a hook without a call site (registering a handler or naming it is not calling it)", () => {
    const sources = [
      'hooks.hook("x:y:after", fn); const doc = "x:y:after";',
      'await hooks.before(\n  "x:z:before", ctx);',
    ];
    expect(hasCallSite("x:y:after", sources)).toBe(false);
    expect(hasCallSite("x:z:before", sources)).toBe(true);
  });
});

/** Every TypeScript source of packages/*\/src except the catalogue's own files. */
function packageSources(): string[] {
  const out: string[] = [];
  const walk = (dir: URL) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(new URL(`${entry.name}/`, dir));
      else if (entry.name.endsWith(".ts") && entry.name !== "hooks.ts" && entry.name !== "hook-contexts.ts")
        out.push(readFileSync(new URL(entry.name, dir), "utf8"));
    }
  };
  for (const pkg of readdirSync(new URL("packages/", root), { withFileTypes: true })) {
    if (!pkg.isDirectory()) continue;
    const src = new URL(`packages/${pkg.name}/src/`, root);
    try {
      walk(src);
    } catch {
      // A package without src.
    }
  }
  return out;
}

/** Whether some source runs the hook: `.before("name"` or `.after("name"` (the HookBus calls). */
function hasCallSite(name: string, sources: readonly string[]): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const call = new RegExp(`\\.(?:before|after)\\(\\s*"${escaped}"`);
  return sources.some((source) => call.test(source));
}
