import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openGallery, readPassword, runCli } from "../src/index.js";
import { captureLogger, tempDir } from "./helpers.js";

describe("vernissage users add", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.dispose();
  });

  const run = (args: string[], stdin: string, env: Record<string, string> = {}) => {
    const { logger, lines } = captureLogger();
    return runCli(args, { stdin: Readable.from([stdin]), logger, env }).then((code) => ({
      code,
      output: lines.join("\n"),
    }));
  };

  it("creates a user with the password from stdin, trimmed of the final newline", async () => {
    const { code, output } = await run(
      ["users", "add", "Alice", "--role", "admin", "--password-stdin", "--data", dir.path],
      "a good long password\n",
    );
    expect(code).toBe(0);
    expect(output).toContain('Created the admin "alice".');
    expect(output).not.toContain("a good long password");

    const gallery = await openGallery({ dataDir: dir.path, jobs: false });
    try {
      const session = await gallery.auth.login("alice", "a good long password");
      const resolved = await gallery.auth.resolveSession(session.token);
      expect(resolved?.actor.role).toBe("admin");
    } finally {
      await gallery.close();
    }
  });

  it("takes the data directory from VERNISSAGE_DATA_DIR and the role member by default", async () => {
    const { code } = await run(["users", "add", "bob", "--password-stdin"], "password-of-bob", {
      VERNISSAGE_DATA_DIR: dir.path,
    });
    expect(code).toBe(0);
    const gallery = await openGallery({ dataDir: dir.path, jobs: false });
    try {
      expect((await gallery.users.findByUsername({ kind: "system" }, "bob"))?.role).toBe("member");
    } finally {
      await gallery.close();
    }
  });

  it("refuses a password shorter than 8 characters with exit code 1", async () => {
    const { code, output } = await run(
      ["users", "add", "carol", "--password-stdin", "--data", dir.path],
      "short\n",
    );
    expect(code).toBe(1);
    expect(output).toContain("error: The password must have at least 8 characters.");
    expect(output).not.toContain("short\n");
    const gallery = await openGallery({ dataDir: dir.path, jobs: false });
    try {
      expect(await gallery.users.count()).toBe(0);
    } finally {
      await gallery.close();
    }
  });

  it("refuses a taken name, an unknown role and a missing --password-stdin with exit code 1", async () => {
    const args = ["users", "add", "dave", "--password-stdin", "--data", dir.path];
    expect((await run(args, "password-one")).code).toBe(0);
    const taken = await run(args, "password-two");
    expect(taken).toMatchObject({ code: 1 });
    expect(taken.output).toContain('A user named "dave" already exists.');

    expect(
      (
        await run(
          ["users", "add", "erin", "--role", "king", "--password-stdin", "--data", dir.path],
          "password-x",
        )
      ).code,
    ).toBe(1);
    const noStdin = await run(["users", "add", "erin", "--data", dir.path], "");
    expect(noStdin.code).toBe(1);
    expect(noStdin.output).toContain("--password-stdin");
  });

  it("reads a password from chunks, removing only one final newline", async () => {
    expect(await readPassword(Readable.from([Buffer.from("pass "), "word\r\n"]))).toBe("pass word");
    expect(await readPassword(Readable.from(["two lines\n\n"]))).toBe("two lines\n");
  });
});
