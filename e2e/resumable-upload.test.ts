import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { type Gallery, SYSTEM } from "@vernissage/core";
import { createGalleryApp } from "@vernissage/http-h3";
import { serve } from "h3";
import pino from "pino";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "./corpus.js";
import { openStackGallery, type StackGallery } from "./support/stack.js";

const corpus = loadCorpus();

/**
 * The standard tus client (tus-js-client, as browsers and Uppy use it) against a real listening server: a real
 * photo of the corpus goes up in chunks, is interrupted, resumed from the server's offset and becomes a photo.
 */
describe.skipIf(corpus === null)("tus-js-client against a listening server", () => {
  let stack: StackGallery | undefined;
  let gallery: Gallery;
  let server: ReturnType<typeof serve>;
  let endpoint: string;
  let bearer: string;
  let albumId: string;

  beforeAll(async () => {
    stack = await openStackGallery({ name: "tus" });
    gallery = stack.gallery;
    const login = await gallery.auth.login("admin", "correct horse battery");
    const session = await gallery.auth.resolveSession(login.token);
    if (!session) throw new Error("no session");
    bearer = (
      await gallery.tokens.create(session.actor, { name: "tus", scopes: ["photos:write", "photos:read"] })
    ).secret;
    albumId = (await gallery.albums.create(session.actor, { name: "Resumed", visibility: "public" })).id;
    const app = createGalleryApp(gallery, { logger: pino({ level: "silent" }), basePath: "/g" });
    server = serve(app, { port: 0, hostname: "127.0.0.1", silent: true });
    await server.ready();
    endpoint = new URL("/g/api/v1/uploads", server.url).href;
  }, 120_000);

  afterAll(async () => {
    await server?.close(true);
    await stack?.close();
  });

  it("keeps the bytes of a PATCH whose connection ends half-way, over a real socket", async () => {
    // The second largest JPEG (the next test sends the largest): megabytes flow before the connection ends, far more than any buffer in between.
    const photo = [...(corpus ?? [])]
      .filter((p) => p.file.endsWith(".jpg"))
      .sort((a, b) => b.width * b.height - a.width * a.height)[1];
    if (!photo) throw new Error("the corpus has no JPEG");
    const bytes = await readFile(photo.path);
    const auth = { authorization: `Bearer ${bearer}`, "tus-resumable": "1.0.0" };
    const created = await fetch(endpoint, {
      method: "POST",
      headers: {
        ...auth,
        "upload-length": String(bytes.length),
        "upload-metadata": `filename ${Buffer.from("cut.jpg").toString("base64")},albumId ${Buffer.from(albumId).toString("base64")}`,
      },
    });
    expect(created.status).toBe(201);
    const location = new URL(created.headers.get("location") ?? "", endpoint);
    const half = Math.floor(bytes.length / 2);
    // Announce the whole file, send half, then close the connection (FIN): the body ends early.
    await new Promise<void>((resolve) => {
      const socket = connect(Number(location.port), location.hostname, () => {
        socket.write(
          [
            `PATCH ${location.pathname} HTTP/1.1`,
            `Host: ${location.host}`,
            `Authorization: ${auth.authorization}`,
            "Tus-Resumable: 1.0.0",
            "Content-Type: application/offset+octet-stream",
            "Upload-Offset: 0",
            `Content-Length: ${bytes.length}`,
            "",
            "",
          ].join("\r\n"),
        );
        socket.end(bytes.subarray(0, half));
      });
      socket.on("close", () => resolve());
      socket.on("error", () => resolve());
      socket.resume();
    });
    // The server commits what arrived once it sees the body end and releases the upload's lease.
    const id = location.pathname.split("/").pop() ?? "";
    for (let i = 0; i < 400; i++) {
      const row = await gallery.db
        .selectFrom("uploads")
        .select("lock_id")
        .where("id", "=", id)
        .executeTakeFirst();
      if (row && row.lock_id === null) break;
      await sleep(25);
    }
    const head = await fetch(location, { method: "HEAD", headers: auth });
    const offset = Number(head.headers.get("upload-offset"));
    // What the server kept is at most what was sent (bytes still in the socket adapter's buffer may be lost);
    // the client goes on from the server's offset.
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(half);
    const rest = await fetch(location, {
      method: "PATCH",
      headers: {
        ...auth,
        "content-type": "application/offset+octet-stream",
        "upload-offset": String(offset),
      },
      body: bytes.subarray(offset),
    });
    expect(rest.status).toBe(204);
    const stored = await gallery.photos.get(SYSTEM, rest.headers.get("vernissage-photo-id") ?? "");
    expect(stored.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
  }, 120_000);

  it("uploads a real photo in chunks, survives an abort, and resumes from the server's offset", async () => {
    const photo = [...(corpus ?? [])]
      .filter((p) => p.file.endsWith(".jpg"))
      .sort((a, b) => b.width * b.height - a.width * a.height)[0];
    if (!photo) throw new Error("the corpus has no JPEG");
    const bytes = await readFile(photo.path);
    const chunkSize = Math.max(64 * 1024, Math.ceil(bytes.length / 5));
    const options = (extra: Partial<tus.UploadOptions>): tus.UploadOptions => ({
      endpoint,
      chunkSize,
      retryDelays: [0, 100, 500],
      headers: { authorization: `Bearer ${bearer}` },
      metadata: { filename: photo.file, albumId, title: "Resumed" },
      ...extra,
    });

    // First attempt: stop after the first chunk was accepted, as a closed laptop lid would.
    const first = await new Promise<{ url: string; accepted: number }>((resolve, reject) => {
      const upload: tus.Upload = new tus.Upload(
        bytes,
        options({
          onChunkComplete(_size, accepted) {
            void upload.abort().then(() => resolve({ url: upload.url ?? "", accepted }));
          },
          onError: reject,
          onSuccess: () => reject(new Error("should have been aborted")),
        }),
      );
      upload.start();
    });
    expect(first.accepted).toBe(chunkSize);
    expect(first.url).toContain("/g/api/v1/uploads/");

    // Second attempt: a new client given the upload URL asks HEAD for the offset and sends the rest.
    let resumedFrom = -1;
    const result = await new Promise<tus.OnSuccessPayload>((resolve, reject) => {
      const upload = new tus.Upload(
        bytes,
        options({
          uploadUrl: first.url,
          onProgress(sent) {
            if (resumedFrom < 0) resumedFrom = sent;
          },
          onError: reject,
          onSuccess: resolve,
        }),
      );
      upload.start();
    });
    expect(resumedFrom).toBeGreaterThanOrEqual(chunkSize);
    const photoId = result.lastResponse.getHeader("Vernissage-Photo-Id");
    expect(photoId).toBeTruthy();
    const stored = await gallery.photos.get(SYSTEM, photoId as string);
    expect(stored.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(stored.width).toBeGreaterThan(0);
    expect(stored.title).toBe("Resumed");
    const id = first.url.split("/").pop() ?? "";
    const keys = await stack?.adapters.listKeys();
    expect(keys?.filter((k) => k.includes(`uploads/${id}`))).toEqual([]);
  }, 120_000);
});
