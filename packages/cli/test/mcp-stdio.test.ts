import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Gallery } from "@vernissage/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ensureCliBuilt } from "../../../e2e/support/processes.js";
import { testStack } from "../../../e2e/support/stack-name.js";
import { createTestDatabase, type TestDatabase } from "../../db-postgres/test/pg-test-db.js";
import {
  buildWorld,
  call,
  errorCode,
  everythingVisible,
  jpeg,
  TOOL_NAMES,
  type World,
} from "../../mcp/test/world.js";
import { openGallery, runCli } from "../src/index.js";
import { captureLogger, tempDir } from "./helpers.js";

/**
 * `vernissage mcp` spawned as a real child process (the built command, rebuilt first when stale) and driven by the SDK's stdio client. On
 * `VERNISSAGE_TEST_STACK=postgres-s3` the gallery's database is a throwaway PostgreSQL database (files stay
 * local: the CLI project has no s3rver).
 */

let dir: Awaited<ReturnType<typeof tempDir>>;
let pg: TestDatabase | undefined;
let gallery: Gallery;
let world: World;
let env: Record<string, string>;
const clients: { client: Client; stderr: () => string; errors: string[] }[] = [];

// A developer's stale build is rebuilt first (CI builds before testing), which can take minutes.
beforeAll(async () => {
  ensureCliBuilt();
  dir = await tempDir("vernissage-mcp-stdio-");
  if (testStack() === "postgres-s3") pg = await createTestDatabase();
  const location = { dataDir: join(dir.path, "data"), ...(pg ? { databaseUrl: pg.url } : {}) };
  gallery = await openGallery({ ...location, jobs: false });
  world = await buildWorld(gallery);
  env = {
    PATH: process.env.PATH ?? "",
    VERNISSAGE_DATA_DIR: location.dataDir,
    ...(pg ? { VERNISSAGE_DATABASE_URL: pg.url } : {}),
  };
  await mkdir(join(dir.path, "pictures", "trip"), { recursive: true });
  await writeFile(join(dir.path, "pictures", "trip", "local.jpg"), await jpeg("#445566"));
  await writeFile(join(dir.path, "secret.jpg"), await jpeg("#665544"));
}, 600_000);

afterAll(async () => {
  for (const { client } of clients) await client.close().catch(() => {});
  await gallery?.close();
  await pg?.drop();
  await dir?.dispose();
});

/** Spawn `vernissage mcp` with `args` and `extraEnv`, connected to an SDK client. */
async function spawnMcp(args: string[], extraEnv: Record<string, string> = {}) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, "mcp", ...args],
    env: { ...env, ...extraEnv },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const client = new Client({ name: "vitest", version: "1.0.0" });
  // A line on stdout that is not a protocol message (a stray log) surfaces here.
  const errors: string[] = [];
  client.onerror = (error) => errors.push(error.message);
  await client.connect(transport);
  const entry = { client, stderr: () => stderr, errors };
  clients.push(entry);
  return entry;
}

