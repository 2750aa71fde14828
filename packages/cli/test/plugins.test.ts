import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pluginsFromEnv } from "../src/commands/plugins.js";
import { runCli } from "../src/index.js";
import { captureLogger, captureStream, tempDir } from "./helpers.js";

const coreUrl = pathToFileURL(join(import.meta.dirname, "../../core/src/index.ts")).href;

describe("vernissage plugins", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.dispose();
  });

  async function run(args: string[]) {
    const { logger, lines } = captureLogger();
    const out = captureStream();
    const code = await runCli([...args, "--data", dir.path], {
      logger,
      stdout: out.stream,
      env: { VERNISSAGE_PLUGINS: join(dir.path, "notes-plugin.mjs") },
    });
    return { code, lines, out: out.text() };
  }

  it("lists, enables, disables and uninstalls a plugin given as a module", async () => {
    // A plugin module as an operator would write it (it imports core from the workspace here).
    await writeFile(
      join(dir.path, "notes-plugin.mjs"),
      `import { definePlugin } from ${JSON.stringify(coreUrl)};
export default definePlugin({
  name: "notes",
  version: "1.0.0",
  migrations: {
    "001": {
      up: (db) => db.schema.createTable("notes").addColumn("id", "text").execute(),
      down: (db) => db.schema.dropTable("notes").execute(),
    },
  },
  setup() {},
});
`,
    );
    const listed = await run(["plugins", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^notes\s+available\s/m);

    const enabled = await run(["plugins", "enable", "notes"]);
    expect(enabled.code).toBe(0);
    expect(enabled.lines.join("\n")).toContain("notes enabled");
    expect((await run(["plugins", "list"])).out).toMatch(
      /^notes\s+enabled\s+code 1\.0\.0\s+installed 1\.0\.0/m,
    );

    expect((await run(["plugins", "disable", "notes"])).code).toBe(0);
    expect((await run(["plugins", "list"])).out).toMatch(/^notes\s+disabled\s/m);

    expect((await run(["plugins", "uninstall", "notes"])).code).toBe(0);
    expect((await run(["plugins", "list"])).out).toMatch(/^notes\s+uninstalled\s/m);

    const unknown = await run(["plugins", "enable", "nope"]);
    expect(unknown.code).toBe(1);
  });

  it("refuses a module that exports no plugin", async () => {
    await writeFile(join(dir.path, "notes-plugin.mjs"), "export const nothing = 1;\n");
    const result = await run(["plugins", "list"]);
    expect(result.code).toBe(1);
    expect(result.lines.join("\n")).toMatch(/exports no plugin/);
  });

  it("loads the plugins VERNISSAGE_PLUGINS names for `serve`", async () => {
    const path = join(dir.path, "p.mjs");
    await writeFile(
      path,
      `import { definePlugin } from ${JSON.stringify(coreUrl)};\nexport const plugin = definePlugin({ name: "p", version: "1.0.0", setup() {} });\n`,
    );
    const { logger } = captureLogger();
    const io = { logger, env: {} } as never;
    expect(await pluginsFromEnv(io)).toEqual({});
    const loaded = await pluginsFromEnv({ logger, env: { VERNISSAGE_PLUGINS: ` ${path} ,` } } as never);
    expect(loaded.gallery?.plugins.map((p) => p.name)).toEqual(["p"]);
  });
});
