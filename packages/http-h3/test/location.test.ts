import { SYSTEM } from "@vernissage/core";
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
});
