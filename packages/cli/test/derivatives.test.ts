import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openGallery, runCli } from "../src/index.js";
import { captureLogger, captureStream, makeJpeg, tempDir, writeTree } from "./helpers.js";

describe("vernissage derivatives build", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
    await writeTree(`${dir.path}/in`, {
      "a.jpg": await makeJpeg("#ff0000", 900, 600),
      "b.jpg": await makeJpeg("#00ff00", 600, 900),
    });
    const code = await runCli(["import", `${dir.path}/in`, "--data", `${dir.path}/data`], {
      stdout: captureStream().stream,
      logger: captureLogger().logger,
      env: {},
    });
    expect(code).toBe(0);
  });
  afterEach(async () => {
    await dir.dispose();
  });

  async function rows() {
    const gallery = await openGallery({ dataDir: `${dir.path}/data`, jobs: false });
    try {
      return await gallery.db.selectFrom("derivatives").select(["preset", "format"]).execute();
    } finally {
      await gallery.close();
    }
  }

  it("makes the named presets and formats, and remakes them with --force", async () => {
    const { logger, lines } = captureLogger();
    const io = { stdout: captureStream().stream, logger, env: {} };
    const code = await runCli(
      [
        "derivatives",
        "build",
        "--preset",
        "large,small",
        "--format",
        "jpeg,webp",
        "--data",
        `${dir.path}/data`,
      ],
      io,
    );
    expect(code).toBe(0);
    expect(lines.join("\n")).toContain("Visited 2 photos: 8 files made, 0 removed, 0 failed.");
    const made = (await rows()).filter((r) => r.preset === "large" || r.preset === "small");
    expect(made.map((r) => `${r.preset}.${r.format}`).sort()).toEqual([
      "large.jpeg",
      "large.jpeg",
      "large.webp",
      "large.webp",
      "small.jpeg",
      "small.jpeg",
      "small.webp",
      "small.webp",
    ]);

    lines.length = 0;
    expect(
      await runCli(["derivatives", "build", "--preset", "large", "--data", `${dir.path}/data`], io),
    ).toBe(0);
    expect(lines.join("\n")).toContain("Visited 2 photos: 0 files made, 0 removed, 0 failed.");
    lines.length = 0;
    expect(
      await runCli(
        ["derivatives", "build", "--preset", "large", "--force", "--data", `${dir.path}/data`],
        io,
      ),
    ).toBe(0);
    expect(lines.join("\n")).toContain("Visited 2 photos: 2 files made, 2 removed, 0 failed.");
  });

  it("refuses unknown presets and formats", async () => {
    const { logger, lines } = captureLogger();
    const io = { stdout: captureStream().stream, logger, env: {} };
    expect(await runCli(["derivatives", "build", "--preset", "huge", "--data", `${dir.path}/data`], io)).toBe(
      1,
    );
    expect(await runCli(["derivatives", "build", "--format", "gif", "--data", `${dir.path}/data`], io)).toBe(
      1,
    );
    expect(lines.filter((l) => l.startsWith("error:"))).toHaveLength(2);
  });
});
