import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createGallery,
  type Gallery,
  type GalleryOptions,
  type User,
  type UserActor,
} from "@vernissage/core";
import sharp from "sharp";
import { onTestFinished } from "vitest";
import { stackAdapters, type TestStackName } from "../../../e2e/support/stack.js";

/**
 * A gallery on the stack `VERNISSAGE_TEST_STACK` chooses (default `sqlite-fs`: a temporary SQLite file and
 * folder; `postgres-s3`: a throwaway PostgreSQL database and an s3rver folder); jobs run only when a test asks.
 * `listKeys()` lists the stored files whatever the stack.
 */
export async function tempGallery(options: Partial<GalleryOptions> = {}): Promise<{
  gallery: Gallery;
  dir: string;
  stack: TestStackName;
  listKeys(): Promise<string[]>;
  close(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-core-"));
  const adapters = await stackAdapters(dir);
  let gallery: Gallery;
  try {
    gallery = await createGallery({
      database: adapters.database,
      storage: adapters.storage,
      jobs: { run: false },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      ...options,
    });
  } catch (error) {
    await adapters.dispose();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    gallery,
    dir,
    stack: adapters.stack,
    listKeys: adapters.listKeys,
    async close() {
      try {
        await gallery.close();
      } finally {
        await adapters.dispose();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A small solid JPEG. */
export function jpeg(width = 64, height = 48, colour = "#336699"): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();
}

/** {@link tempGallery}, closed (and its database and files removed) when the current test finishes. */
export async function openGallery(
  options: Partial<GalleryOptions> = {},
): Promise<Awaited<ReturnType<typeof tempGallery>>> {
  const t = await tempGallery(options);
  onTestFinished(t.close);
  return t;
}

/** The `code` a promise rejects with, or `"OK"` when it resolves. */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** A signed-in user as an actor, with the user's role and privacy level. */
export function asUser(u: Pick<User, "id" | "role" | "privacyLevel">): UserActor {
  return {
    kind: "user",
    userId: u.id,
    role: u.role,
    privacyLevel: u.privacyLevel as UserActor["privacyLevel"],
    groupIds: [],
  };
}
