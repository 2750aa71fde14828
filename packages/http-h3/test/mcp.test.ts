import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildWorld,
  call,
  errorCode,
  everythingVisible,
  jpeg,
  TOOL_NAMES,
  type World,
} from "../../mcp/test/world.js";
import { ORIGIN, setup } from "./helpers.js";

/**
 * The MCP endpoint over Streamable HTTP, driven by the SDK's own client through `app.fetch` (no socket), on
 * the stack `VERNISSAGE_TEST_STACK` chooses.
 */

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
let world: World;
const clients: Client[] = [];
const BASE = "/photos";

beforeAll(async () => {
  env = await setup({
    app: {
      basePath: BASE,
      mcp: { allowedOrigins: ["https://agent.example"], maxUploadBytes: 64 * 1024 },
      rateLimits: { enabled: false },
    },
  });
  world = await buildWorld(env.gallery);
});

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await env?.close();
});

/** A connected SDK client whose requests go to `app.fetch`, with `headers` on each. */
async function connect(headers: Record<string, string>): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${ORIGIN}${BASE}/mcp`), {
    requestInit: { headers },
    fetch: async (url, init) => env.app.fetch(new Request(url, init)),
  });
  const client = new Client({ name: "vitest", version: "1.0.0" });
  await client.connect(transport);
  clients.push(client);
  return client;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A raw POST to /mcp, as a client that is not the SDK would send it. */
function post(body: string, headers: Record<string, string> = {}) {
  return env.app.fetch(
    new Request(`${ORIGIN}${BASE}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...headers,
      },
      body,
    }),
  );
}
const listTools = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });

