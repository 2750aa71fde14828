import type { Gallery } from "@vernissage/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importDirectory, listImportFiles, openGallery, runCli } from "../src/index.js";
import { captureLogger, captureStream, makeJpeg, tempDir, writeTree } from "./helpers.js";

describe("importDirectory", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let gallery: Gallery | undefined;

  beforeEach(async () => {
    dir = await tempDir();
    await writeTree(`${dir.path}/holidays`, {
      "a.jpg": await makeJpeg("#ff0000"),
      "b.jpg": await makeJpeg("#00ff00"),
      "day 2/c.jpg": await makeJpeg("#0000ff", 80, 60),
      "day 2/bad.jpg": "this is not a photo\n",
      ".hidden.jpg": await makeJpeg("#ffff00"),
      ".thumbs/d.jpg": await makeJpeg("#00ffff"),
    });
  });
  afterEach(async () => {
    await gallery?.close();
    gallery = undefined;
    await dir.dispose();
  });

  it("lists files recursively in a stable order, skipping dotfiles and dot-folders", async () => {
    const files = await listImportFiles(`${dir.path}/holidays`);
    expect(files.map((f) => f.slice(dir.path.length + "/holidays/".length))).toEqual([
      "a.jpg",
      "b.jpg",
      "day 2/bad.jpg",
      "day 2/c.jpg",
    ]);
  });

  it("imports the photos, reports the bad file and counts duplicates on a second run", async () => {
    gallery = await openGallery({ dataDir: `${dir.path}/data`, jobs: false });
    const seen: string[] = [];
    const first = await importDirectory(gallery, `${dir.path}/holidays`, {
      onFile: (r) => seen.push(`${r.status} ${r.path}`),
    });
    expect(first).toMatchObject({
      albumCreated: true,
      total: 4,
      imported: 3,
      duplicates: 0,
      failed: 1,
      aborted: false,
    });
    expect(first.failures).toEqual([
      { path: "day 2/bad.jpg", code: "UNSUPPORTED_MEDIA_TYPE", message: expect.any(String) },
    ]);
    expect(seen).toEqual([
      "imported a.jpg",
      "imported b.jpg",
      "failed day 2/bad.jpg",
      "imported day 2/c.jpg",
    ]);

    const album = await gallery.albums.get({ kind: "system" }, first.albumId);
    expect(album.name).toBe("holidays");
    expect(album.photoCount).toBe(3);
    expect(await gallery.jobs.runUntilIdle()).toBe(3);

    const second = await importDirectory(gallery, `${dir.path}/holidays`);
    expect(second).toMatchObject({
      albumId: first.albumId,
      albumCreated: false,
      imported: 0,
      skipped: 3,
      duplicates: 0,
      failed: 1,
    });
    expect((await gallery.albums.get({ kind: "system" }, first.albumId)).photoCount).toBe(3);
  });

  it("uses the album name given and stops early when aborted", async () => {
    gallery = await openGallery({ dataDir: `${dir.path}/data`, jobs: false });
    const abort = new AbortController();
    const summary = await importDirectory(gallery, `${dir.path}/holidays`, {
      album: "Summer 2026",
      signal: abort.signal,
      onFile: () => abort.abort(),
    });
    expect(summary).toMatchObject({ imported: 1, aborted: true });
    expect((await gallery.albums.get({ kind: "system" }, summary.albumId)).name).toBe("Summer 2026");
  });

  it("refuses a path that is not a directory", async () => {
    gallery = await openGallery({ dataDir: `${dir.path}/data`, jobs: false });
    await expect(importDirectory(gallery, `${dir.path}/holidays/a.jpg`)).rejects.toMatchObject({
      name: "CliError",
    });
    await expect(importDirectory(gallery, `${dir.path}/missing`)).rejects.toMatchObject({ name: "CliError" });
  });
});

describe("vernissage import", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.dispose();
  });

  it("prints one line per file when stdout is not a terminal, runs the derivative jobs and exits 0", async () => {
    await writeTree(`${dir.path}/in`, { "one.jpg": await makeJpeg("#123456"), "nope.jpg": "text" });
    const out = captureStream();
    const { logger, lines } = captureLogger();
    const code = await runCli(
      ["import", `${dir.path}/in`, "--album", "Imported", "--data", `${dir.path}/data`],
      {
        stdout: out.stream,
        logger,
        env: {},
      },
    );
    expect(code).toBe(0);
    expect(out.text()).toContain("[1/2] failed    nope.jpg: UNSUPPORTED_MEDIA_TYPE");
    expect(out.text()).toContain("[2/2] imported  one.jpg");
    expect(lines.join("\n")).toContain("Imported 1, skipped 0, duplicates 0, failed 1 (of 2).");
    expect(lines.join("\n")).toContain("Ran 1 derivative job.");

    const gallery = await openGallery({ dataDir: `${dir.path}/data`, jobs: false });
    try {
      expect(await gallery.jobs.runUntilIdle()).toBe(0);
    } finally {
      await gallery.close();
    }
  });

  it("exits 1 when the folder does not exist", async () => {
    const { logger, lines } = captureLogger();
    const code = await runCli(["import", `${dir.path}/missing`, "--data", `${dir.path}/data`], {
      stdout: captureStream().stream,
      logger,
      env: {},
    });
    expect(code).toBe(1);
    expect(lines.join("\n")).toMatch(/^error: Cannot read .*missing: ENOENT/m);
  });
});
