import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type Gallery, SYSTEM } from "@vernissage/core";
import { createGalleryApp } from "@vernissage/http-h3";
import pino from "pino";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "./corpus.js";
import { type StackAdapters, stackAdapters } from "./support/stack.js";

const corpus = loadCorpus();
const ORIGIN = "http://gallery.test";

describe.skipIf(corpus === null)("real photos through the whole stack", () => {
  let dir: string;
  let adapters: StackAdapters | undefined;
  let gallery: Gallery;
  let app: ReturnType<typeof createGalleryApp>;
  let cookie: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vernissage-e2e-"));
    adapters = await stackAdapters(dir);
    gallery = await createGallery({
      database: adapters.database,
      storage: adapters.storage,
      jobs: { run: false },
    });
    await gallery.users.create(SYSTEM, {
      username: "admin",
      password: "correct horse battery",
      role: "owner",
    });
    app = createGalleryApp(gallery, { logger: pino({ level: "silent" }) });
    const login = await app.fetch(
      new Request(`${ORIGIN}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ username: "admin", password: "correct horse battery" }),
      }),
    );
    cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  });
  afterAll(async () => {
    await gallery?.close();
    await adapters?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
    app.fetch(
      new Request(`${ORIGIN}${path}`, {
        method: "POST",
        body,
        headers: { cookie, origin: ORIGIN, ...headers },
      }),
    );

  it("uploads camera photos (GPS, orientation 6) and shows their thumbnails on the album page without metadata", async () => {
    const picks = [
      corpus?.find((p) => p.gps && p.file.endsWith(".jpg")),
      corpus?.find((p) => p.orientation === 6),
    ].filter((p) => p !== undefined);
    expect(picks.length).toBe(2);

    const albumRes = await post("/api/v1/albums", JSON.stringify({ name: "Real photos" }), {
      "content-type": "application/json",
    });
    const album = (await albumRes.json()) as { id: string; url: string };

    for (const pick of picks) {
      const form = new FormData();
      form.append("albumId", album.id);
      form.append("file", new Blob([await readFile(pick.path)]), pick.file.split("/").pop());
      const res = await post("/api/v1/photos", form);
      expect(res.status).toBe(201);
      const { photo } = (await res.json()) as {
        photo: {
          width: number;
          height: number;
          derivatives: Record<string, { url: string; width: number; height: number }>;
        };
      };
      const turned = pick.orientation >= 5 && pick.orientation <= 8;
      expect([photo.width, photo.height]).toEqual(
        turned ? [pick.height, pick.width] : [pick.width, pick.height],
      );
    }
    expect(await gallery.jobs.runUntilIdle()).toBe(2);

    const page = await (await app.fetch(new Request(`${ORIGIN}${album.url}`))).text();
    const list = (await (
      await app.fetch(new Request(`${ORIGIN}/api/v1/albums/${album.id}/photos`))
    ).json()) as {
      items: { derivatives: Record<string, { url: string; width: number; height: number }> }[];
    };
    expect(list.items).toHaveLength(2);
    for (const item of list.items) {
      const thumb = item.derivatives.thumb;
      expect(thumb).toBeDefined();
      expect(page).toContain(thumb?.url);
      for (const preset of ["thumb", "square", "medium"]) {
        const d = item.derivatives[preset];
        const res = await app.fetch(new Request(`${ORIGIN}${d?.url}`));
        expect(res.status).toBe(200);
        const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
        expect([meta.width, meta.height]).toEqual([d?.width, d?.height]);
        expect(meta.exif).toBeUndefined();
        expect(meta.xmp).toBeUndefined();
        expect(meta.space).toBe("srgb");
      }
    }
    // The GPS photo's coordinates were read at ingest (kept in the database, never in derivatives).
    const rows = await gallery.db.selectFrom("photos").select("metadata").execute();
    expect(rows.some((r) => r.metadata?.includes("latitude"))).toBe(true);
  });

  it("streams a large original from disk without buffering it whole", async () => {
    const big = [...(corpus ?? [])].sort((a, b) => b.width * b.height - a.width * a.height)[0];
    expect(big).toBeDefined();
    const album = await gallery.albums.create(SYSTEM, { name: "Big" });
    const { photo } = await gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: createReadStream(big?.path ?? ""),
      filename: "big.jpg",
    });
    expect(photo.byteSize).toBeGreaterThan(100_000);
  });
});