describe("/mcp over Streamable HTTP", () => {
  it("lists every tool and calls each one with an admin token", async () => {
    const client = await connect(bearer(world.tokens.admin));
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

    const found = await ok("search_photos", { q: "sunset" });
    expect(found.items.map((p: { id: string }) => p.id).sort()).toEqual(
      Object.values(world.photos)
        .map((p) => p.id)
        .sort(),
    );
    const roots = await ok("list_albums", {});
    expect(roots.items.map((a: { name: string }) => a.name).sort()).toEqual(["Private", "Public"]);
    const got = await ok("get_album", { id: world.albums.inner.id });
    expect(got.ancestors.map((a: { name: string }) => a.name)).toEqual(["Private"]);
    expect(got.album.url).toBe(`${ORIGIN}${BASE}/albums/${world.albums.inner.id}/inner`);
    expect((await ok("list_album_photos", { albumId: world.albums.public.id })).items).toHaveLength(2);

    // Photo URLs are absolute and serve the image to the same token.
    const photo = await ok("get_photo", { id: pub.id });
    expect(photo.tags.map((t: { name: string }) => t.name)).toEqual(["sunset"]);
    const thumb = photo.photo.derivatives.thumb.url as string;
    expect(thumb.startsWith(`${ORIGIN}${BASE}/media/photos/${pub.id}/thumb/`)).toBe(true);
    const media = await env.app.fetch(new Request(thumb, { headers: bearer(world.tokens.admin) }));
    expect(media.status).toBe(200);
    expect(media.headers.get("content-type")).toMatch(/^image\//);

    const created = await ok("create_album", { name: "From MCP", parentId: world.albums.public.id });
    const albumId = created.album.id as string;
    expect(
      (await ok("update_album", { id: albumId, name: "Renamed", visibility: "private" })).album,
    ).toMatchObject({
      name: "Renamed",
      visibility: "private",
    });
    const uploaded = await ok("upload_photo", {
      albumId,
      contentBase64: (await jpeg("#336699")).toString("base64"),
      filename: "blue.jpg",
      title: "Blue",
    });
    const newId = uploaded.photo.id as string;
    expect(uploaded.duplicate).toBe(false);
    expect((await env.gallery.photos.get(world.ownerActor, newId)).title).toBe("Blue");
    expect(
      (await ok("update_photo", { id: newId, title: "Deep blue", privacyLevel: 2 })).photo,
    ).toMatchObject({
      title: "Deep blue",
      privacyLevel: 2,
    });
    expect((await ok("tag_photos", { photoIds: [newId], names: ["sea", "Blue"] })).tags).toHaveLength(2);
    expect((await ok("untag_photos", { photoIds: [newId], names: ["SEA"] })).removed).toBe(1);
    expect((await env.gallery.tags.ofPhoto(world.ownerActor, newId)).map((t) => t.name)).toEqual(["Blue"]);
    expect((await ok("add_photos_to_album", { albumId, photoIds: [family.id] })).count).toBe(1);
    expect(
      (await ok("move_photos", { fromAlbumId: albumId, toAlbumId: world.albums.inner.id, photoIds: [newId] }))
        .count,
    ).toBe(1);
    expect((await ok("remove_photos_from_album", { albumId, photoIds: [family.id] })).count).toBe(1);
    expect((await env.gallery.photos.listInAlbum(world.ownerActor, albumId)).items).toHaveLength(0);

    const share = await ok("create_share_link", { albumId: world.albums.public.id, canDownload: true });
    expect(share.url).toBe(`${ORIGIN}${BASE}/s/${share.token}`);
    expect((await env.app.fetch(new Request(share.url))).status).toBe(200);
    expect((await ok("list_share_links", {})).items.map((s: { id: string }) => s.id)).toContain(
      share.share.id,
    );
    await ok("revoke_share_link", { id: share.share.id });
    expect(
      (await env.gallery.shares.list(world.ownerActor)).find((s) => s.id === share.share.id)?.revokedAt,
    ).not.toBeNull();

    const events = await ok("list_events", { types: ["photo.*"], limit: 200 });
    expect(events.items.map((e: { photoId: string | null }) => e.photoId)).toContain(newId);
    expect(typeof events.pollCursor).toBe("string");

    expect([...called].sort()).toEqual(TOOL_NAMES);
  });

  it("a photos:read token reads but every writing tool answers INSUFFICIENT_SCOPE", async () => {
    const client = await connect(bearer(world.tokens.ownerRead));
    expect((await call(client, "get_photo", { id: world.photos.priv.id })).isError).toBe(false);
    expect(await errorCode(client, "list_albums", {})).toBe("INSUFFICIENT_SCOPE");
    const { pub } = world.photos;
    const albumId = world.albums.public.id;
    const writes: [string, Record<string, unknown>][] = [
      ["create_album", { name: "x", parentId: albumId }],
      ["update_album", { id: albumId, name: "x" }],
      ["upload_photo", { albumId, contentBase64: (await jpeg("#010203")).toString("base64") }],
      ["update_photo", { id: pub.id, title: "x" }],
      ["tag_photos", { photoIds: [pub.id], names: ["x"] }],
      ["untag_photos", { photoIds: [pub.id], names: ["sunset"] }],
      ["add_photos_to_album", { albumId: world.albums.inner.id, photoIds: [pub.id] }],
      ["move_photos", { fromAlbumId: albumId, toAlbumId: world.albums.inner.id, photoIds: [pub.id] }],
      ["remove_photos_from_album", { albumId, photoIds: [pub.id] }],
      ["create_share_link", { albumId }],
      ["revoke_share_link", { id: "0".repeat(26) }],
    ];
    for (const [name, args] of writes)
      expect(await errorCode(client, name, args), name).toBe("INSUFFICIENT_SCOPE");
    // Nothing changed.
    const after = await env.gallery.photos.get(world.ownerActor, pub.id);
    expect(after.title).toBe("sunset public");
    expect((await env.gallery.tags.ofPhoto(world.ownerActor, pub.id)).map((t) => t.name)).toContain("sunset");
  });

  it("a member's token sees no private or higher-level photo through any tool or resource", async () => {
    const admin = await everythingVisible(await connect(bearer(world.tokens.admin)), world);
    for (const photo of Object.values(world.photos)) expect(admin).toContain(photo.id);
    const text = await everythingVisible(await connect(bearer(world.tokens.bobRead)), world);
    expect(text).toContain(world.photos.pub.id);
    expect(text).not.toContain(world.photos.family.id);
    expect(text).not.toContain(world.photos.priv.id);
    expect(text).not.toContain(world.albums.private.id);
  });

  it("accepts bearer tokens only: guests, cookie sessions and bad tokens get 401", async () => {
    const guest = await post(listTools);
    expect(guest.status).toBe(401);
    expect(guest.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(((await guest.json()) as { code: string }).code).toBe("UNAUTHENTICATED");
    const cookie = await env.login();
    // A valid session cookie is no credential here (whatever the browser says about the origin).
    const viaCookie = await post(listTools, { cookie, "sec-fetch-site": "same-origin" });
    expect(viaCookie.status).toBe(401);
    expect(((await viaCookie.json()) as { code: string }).code).toBe("UNAUTHENTICATED");
    expect((await post(listTools, { cookie, origin: ORIGIN })).status).toBe(403);
    expect((await post(listTools, bearer("vrn_nope.nothing"))).status).toBe(401);
    const revoked = (
      await env.gallery.tokens.create(world.ownerActor, { name: "gone", scopes: ["photos:read"] })
    ).secret;
    expect((await post(listTools, bearer(revoked))).status).toBe(200);
    const id = (await env.gallery.tokens.list(world.ownerActor)).find((t) => t.name === "gone")?.id ?? "";
    await env.gallery.tokens.revoke(world.ownerActor, id);
    expect((await post(listTools, bearer(revoked))).status).toBe(401);
  });

  it("checks Origin (DNS rebinding), methods, body size and JSON", async () => {
    const auth = bearer(world.tokens.admin);
    const evil = await post(listTools, { ...auth, origin: "http://evil.example" });
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { code: string }).code).toBe("CSRF_REJECTED");
    // Same host as the request is not enough: a rebound name has the attacker's origin and our address.
    expect((await post(listTools, { ...auth, origin: ORIGIN })).status).toBe(403);
    expect((await post(listTools, { ...auth, origin: "https://agent.example" })).status).toBe(200);

    for (const method of ["GET", "DELETE"]) {
      const res = await env.app.fetch(new Request(`${ORIGIN}${BASE}/mcp`, { method, headers: auth }));
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
    }
    const huge = await post(JSON.stringify({ pad: "x".repeat(200 * 1024) }), auth);
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { code: string }).code).toBe("PAYLOAD_TOO_LARGE");
    const bad = await post("{not json", auth);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(-32700);
    // Not under the base path: the gallery's 404, not the MCP endpoint.
    expect(
      (await env.app.fetch(new Request(`${ORIGIN}/mcp`, { method: "POST", headers: auth }))).status,
    ).toBe(404);
  });

  it("refuses hostile tool arguments with codes, local paths included", async () => {
    const client = await connect(bearer(world.tokens.admin));
    // With the output schemas known, the client checks results: error results must pass too.
    await client.listTools();
    const albumId = world.albums.public.id;
    // Over the upload limit (64 KiB here) but under the body limit: the tool refuses with a code.
    const big = Buffer.alloc(100 * 1024, 1).toString("base64");
    expect(await errorCode(client, "upload_photo", { albumId, contentBase64: big })).toBe("FILE_TOO_LARGE");
    expect(await errorCode(client, "upload_photo", { albumId, path: "/etc/passwd" })).toBe("FORBIDDEN");
    expect(await errorCode(client, "upload_photo", { albumId, path: "../../../../etc/hostname" })).toBe(
      "FORBIDDEN",
    );
    expect(await errorCode(client, "get_album", { id: "0".repeat(26) })).toBe("NOT_FOUND");
    expect(await errorCode(client, "update_album", { id: albumId, parentId: albumId })).toMatch(
      /ALBUM_CYCLE|VALIDATION_FAILED/,
    );
    for (const [name, args] of [
      ["get_photo", { id: "' or 1=1 --" }],
      ["search_photos", { q: 42 }],
      ["nope", {}],
    ] as const) {
      const r = await call(client, name, args);
      expect(r.isError, name).toBe(true);
    }
    await expect(client.readResource({ uri: "vernissage://photos/..%2F..%2Fetc" })).rejects.toThrow();
  });

  it("counts each message against the token's rate limit in the class of what it does", async () => {
    const limited = await setup({
      app: { rateLimits: { limits: { write: { limit: 2, windowSeconds: 3600 } } } },
    });
    try {
      const w = await buildWorld(limited.gallery);
      const send = (name: string, args: Record<string, unknown>) =>
        limited.app.fetch(
          new Request(`${ORIGIN}/mcp`, {
            method: "POST",
            headers: {
              ...bearer(w.tokens.admin),
              "content-type": "application/json",
              accept: "application/json, text/event-stream",
            },
            body: JSON.stringify({
              jsonrpc: "2.0",
              id: 1,
              method: "tools/call",
              params: { name, arguments: args },
            }),
          }),
        );
      const title = { id: w.photos.pub.id, title: "limited" };
      const first = await send("update_photo", title);
      expect(first.status).toBe(200);
      expect(first.headers.get("ratelimit-policy")).toMatch(/"write";q=2;w=3600/);
      expect((await send("update_photo", title)).status).toBe(200);
      const third = await send("update_photo", title);
      expect(third.status).toBe(429);
      expect(((await third.json()) as { code: string }).code).toBe("RATE_LIMITED");
      expect(third.headers.get("retry-after")).toMatch(/^\d+$/);
      // Reads are another class: still allowed.
      expect((await send("get_photo", { id: w.photos.pub.id })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("puts the configured public URL in front of returned URLs", async () => {
    const other = await setup({
      app: { mcp: { publicUrl: "https://photos.example.org" }, rateLimits: { enabled: false } },
    });
    try {
      const w = await buildWorld(other.gallery);
      const res = await other.app.fetch(
        new Request(`${ORIGIN}/mcp`, {
          method: "POST",
          headers: {
            ...bearer(w.tokens.admin),
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
          },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 7,
            method: "tools/call",
            params: { name: "get_photo", arguments: { id: w.photos.pub.id } },
          }),
        }),
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as { result: { structuredContent: { photo: { url: string } } } };
      expect(body.result.structuredContent.photo.url).toBe(
        `https://photos.example.org/photos/${w.photos.pub.id}`,
      );
    } finally {
      await other.close();
    }
  });
});
