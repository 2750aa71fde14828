import { SYSTEM } from "@vernissage/core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeJpeg, setup } from "./helpers.js";

type T = Awaited<ReturnType<typeof setup>>;

describe("photo coordinates over HTTP", () => {
  let t: T;
  let owner: string;
  let photoId: string;

  beforeAll(async () => {
    t = await setup();
    owner = await t.login();
    const album = await t.gallery.albums.create(SYSTEM, { name: "Coast" });
    const { photo } = await t.gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: await makeJpeg(40, 30),
      filename: "coast.jpg",
    });
    photoId = photo.id;
    await t.gallery.db
      .updateTable("photos")
      .set({ gps_latitude: 43.2965, gps_longitude: 5.3698, gps_altitude: 12.5 })
      .where("id", "=", photo.id)
      .execute();
  });
  afterAll(() => t.close());

  const latitude = async (cookie?: string) => {
    const res = await t.request(`/api/v1/photos/${photoId}`, cookie ? { cookie } : {});
    expect(res.status).toBe(200);
    return ((await res.json()) as { metadata: { latitude: number | null } }).metadata.latitude;
  };

  const page = async (cookie?: string) => {
    const res = await t.request(`/photos/${photoId}`, cookie ? { cookie } : {});
    expect(res.status).toBe(200);
    return res.text();
  };

  it("follows the gallery's location setting, which admins change through the API", async () => {
    // Default: signed-in members only, in the API and on the photo page.
    expect(await latitude()).toBeNull();
    expect(await latitude(owner)).toBe(43.2965);
    expect(await page()).not.toContain("photo-location");
    expect(await page(owner)).toContain("43.2965° N, 5.3698° E");
    const patch = (location: string) =>
      t.request("/api/v1/settings", {
        method: "PATCH",
        cookie: owner,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ location }),
      });
    expect((await patch("everyone")).status).toBe(200);
    expect(await latitude()).toBe(43.2965);
    expect(await page()).toContain("openstreetmap.org/?mlat=43.29650");
    const refused = await patch("nearby");
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: string }).code).toBe("VALIDATION_FAILED");
    expect(await latitude()).toBe(43.2965);
  });

  it("serves the original without its coordinates to those who may not read them", async () => {
    await t.gallery.settings.update(SYSTEM, { location: "members" });
    const album = await t.gallery.albums.create(SYSTEM, { name: "Pier" });
    const file = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#225588" } })
      .withExif({
        IFD3: {
          GPSLatitudeRef: "S",
          GPSLatitude: "33/1 51/1 2442/100",
          GPSLongitudeRef: "E",
          GPSLongitude: "151/1 12/1 5507/100",
        },
      })
      .jpeg()
      .toBuffer();
    const { photo } = await t.gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file,
      filename: "pier.jpg",
    });
    const json = (await (await t.request(`/api/v1/photos/${photo.id}`)).json()) as { originalUrl: string };
    const guest = await t.request(json.originalUrl);
    expect(guest.status).toBe(200);
    expect(guest.headers.get("etag")).toMatch(/-l"$/);
    const bytes = Buffer.from(await guest.arrayBuffer());
    expect(bytes.length).toBe(file.length);
    expect(bytes.equals(file)).toBe(false);
    const part = await t.request(json.originalUrl, { headers: { range: "bytes=2-41" } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(2, 42))).toBe(true);
    const own = await t.request(json.originalUrl, { cookie: owner });
    expect(Buffer.from(await own.arrayBuffer()).equals(file)).toBe(true);
    expect(own.headers.get("etag")).not.toMatch(/-l"$/);
    expect(own.headers.get("cache-control")).toContain("private");
  });

  it("offers no download link for an original that cannot be given without its location", async () => {
    await t.gallery.settings.update(SYSTEM, { location: "members" });
    const album = await t.gallery.albums.create(SYSTEM, { name: "Dunes" });
    const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: "#aa7733" } })
      .png()
      .toBuffer();
    const { photo } = await t.gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: png,
      filename: "d.png",
    });
    const pageOf = async (cookie?: string) =>
      (await t.request(`/photos/${photo.id}`, cookie ? { cookie } : {})).text();
    // Without a location, anyone who sees it may download it.
    expect(await pageOf()).toContain('data-testid="download-original"');
    await t.gallery.db
      .updateTable("photos")
      .set({ gps_latitude: 10, gps_longitude: 20 })
      .where("id", "=", photo.id)
      .execute();
    expect(await pageOf()).not.toContain('data-testid="download-original"');
    expect(await pageOf(owner)).toContain('data-testid="download-original"');
    const json = (await (await t.request(`/api/v1/photos/${photo.id}`)).json()) as { originalUrl: string };
    const refused = await t.request(json.originalUrl);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe("FORBIDDEN");
  });
});
