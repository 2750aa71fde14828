import { type Gallery, SYSTEM } from "@vernissage/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importDirectory, openGallery, runCli } from "../src/index.js";
import { captureLogger, captureStream, makeJpeg, tempDir, writeTree } from "./helpers.js";

describe("importDirectory: folders, resume, batched lookups", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let gallery: Gallery | undefined;

  beforeEach(async () => {
    dir = await tempDir();
    await writeTree(`${dir.path}/trip`, {
      "top.jpg": await makeJpeg("#101010"),
      "day 1/a.jpg": await makeJpeg("#202020"),
      "day 1/b.jpg": await makeJpeg("#303030"),
      "day 1/night/c.jpg": await makeJpeg("#404040"),
      "day 2/a-copy.jpg": await makeJpeg("#202020"),
      "day 2/broken.jpg": "not a photo",
    });
  });
  afterEach(async () => {
    await gallery?.close();
    gallery = undefined;
    await dir.dispose();
  });

  it("mirrors the folder tree as albums; the same content in two folders is stored once", async () => {
    gallery = await openGallery({ dataDir: `${dir.path}/data`, jobs: false });
    const summary = await importDirectory(gallery, `${dir.path}/trip`, {
      albumPerFolder: true,
      batchSize: 2,
    });
    expect(summary).toMatchObject({ total: 6, imported: 4, duplicates: 1, failed: 1, albumsCreated: 3 });
    const children = (await gallery.albums.list(SYSTEM, { parentId: summary.albumId })).items;
    expect(children.map((a) => a.name)).toEqual(["day 1", "day 2"]);
    const day1 = children[0]?.id ?? "";
    const night = (await gallery.albums.list(SYSTEM, { parentId: day1 })).items;
    expect(night.map((a) => a.name)).toEqual(["night"]);
    expect((await gallery.photos.listInAlbum(SYSTEM, night[0]?.id ?? "")).items).toHaveLength(1);
    expect((await gallery.photos.listInAlbum(SYSTEM, summary.albumId)).items).toHaveLength(1);
    expect((await gallery.photos.list(SYSTEM)).items).toHaveLength(4);
  });

  it("resumes after an interruption: the files done are skipped, the rest imported", async () => {
    gallery = await openGallery({ dataDir: `${dir.path}/data`, jobs: false });
    const abort = new AbortController();
    let seen = 0;
    const first = await importDirectory(gallery, `${dir.path}/trip`, {
      albumPerFolder: true,
      batchSize: 4,
      signal: abort.signal,
      onFile: () => {
        seen++;
        if (seen === 3) abort.abort();
      },
    });
    expect(first).toMatchObject({ aborted: true, imported: 3 });
    const second = await importDirectory(gallery, `${dir.path}/trip`, { albumPerFolder: true, batchSize: 4 });
    expect(second).toMatchObject({ aborted: false, skipped: 3, imported: 1, duplicates: 1, failed: 1 });
    const third = await importDirectory(gallery, `${dir.path}/trip`, { albumPerFolder: true, batchSize: 4 });
    expect(third).toMatchObject({ skipped: 5, imported: 0, duplicates: 0, failed: 1, albumsCreated: 0 });
    expect((await gallery.photos.list(SYSTEM)).items).toHaveLength(4);
  });
});

describe("vernissage sync", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.dispose();
  });

  it("adds only what is new on each run, one album per folder", async () => {
    await writeTree(`${dir.path}/lib`, { "x/one.jpg": await makeJpeg("#112233") });
    const run = async () => {
      const { logger, lines } = captureLogger();
      const code = await runCli(["sync", `${dir.path}/lib`, "--data", `${dir.path}/data`], {
        stdout: captureStream().stream,
        logger,
        env: {},
      });
      return { code, text: lines.join("\n") };
    };
    const first = await run();
    expect(first.code).toBe(0);
    expect(first.text).toContain("Synced: 1 new, 0 unchanged, 0 linked, 0 failed, 1 album created.");
    await writeTree(`${dir.path}/lib`, { "y/two.jpg": await makeJpeg("#445566") });
    const second = await run();
    expect(second.text).toContain("Synced: 1 new, 1 unchanged, 0 linked, 0 failed, 1 album created.");

    const gallery = await openGallery({ dataDir: `${dir.path}/data`, jobs: false });
    try {
      const root = (await gallery.albums.list(SYSTEM)).items;
      expect(root.map((a) => a.name)).toEqual(["lib"]);
      const kids = (await gallery.albums.list(SYSTEM, { parentId: root[0]?.id ?? "" })).items;
      expect(kids.map((a) => [a.name, a.photoCount])).toEqual([
        ["x", 1],
        ["y", 1],
      ]);
      // Derivatives were made by the sync.
      expect(await gallery.jobs.runUntilIdle()).toBe(0);
    } finally {
      await gallery.close();
    }
  });

  it("--watch syncs again after the folder changes, until shutdown", async () => {
    await writeTree(`${dir.path}/watched`, { "a/one.jpg": await makeJpeg("#778899") });
    const { logger, lines } = captureLogger();
    let stop: (signal: string) => void = () => {};
    const shutdown = new Promise<string>((resolve) => {
      stop = resolve;
    });
    const running = runCli(["sync", `${dir.path}/watched`, "--watch", "--data", `${dir.path}/data`], {
      stdout: captureStream().stream,
      logger,
      env: {},
      untilShutdown: () => shutdown,
    });
    const waitFor = async (text: string) => {
      for (let i = 0; i < 300 && !lines.join("\n").includes(text); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(lines.join("\n")).toContain(text);
    };
    try {
      await waitFor("Watching");
      await writeTree(`${dir.path}/watched`, { "b/two.jpg": await makeJpeg("#99aabb") });
      await waitFor("Synced: 1 new, 1 unchanged");
    } finally {
      stop("SIGTERM");
    }
    expect(await running).toBe(0);
  });
});
