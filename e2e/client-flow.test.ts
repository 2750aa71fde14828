import { stat } from "node:fs/promises";
import { createVernissageClient, type VernissageClient } from "@vernissage/client";
import type { Gallery } from "@vernissage/core";
import { createGalleryApp } from "@vernissage/http-h3";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFetch } from "./browser/harness.js";
import { type CorpusPhoto, loadCorpus } from "./corpus.js";
import { openStackGallery, type StackGallery } from "./support/stack.js";

const corpus = loadCorpus();
if (!corpus) console.warn("Skipping the client flow: the real-photo corpus is missing");

/** The smallest plain JPEG of the corpus, to keep the flow quick. */
async function smallestJpeg(all: CorpusPhoto[]): Promise<CorpusPhoto> {
  const jpegs = all.filter((p) => /\.jpe?g$/i.test(p.file));
  const sized = await Promise.all(jpegs.map(async (p) => ({ p, size: (await stat(p.path)).size })));
  const smallest = sized.sort((a, b) => a.size - b.size)[0];
  if (!smallest) throw new Error("no JPEG in the corpus");
  return smallest.p;
}

describe.skipIf(corpus === null)("a full flow through @vernissage/client over HTTP", () => {
  let stack: StackGallery | undefined;
  let gallery: Gallery;
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    stack = await openStackGallery({ name: "client-flow" });
    gallery = stack.gallery;
    const app = createGalleryApp(gallery, { logger: pino({ level: "silent" }), basePath: "/photos" });
    server = await serveFetch((request) => Promise.resolve(app.fetch(request)));
  });
  afterAll(async () => {
    await server?.close();
    await stack?.close();
  });

  it("signs in, makes a token, uploads a real photo, lists, titles, shares, and hides it from guests", async () => {
    const baseUrl = `${server.url}/photos`;

    // 1. Sign in with a password (a browser-like session), and make an API token with it.
    const anonymous = createVernissageClient({ baseUrl });
    const login = await anonymous.POST("/auth/login", {
      body: { username: "admin", password: "correct horse battery" },
    });
    expect(login.response.status).toBe(200);
    const cookie = (login.response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const session = createVernissageClient({ baseUrl, headers: { cookie, origin: server.url } });
    const created = await session.unwrap(
      session.POST("/tokens", {
        body: {
          name: "e2e",
          scopes: ["albums:read", "albums:write", "photos:read", "photos:write", "shares:write"],
        },
      }),
    );
    expect(created.secret).toMatch(/^vrn_/);
    const client: VernissageClient = createVernissageClient({ baseUrl, token: created.secret });

    // 2. A private album.
    const album = await client.unwrap(
      client.POST("/albums", { body: { name: "Field trip", visibility: "private" } }),
    );
    expect(album.visibility).toBe("private");

    // 3. Upload a real photograph from its path (streamed from disk), plus a second copy through bytes.
    const photo = await smallestJpeg(corpus ?? []);
    const uploaded = await client.uploadPhoto({ file: photo.path, albumId: album.id, title: "Draft" });
    expect(uploaded.duplicate).toBe(false);
    expect(uploaded.photo.originalFilename).toBe(photo.file.split("/").pop());
    expect(uploaded.photo.width).toBeGreaterThan(0);

    // 4. List with the paginator.
    const listed = [];
    for await (const p of client.paginate("listAlbumPhotos", { path: { id: album.id }, query: { limit: 1 } }))
      listed.push(p);
    expect(listed.map((p) => p.id)).toEqual([uploaded.photo.id]);

    // 5. Set its title.
    const titled = await client.unwrap(
      client.PATCH("/photos/{id}", {
        params: { path: { id: uploaded.photo.id } },
        body: { title: "Low tide at dawn" },
      }),
    );
    expect(titled.title).toBe("Low tide at dawn");

    // 6. A share link for the album.
    const share = await client.unwrap(client.POST("/shares", { body: { albumId: album.id } }));
    expect(share.url).toContain("/photos/s/");

    // 7. A guest sees nothing of the private album, photo or its media, and cannot write.
    const guest = createVernissageClient({ baseUrl });
    await expect(
      guest.unwrap(guest.GET("/albums/{id}", { params: { path: { id: album.id } } })),
    ).rejects.toMatchObject({ code: "NOT_FOUND", status: 404 });
    await expect(
      guest.unwrap(guest.GET("/photos/{id}", { params: { path: { id: uploaded.photo.id } } })),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const guestPages = guest.paginate("listAlbumPhotos", { path: { id: album.id } });
    await expect(guestPages.next()).rejects.toMatchObject({ code: "NOT_FOUND" });
    const everything = [];
    for await (const p of guest.paginate("listPhotos", {})) everything.push(p);
    expect(everything).toEqual([]);
    const original = await fetch(`${server.url}${uploaded.photo.originalUrl}`);
    expect(original.status).toBe(404);
    await expect(guest.uploadPhoto({ file: photo.path, albumId: album.id })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });

    // The owner's token still sees it.
    const own = await client.unwrap(
      client.GET("/photos/{id}", { params: { path: { id: uploaded.photo.id } } }),
    );
    expect(own.title).toBe("Low tide at dawn");
  });
});
