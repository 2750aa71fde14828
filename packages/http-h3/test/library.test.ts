import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setup } from "./helpers.js";

type Setup = Awaited<ReturnType<typeof setup>>;
type Json = Record<string, unknown>;

let n = 0;
function image(width = 40, height = 30): Promise<Buffer> {
  n += 1;
  const colour = `#${((n * 2654435761) >>> 8).toString(16).padStart(6, "0").slice(-6)}`;
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();
}

/** A PNG whose header claims `width`×`height` (its pixel data is a tiny, invalid stub). */
function claimingPng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, k) => {
    let c = k;
    for (let i = 0; i < 8; i++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.alloc(1024))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("the library over HTTP", () => {
  let t: Setup;
  let cookie: string;
  const json = async (path: string, method: string, body?: unknown) => {
    const res = await t.request(path, {
      method,
      cookie,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { res, body: (text ? JSON.parse(text) : null) as Json };
  };
  const album = async (name: string, parentId?: string) =>
    String((await t.createAlbum(cookie, { name, ...(parentId ? { parentId } : {}) })).json.id);
  const photo = async (albumId: string, extra: Record<string, string> = {}) => {
    const { res, json: body } = await t.upload(cookie, albumId, await image(), "p.jpg", extra);
    expect(res.status).toBe(201);
    return body.photo as Json & { id: string; sha256: string };
  };

  beforeEach(async () => {
    t = await setup();
    cookie = await t.login();
  });
  afterEach(async () => {
    await t.close();
  });

  it("documents every operation of the library in OpenAPI", async () => {
    const doc = (await (await t.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    for (const id of [
      "listAlbums",
      "createAlbum",
      "getAlbum",
      "updateAlbum",
      "deleteAlbum",
      "listAlbumPhotos",
      "addPhotosToAlbum",
      "removePhotosFromAlbum",
      "uploadPhoto",
      "listPhotos",
      "getPhoto",
      "updatePhoto",
      "deletePhoto",
      "replacePhotoFile",
      "listTags",
      "createTag",
      "updateTag",
      "deleteTag",
      "mergeTags",
      "batchUpdatePhotos",
      "searchPhotos",
    ]) {
      expect(ids).toContain(id);
    }
  });

  it("moves albums, refuses cycles with ALBUM_CYCLE, renames with a redirecting old slug, reorders", async () => {
    const a = await album("Alpha");
    const b = await album("Bravo", a);
    const c = await album("Charlie", b);
    const cycle = await json(`/api/v1/albums/${a}`, "PATCH", { parentId: c });
    expect(cycle.res.status).toBe(409);
    expect(cycle.res.headers.get("content-type")).toContain("application/problem+json");
    expect(cycle.body.code).toBe("ALBUM_CYCLE");

    const moved = await json(`/api/v1/albums/${c}`, "PATCH", { parentId: null, photoOrder: "title" });
    expect(moved.res.status).toBe(200);
    expect(moved.body).toMatchObject({ parentId: null, photoOrder: "title" });

    const renamed = await json(`/api/v1/albums/${a}`, "PATCH", { name: "Alpha Prime", description: "d" });
    expect(renamed.body).toMatchObject({ slug: "alpha-prime", description: "d" });
    const old = await t.request(`/albums/${a}/alpha`);
    expect(old.status).toBe(301);
    expect(old.headers.get("location")).toBe(`/albums/${a}/alpha-prime`);

    const order = await json("/api/v1/albums/reorder", "POST", { parentId: null, albumIds: [c, a] });
    expect((order.body.items as Json[]).map((x) => x.id)).toEqual([c, a]);
    const roots = await json("/api/v1/albums", "GET");
    expect((roots.body.items as Json[]).map((x) => x.id)).toEqual([c, a]);
  });

  it("keeps a photo in two albums when one is deleted; `delete` on the last removes its files", async () => {
    const one = await album("One");
    const two = await album("Two");
    const p = await photo(one);
    const added = await json(`/api/v1/albums/${two}/photos`, "POST", { photoIds: [p.id] });
    expect(added.body).toEqual({ count: 1 });
    await t.gallery.jobs.runUntilIdle();
    expect((await t.listKeys()).filter((f) => f.includes(p.sha256)).length).toBeGreaterThan(1);

    const first = await json(`/api/v1/albums/${one}?orphans=delete`, "DELETE");
    expect(first.res.status).toBe(200);
    expect(first.body).toMatchObject({ albumIds: [one], deletedPhotoIds: [] });
    expect((await t.request(`/api/v1/photos/${p.id}`)).status).toBe(200);

    const last = await json(`/api/v1/albums/${two}?orphans=delete`, "DELETE");
    expect(last.body).toMatchObject({ deletedPhotoIds: [p.id] });
    expect((await t.listKeys()).filter((f) => f.includes(p.sha256))).toEqual([]);
    expect((await t.request(`/api/v1/photos/${p.id}`, { cookie })).status).toBe(404);
    expect((await json(`/api/v1/albums/${two}`, "DELETE")).body.code).toBe("VALIDATION_FAILED");
  });

  it("updates, moves, removes, reorders, replaces and deletes photos", async () => {
    const a = await album("A");
    const b = await album("B");
    const p1 = await photo(a);
    const p2 = await photo(a);
    const upd = await json(`/api/v1/photos/${p1.id}`, "PATCH", {
      title: "Pier",
      author: "Ann",
      takenAt: "2020-05-01T10:00:00+02:00",
      privacyLevel: 0,
    });
    expect(upd.body).toMatchObject({ title: "Pier", author: "Ann", takenAt: "2020-05-01T08:00:00.000Z" });
    expect((await json(`/api/v1/photos/${p1.id}`, "PATCH", { privacyLevel: 3 })).body.code).toBe(
      "VALIDATION_FAILED",
    );

    await t.request(`/api/v1/albums/${a}/photos/order`, {
      method: "PUT",
      cookie,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ photoIds: [p2.id, p1.id] }),
    });
    const ordered = await json(`/api/v1/albums/${a}/photos`, "GET");
    expect((ordered.body.items as Json[]).map((x) => x.id)).toEqual([p2.id, p1.id]);

    const moved = await json(`/api/v1/albums/${b}/photos`, "POST", { photoIds: [p1.id], moveFromAlbumId: a });
    expect(moved.body).toEqual({ count: 1 });
    const removed = await json(`/api/v1/albums/${a}/photos`, "DELETE", { photoIds: [p2.id] });
    expect(removed.body).toEqual({ count: 1 });
    expect(((await json(`/api/v1/albums/${a}/photos`, "GET")).body.items as Json[]).length).toBe(0);

    const form = new FormData();
    const png = await sharp({ create: { width: 20, height: 60, channels: 3, background: "#0a0" } })
      .png()
      .toBuffer();
    form.append("file", new Blob([png as BlobPart]), "new.png");
    const replaced = await t.request(`/api/v1/photos/${p1.id}/file`, { method: "PUT", cookie, body: form });
    expect(replaced.status).toBe(200);
    const rj = (await replaced.json()) as Json;
    expect(rj).toMatchObject({ id: p1.id, width: 20, height: 60, mimeType: "image/png", title: "Pier" });
    expect(rj.sha256).not.toBe(p1.sha256);

    const resynced = await json(`/api/v1/photos/${p1.id}/metadata/resync`, "POST");
    expect(resynced.res.status).toBe(200);
    expect(resynced.body).toMatchObject({ id: p1.id, metadata: { keywords: [], cameraMake: null } });

    expect((await t.request(`/api/v1/photos/${p1.id}`, { method: "DELETE" })).status).toBe(401);
    expect((await t.request(`/api/v1/photos/${p1.id}`, { method: "DELETE", cookie })).status).toBe(204);
    expect((await t.request(`/api/v1/photos/${p1.id}`, { cookie })).status).toBe(404);
    expect((await t.listKeys()).filter((f) => f.includes(String(rj.sha256)))).toEqual([]);
  });

  it("lists photos with filters, manages tags, searches and runs batch operations", async () => {
    const a = await album("Harbour");
    const sub = await album("Boats", a);
    const other = await album("Fields");
    const p1 = await photo(a, { title: "Lighthouse" });
    const p2 = await photo(sub, { title: "Sailboat" });
    const p3 = await photo(other, { title: "Wheat" });

    const batch = await json("/api/v1/photos/batch", "POST", {
      photoIds: [p1.id, p3.id],
      addTags: ["Summer"],
      takenAt: "2021-07-01T12:00:00Z",
    });
    expect(batch.body).toMatchObject({ applied: ["fields", "addTags"], deleted: 0 });

    const list = async (query: string) =>
      (((await json(`/api/v1/photos?${query}`, "GET")).body.items as Json[]) ?? []).map((x) => x.id).sort();
    expect(await list(`albumId=${a}`)).toEqual([p1.id, p2.id].sort());
    expect(await list("takenFrom=2021-01-01T00:00:00Z")).toEqual([p1.id, p3.id].sort());
    const tags = await json("/api/v1/tags", "GET");
    const summer = (tags.body.items as Json[])[0] as Json;
    expect(summer).toMatchObject({ name: "Summer", photoCount: 2 });
    expect(await list(`tagId=${summer.id}`)).toEqual([p1.id, p3.id].sort());
    expect((await json("/api/v1/photos?takenFrom=yesterday", "GET")).res.status).toBe(400);

    const created = await json("/api/v1/tags", "POST", { name: "Sea" });
    expect(created.res.status).toBe(201);
    expect((await json("/api/v1/tags", "POST", { name: "sea" })).body.code).toBe("ALREADY_EXISTS");
    const renamed = await json(`/api/v1/tags/${created.body.id}`, "PATCH", { name: "Seaside" });
    expect(renamed.body).toMatchObject({ name: "Seaside", slug: "seaside" });
    await json("/api/v1/photos/batch", "POST", { photoIds: [p2.id], addTags: ["Seaside"] });
    const merged = await json(`/api/v1/tags/${summer.id}/merge`, "POST", { sourceIds: [created.body.id] });
    expect(merged.body).toMatchObject({ name: "Summer", photoCount: 3 });
    // Guests see counts of what they may see only.
    await json(`/api/v1/photos/${p3.id}`, "PATCH", { privacyLevel: 8 });
    const guestTags = (await (await t.request("/api/v1/tags")).json()) as { items: Json[] };
    expect(guestTags.items.map((x) => [x.name, x.photoCount])).toEqual([["Summer", 2]]);

    const search = async (q: string, who = cookie) =>
      (
        (
          (await (
            await t.request(`/api/v1/search/photos?q=${encodeURIComponent(q)}`, { cookie: who })
          ).json()) as {
            items: Json[];
          }
        ).items ?? []
      )
        .map((x) => x.id)
        .sort();
    expect(await search("lighthouse")).toEqual([p1.id]);
    expect(await search("boats")).toEqual([p2.id]);
    expect(await search("summer")).toEqual([p1.id, p2.id, p3.id].sort());
    expect(await search("summer", "")).toEqual([p1.id, p2.id].sort());
    expect((await t.request("/api/v1/search/photos?q=")).status).toBe(400);

    expect((await t.request(`/api/v1/tags/${summer.id}`, { method: "DELETE", cookie })).status).toBe(204);
    const del = await json("/api/v1/photos/batch", "POST", { photoIds: [p1.id, p2.id], delete: true });
    expect(del.body).toMatchObject({ applied: ["delete"], deleted: 2 });
    expect(await list("")).toEqual([p3.id]);
  });

  it("answers duplicates per setting: linked (200, duplicate: true) or refused (409 DUPLICATE_PHOTO)", async () => {
    const a = await album("A");
    const b = await album("B");
    const file = await image();
    expect((await t.upload(cookie, a, file)).res.status).toBe(201);
    const again = await t.upload(cookie, b, file);
    expect(again.res.status).toBe(200);
    expect(again.json.duplicate).toBe(true);

    const strict = await setup({ gallery: { ingest: { duplicates: "refuse" } } });
    try {
      const c2 = await strict.login();
      const id = String((await strict.createAlbum(c2, { name: "S" })).json.id);
      expect((await strict.upload(c2, id, file)).res.status).toBe(201);
      const refused = await strict.upload(c2, id, file);
      expect(refused.res.status).toBe(409);
      expect(refused.json.code).toBe("DUPLICATE_PHOTO");
    } finally {
      await strict.close();
    }
  });

  it("refuses hostile files with a stable code, no row, no stored file, and keeps serving", async () => {
    const a = await album("Hostile");
    const good = await image(64, 48);
    const cases: [string, Uint8Array, string, number, string][] = [
      ["truncated JPEG", good.subarray(0, Math.floor(good.length / 2)), "cut.jpg", 422, "CORRUPT_IMAGE"],
      ["PNG claiming 50,000 × 50,000", claimingPng(50_000, 50_000), "bomb.png", 413, "IMAGE_TOO_LARGE"],
      ["zero bytes", new Uint8Array(0), "empty.jpg", 400, "EMPTY_FILE"],
      [
        "text named .jpg",
        Buffer.from("just some text, not a photo\n".repeat(4)),
        "notes.jpg",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        "HTML named .png",
        Buffer.from("<!doctype html><script>alert(1)</script>"),
        "page.png",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        "SVG named .png",
        Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>',
        ),
        "vector.png",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      ["../ in the file name", good, "../../etc/passwd.jpg", 400, "INVALID_FILENAME"],
      // Raw control characters break the multipart header itself: the parser refuses the body.
      ["raw control characters in the file name", good, "evil\u0007\u001bname.jpg", 400, "VALIDATION_FAILED"],
    ];
    for (const [label, bytes, filename, status, code] of cases) {
      const { res, json: body } = await t.upload(cookie, a, bytes, filename);
      expect([label, res.status, body.code]).toEqual([label, status, code]);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect((await t.request("/healthz")).status).toBe(200);
    }
    // Encoded (RFC 5987) control characters reach core, which refuses the name.
    const boundary = "----vernissage-test";
    const raw = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="albumId"\r\n\r\n${a}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''evil%07%1Bname.jpg\r\n` +
          "Content-Type: image/jpeg\r\n\r\n",
      ),
      good,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const encoded = await t.request("/api/v1/photos", {
      method: "POST",
      cookie,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body: raw,
    });
    expect(encoded.status).toBe(400);
    expect(((await encoded.json()) as Json).code).toBe("INVALID_FILENAME");
    expect(await t.gallery.db.selectFrom("photos").select("id").execute()).toEqual([]);
    expect(await t.listKeys()).toEqual([]);
    // The server still ingests a good file afterwards.
    expect((await t.upload(cookie, a, good, "fine.jpg")).res.status).toBe(201);
  });
});
