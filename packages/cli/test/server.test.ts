import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FIRST_ADMIN_USERNAME, type RunningServer, runCli, startServer } from "../src/index.js";
import { captureLogger, tempDir } from "./helpers.js";

describe("startServer", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: RunningServer | undefined;

  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await server?.close();
    server = undefined;
    await dir.dispose();
  });

  it("serves the gallery home and the OpenAPI document on a free port", async () => {
    server = await startServer({ dataDir: dir.path, port: 0, requestLog: false, adminPassword: undefined });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.needsUser).toBe(true);
    expect(server.adminCreated).toBe(false);

    const home = await fetch(server.url);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await home.text()).toContain("<html");

    const openapi = await fetch(new URL("api/v1/openapi.json", server.url));
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("serves under a base path", async () => {
    server = await startServer({
      dataDir: dir.path,
      port: 0,
      basePath: "/photos/",
      requestLog: false,
      adminPassword: undefined,
    });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/photos/`);
    expect((await fetch(server.url)).status).toBe(200);
    expect((await fetch(new URL("healthz", server.url))).status).toBe(200);
  });

  it("creates the owner admin on first start from VERNISSAGE_ADMIN_PASSWORD, once", async () => {
    vi.stubEnv("VERNISSAGE_ADMIN_PASSWORD", "first start password");
    server = await startServer({ dataDir: dir.path, port: 0, requestLog: false });
    expect(server.adminCreated).toBe(true);
    expect(server.needsUser).toBe(false);

    const login = await fetch(new URL("api/v1/auth/login", server.url), {
      method: "POST",
      headers: { "content-type": "application/json", origin: new URL(server.url).origin },
      body: JSON.stringify({ username: FIRST_ADMIN_USERNAME, password: "first start password" }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get("set-cookie")).toMatch(/^vernissage_session=/);
    await server.close();

    // A restart with a different password neither creates a second admin nor changes the first one's.
    vi.stubEnv("VERNISSAGE_ADMIN_PASSWORD", "another password");
    server = await startServer({ dataDir: dir.path, port: 0, requestLog: false });
    expect(server.adminCreated).toBe(false);
    expect(await server.gallery.users.count()).toBe(1);
    await expect(
      server.gallery.auth.login(FIRST_ADMIN_USERNAME, "first start password"),
    ).resolves.toBeTruthy();
  });

  it("refuses a short first-start password without starting", async () => {
    await expect(
      startServer({ dataDir: dir.path, port: 0, requestLog: false, adminPassword: "short" }),
    ).rejects.toMatchObject({
      name: "CliError",
    });
  });

  it("reports a port in use as a CliError", async () => {
    server = await startServer({ dataDir: dir.path, port: 0, requestLog: false, adminPassword: undefined });
    const other = await tempDir();
    try {
      await expect(
        startServer({ dataDir: other.path, port: server.port, requestLog: false, adminPassword: undefined }),
      ).rejects.toMatchObject({ name: "CliError", message: expect.stringContaining("EADDRINUSE") });
    } finally {
      await other.dispose();
    }
  });

  it("closes cleanly more than once", async () => {
    server = await startServer({ dataDir: dir.path, port: 0, requestLog: false, adminPassword: undefined });
    const url = server.url;
    await Promise.all([server.close(), server.close()]);
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe("vernissage serve", () => {
  it("starts from the environment's settings, creates the admin without printing the password, and stops on shutdown", async () => {
    const dir = await tempDir();
    const { logger, lines } = captureLogger();
    const seen: number[] = [];
    try {
      const code = await runCli(["serve", "--base-path", "/photos"], {
        logger,
        env: {
          VERNISSAGE_DATA_DIR: dir.path,
          VERNISSAGE_PORT: "0",
          VERNISSAGE_ADMIN_PASSWORD: "serve secret 123",
        },
        untilShutdown: async () => {
          const url = /listening on (http:\/\/\S+)/.exec(lines.join("\n"))?.[1] ?? "";
          seen.push((await fetch(url)).status);
          return "TEST";
        },
      });
      expect(code).toBe(0);
      expect(seen).toEqual([200]);
      const output = lines.join("\n");
      expect(output).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/photos\//);
      expect(output).toContain('Created the owner "admin"');
      expect(output).not.toContain("serve secret 123");
      expect(output).toContain("Stopped.");
    } finally {
      await dir.dispose();
    }
  });

  it("prints how to create a user when there is none", async () => {
    const dir = await tempDir();
    const { logger, lines } = captureLogger();
    try {
      const code = await runCli(["serve", "--data", dir.path, "--port", "0"], {
        logger,
        env: {},
        untilShutdown: async () => "TEST",
      });
      expect(code).toBe(0);
      expect(lines.join("\n")).toContain("vernissage users add admin --role owner --password-stdin");
    } finally {
      await dir.dispose();
    }
  });

  it("exits 1 on an invalid port", async () => {
    const { logger, lines } = captureLogger();
    expect(await runCli(["serve", "--port", "http"], { logger, env: {} })).toBe(1);
    expect(lines.join("\n")).toContain('Invalid port "http"');
  });
});
