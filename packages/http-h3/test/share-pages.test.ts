import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORIGIN, setup } from "./helpers.js";

type T = Awaited<ReturnType<typeof setup>>;

const jpeg = (seed: number) =>
  sharp({ create: { width: 40, height: 30, channels: 3, background: { r: seed * 50, g: 20, b: 90 } } })
    .jpeg()
    .toBuffer();

describe("share-link pages", () => {
  let t: T;
  let cookie: string;
  let album: { id: string; url: string };
  const photoIds: string[] = [];

  async function createShare(body: Record<string, unknown>): Promise<{ token: string; url: string }> {
    const res = await t.request("/api/v1/shares", {
      method: "POST",
      cookie,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { token: string; url: string };
  }

  function unlock(token: string, password: string, extra: Record<string, string> = {}) {
    return t.request(`/s/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, ...extra },
      body: new URLSearchParams({ password }),
    });
  }

  beforeAll(async () => {
    t = await setup();
    cookie = await t.login();
    album = (await t.createAlbum(cookie, { name: "Family", visibility: "private" })).json as typeof album;
    for (const seed of [1, 2, 3]) {
      const { json } = await t.upload(cookie, album.id, await jpeg(seed), `f${seed}.jpg`, {
        title: `Family ${seed}`,
      });
      photoIds.push(String((json.photo as { id: string }).id));
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it("shows a password form on GET without unlocking, and opens the album with the right password", async () => {
    const { token, url } = await createShare({ albumId: album.id, password: "open sesame" });
    expect(url).toBe(`${ORIGIN}/s/${token}`);
    const landing = await t.request(`/s/${token}`);
    expect(landing.status).toBe(200);
    expect(landing.headers.get("referrer-policy")).toBe("no-referrer");
    expect(landing.headers.get("set-cookie")).toBeNull();
    const html = await landing.text();
    expect(html).toContain('data-testid="share-unlock"');
    expect(html).toContain(`action="/s/${token}"`);
    expect(html).toContain('<meta name="robots" content="noindex">');

    const wrong = await unlock(token, "not it", { "accept-language": "fr" });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("Mot de passe incorrect.");
    expect(wrong.headers.get("set-cookie")).toBeNull();

    const right = await unlock(token, "open sesame");
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe(album.url);
    const share = (right.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(share).toMatch(/^vernissage_share=/);
    const page = await (await t.request(album.url, { cookie: share })).text();
    expect(page.match(/data-testid="photo-thumb"/g)).toHaveLength(3);
    // The link was made without download rights: the photo page offers no download.
    const photoPage = await (await t.request(`/photos/${photoIds[0]}`, { cookie: share })).text();
    expect(photoPage).toContain("Family 1");
    expect(photoPage).not.toContain("download-original");
    // Without the share cookie the private album is a 404.
    expect((await t.request(album.url)).status).toBe(404);
  });

  it("opens a photo-set link without a password onto the shared photos only", async () => {
    const { token } = await createShare({ photoIds: [photoIds[0], photoIds[2]], canDownload: true });
    const res = await unlock(token, "");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/shared");
    const share = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const page = await (await t.request("/shared", { cookie: share })).text();
    expect(page).toContain("Shared photos");
    expect(page).toContain("Family 1");
    expect(page).toContain("Family 3");
    expect(page).not.toContain("Family 2");
    expect((await t.request("/shared")).status).toBe(404);
    const photoPage = await (await t.request(`/photos/${photoIds[0]}`, { cookie: share })).text();
    expect(photoPage).toContain('data-testid="download-original"');
  });

  it("refuses unknown tokens and cross-site posts", async () => {
    expect((await t.request("/s/short")).status).toBe(404);
    expect((await unlock("a".repeat(32), "x")).status).toBe(404);
    const { token } = await createShare({ albumId: album.id });
    const cross = await t.request(`/s/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: new URLSearchParams({ password: "" }),
    });
    expect(cross.status).toBe(403);
  });
});
