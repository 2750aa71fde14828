import { createRequire } from "node:module";

type Version = [number, number, number];

/** The running `@vernissage/core` version (read from its package.json, one level above `src/` and `dist/`). */
export const CORE_VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string })
  .version;

function parse(text: string): Version | null {
  const match = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?(?:-[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!match) return null;
  const n = (v: string | undefined) => (v === undefined || v === "x" || v === "*" ? 0 : Number(v));
  return [n(match[1]), n(match[2]), n(match[3])];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Number of version parts given (`1` → 1, `1.2` → 2, `1.2.x` → 2, `1.2.3` → 3). */
function precision(text: string): number {
  return (
    text
      .replace(/^v/, "")
      .split("-")[0]
      ?.split(".")
      .filter((p) => p !== "x" && p !== "*").length ?? 0
  );
}

function comparator(token: string, version: Version): boolean {
  if (token === "*" || token === "x" || token === "") return true;
  const op = /^(>=|<=|>|<|=|\^|~)?(.*)$/.exec(token);
  const operator = op?.[1] ?? "";
  const rest = op?.[2] ?? "";
  const target = parse(rest);
  if (!target) throw new RangeError(`Invalid version range token "${token}"`);
  const c = compare(version, target);
  switch (operator) {
    case ">=":
      return c >= 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case "<":
      return c < 0;
    case "^": {
      // Caret: the left-most non-zero part is fixed (npm semantics, 0.x included).
      if (c < 0) return false;
      if (target[0] > 0) return version[0] === target[0];
      if (target[1] > 0 || precision(rest) < 3) return version[0] === 0 && version[1] === target[1];
      return compare(version, target) === 0;
    }
    case "~":
      if (c < 0) return false;
      return precision(rest) >= 2
        ? version[0] === target[0] && version[1] === target[1]
        : version[0] === target[0];
    default: {
      // A bare version: exact, or a wildcard over the parts not given (`1.x`, `1.2`).
      const p = precision(rest);
      return version.slice(0, p).every((v, i) => v === target[i]);
    }
  }
}

/**
 * Whether `version` satisfies `range`: space-separated comparators (`>=1.2.0 <2.0.0`), `^`, `~`, wildcards
 * (`1.x`, `*`) and alternatives joined by `||`. Pre-release tags are ignored. Throws `RangeError` on a malformed
 * range.
 */
export function satisfiesRange(version: string, range: string): boolean {
  const v = parse(version);
  if (!v) throw new RangeError(`Invalid version "${version}"`);
  return range.split("||").some((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .every((token) => comparator(token, v)),
  );
}
