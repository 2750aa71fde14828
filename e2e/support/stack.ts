import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createGallery,
  type DatabaseAdapter,
  type Gallery,
  type GalleryOptions,
  type StorageAdapter,
  SYSTEM,
} from "@vernissage/core";
import { postgresDatabase } from "@vernissage/db-postgres";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { fsStorage } from "@vernissage/storage-fs";
import { s3Storage } from "@vernissage/storage-s3";
import { inject } from "vitest";
import { createTestDatabase, postgresUnavailable } from "../../packages/db-postgres/test/pg-test-db.js";
import { type ProvidedS3, type TestStackName, testStack } from "./stack-name.js";

export { type ProvidedS3, type TestStackName, testStack };

/** A database and a store for one test gallery, and how to clean up after it. */
export interface StackAdapters {
  stack: TestStackName;
  database: DatabaseAdapter;
  storage: StorageAdapter;
  /** Every key in the gallery's storage (files written so far), sorted. */
  listKeys(): Promise<string[]>;
  /** Another connection (pool) to the same database, as a second process would have. Caller closes it. */
  connectAgain(): DatabaseAdapter;
  /** Remove what the stack created outside `dir` (the throwaway PostgreSQL database); call after `close()`. */
  dispose(): Promise<void>;
}

async function allKeys(storage: StorageAdapter): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await storage.list("", { cursor, limit: 1000 });
    keys.push(...page.keys);
    cursor = page.cursor;
  } while (cursor);
  return keys.sort();
}

/**
 * Adapters for one test gallery on the chosen stack: `sqlite-fs` keeps everything in `dir`; `postgres-s3`
 * makes a throwaway PostgreSQL database and a fresh folder (prefix) of the run's s3rver bucket.
 *
 * In `postgres-s3`, a missing service is an error: the run is only started when the services are there
 * (`scripts/test-postgres-s3.mjs` skips the whole run with its reason otherwise).
 */
export async function stackAdapters(dir: string): Promise<StackAdapters> {
  const stack = testStack();
  if (stack === "sqlite-fs") {
    const storage = fsStorage({ root: join(dir, "files") });
    const filename = join(dir, "gallery.db");
    return {
      stack,
      database: sqliteDatabase({ filename }),
      storage,
      listKeys: () => allKeys(storage),
      connectAgain: () => sqliteDatabase({ filename }),
      dispose: async () => {},
    };
  }
  const s3 = inject("vernissageS3");
  if (!s3) {
    throw new Error(
      "VERNISSAGE_TEST_STACK=postgres-s3 needs the global setup e2e/support/global-setup.ts (s3rver).",
    );
  }
  const reason = await postgresUnavailable();
  if (reason) throw new Error(`VERNISSAGE_TEST_STACK=postgres-s3: ${reason}`);
  const testDb = await createTestDatabase();
  const storage = s3Storage({
    bucket: s3.bucket,
    prefix: `gallery-${randomUUID()}`,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  return {
    stack,
    database: postgresDatabase({ connectionString: testDb.url, max: 5 }),
    storage,
    listKeys: () => allKeys(storage),
    connectAgain: () => postgresDatabase({ connectionString: testDb.url, max: 5 }),
    dispose: () => testDb.drop(),
  };
}

/** A test gallery opened by {@link openStackGallery}. */
export interface StackGallery {
  /** A temporary folder, removed by `close()`. */
  dir: string;
  adapters: StackAdapters;
  gallery: Gallery;
  /** Close the gallery, drop what the stack made and remove `dir`. */
  close(): Promise<void>;
}

/**
 * A gallery on the chosen stack (jobs off unless `gallery` says otherwise) with the owner `admin` /
 * `correct horse battery`, in a temporary folder named after `name`.
 */
export async function openStackGallery(options: {
  name: string;
  gallery?: Partial<GalleryOptions>;
}): Promise<StackGallery> {
  const dir = await mkdtemp(join(tmpdir(), `vernissage-${options.name}-`));
  const adapters = await stackAdapters(dir);
  const gallery = await createGallery({
    database: adapters.database,
    storage: adapters.storage,
    jobs: { run: false },
    ...options.gallery,
  });
  await gallery.users.create(SYSTEM, { username: "admin", password: "correct horse battery", role: "owner" });
  return {
    dir,
    adapters,
    gallery,
    async close() {
      await gallery.close();
      await adapters.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
