import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createGallery, type Gallery, GUEST } from "@vernissage/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackAdapters } from "../../../e2e/support/stack.js";
import { type CreateMcpServerOptions, createMcpServer, mcpToolCatalogue } from "../src/index.js";
import { buildWorld, call, errorCode, everythingVisible, jpeg, TOOL_NAMES, type World } from "./world.js";

let dir: string;
let gallery: Gallery;
let dispose: () => Promise<void>;
let world: World;
const clients: Client[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vernissage-mcp-"));
  const adapters = await stackAdapters(dir);
  gallery = await createGallery({
    database: adapters.database,
    storage: adapters.storage,
    jobs: { run: false },
  });
  dispose = adapters.dispose;
  world = await buildWorld(gallery);
});

afterAll(async () => {
  for (const c of clients) await c.close();
  await gallery?.close();
  await dispose?.();
  await rm(dir, { recursive: true, force: true });
});

async function connect(
  actor: CreateMcpServerOptions["actor"],
  extra: Partial<CreateMcpServerOptions> = {},
): Promise<Client> {
  const server = createMcpServer({ gallery, actor, mode: "stdio", ...extra });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(b);
  clients.push(client);
  return client;
}

const tokenActor = async (secret: string) => {
  const actor = await gallery.tokens.resolve(secret);
  if (!actor) throw new Error("token did not resolve");
  return actor;
};

describe("createMcpServer", () => {
  it("lists every tool with a JSON Schema, annotations and the scope it needs", async () => {
    const client = await connect(world.ownerActor);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    for (const t of tools) {
      expect(t.inputSchema.type, t.name).toBe("object");
      expect(t.outputSchema?.type, t.name).toBe("object");
      expect(typeof t.annotations?.readOnlyHint, t.name).toBe("boolean");
      expect(t.description, t.name).toMatch(/`[a-z]+:[a-z]+`|`admin`/);
    }
    const catalogue = mcpToolCatalogue();
    expect(catalogue.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    // Reading tools never write; writing tools say whether they destroy.
    for (const t of catalogue) {
      if (t.scope.endsWith(":read")) expect(t.annotations.readOnlyHint, t.name).toBe(true);
      else if (t.name !== "list_share_links")
        expect(typeof t.annotations.destructiveHint, t.name).toBe("boolean");
    }
  });

  it("the owner's admin token sees every photo (so the checks below can fail)", async () => {
    const client = await connect(() => tokenActor(world.tokens.admin));
    const text = await everythingVisible(client, world);
    for (const photo of Object.values(world.photos)) expect(text).toContain(photo.id);
    expect(text).toContain(world.albums.private.id);
  });

  it("a guest sees no private or higher-level photo through any tool or resource", async () => {
    const client = await connect(GUEST);
    const text = await everythingVisible(client, world);
    expect(text).toContain(world.photos.pub.id);
    expect(text).not.toContain(world.photos.family.id);
    expect(text).not.toContain(world.photos.priv.id);
    expect(text).not.toContain(world.albums.private.id);
    expect(await errorCode(client, "get_photo", { id: world.photos.priv.id })).toBe("NOT_FOUND");
    await expect(
      client.readResource({ uri: `vernissage://photos/${world.photos.family.id}` }),
    ).rejects.toMatchObject({
      code: -32002,
    });
  });

  it("a member's read token sees what the member sees, and cannot write", async () => {
    const client = await connect(() => tokenActor(world.tokens.bobRead));
    const text = await everythingVisible(client, world);
    expect(text).toContain(world.photos.pub.id);
    expect(text).not.toContain(world.photos.family.id);
    expect(text).not.toContain(world.photos.priv.id);
    expect(await errorCode(client, "update_photo", { id: world.photos.pub.id, title: "x" })).toBe(
      "INSUFFICIENT_SCOPE",
    );
    expect(await errorCode(client, "create_share_link", { albumId: world.albums.public.id })).toBe(
      "INSUFFICIENT_SCOPE",
    );
  });

  it("local paths: only inside the files root, only over stdio", async () => {
    const root = join(dir, "pictures");
    await mkdir(join(root, "trip"), { recursive: true });
    await writeFile(join(root, "trip", "ok.jpg"), await jpeg("#123456"));
    await writeFile(join(dir, "outside.jpg"), await jpeg("#654321"));
    await symlink(join(dir, "outside.jpg"), join(root, "link.jpg"));
    const admin = () => tokenActor(world.tokens.admin);
    const client = await connect(admin, { filesRoot: root });
    const albumId = world.albums.public.id;
    const ok = await call(client, "upload_photo", { albumId, path: "trip/ok.jpg" });
    expect(ok.isError, ok.text).toBe(false);
    expect(ok.data.photo.originalFilename).toBe("ok.jpg");
    for (const path of ["../outside.jpg", join(dir, "outside.jpg"), "link.jpg", "trip/../../outside.jpg"])
      expect(await errorCode(client, "upload_photo", { albumId, path }), path).toBe("FORBIDDEN");
    expect(await errorCode(client, "upload_photo", { albumId, path: "missing.jpg" })).toBe("NOT_FOUND");
    // Outside the folder, a missing file is refused like an existing one (no probing of the disk).
    for (const path of ["../missing.jpg", join(dir, "missing.jpg")])
      expect(await errorCode(client, "upload_photo", { albumId, path }), path).toBe("FORBIDDEN");
    expect(await errorCode(client, "upload_photo", { albumId, path: "trip" })).toBe("VALIDATION_FAILED");
    // No files root: refused; HTTP mode: refused whatever the root.
    const noRoot = await connect(admin);
    expect(await errorCode(noRoot, "upload_photo", { albumId, path: "trip/ok.jpg" })).toBe("FORBIDDEN");
    const http = await connect(admin, { mode: "http", filesRoot: root });
    expect(await errorCode(http, "upload_photo", { albumId, path: "trip/ok.jpg" })).toBe("FORBIDDEN");
  });

  it("refuses hostile arguments with codes, unknown tools and bad base64 included", async () => {
    const client = await connect(() => tokenActor(world.tokens.admin), { maxUploadBytes: 1000 });
    // With the output schemas known, the client checks results: error results must pass too.
    await client.listTools();
    const albumId = world.albums.public.id;
    expect(await errorCode(client, "upload_photo", { albumId, contentBase64: "A".repeat(4000) })).toBe(
      "FILE_TOO_LARGE",
    );
    expect(await errorCode(client, "upload_photo", { albumId, contentBase64: "not base64!" })).toBe(
      "VALIDATION_FAILED",
    );
    expect(await errorCode(client, "upload_photo", { albumId, contentBase64: "aGVsbG8gd29ybGQ=" })).toBe(
      "UNSUPPORTED_MEDIA_TYPE",
    );
    expect(await errorCode(client, "upload_photo", { albumId })).toBe("VALIDATION_FAILED");
    expect(await errorCode(client, "get_photo", { id: "0".repeat(26) })).toBe("NOT_FOUND");
    // Schema violations and unknown tools are refused by the SDK before any service runs.
    for (const [name, args] of [
      ["get_photo", { id: "../../etc/passwd" }],
      ["get_photo", { id: "x", extra: 1 }],
      ["list_albums", { limit: 10_000 }],
      ["no_such_tool", {}],
    ] as const) {
      const r = await call(client, name, args);
      expect(r.isError, name).toBe(true);
      expect(r.text).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});
