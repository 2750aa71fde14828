import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appUserFromCookie, createEmbedApp, type EmbedApp } from "../src/app.mjs";

describe("a node:http app with the gallery mounted under /gallery", () => {
  let dir: string;
  let app: EmbedApp;
  let origin: string;
  const alice = { cookie: "theme=dark; app_user=alice" };
  const bob = { cookie: "app_user=bob" };

  const request = (path: string, init: RequestInit & { cookie?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.cookie) headers.set("cookie", init.cookie);
    if (init.method && init.method !== "GET") headers.set("origin", origin);
    return fetch(`${origin}${path}`, { ...init, headers, redirect: "manual" });
  };
  const createAlbum = (who: { cookie?: string }, name: string) =>
    request("/gallery/api/v1/albums", {
      method: "POST",
      ...who,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vernissage-embed-"));
    app = await createEmbedApp({ dataDir: dir, jobs: false, logLevel: "silent" });
    await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the app's own pages and toy login", async () => {
    const home = await request("/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Acme intranet");

    const login = await request("/app-login?user=alice");
    expect(login.status).toBe(303);
    expect(login.headers.get("set-cookie")).toMatch(/^app_user=alice;/);
    const account = await request("/account", alice);
    expect(await account.text()).toContain("Signed in as <strong>alice</strong> (admin in the gallery)");
    expect(await (await request("/account", bob)).text()).toContain("(guest in the gallery)");
    expect((await request("/nowhere")).status).toBe(404);
  });

  it("renders the gallery home under /gallery/, with links under the base path", async () => {
    const res = await request("/gallery/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("Acme photos");
    expect(html).toMatch(/(href|src)="\/gallery\/assets\//);
    expect((await request("/gallery")).status).toBe(200);
    expect((await request("/gallery/api/v1/openapi.json")).status).toBe(200);
  });

  it("lets alice (admin through resolveActor) create an album and upload; the album page serves thumbnails under /gallery/media/", async () => {
    const created = await createAlbum(alice, "Team offsite");
    expect(created.status).toBe(201);
    const album = (await created.json()) as { id: string; url: string };
    expect(album.url).toMatch(/^\/gallery\/albums\//);

    const jpeg = await sharp({ create: { width: 320, height: 200, channels: 3, background: "#3366cc" } })
      .jpeg()
      .toBuffer();
    const form = new FormData();
    form.append("albumId", album.id);
    form.append("file", new Blob([jpeg], { type: "image/jpeg" }), "offsite.jpg");
    const uploaded = await request("/gallery/api/v1/photos", { method: "POST", ...alice, body: form });
    expect(uploaded.status).toBe(201);
    const photo = ((await uploaded.json()) as { photo: { id: string; uploaderId?: string } }).photo;

    expect(await app.gallery.jobs.runUntilIdle()).toBeGreaterThan(0);
    const stored = await app.gallery.photos.get({ kind: "system" }, photo.id);
    const aliceUser = await app.gallery.users.findByUsername({ kind: "system" }, "alice");
    expect(stored.uploaderId).toBe(aliceUser?.id);

    const page = await request(album.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    const thumbs = [...html.matchAll(/(?:src|href)="(\/gallery\/media\/photos\/[^"]+)"/g)].map(
      (m) => m[1] ?? "",
    );
    expect(thumbs.length).toBeGreaterThan(0);
    expect(thumbs.every((url) => url.startsWith("/gallery/media/"))).toBe(true);

    const media = await request(thumbs[0] ?? "");
    expect(media.status).toBe(200);
    expect(media.headers.get("content-type")).toBe("image/jpeg");
    expect((await sharp(Buffer.from(await media.arrayBuffer())).metadata()).format).toBe("jpeg");
  });

  it("treats guests and unmapped app users as gallery guests: writes are 401", async () => {
    for (const who of [{}, bob]) {
      const res = await createAlbum(who, "Nope");
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe("UNAUTHENTICATED");
    }
  });

  it("still refuses a cross-site write made with alice's cookie", async () => {
    const res = await fetch(`${origin}/gallery/api/v1/albums`, {
      method: "POST",
      headers: { cookie: alice.cookie, origin: "http://evil.test", "content-type": "application/json" },
      body: JSON.stringify({ name: "csrf" }),
    });
    expect(res.status).toBe(403);
  });

  it("reads only well-formed names from the toy cookie", () => {
    expect(appUserFromCookie("a=1; app_user=alice")).toBe("alice");
    expect(appUserFromCookie("app_user=Alice%20")).toBeNull();
    expect(appUserFromCookie(undefined)).toBeNull();
  });
});
