import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GalleryError, type GalleryErrorCode } from "../errors.js";
import type { StorageAdapter } from "../ports/storage.js";
import { wrapStorage } from "../ports/wrap-storage.js";

/** What a {@link StorageSuiteFactory} hands the suite: an adapter over an empty store. */
export interface StorageSuiteInstance {
  /** The raw adapter under test (the suite wraps it with `wrapStorage` itself where key checks matter). */
  storage: StorageAdapter;
  /** Called after each test, after `storage.close()`: remove the directory, bucket prefix, server… */
  cleanup?: () => Promise<void>;
}

/**
 * Makes a fresh adapter over an **empty** store. Called once per test, so every test starts from nothing:
 * give each call a new directory, a new key prefix or a new bucket.
 */
export type StorageSuiteFactory = () => Promise<StorageSuiteInstance>;

/** Options for {@link runStorageSuite}. */
export interface StorageSuiteOptions {
  /**
   * Tests to skip, by exact test name, each with the written reason it cannot pass on this adapter. The
   * reason is shown in the test title. An unknown test name or an empty reason is an error.
   * @default {}
   * @example
   * { "range: first byte": "the emulator returns the whole object for bytes=0-0" }
   */
  skip?: Record<string, string>;
}

type TestBody = (context: { storage: StorageAdapter; raw: StorageAdapter }) => Promise<void>;

const MiB = 1024 * 1024;

/** Keys that core must refuse before any adapter sees them. */
const INVALID_KEYS: readonly string[] = [
  "",
  "../x",
  "a/../b",
  "..",
  ".",
  "a/./b",
  "/abs",
  "/",
  "a//b",
  "a/",
  "a\\b",
  "..\\x",
  "a\u0000b",
  "a\nb",
  "a\rb",
  "a\tb",
  "a\u007fb",
  "a\u001bb",
  "a b",
  "caf\u00e9.jpg",
  "x".repeat(1025),
];

const INVALID_PREFIXES: readonly string[] = [
  "../",
  "/abs",
  "/",
  "a//",
  "a//b",
  "a\\",
  "a\u0000",
  "..",
  "x/../",
];

/** Bytes whose value depends on their position, so a wrong offset shows. */
function patterned(size: number): Buffer {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buffer[i] = (i * 7 + (i >> 8)) % 251;
  return buffer;
}

function text(value: string): Buffer {
  return Buffer.from(value, "utf8");
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function readKey(storage: StorageAdapter, key: string): Promise<Buffer | null> {
  const object = await storage.get(key);
  return object ? readAll(object.body) : null;
}

/** A stream that yields `chunks`, then fails with `error`. */
function failingStream(chunks: Iterable<Buffer>, error: Error): Readable {
  async function* generate() {
    for (const chunk of chunks) yield chunk;
    throw error;
  }
  return Readable.from(generate(), { objectMode: false });
}

function* megabytes(count: number): Generator<Buffer> {
  for (let i = 0; i < count; i++) yield randomBytes(MiB);
}

/** Every key under `prefix`, following cursors, with a guard against a cursor that never ends. */
async function listAll(storage: StorageAdapter, prefix: string, limit?: number): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await storage.list(prefix, { cursor, limit });
    keys.push(...result.keys);
    if (result.cursor === undefined) return keys;
    cursor = result.cursor;
  }
  throw new Error("list never returned a last page");
}

