import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type Gallery, GalleryError, SYSTEM } from "@vernissage/core";
import { afterEach, describe, expect, it } from "vitest";
import { stackAdapters } from "../../../e2e/support/stack.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** Two galleries (two "processes") on one database. */
async function pair(
  options: { title?: string; identity?: { registration?: "off" | "open" | "approval" } } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-settings-"));
  const adapters = await stackAdapters(dir);
  const open = (database: typeof adapters.database): Promise<Gallery> =>
    createGallery({ database, storage: adapters.storage, jobs: { run: false }, logger: quiet, ...options });
  const a = await open(adapters.database);
  cleanups.push(async () => {
    await a.close();
    await adapters.dispose();
    await rm(dir, { recursive: true, force: true });
  });
  return { a, reopen: () => open(adapters.connectAgain()) };
}

describe("gallery settings", () => {
  it("start from the options, are changed by admins only, and reach other processes through the database", async () => {
    const { a, reopen } = await pair({ title: "Code title", identity: { registration: "off" } });
    expect(await a.settings.get()).toEqual({
      title: "Code title",
      description: "",
      registration: "off",
      loginOnly: false,
      defaultLanguage: null,
      location: "members",
    });
    const mia = await a.users.create(SYSTEM, { username: "mia" });
    const member = { kind: "user", userId: mia.id, role: "member", privacyLevel: 0, groupIds: [] } as const;
    await expect(a.settings.update(member, { title: "Mine" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(a.settings.read(member)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await a.settings.read(SYSTEM)).title).toBe("Code title");
    await expect(a.settings.update({ kind: "guest" }, { title: "Mine" })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    await expect(a.auth.register({ username: "early", password: "a long password" })).rejects.toMatchObject({
      code: "REGISTRATION_CLOSED",
    });

    const updated = await a.settings.update(SYSTEM, { title: "  Run-time title ", registration: "approval" });
    expect(updated).toMatchObject({ title: "Run-time title", registration: "approval", loginOnly: false });
    expect(a.title).toBe("Run-time title");
    // The registration mode follows the setting at once in this process.
    const { user, session } = await a.auth.register({ username: "late", password: "a long password" });
    expect(user.status).toBe("pending");
    expect(session).toBeNull();
    // Another process reads the stored settings (here: when it starts).
    const b = await reopen();
    cleanups.push(() => b.close());
    expect(b.title).toBe("Run-time title");
    expect(b.auth.loginOnly).toBe(false);
    await b.settings.update(SYSTEM, { loginOnly: true, description: "Family photos" });
    const c = await reopen();
    cleanups.push(() => c.close());
    expect(c.auth.loginOnly).toBe(true);
    // A partial update keeps the other stored fields.
    expect(await c.settings.get()).toMatchObject({
      title: "Run-time title",
      registration: "approval",
      description: "Family photos",
    });
  });

  it("refuses invalid values and ignores a corrupt stored row", async () => {
    const { a, reopen } = await pair();
    for (const patch of [
      { title: "" },
      { title: "x".repeat(201) },
      { description: "y".repeat(2001) },
      { registration: "sometimes" },
      { loginOnly: "yes" },
      { defaultLanguage: "<script>" },
      { defaultLanguage: 42 },
    ]) {
      const error = await a.settings.update(SYSTEM, patch as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GalleryError);
      expect((error as GalleryError).code).toBe("VALIDATION_FAILED");
    }
    expect((await a.settings.get()).title).toBe("Vernissage");
    await a.db
      .insertInto("settings")
      .values({
        key: "gallery.settings",
        value: '{"title": "", "loginOnly": "maybe"',
        updated_at: Date.now(),
      })
      .execute();
    const b = await reopen();
    cleanups.push(() => b.close());
    expect(await b.settings.get()).toMatchObject({ title: "Vernissage", loginOnly: false });
  });
});
