import { describe, expect, it } from "vitest";
import { CORE_VERSION, satisfiesRange } from "../src/plugin-compat.js";

describe("satisfiesRange", () => {
  it.each([
    ["1.2.3", "*", true],
    ["1.2.3", "^1.0.0", true],
    ["2.0.0", "^1.0.0", false],
    ["0.2.5", "^0.2.1", true],
    ["0.3.0", "^0.2.1", false],
    ["0.0.3", "^0.0.3", true],
    ["0.0.4", "^0.0.3", false],
    ["1.2.9", "~1.2.3", true],
    ["1.3.0", "~1.2.3", false],
    ["1.5.0", ">=1.2.0 <2.0.0", true],
    ["2.0.0", ">=1.2.0 <2.0.0", false],
    ["3.1.0", "1.x || 3.x", true],
    ["2.1.0", "1.x || 3.x", false],
    ["1.2.3", "1.2.3", true],
    ["1.2.4", "1.2.3", false],
    ["1.2.4", "1.2", true],
    ["1.0.0-beta.1", ">=1.0.0", true],
  ])("%s satisfies %s: %s", (version, range, expected) => {
    expect(satisfiesRange(version, range)).toBe(expected);
  });

  it("throws RangeError on malformed input", () => {
    expect(() => satisfiesRange("1.0.0", ">=banana")).toThrow(RangeError);
    expect(() => satisfiesRange("one", "*")).toThrow(RangeError);
  });

  it("reads the core version from package.json", () => {
    expect(CORE_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});
