import { PassThrough, Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openGallery, runCli } from "../src/index.js";
import { captureLogger, tempDir } from "./helpers.js";

describe("vernissage users list|set-role|reset-password and tokens create|list|revoke", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.dispose();
  });

  const run = async (args: string[], stdin = "") => {
    const { logger, lines } = captureLogger();
    const stdout = new PassThrough();
    const chunks: string[] = [];
    stdout.on("data", (c: Buffer) => chunks.push(c.toString("utf8")));
    const code = await runCli([...args, "--data", dir.path], {
      stdin: Readable.from([stdin]),
      stdout,
      logger,
    });
    return { code, log: lines.join("\n"), out: chunks.join("") };
  };

  it("manages users and their tokens, never exceeding the user's rights", async () => {
    expect((await run(["users", "add", "alice", "--password-stdin"], "alice-password\n")).code).toBe(0);
    expect(
      (await run(["users", "add", "bob", "--role", "admin", "--password-stdin"], "bob-password\n")).code,
    ).toBe(0);
    const listed = await run(["users", "list"]);
    expect(listed.out).toMatch(/^alice\s+member/m);
    expect(listed.out).toMatch(/^bob\s+admin/m);

    expect((await run(["users", "set-role", "alice", "admin"])).code).toBe(0);
    expect((await run(["users", "set-role", "alice", "emperor"])).code).toBe(1);
    expect((await run(["users", "set-role", "nobody", "admin"])).code).toBe(1);
    expect((await run(["users", "reset-password", "alice", "--password-stdin"], "short")).code).toBe(1);
    expect(
      (await run(["users", "reset-password", "alice", "--password-stdin"], "a brand new password\n")).code,
    ).toBe(0);

    const created = await run([
      "tokens",
      "create",
      "--user",
      "alice",
      "--name",
      "ci",
      "--scopes",
      "photos:read,albums:read",
    ]);
    expect(created.code).toBe(0);
    const secret = created.out.trim();
    expect(secret).toMatch(/^vrn_[a-z0-9]+\.[a-z0-9]+$/);
    // A member may not hold admin scopes.
    await run(["users", "set-role", "alice", "member"]);
    const denied = await run(["tokens", "create", "--user", "alice", "--name", "x", "--scopes", "admin"]);
    expect(denied.code).toBe(1);
    expect(denied.log).toContain("FORBIDDEN");
    expect(
      (await run(["tokens", "create", "--user", "alice", "--name", "x", "--scopes", "everything"])).code,
    ).toBe(1);

    const tokens = await run(["tokens", "list", "--user", "alice"]);
    expect(tokens.out).toContain("active");
    expect(tokens.out).not.toContain(secret.split(".")[1]);
    const id = tokens.out.split(/\s+/)[0] as string;

    const gallery = await openGallery({ dataDir: dir.path, jobs: false });
    try {
      expect((await gallery.auth.login("alice", "a brand new password")).userId).toBeTruthy();
      expect(await gallery.tokens.resolve(secret)).toMatchObject({
        kind: "token",
        scopes: ["albums:read", "photos:read"],
      });
    } finally {
      await gallery.close();
    }
    expect((await run(["tokens", "revoke", id])).code).toBe(0);
    expect((await run(["tokens", "list", "--user", "alice"])).out).toContain("revoked");
  });
});
