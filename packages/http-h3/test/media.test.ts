import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { makeJpeg, setup } from "./helpers.js";

type Setup = Awaited<ReturnType<typeof setup>>;
type PhotoJson = {
  id: string;
  derivatives: Record<string, { url: string; width: number; height: number }>;
  originalUrl: string;
};

const open: Setup[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

async function withPhoto(
  options: Parameters<typeof setup>[0] = {},
  visibility: "public" | "private" = "public",
): Promise<{ t: Setup; cookie: string; photo: PhotoJson }> {
  const t = await setup({ gallery: { derivatives: { formats: ["avif", "webp", "jpeg"] } }, ...options });
  open.push(t);
  const cookie = await t.login();
  const { json: album } = await t.createAlbum(cookie, { name: "Media", visibility });
  const { json } = await t.upload(cookie, String(album.id), await makeJpeg(800, 600));
  return { t, cookie, photo: json.photo as PhotoJson };
}

describe("media delivery", () => {
  it("negotiates AVIF, WebP and JPEG from Accept with Vary: Accept", async () => {
    const { t, photo } = await withPhoto();
    const url = photo.derivatives.medium?.url ?? "";
    const avif = await t.request(url, { headers: { accept: "image/avif,image/webp,*/*" } });
    expect(avif.status).toBe(200);
    expect(avif.headers.get("content-type")).toBe("image/avif");
    expect(avif.headers.get("vary")).toBe("Accept");
    const avifBytes = Buffer.from(await avif.arrayBuffer());
    expect((await sharp(avifBytes).metadata()).format).toBe("heif");
    expect(avif.headers.get("content-length")).toBe(String(avifBytes.length));

    const webp = await t.request(url, { headers: { accept: "image/webp,*/*" } });
    expect(webp.headers.get("content-type")).toBe("image/webp");
    expect((await sharp(Buffer.from(await webp.arrayBuffer())).metadata()).format).toBe("webp");

    for (const accept of [undefined, "*/*", "image/png,image/*;q=0.8"]) {
      const jpeg = await t.request(url, accept ? { headers: { accept } } : {});
      expect(jpeg.headers.get("content-type")).toBe("image/jpeg");
      expect(jpeg.headers.get("vary")).toBe("Accept");
      expect((await sharp(Buffer.from(await jpeg.arrayBuffer())).metadata()).format).toBe("jpeg");
    }
  });

  it("marks public media immutable, answers 304 on If-None-Match and keeps stale versions uncached", async () => {
    const { t, photo } = await withPhoto();
    const url = photo.derivatives.thumb?.url ?? "";
    const first = await t.request(url);
    expect(first.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^".+"$/);
    const again = await t.request(url, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    const other = await t.request(url, { headers: { "if-none-match": '"something-else"' } });
    expect(other.status).toBe(200);

    const stale = await t.request(url.replace(/\/[^/]+$/, "/0000000000000000"));
    expect(stale.status).toBe(200);
    expect(stale.headers.get("cache-control")).not.toContain("immutable");
  });

  it.each([
    ["from memory", undefined],
    ["from storage", 0],
  ])("answers byte ranges with 206 and the edges right, 416 beyond the end (%s)", async (_, cache) => {
    const { t, photo } = await withPhoto({
      gallery: { derivatives: { formats: ["jpeg"], memoryCacheBytes: cache } },
    });
    const url = photo.derivatives.medium?.url ?? "";
    const full = Buffer.from(await (await t.request(url)).arrayBuffer());
    const size = full.length;
    const cases: [string, number, number][] = [
      ["bytes=0-0", 0, 0],
      ["bytes=0-9", 0, 9],
      [`bytes=${size - 1}-`, size - 1, size - 1],
      ["bytes=-5", size - 5, size - 1],
      [`bytes=-${size + 100}`, 0, size - 1],
      [`bytes=10-${size + 100}`, 10, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await t.request(url, { headers: { range } });
      expect(res.status, range).toBe(206);
      expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers.get("content-length")).toBe(String(end - start + 1));
      expect(Buffer.from(await res.arrayBuffer()).equals(full.subarray(start, end + 1))).toBe(true);
    }
    const beyond = await t.request(url, { headers: { range: `bytes=${size}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${size}`);
    // If-Range with another validator: the whole file.
    const ifRange = await t.request(url, { headers: { range: "bytes=0-9", "if-range": '"old"' } });
    expect(ifRange.status).toBe(200);
    expect(ifRange.headers.get("content-length")).toBe(String(size));
  });

  it("answers HEAD with the GET's headers and no body, and 404 for a private photo to a guest", async () => {
    const { t, photo } = await withPhoto();
    const url = photo.derivatives.thumb?.url ?? "";
    const get = await t.request(url);
    const bytes = (await get.arrayBuffer()).byteLength;
    const head = await t.request(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(bytes));
    expect(head.headers.get("etag")).toBe(get.headers.get("etag"));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const original = await t.request(photo.originalUrl, { method: "HEAD" });
    expect(original.status).toBe(200);
    const hidden = await withPhoto({}, "private");
    const guestHead = await hidden.t.request(hidden.photo.derivatives.thumb?.url ?? "", { method: "HEAD" });
    expect(guestHead.status).toBe(404);
  });

  it("answers 404 to a guest for a private photo's media exactly like a missing photo", async () => {
    const { t, cookie, photo } = await withPhoto({}, "private");
    const url = photo.derivatives.thumb?.url ?? "";
    const hidden = await t.request(url);
    const missing = await t.request(url.replace(photo.id, "01aaaaaaaaaaaaaaaaaaaaaaaa"));
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    const a = (await hidden.json()) as Record<string, unknown>;
    const b = (await missing.json()) as Record<string, unknown>;
    expect({ ...a, requestId: "" }).toEqual({ ...b, requestId: "" });
    expect((await t.request(photo.originalUrl)).status).toBe(404);

    const owner = await t.request(url, { cookie });
    expect(owner.status).toBe(200);
    expect(owner.headers.get("cache-control")).toMatch(/^private/);
    const original = await t.request(photo.originalUrl, { cookie });
    expect(original.status).toBe(200);
    expect(original.headers.get("cache-control")).toMatch(/^private/);
    expect(original.headers.get("content-type")).toBe("image/jpeg");
  });

  it("refuses unknown sizes and restricts originals by setting", async () => {
    const { t, cookie, photo } = await withPhoto({ gallery: { derivatives: { originals: "users" } } });
    const thumb = photo.derivatives.thumb?.url ?? "";
    const unknown = await t.request(thumb.replace("/thumb/", "/1999x1999/"));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe("PRESET_NOT_FOUND");
    const guest = await t.request(photo.originalUrl);
    expect(guest.status).toBe(403);
    expect(((await guest.json()) as { code: string }).code).toBe("FORBIDDEN");
    expect((await t.request(photo.originalUrl, { cookie })).status).toBe(200);
  });

  it("sets a photo's centre of interest through the API, changing its square URL", async () => {
    const { t, cookie, photo } = await withPhoto();
    const put = (body: unknown, c?: string) =>
      t.request(`/api/v1/photos/${photo.id}/focus`, {
        method: "PUT",
        ...(c ? { cookie: c } : {}),
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await put({ focus: { x: 0.2, y: 0.3 } })).status).toBe(401);
    const bad = await put({ focus: { x: 2, y: 0 } }, cookie);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("VALIDATION_FAILED");
    expect((await put({ focus: { x: 0.2, y: 0.3 } }, cookie)).status).toBe(204);
    const after = (await (await t.request(`/api/v1/photos/${photo.id}`)).json()) as PhotoJson;
    expect(after.derivatives.square?.url).not.toBe(photo.derivatives.square?.url);
    expect(after.derivatives.thumb?.url).toBe(photo.derivatives.thumb?.url);
    const square = await t.request(after.derivatives.square?.url ?? "");
    expect(square.status).toBe(200);
    expect(square.headers.get("cache-control")).toContain("immutable");
    // The old URL still answers, but is no longer cacheable forever.
    const old = await t.request(photo.derivatives.square?.url ?? "");
    expect(old.headers.get("cache-control")).not.toContain("immutable");
  });

  it("rebuilds derivatives through the API for admins only", async () => {
    const { t, cookie, photo } = await withPhoto();
    const post = (body: unknown, c?: string) =>
      t.request("/api/v1/derivatives/rebuild", {
        method: "POST",
        ...(c ? { cookie: c } : {}),
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post({})).status).toBe(401);
    const bad = await post({ presets: ["nope"] }, cookie);
    expect(bad.status).toBe(404);
    expect(((await bad.json()) as { code: string }).code).toBe("PRESET_NOT_FOUND");
    const res = await post({ presets: ["large"], photoIds: [photo.id] }, cookie);
    expect(res.status).toBe(202);
    expect(typeof ((await res.json()) as { jobId: string }).jobId).toBe("string");
    await t.gallery.jobs.runUntilIdle();
    const rows = await t.gallery.db.selectFrom("derivatives").select("preset").execute();
    expect(rows.map((r) => r.preset)).toContain("large");
  });
});