// Each test starts Node processes: slow on a busy machine.
describe("vernissage mcp (stdio)", { timeout: 300_000 }, () => {
  it("serves every tool to an admin token, with local files from --files-root only", async () => {
    const { client, stderr, errors } = await spawnMcp([
      "--token",
      world.tokens.admin,
      "--files-root",
      join(dir.path, "pictures"),
      "--public-url",
      "https://photos.example.org/g",
    ]);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    const called = new Set<string>();
    const ok = async (name: string, args: Record<string, unknown>) => {
      const r = await call(client, name, args);
      expect(r.isError, `${name}: ${r.text.slice(0, 300)}`).toBe(false);
      called.add(name);
      return r.data;
    };
    const { pub, family } = world.photos;
    expect((await ok("search_photos", { q: "sunset" })).items).toHaveLength(3);
    expect((await ok("list_albums", {})).items).toHaveLength(2);
    await ok("get_album", { id: world.albums.public.id });
    await ok("list_album_photos", { albumId: world.albums.public.id });
    const photo = await ok("get_photo", { id: pub.id });
    expect(photo.photo.url).toBe(`https://photos.example.org/g/photos/${pub.id}`);
    expect(photo.photo.derivatives.medium.url).toMatch(
      new RegExp(`^https://photos\\.example\\.org/g/media/photos/${pub.id}/medium/`),
    );
    const album = (await ok("create_album", { name: "Stdio", parentId: world.albums.public.id })).album;
    await ok("update_album", { id: album.id, description: "made over stdio" });
    const local = await ok("upload_photo", { albumId: album.id, path: "trip/local.jpg" });
    expect(local.photo.originalFilename).toBe("local.jpg");
    const b64 = await ok("upload_photo", {
      albumId: album.id,
      contentBase64: (await jpeg("#778899")).toString("base64"),
      filename: "b64.jpg",
    });
    await ok("update_photo", { id: b64.photo.id, title: "Over stdio", privacyLevel: 1 });
    await ok("tag_photos", { photoIds: [b64.photo.id], names: ["stdio"] });
    expect((await ok("untag_photos", { photoIds: [b64.photo.id], names: ["stdio"] })).removed).toBe(1);
    await ok("add_photos_to_album", { albumId: album.id, photoIds: [family.id] });
    await ok("move_photos", {
      fromAlbumId: album.id,
      toAlbumId: world.albums.inner.id,
      photoIds: [b64.photo.id],
    });
    await ok("remove_photos_from_album", { albumId: album.id, photoIds: [family.id] });
    const share = await ok("create_share_link", { photoIds: [pub.id] });
    expect(share.url).toBe(`https://photos.example.org/g/s/${share.token}`);
    await ok("list_share_links", {});
    await ok("revoke_share_link", { id: share.share.id });
    await ok("list_events", { limit: 50 });
    expect([...called].sort()).toEqual(TOOL_NAMES);

    // The changes are in the shared database.
    expect((await gallery.photos.get(world.ownerActor, b64.photo.id)).title).toBe("Over stdio");

    // Path traversal and links out of the folder are refused.
    for (const path of [
      "../secret.jpg",
      join(dir.path, "secret.jpg"),
      "trip/../../secret.jpg",
      "/etc/passwd",
    ])
      expect(await errorCode(client, "upload_photo", { albumId: album.id, path }), path).toBe("FORBIDDEN");
    // Nothing but the protocol on stdout: the client parsed every line; the log went to stderr.
    expect(stderr()).toContain("MCP server ready");
    expect(errors).toEqual([]);
  });

  it("a read-only token gets INSUFFICIENT_SCOPE on writing tools; a member's token sees no private photo", async () => {
    const read = await spawnMcp([], { VERNISSAGE_TOKEN: world.tokens.ownerRead });
    expect(await errorCode(read.client, "update_photo", { id: world.photos.pub.id, title: "x" })).toBe(
      "INSUFFICIENT_SCOPE",
    );
    expect(await errorCode(read.client, "revoke_share_link", { id: "0".repeat(26) })).toBe(
      "INSUFFICIENT_SCOPE",
    );
    expect(
      await errorCode(read.client, "upload_photo", {
        albumId: world.albums.public.id,
        contentBase64: (await jpeg("#111111")).toString("base64"),
      }),
    ).toBe("INSUFFICIENT_SCOPE");

    const bob = await spawnMcp(["--token", world.tokens.bobRead]);
    const text = await everythingVisible(bob.client, world);
    expect(text).toContain(world.photos.pub.id);
    expect(text).not.toContain(world.photos.family.id);
    expect(text).not.toContain(world.photos.priv.id);
    // bob's token has no write scope: refused before the local path is even looked at.
    expect(
      await errorCode(bob.client, "upload_photo", {
        albumId: world.albums.public.id,
        path: "trip/local.jpg",
      }),
    ).toBe("INSUFFICIENT_SCOPE");
  });

  it("hostile input: huge base64, bad ids, unknown tools", async () => {
    const { client } = await spawnMcp(["--token", world.tokens.admin, "--max-upload-bytes", "2048"]);
    const albumId = world.albums.public.id;
    expect(
      await errorCode(client, "upload_photo", {
        albumId,
        contentBase64: Buffer.alloc(8192, 7).toString("base64"),
      }),
    ).toBe("FILE_TOO_LARGE");
    expect(await errorCode(client, "upload_photo", { albumId, path: "x.jpg" })).toBe("FORBIDDEN");
    expect(await errorCode(client, "get_photo", { id: "z".repeat(26) })).toBe("NOT_FOUND");
    for (const name of ["get_photo", "no_such_tool"]) {
      const r = await call(client, name, { id: "../../etc/passwd" });
      expect(r.isError, name).toBe(true);
    }
    // The server still answers after all that.
    expect((await call(client, "list_albums", {})).isError).toBe(false);
  });

  it("a revoked token stops working at once, and a bad token never starts the server", async () => {
    const created = await gallery.tokens.create(world.ownerActor, {
      name: "soon gone",
      scopes: ["photos:read"],
    });
    const { client } = await spawnMcp(["--token", created.secret]);
    expect((await call(client, "get_photo", { id: world.photos.pub.id })).isError).toBe(false);
    await gallery.tokens.revoke(world.ownerActor, created.token.id);
    expect(await errorCode(client, "get_photo", { id: world.photos.pub.id })).toBe("UNAUTHENTICATED");

    const { logger, lines } = captureLogger();
    const stdout = new PassThrough();
    let written = "";
    stdout.on("data", (c: Buffer) => {
      written += c.toString();
    });
    const code = await runCli(["mcp", "--token", "vrn_bad.token"], { logger, env, stdout });
    expect(code).toBe(1);
    expect(lines.join("\n")).toMatch(/invalid, expired or revoked/);
    expect(written).toBe("");
    expect(await runCli(["mcp"], { logger, env: { ...env, VERNISSAGE_TOKEN: "" }, stdout })).toBe(1);
  });
});
