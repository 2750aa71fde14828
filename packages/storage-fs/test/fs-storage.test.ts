import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { GalleryError, type GalleryErrorCode, type StorageAdapter, wrapStorage } from "@vernissage/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as api from "../src/index.js";
import { fsStorage } from "../src/index.js";

let base: string;
let root: string;
let storage: StorageAdapter;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "vernissage-fs-"));
  root = join(base, "root");
  storage = wrapStorage(fsStorage({ root }));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<GalleryErrorCode | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof GalleryError ? error.code : undefined;
  }
  throw new Error("expected a rejection");
}

function failing(error: Error): Readable {
  return Readable.from(
    (async function* () {
      yield Buffer.alloc(64 * 1024, 1);
      throw error;
    })(),
  );
}

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

describe("fsStorage", () => {
  it("exports exactly its public API", () => {
    expect(Object.keys(api).sort()).toEqual(["fsStorage"]);
  });

  it("is named fs", () => {
    expect(fsStorage({ root }).name).toBe("fs");
  });

  it("refuses a missing root option", () => {
    expect(() => fsStorage({ root: "" })).toThrow(GalleryError);
  });

  it("creates a missing root, parents included, on first use", async () => {
    const deep = join(base, "not", "there", "yet");
    const deepStorage = fsStorage({ root: deep });
    expect(await deepStorage.list("")).toEqual({ keys: [] });
    await deepStorage.put("a/b.txt", Buffer.from("hi"));
    expect(await readFile(join(deep, "a", "b.txt"), "utf8")).toBe("hi");
  });

  it("recreates the root when it is removed while in use", async () => {
    await storage.put("one.txt", Buffer.from("1"));
    await rm(root, { recursive: true, force: true });
    await storage.put("two.txt", Buffer.from("2"));
    expect((await storage.list("")).keys).toEqual(["two.txt"]);
  });

  it("writes objects as plain files under the root", async () => {
    await storage.put("2024/06/beach.jpg", Buffer.from("jpeg"));
    expect(await readFile(join(root, "2024", "06", "beach.jpg"), "utf8")).toBe("jpeg");
  });

  it("removes its temporary file after a failed put", async () => {
    await storage.put("keep.txt", Buffer.from("kept"));
    expect(await codeOf(storage.put("keep.txt", failing(new Error("boom"))))).toBe("STORAGE_ERROR");
    expect(await codeOf(storage.put("fresh/new.txt", failing(new Error("boom"))))).toBe("STORAGE_ERROR");
    expect(await readdir(join(root, ".tmp"))).toEqual([]);
    expect(await readFile(join(root, "keep.txt"), "utf8")).toBe("kept");
    expect((await storage.list("")).keys).toEqual(["keep.txt"]);
  });

  it("removes its temporary file when the key collides with a folder or a file", async () => {
    await storage.put("a/b.txt", Buffer.from("x"));
    expect(await codeOf(storage.put("a", Buffer.from("file over a folder")))).toBe("CONFLICT");
    expect(await codeOf(storage.put("a/b.txt/c", Buffer.from("folder through a file")))).toBe("CONFLICT");
    expect(await readdir(join(root, ".tmp"))).toEqual([]);
    expect((await storage.list("")).keys).toEqual(["a/b.txt"]);
  });

  it("refuses keys in its temporary folder and never lists it", async () => {
    await writeFile(join(await ensureRoot(), ".tmp", "stray.part"), "partial");
    expect(await codeOf(storage.put(".tmp/x", Buffer.from("x")))).toBe("INVALID_STORAGE_KEY");
    expect(await codeOf(storage.get(".tmp/stray.part"))).toBe("INVALID_STORAGE_KEY");
    expect(await codeOf(storage.head(".tmp"))).toBe("INVALID_STORAGE_KEY");
    expect(await codeOf(storage.delete(".tmp/stray.part"))).toBe("INVALID_STORAGE_KEY");
    expect((await storage.list("")).keys).toEqual([]);
    expect((await storage.list(".t")).keys).toEqual([]);
  });

  it("does not list files whose names are not valid keys", async () => {
    await storage.put("ok.txt", Buffer.from("x"));
    await writeFile(join(root, "with space.txt"), "x");
    await mkdir(join(root, "caf\u00e9"));
    await writeFile(join(root, "caf\u00e9", "x.txt"), "x");
    expect((await storage.list("")).keys).toEqual(["ok.txt"]);
  });

  it("prunes folders left empty by a delete", async () => {
    await storage.put("x/y/z.txt", Buffer.from("z"));
    await storage.put("x/keep.txt", Buffer.from("k"));
    await storage.delete("x/y/z.txt");
    await expect(stat(join(root, "x", "y"))).rejects.toMatchObject({ code: "ENOENT" });
    await storage.delete("x/keep.txt");
    await expect(stat(join(root, "x"))).rejects.toMatchObject({ code: "ENOENT" });
    await stat(root);
    // The folder is gone, so the key can now name an object.
    await storage.put("x", Buffer.from("now a file"));
    expect((await storage.list("")).keys).toEqual(["x"]);
  });

  it("reports no content type, and says so through an optional field", async () => {
    const put = await storage.put("t.jpg", Buffer.from("x"), { contentType: "image/jpeg" });
    expect(put.contentType).toBeUndefined();
    expect((await storage.head("t.jpg"))?.contentType).toBeUndefined();
  });

  it("maps a key segment too long for the filesystem to INVALID_STORAGE_KEY", async () => {
    const key = "x".repeat(300);
    expect(await codeOf(storage.put(key, Buffer.from("x")))).toBe("INVALID_STORAGE_KEY");
    expect(await storage.get(key)).toBeNull();
    expect(await readdir(join(root, ".tmp"))).toEqual([]);
  });

  describe("symbolic links", () => {
    let outside: string;

    beforeEach(async () => {
      outside = join(base, "outside");
      await mkdir(outside);
      await writeFile(join(outside, "secret.txt"), "secret");
      await ensureRoot();
      await symlink(outside, join(root, "escape"), "dir");
      await symlink(join(outside, "secret.txt"), join(root, "secret-link.txt"), "file");
    });

    it("refuses to read through a link that leaves the root", async () => {
      expect(await codeOf(storage.get("escape/secret.txt"))).toBe("INVALID_STORAGE_KEY");
      expect(await codeOf(storage.head("escape/secret.txt"))).toBe("INVALID_STORAGE_KEY");
      expect(await codeOf(storage.get("secret-link.txt"))).toBe("INVALID_STORAGE_KEY");
      expect(await codeOf(storage.get("secret-link.txt", { range: { start: 0 } }))).toBe(
        "INVALID_STORAGE_KEY",
      );
    });

    it("refuses to write through a link that leaves the root, creating nothing outside", async () => {
      expect(await codeOf(storage.put("escape/new.txt", Buffer.from("x")))).toBe("INVALID_STORAGE_KEY");
      expect(await codeOf(storage.put("escape/deep/er/new.txt", Buffer.from("x")))).toBe(
        "INVALID_STORAGE_KEY",
      );
      expect((await readdir(outside)).sort()).toEqual(["secret.txt"]);
      expect(await readdir(join(root, ".tmp"))).toEqual([]);
    });

    it("refuses to delete through a link that leaves the root", async () => {
      expect(await codeOf(storage.delete("escape/secret.txt"))).toBe("INVALID_STORAGE_KEY");
      expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("secret");
    });

    it("does not list what lies outside the root", async () => {
      await storage.put("inside.txt", Buffer.from("x"));
      expect((await storage.list("")).keys).toEqual(["inside.txt"]);
      expect((await storage.list("escape/")).keys).toEqual([]);
    });

    it("replaces a link with an object on put, leaving its target untouched", async () => {
      await storage.put("secret-link.txt", Buffer.from("replaced"));
      expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("secret");
      const object = await storage.get("secret-link.txt");
      expect(await readAll(object!.body)).toBe("replaced");
    });

    it("follows a link to a file inside the root", async () => {
      await storage.put("real.txt", Buffer.from("real"));
      await symlink(join(root, "real.txt"), join(root, "alias.txt"), "file");
      const object = await storage.get("alias.txt");
      expect(await readAll(object!.body)).toBe("real");
      expect((await storage.list("")).keys).toEqual(["alias.txt", "real.txt"]);
      await storage.delete("alias.txt");
      expect(await readAll((await storage.get("real.txt"))!.body)).toBe("real");
    });
  });
});

async function ensureRoot(): Promise<string> {
  // The first call creates the root and its temporary folder.
  await storage.list("");
  return root;
}
