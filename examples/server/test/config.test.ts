import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, DEFAULTS, loadConfig, resolveConfig } from "../src/config.mjs";

const exampleRoot = fileURLToPath(new URL("..", import.meta.url));

describe("resolveConfig", () => {
  it("fills in the defaults, resolving the data directory against the base directory", () => {
    expect(resolveConfig({}, { env: {}, baseDir: "/srv/gallery" })).toEqual({
      dataDir: "/srv/gallery/data",
      port: 3000,
      host: "127.0.0.1",
      title: "Vernissage",
      basePath: "",
      jobs: true,
    });
    expect(DEFAULTS.port).toBe(3000);
  });

  it("keeps what the file sets and lets the environment win", () => {
    const config = resolveConfig(
      { dataDir: "/var/lib/photos", port: 8080, title: "Family", basePath: "/photos/", jobs: false },
      { env: { VERNISSAGE_PORT: "9000", VERNISSAGE_HOST: "0.0.0.0" }, baseDir: "/x" },
    );
    expect(config).toEqual({
      dataDir: "/var/lib/photos",
      port: 9000,
      host: "0.0.0.0",
      title: "Family",
      basePath: "/photos",
      jobs: false,
    });
    expect(resolveConfig({}, { env: { VERNISSAGE_DATA_DIR: "/tmp/d" } }).dataDir).toBe("/tmp/d");
  });

  it("lists every invalid field at once", () => {
    let error: unknown;
    try {
      resolveConfig(
        { port: 70_000, host: "", title: "", basePath: "photos", jobs: "yes", prot: 1 },
        { env: {}, source: "test.mjs" },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(6);
    expect(problems.join("\n")).toMatch(/unknown option "prot"/);
    expect((error as ConfigError).message).toContain("test.mjs");
  });

  it("refuses a port from the environment that is not a number, and a config that is not an object", () => {
    expect(() => resolveConfig({}, { env: { VERNISSAGE_PORT: "http" } })).toThrow(ConfigError);
    expect(() => resolveConfig(null, { env: {} })).toThrow(ConfigError);
    expect(() => resolveConfig([], { env: {} })).toThrow(ConfigError);
  });
});

describe("loadConfig", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "vernissage-config-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the example's own vernissage.config.mjs", async () => {
    const config = await loadConfig({ cwd: exampleRoot, env: {} });
    expect(config).toMatchObject({
      file: resolve(exampleRoot, "vernissage.config.mjs"),
      port: 3000,
      title: "My photos",
    });
    expect(config.dataDir).toBe(resolve(exampleRoot, "data"));
  });

  it("uses the defaults when there is no config file in the working directory", async () => {
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config).toMatchObject({ file: null, dataDir: join(dir, "data"), port: 3000, host: "127.0.0.1" });
  });

  it("loads a file given by path, resolving its data directory against the file's folder", async () => {
    await writeFile(join(dir, "site.mjs"), 'export default { dataDir: "store", port: 0, title: "Site" };\n');
    const config = await loadConfig({ path: "site.mjs", cwd: dir, env: {} });
    expect(config).toMatchObject({
      file: join(dir, "site.mjs"),
      dataDir: join(dir, "store"),
      port: 0,
      title: "Site",
    });
  });

  it("fails for a missing explicit file and for an invalid one", async () => {
    await expect(loadConfig({ path: "nope.mjs", cwd: dir, env: {} })).rejects.toBeInstanceOf(ConfigError);
    await writeFile(join(dir, "bad.mjs"), 'export default { port: "eighty" };\n');
    await expect(loadConfig({ path: "bad.mjs", cwd: dir, env: {} })).rejects.toMatchObject({
      name: "ConfigError",
      problems: [expect.stringContaining("port")],
    });
  });
});