/** Lets pending I/O run until `done()` holds, without any timing assumption about how long that takes. */
async function settle(done: () => boolean): Promise<void> {
  for (let i = 0; i < 5_000 && !done(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function expectCode(promise: Promise<unknown>, code: GalleryErrorCode): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `expected a GalleryError ${code}`).toBeInstanceOf(GalleryError);
  expect((error as GalleryError).code).toBe(code);
}

/** An adapter that records every call, to prove that validation happens before the adapter is reached. */
function recording(adapter: StorageAdapter): { adapter: StorageAdapter; calls: string[] } {
  const calls: string[] = [];
  const spy: StorageAdapter = {
    name: adapter.name,
    put: (key, body, options) => {
      calls.push(`put ${key}`);
      return adapter.put(key, body, options);
    },
    get: (key, options) => {
      calls.push(`get ${key}`);
      return adapter.get(key, options);
    },
    head: (key) => {
      calls.push(`head ${key}`);
      return adapter.head(key);
    },
    delete: (key) => {
      calls.push(`delete ${key}`);
      return adapter.delete(key);
    },
    list: (prefix, options) => {
      calls.push(`list ${prefix}`);
      return adapter.list(prefix, options);
    },
  };
  if (adapter.signedUrl) {
    const signedUrl = adapter.signedUrl.bind(adapter);
    spy.signedUrl = (key, options) => {
      calls.push(`signedUrl ${key}`);
      return signedUrl(key, options);
    };
  }
  return { adapter: spy, calls };
}

/**
 * The storage conformance suite: every {@link StorageAdapter} runs it. It registers vitest tests (call it at
 * the top level of a test file) covering round trips from bytes and streams (12 MiB included, enough for a
 * multipart upload), atomic overwrite, failed puts, `head`, missing keys, byte ranges at the edges, listing
 * with prefixes and pagination, key validation through `wrapStorage`, and delete.
 *
 * Each test gets a fresh store from `factory`. Tests that depend on key checks or error tagging run against
 * `wrapStorage(adapter)`, as core uses adapters; the others call the adapter directly.
 *
 * @param name - Shown in the suite title, e.g. `"fs"`.
 * @param factory - Returns an adapter over an empty store, and how to clean it up.
 * @param options - Skips, each with a written reason.
 * @example
 * runStorageSuite("fs", async () => {
 *   const root = await mkdtemp(join(tmpdir(), "vernissage-"));
 *   return { storage: fsStorage({ root }), cleanup: () => rm(root, { recursive: true, force: true }) };
 * });
 */
export function runStorageSuite(
  name: string,
  factory: StorageSuiteFactory,
  options: StorageSuiteOptions = {},
): void {
  const skip = options.skip ?? {};

  describe(`storage conformance: ${name}`, () => {
    let instance: StorageSuiteInstance | undefined;
    const names = new Set<string>();

    beforeEach(async () => {
      instance = await factory();
    });

    afterEach(async () => {
      const current = instance;
      instance = undefined;
      if (!current) return;
      try {
        await current.storage.close?.();
      } finally {
        await current.cleanup?.();
      }
    });

    const test = (title: string, body: TestBody): void => {
      if (names.has(title)) throw new Error(`Duplicate storage suite test "${title}".`);
      names.add(title);
      const reason = skip[title];
      if (reason !== undefined) {
        it.skip(`${title} (skipped: ${reason})`, () => {});
        return;
      }
      it(title, async () => {
        if (!instance) throw new Error("The storage factory did not run.");
        await body({ storage: wrapStorage(instance.storage), raw: instance.storage });
      });
    };

    // --- put / get round trips -------------------------------------------------------------------------

    test("put then get returns the bytes of a Uint8Array", async ({ raw }) => {
      const data = patterned(3000);
      await raw.put("photos/a.bin", new Uint8Array(data));
      expect((await readKey(raw, "photos/a.bin"))?.equals(data)).toBe(true);
    });

    test("put accepts a Uint8Array view into a larger buffer", async ({ raw }) => {
      const backing = text("xxxxHELLOyyyy");
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, 5);
      await raw.put("view.txt", view);
      expect((await readKey(raw, "view.txt"))?.toString("utf8")).toBe("HELLO");
    });

    test("put then get returns the bytes of a Readable stream", async ({ raw }) => {
      const data = patterned(200_000);
      const chunks = [data.subarray(0, 1), data.subarray(1, 65_537), data.subarray(65_537)];
      const head = await raw.put("stream.bin", Readable.from(chunks));
      expect(head.size).toBe(data.length);
      expect((await readKey(raw, "stream.bin"))?.equals(data)).toBe(true);
    });

    test("put and get a 12 MiB stream", async ({ raw }) => {
      const written = createHash("sha256");
      const chunks: Buffer[] = [];
      // Uneven chunk sizes so part boundaries never line up with chunk boundaries.
      let remaining = 12 * MiB;
      while (remaining > 0) {
        const chunk = randomBytes(Math.min(remaining, 777_777));
        written.update(chunk);
        chunks.push(chunk);
        remaining -= chunk.length;
      }
      const all = Buffer.concat(chunks);
      const head = await raw.put("big/12mib.bin", Readable.from(chunks), {
        contentType: "application/octet-stream",
      });
      expect(head.size).toBe(12 * MiB);
      expect((await raw.head("big/12mib.bin"))?.size).toBe(12 * MiB);

      const object = await raw.get("big/12mib.bin");
      expect(object?.size).toBe(12 * MiB);
      const read = createHash("sha256");
      let size = 0;
      for await (const chunk of object!.body) {
        read.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      expect(size).toBe(12 * MiB);
      expect(read.digest("hex")).toBe(written.digest("hex"));

      // A range that straddles the 5 MiB boundary where a multipart upload splits its first part.
      const start = 5 * MiB - 10;
      const ranged = await raw.get("big/12mib.bin", { range: { start, end: start + 19 } });
      expect((await readAll(ranged!.body)).equals(all.subarray(start, start + 20))).toBe(true);
    });

    test("put and get an empty object", async ({ raw }) => {
      const head = await raw.put("empty.bin", new Uint8Array(0));
      expect(head.size).toBe(0);
      expect((await raw.head("empty.bin"))?.size).toBe(0);
      expect((await readKey(raw, "empty.bin"))?.length).toBe(0);
      const fromStream = await raw.put("empty-stream.bin", Readable.from([]));
      expect(fromStream.size).toBe(0);
      expect((await readKey(raw, "empty-stream.bin"))?.length).toBe(0);
    });

    test("put returns the stored size", async ({ raw }) => {
      expect((await raw.put("size/a", text("12345"))).size).toBe(5);
      expect((await raw.put("size/b", Readable.from([text("123"), text("4567")]))).size).toBe(7);
    });

    test("deeply nested keys round trip", async ({ raw }) => {
      const key = Array.from({ length: 20 }, (_, i) => `level-${i}`).join("/") + "/leaf.txt";
      await raw.put(key, text("deep"));
      expect((await readKey(raw, key))?.toString()).toBe("deep");
      expect((await raw.list("level-0/")).keys).toEqual([key]);
    });

    // --- overwrite atomicity -----------------------------------------------------------------------------

    test("put replaces an existing object", async ({ raw }) => {
      await raw.put("over.txt", text("first version, rather long"));
      await raw.put("over.txt", text("second"));
      expect((await readKey(raw, "over.txt"))?.toString()).toBe("second");
      expect((await raw.head("over.txt"))?.size).toBe(6);
      expect(await listAll(raw, "")).toEqual(["over.txt"]);
    });

    test("a reader sees the previous object while a put is in progress", async ({ raw }) => {
      const before = Buffer.alloc(300_000, 0x61);
      const after = Buffer.alloc(400_000, 0x62);
      await raw.put("photo.jpg", before);

      const source = new Readable({ read() {} });
      const putting = raw.put("photo.jpg", source);
      source.push(after.subarray(0, 200_000));
      await settle(() => source.readableLength === 0);

      // Mid-put: the old object, whole, and nothing else in the listing.
      expect((await raw.head("photo.jpg"))?.size).toBe(before.length);
      expect((await readKey(raw, "photo.jpg"))?.equals(before)).toBe(true);
      expect(await listAll(raw, "")).toEqual(["photo.jpg"]);

      source.push(after.subarray(200_000));
      source.push(null);
      await putting;
      expect((await readKey(raw, "photo.jpg"))?.equals(after)).toBe(true);
      expect(await listAll(raw, "")).toEqual(["photo.jpg"]);
    });

    test("concurrent puts to one key leave one complete version", async ({ raw }) => {
      const versions = [Buffer.alloc(250_000, 0x31), Buffer.alloc(180_000, 0x32), Buffer.alloc(90_000, 0x33)];
      await Promise.all(versions.map((version) => raw.put("race.bin", Readable.from([version]))));
      const stored = await readKey(raw, "race.bin");
      expect(versions.some((version) => stored?.equals(version))).toBe(true);
      expect(await listAll(raw, "")).toEqual(["race.bin"]);
    });

    test("a put whose stream fails keeps the previous object and leaves no litter", async ({ storage }) => {
      await storage.put("keep/me.txt", text("original"));
      await storage.put("keep/other.txt", text("other"));
      const failing = failingStream([patterned(100_000), patterned(100_000)], new Error("source broke"));
      await expectCode(storage.put("keep/me.txt", failing), "STORAGE_ERROR");
      expect((await readKey(storage, "keep/me.txt"))?.toString()).toBe("original");
      expect((await storage.head("keep/me.txt"))?.size).toBe(8);
      expect(await listAll(storage, "")).toEqual(["keep/me.txt", "keep/other.txt"]);
    });

    test("a put whose stream fails on a new key leaves nothing", async ({ storage }) => {
      await expectCode(
        storage.put("new/key.txt", failingStream([], new Error("immediately"))),
        "STORAGE_ERROR",
      );
      const failing = failingStream([patterned(50_000)], new Error("midway"));
      await expectCode(storage.put("new/key.txt", failing), "STORAGE_ERROR");
      expect(await storage.head("new/key.txt")).toBeNull();
      expect(await storage.get("new/key.txt")).toBeNull();
      expect(await listAll(storage, "")).toEqual([]);
    });

    test("a put whose stream fails after several megabytes leaves nothing", async ({ storage }) => {
      await storage.put("multi/keep.bin", text("kept"));
      const failing = failingStream(megabytes(11), new Error("broke after 11 MiB"));
      await expectCode(storage.put("multi/part.bin", failing), "STORAGE_ERROR");
      expect(await storage.head("multi/part.bin")).toBeNull();
      expect(await listAll(storage, "")).toEqual(["multi/keep.bin"]);
    });

    test("a put rejects with the GalleryError its source stream failed with", async ({ storage }) => {
      // Ingest limits upload size with a transform that throws FILE_TOO_LARGE: the code must survive the adapter.
      const failing = failingStream([patterned(10_000)], new GalleryError("FILE_TOO_LARGE"));
      await expectCode(storage.put("limited.jpg", failing), "FILE_TOO_LARGE");
      expect(await storage.head("limited.jpg")).toBeNull();
    });

    // --- head / get metadata -----------------------------------------------------------------------------

    test("head reports size and last modification", async ({ raw }) => {
      const before = Date.now();
      await raw.put("meta/size.bin", patterned(1234));
      const head = await raw.head("meta/size.bin");
      expect(head?.size).toBe(1234);
      if (head?.lastModified !== undefined) {
        expect(head.lastModified).toBeInstanceOf(Date);
        // Stores keep whole seconds at best; allow for that and for clock skew with a remote store.
        expect(head.lastModified.getTime()).toBeGreaterThan(before - 10 * 60_000);
      }
    });

    test("head reports the content type when the store keeps it", async ({ raw }) => {
      await raw.put("meta/type.jpg", text("jpeg-ish"), { contentType: "image/jpeg" });
      await raw.put("meta/untyped.bin", text("bytes"));
      const head = await raw.head("meta/type.jpg");
      expect(head?.size).toBe(8);
      // The port lets a store drop content types; one that keeps them must keep them exactly.
      if (head?.contentType !== undefined) expect(head.contentType).toBe("image/jpeg");
      const object = await raw.get("meta/type.jpg");
      await readAll(object!.body);
      if (object?.contentType !== undefined) expect(object.contentType).toBe("image/jpeg");
      expect((await raw.head("meta/untyped.bin"))?.size).toBe(5);
    });

    test("get reports the object size with the body", async ({ raw }) => {
      await raw.put("meta/get.bin", patterned(4321));
      const object = await raw.get("meta/get.bin");
      expect(object?.size).toBe(4321);
      expect((await readAll(object!.body)).length).toBe(4321);
    });

    // --- missing keys ------------------------------------------------------------------------------------

    test("get and head of a missing key resolve null", async ({ storage }) => {
      expect(await storage.get("missing.jpg")).toBeNull();
      expect(await storage.head("missing.jpg")).toBeNull();
      expect(await storage.get("missing/deeper/key.jpg")).toBeNull();
      expect(await storage.head("missing/deeper/key.jpg")).toBeNull();
    });

    test("get with a range of a missing key resolves null", async ({ storage }) => {
      expect(await storage.get("missing.jpg", { range: { start: 0, end: 10 } })).toBeNull();
      expect(await storage.get("missing.jpg", { range: { start: 1_000_000 } })).toBeNull();
    });

    test("delete of a missing key succeeds", async ({ storage }) => {
      await expect(storage.delete("missing.jpg")).resolves.toBeUndefined();
      await expect(storage.delete("missing/deeper/key.jpg")).resolves.toBeUndefined();
    });

    test("a key under an object is missing, not an error", async ({ storage }) => {
      await storage.put("file.txt", text("x"));
      expect(await storage.get("file.txt/child")).toBeNull();
      expect(await storage.head("file.txt/child")).toBeNull();
      await expect(storage.delete("file.txt/child")).resolves.toBeUndefined();
    });

    test("a folder-like prefix is not an object", async ({ storage }) => {
      await storage.put("folder/inside.txt", text("x"));
      expect(await storage.get("folder")).toBeNull();
      expect(await storage.head("folder")).toBeNull();
      await expect(storage.delete("folder")).resolves.toBeUndefined();
      expect(await listAll(storage, "")).toEqual(["folder/inside.txt"]);
    });

    // --- delete ------------------------------------------------------------------------------------------

    test("delete then get resolves null", async ({ storage }) => {
      await storage.put("gone/a.txt", text("bye"));
      await storage.delete("gone/a.txt");
      expect(await storage.get("gone/a.txt")).toBeNull();
      expect(await storage.head("gone/a.txt")).toBeNull();
      expect(await listAll(storage, "")).toEqual([]);
    });

    test("delete leaves other keys alone", async ({ storage }) => {
      for (const key of ["d/a", "d/ab", "d/a-b", "d/b/a", "e/a"]) await storage.put(key, text(key));
      await storage.delete("d/a");
      expect(await listAll(storage, "")).toEqual(["d/a-b", "d/ab", "d/b/a", "e/a"]);
      expect((await readKey(storage, "d/ab"))?.toString()).toBe("d/ab");
    });

    test("a deleted key can be put again", async ({ storage }) => {
      await storage.put("again/x.txt", text("one"));
      await storage.delete("again/x.txt");
      await storage.put("again/x.txt", text("two"));
      expect((await readKey(storage, "again/x.txt"))?.toString()).toBe("two");
    });

    // --- byte ranges -------------------------------------------------------------------------------------

    const RANGE_SIZE = 1000;
    const rangeObject = patterned(RANGE_SIZE);
    const readRange = async (storage: StorageAdapter, start: number, end?: number) => {
      await storage.put("range.bin", rangeObject);
      const object = await storage.get("range.bin", { range: { start, end } });
      expect(object).not.toBeNull();
      // `size` stays the size of the whole object, so a caller can write `Content-Range: bytes a-b/size`.
      expect(object?.size).toBe(RANGE_SIZE);
      return readAll(object!.body);
    };

    test("range: first byte", async ({ storage }) => {
      expect((await readRange(storage, 0, 0)).equals(rangeObject.subarray(0, 1))).toBe(true);
    });

    test("range: last byte", async ({ storage }) => {
      const last = RANGE_SIZE - 1;
      expect((await readRange(storage, last, last)).equals(rangeObject.subarray(last))).toBe(true);
    });

    test("range: whole object", async ({ storage }) => {
      expect((await readRange(storage, 0, RANGE_SIZE - 1)).equals(rangeObject)).toBe(true);
    });

    test("range: middle bytes", async ({ storage }) => {
      expect((await readRange(storage, 100, 199)).equals(rangeObject.subarray(100, 200))).toBe(true);
    });

    test("range: open end reads to the end", async ({ storage }) => {
      expect((await readRange(storage, 990)).equals(rangeObject.subarray(990))).toBe(true);
      expect((await readRange(storage, 0)).equals(rangeObject)).toBe(true);
    });

    test("range: end past the object end is clamped", async ({ storage }) => {
      expect((await readRange(storage, 995, 5000)).equals(rangeObject.subarray(995))).toBe(true);
      expect((await readRange(storage, RANGE_SIZE - 1, RANGE_SIZE)).equals(rangeObject.subarray(-1))).toBe(
        true,
      );
    });

    test("range: start at the object end is not satisfiable", async ({ storage }) => {
      await storage.put("range.bin", rangeObject);
      await expectCode(storage.get("range.bin", { range: { start: RANGE_SIZE } }), "RANGE_NOT_SATISFIABLE");
      await expectCode(
        storage.get("range.bin", { range: { start: RANGE_SIZE, end: RANGE_SIZE + 10 } }),
        "RANGE_NOT_SATISFIABLE",
      );
    });

    test("range: start beyond the object end is not satisfiable", async ({ storage }) => {
      await storage.put("range.bin", rangeObject);
      await expectCode(storage.get("range.bin", { range: { start: 5000 } }), "RANGE_NOT_SATISFIABLE");
      await expectCode(
        storage.get("range.bin", { range: { start: 5000, end: 6000 } }),
        "RANGE_NOT_SATISFIABLE",
      );
    });

    test("range: any range on an empty object is not satisfiable", async ({ storage }) => {
      await storage.put("empty.bin", new Uint8Array(0));
      await expectCode(storage.get("empty.bin", { range: { start: 0 } }), "RANGE_NOT_SATISFIABLE");
      await expectCode(storage.get("empty.bin", { range: { start: 0, end: 0 } }), "RANGE_NOT_SATISFIABLE");
    });

    test("range: malformed ranges are rejected by wrapStorage", async ({ raw }) => {
      const { adapter, calls } = recording(raw);
      const storage = wrapStorage(adapter);
      await raw.put("range.bin", rangeObject);
      const malformed = [
        { start: 10, end: 9 },
        { start: -1 },
        { start: -1, end: 5 },
        { start: 1.5 },
        { start: Number.NaN },
        { start: 0, end: 1.5 },
        { start: 0, end: Number.NaN },
      ];
      for (const range of malformed) {
        await expectCode(storage.get("range.bin", { range }), "RANGE_NOT_SATISFIABLE");
      }
      expect(calls).toEqual([]);
    });

    // --- list --------------------------------------------------------------------------------------------

    // Nested keys with upper case, "_", digits and keys that extend a sibling's name ("p/a0" next to folder
    // "p/a"): plain string order puts "/" before digits and letters.
    const NESTED = [
      "p/a/b",
      "p/a/c/d",
      "p/a0",
      "p/ab",
      "p/C",
      "p/_x",
      "p/b/z",
      "p/0",
      "p/d/e/f/g",
      "q/x",
      "q/xy/z",
      "r",
    ];
    const sorted = (keys: readonly string[]) => [...keys].sort();
    const putAll = async (storage: StorageAdapter, keys: readonly string[]) => {
      for (const key of keys) await storage.put(key, text(key));
    };

    test("list returns nested keys in lexicographic order", async ({ storage }) => {
      await putAll(storage, NESTED);
      const page = await storage.list("");
      expect(page.keys).toEqual(sorted(NESTED));
      expect(page.cursor).toBeUndefined();
    });

    test("list sorts '-' and '.' before '/' (plain string order, not folder by folder)", async ({
      storage,
    }) => {
      // A walk that sorts each folder by name alone yields "o/a/b" before "o/a-c" and "o/x-y/z" before "o/x".
      const keys = ["o/a/b", "o/a-c", "o/a.b", "o/a/c", "o/x", "o/x-y/z", "o/x.y"];
      await putAll(storage, keys);
      expect(await listAll(storage, "")).toEqual(sorted(keys));
      expect(await listAll(storage, "o/a", 2)).toEqual(["o/a-c", "o/a.b", "o/a/b", "o/a/c"]);
      expect(await listAll(storage, "o/x", 1)).toEqual(["o/x", "o/x-y/z", "o/x.y"]);
    });

    test("list filters by a key prefix that is not a folder", async ({ storage }) => {
      await putAll(storage, NESTED);
      expect(await listAll(storage, "p/a")).toEqual(["p/a/b", "p/a/c/d", "p/a0", "p/ab"]);
      expect(await listAll(storage, "q/x")).toEqual(["q/x", "q/xy/z"]);
      expect(await listAll(storage, "p/_")).toEqual(["p/_x"]);
      expect(await listAll(storage, "r")).toEqual(["r"]);
    });

    test("list filters by a folder prefix", async ({ storage }) => {
      await putAll(storage, NESTED);
      expect(await listAll(storage, "p/a/")).toEqual(["p/a/b", "p/a/c/d"]);
      expect(await listAll(storage, "p/")).toEqual(sorted(NESTED.filter((key) => key.startsWith("p/"))));
      expect(await listAll(storage, "q/xy/")).toEqual(["q/xy/z"]);
      expect(await listAll(storage, "p/d/e/")).toEqual(["p/d/e/f/g"]);
    });

    test("list of an unknown prefix is empty", async ({ storage }) => {
      expect(await storage.list("")).toEqual({ keys: [] });
      await putAll(storage, NESTED);
      for (const prefix of ["nothing", "nothing/", "p/zz", "p/a/c/d/", "r/"]) {
        const page = await storage.list(prefix);
        expect(page.keys).toEqual([]);
        expect(page.cursor).toBeUndefined();
      }
    });

    test("list pages with limit and cursor", async ({ storage }) => {
      const keys = ["k/01", "k/02", "k/03", "k/04", "k/05", "k/06", "k/07"];
      await putAll(storage, [...keys].reverse());
      const first = await storage.list("k/", { limit: 3 });
      expect(first.keys).toEqual(keys.slice(0, 3));
      expect(first.cursor).toBeTypeOf("string");
      const second = await storage.list("k/", { limit: 3, cursor: first.cursor });
      expect(second.keys).toEqual(keys.slice(3, 6));
      expect(second.cursor).toBeTypeOf("string");
      const third = await storage.list("k/", { limit: 3, cursor: second.cursor });
      expect(third.keys).toEqual(keys.slice(6));
      expect(third.cursor).toBeUndefined();

      // A listing that ends exactly on a page boundary says so on that page.
      await storage.delete("k/07");
      const full = await storage.list("k/", { limit: 3, cursor: first.cursor });
      expect(full.keys).toEqual(keys.slice(3, 6));
      expect(full.cursor).toBeUndefined();
    });

    test("list pages through nested keys under a prefix", async ({ storage }) => {
      await putAll(storage, NESTED);
      for (const limit of [1, 2, 5]) {
        expect(await listAll(storage, "", limit)).toEqual(sorted(NESTED));
        expect(await listAll(storage, "p/", limit)).toEqual(
          sorted(NESTED.filter((key) => key.startsWith("p/"))),
        );
      }
    });

    test("list reflects puts and deletes at once", async ({ storage }) => {
      await storage.put("live/a", text("a"));
      expect((await storage.list("live/")).keys).toEqual(["live/a"]);
      await storage.put("live/b", text("b"));
      expect((await storage.list("live/")).keys).toEqual(["live/a", "live/b"]);
      await storage.delete("live/a");
      expect((await storage.list("live/")).keys).toEqual(["live/b"]);
    });

    // --- key validation ----------------------------------------------------------------------------------

    test("invalid keys are rejected before reaching the adapter", async ({ raw }) => {
      const { adapter, calls } = recording(raw);
      const storage = wrapStorage(adapter);
      for (const key of INVALID_KEYS) {
        await expectCode(storage.put(key, text("x")), "INVALID_STORAGE_KEY");
        await expectCode(storage.put(key, Readable.from([text("x")])), "INVALID_STORAGE_KEY");
        await expectCode(storage.get(key), "INVALID_STORAGE_KEY");
        await expectCode(storage.get(key, { range: { start: 0 } }), "INVALID_STORAGE_KEY");
        await expectCode(storage.head(key), "INVALID_STORAGE_KEY");
        await expectCode(storage.delete(key), "INVALID_STORAGE_KEY");
        if (storage.signedUrl) {
          await expectCode(storage.signedUrl(key, { expiresInSeconds: 60 }), "INVALID_STORAGE_KEY");
        }
      }
      expect(calls).toEqual([]);
      expect(await listAll(raw, "")).toEqual([]);
    });

    test("invalid list prefixes are rejected before reaching the adapter", async ({ raw }) => {
      const { adapter, calls } = recording(raw);
      const storage = wrapStorage(adapter);
      for (const prefix of INVALID_PREFIXES) {
        await expectCode(storage.list(prefix), "INVALID_STORAGE_KEY");
      }
      expect(calls).toEqual([]);
    });

    // --- resources ---------------------------------------------------------------------------------------

    test("an abandoned body does not block later operations", async ({ raw }) => {
      await raw.put("abandon.bin", patterned(256 * 1024));
      for (let i = 0; i < 60; i++) {
        const object = await raw.get("abandon.bin", i % 2 === 0 ? undefined : { range: { start: 10 } });
        object?.body.destroy();
      }
      await raw.put("abandon-after.txt", text("still fine"));
      expect((await readKey(raw, "abandon-after.txt"))?.toString()).toBe("still fine");
    });

    test("signedUrl, when offered, serves the object over HTTP", async (context) => {
      const { storage } = context;
      if (!storage.signedUrl) return;
      const data = patterned(2048);
      await storage.put("signed/photo.jpg", data, { contentType: "image/jpeg" });
      const url = await storage.signedUrl("signed/photo.jpg", { expiresInSeconds: 300 });
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(data)).toBe(true);
    });

    for (const title of Object.keys(skip)) {
      if (!names.has(title)) throw new Error(`runStorageSuite: no test named "${title}" to skip.`);
      if (!skip[title]?.trim())
        throw new Error(`runStorageSuite: skipping "${title}" needs a written reason.`);
    }
  });
}
