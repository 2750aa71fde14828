import { readdir } from "node:fs/promises";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeJpeg, setup } from "./helpers.js";

type Setup = Awaited<ReturnType<typeof setup>>;

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

describe("the walking skeleton over HTTP", () => {
  let t: Setup;
  beforeEach(async () => {
    t = await setup();
  });
  afterEach(async () => {
    await t.close();
  });

  it("serves health and a valid OpenAPI 3.1 document with the slice's operations", async () => {
    const health = await t.request("/healthz");
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    const res = await t.request("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    await SwaggerParser.validate(structuredClone(doc) as never);
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    for (const id of [
      "createAlbum",
      "listAlbums",
      "getAlbum",
      "uploadPhoto",
      "getPhoto",
      "listAlbumPhotos",
      "login",
      "logout",
    ]) {
      expect(ids).toContain(id);
    }
  });

  it("creates an album, uploads a photo with orientation 6, lists it and serves a portrait thumbnail", async () => {
    const cookie = await t.login();
    const { res: created, json: album } = await t.createAlbum(cookie, { name: "Holidays <2026>" });
    expect(created.status).toBe(201);
    expect(album.name).toBe("Holidays <2026>");

    // Stored pixels are landscape 400×200; orientation 6 turns them into a 200×400 portrait.
    const jpeg = await makeJpeg(400, 200, 6);
    const { res: uploaded, json: result } = await t.upload(cookie, String(album.id), jpeg, "beach.jpg");
    expect(uploaded.status).toBe(201);
    const photo = result.photo as Record<string, unknown> & {
      derivatives: Record<string, { url: string; width: number; height: number }>;
    };
    expect(photo.width).toBe(200);
    expect(photo.height).toBe(400);
    expect(photo.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(photo.derivatives.thumb).toMatchObject({ width: 72, height: 144 });
    expect(photo.derivatives.medium).toMatchObject({ width: 200, height: 400 });

    expect(await t.gallery.jobs.runUntilIdle()).toBe(1);

    const list = await t.request(`/api/v1/albums/${album.id}/photos`);
    expect(list.status).toBe(200);
    const page = (await list.json()) as { items: { id: string }[]; nextCursor: string | null };
    expect(page.items.map((p) => p.id)).toEqual([photo.id]);
    expect(page.nextCursor).toBeNull();

    const thumb = await t.request(photo.derivatives.thumb!.url);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/jpeg");
    expect(thumb.headers.get("cache-control")).toContain("immutable");
    const bytes = Buffer.from(await thumb.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height]).toEqual([72, 144]);
    expect(meta.exif).toBeUndefined();
    // The red half (stored left) ends up on top after rotating 90° clockwise.
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * 72 + x) * 3, (y * 72 + x) * 3 + 3)];
    expect(pixel(36, 20)[0]).toBeGreaterThan(200);
    expect(pixel(36, 124)[2]).toBeGreaterThan(200);

    const again = await t.request(photo.derivatives.thumb!.url, {
      headers: { "if-none-match": thumb.headers.get("etag") ?? "" },
    });
    expect(again.status).toBe(304);

    const home = await t.request("/");
    expect(home.status).toBe(200);
    const page1 = await home.text();
    expect(page1).toContain("Holidays &lt;2026&gt;");
    expect(page1).not.toContain("Holidays <2026>");
    const albumPage = await t.request(String(album.url).replace(/^.*?\/albums/, "/albums"));
    expect(albumPage.status).toBe(200);
    expect(await albumPage.text()).toContain(photo.derivatives.thumb!.url);
  });

  it("refuses a file that is not an image with problem+json, leaving no row and no stored file", async () => {
    const cookie = await t.login();
    const { json: album } = await t.createAlbum(cookie, { name: "A" });
    const before = await listFiles(t.dir);
    const keysBefore = await t.listKeys();
    const { res, json } = await t.upload(
      cookie,
      String(album.id),
      new TextEncoder().encode("<svg onload=alert(1)>"),
      "x.jpg",
    );
    expect(res.status).toBe(415);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(json.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(json.requestId).toBeTypeOf("string");
    const rows = await t.gallery.db.selectFrom("photos").select("id").execute();
    expect(rows).toHaveLength(0);
    const after = (await listFiles(t.dir)).filter((f) => !f.includes("gallery.db"));
    expect(after).toEqual(before.filter((f) => !f.includes("gallery.db")));
    expect(await t.listKeys()).toEqual(keysBefore);
    expect((await t.request("/healthz")).status).toBe(200);
  });

  it("keeps writes closed to guests and cookie writes closed to other origins", async () => {
    const guest = await t.request("/api/v1/albums", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(guest.status).toBe(401);
    expect(((await guest.json()) as { code: string }).code).toBe("UNAUTHENTICATED");

    const cookie = await t.login();
    const csrf = await t.request("/api/v1/albums", {
      method: "POST",
      cookie,
      headers: { "content-type": "application/json", origin: "http://evil.test" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(csrf.status).toBe(403);
    expect(((await csrf.json()) as { code: string }).code).toBe("CSRF_REJECTED");

    const wrong = await t.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "nope-nope" }),
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe("INVALID_CREDENTIALS");
  });

  it("hides private albums and their photos from guests with the same 404 as a missing photo", async () => {
    const cookie = await t.login();
    const { json: secret } = await t.createAlbum(cookie, { name: "Secret", visibility: "private" });
    const { json: up } = await t.upload(cookie, String(secret.id), await makeJpeg(64, 48));
    const photo = up.photo as { id: string; derivatives: Record<string, { url: string }> };
    const list = (await (await t.request("/api/v1/albums")).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(0);
    const hidden = await t.request(`/api/v1/photos/${photo.id}`);
    const missing = await t.request("/api/v1/photos/01aaaaaaaaaaaaaaaaaaaaaaaa");
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    const a = (await hidden.json()) as Record<string, unknown>;
    const b = (await missing.json()) as Record<string, unknown>;
    expect({ ...a, requestId: "" }).toEqual({ ...b, requestId: "" });
    expect((await t.request(photo.derivatives.thumb?.url ?? "")).status).toBe(404);
    const owner = await t.request(`/api/v1/photos/${photo.id}`, { cookie });
    expect(owner.status).toBe(200);
  });
});
