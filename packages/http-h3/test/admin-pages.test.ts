import { SYSTEM } from "@vernissage/core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfToken } from "../src/session.js";
import { formPost, setup } from "./helpers.js";

type T = Awaited<ReturnType<typeof setup>>;

const jpeg = (seed: number) =>
  sharp({
    create: { width: 48, height: 32, channels: 3, background: { r: seed * 40, g: 90, b: 200 - seed * 30 } },
  })
    .jpeg()
    .toBuffer();

describe("admin pages", () => {
  let t: T;
  let cookie: string;

  beforeAll(async () => {
    t = await setup();
    cookie = await t.login();
    await t.gallery.users.create(SYSTEM, {
      username: "mia",
      password: "a long member password",
      role: "member",
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("sends guests to the login page and refuses members", async () => {
    const guest = await t.request("/admin/albums");
    expect(guest.status).toBe(303);
    expect(guest.headers.get("location")).toBe("/login?next=%2Fadmin%2Falbums");
    const member = await t.login("mia", "a long member password");
    const refused = await t.request("/admin", { cookie: member });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("FORBIDDEN");
    const home = await (await t.request("/", { cookie: member })).text();
    expect(home).not.toContain('href="/admin"');
    expect(await (await t.request("/", { cookie })).text()).toContain('href="/admin"');
  });

  it("creates albums and changes visibility through forms with the CSRF token", async () => {
    const refused = await formPost(t, cookie, "/admin/albums", { name: "No token" }, false);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("CSRF_REJECTED");

    const created = await formPost(t, cookie, "/admin/albums", { name: "Travels", visibility: "public" });
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe("/admin/albums?done=created");
    const [travels] = (await t.gallery.albums.list(SYSTEM, { parentId: null })).items;
    expect(travels?.name).toBe("Travels");
    await formPost(t, cookie, "/admin/albums", { name: "Lisbon", parentId: travels?.id ?? "" });

    const page = await (await t.request("/admin/albums?done=created", { cookie })).text();
    expect(page).toContain("The album was created.");
    expect(page).toContain('class="depth-1"');
    expect(page).toContain('value="Lisbon"');
    expect(page).toContain('name="_csrf"');
    expect(page).toContain('<meta name="robots" content="noindex">');

    const invalid = await formPost(t, cookie, "/admin/albums", { name: "   " });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain("Check the album");

    const updated = await formPost(t, cookie, `/admin/albums/${travels?.id}`, {
      name: "Travels",
      visibility: "private",
    });
    expect(updated.status).toBe(303);
    const guestHome = await (await t.request("/")).text();
    expect(guestHome).not.toContain("Travels");
  });

  it("uploads several files through the form fallback and shows them on the dashboard", async () => {
    const { json } = await t.createAlbum(cookie, { name: "Inbox" });
    const upload = await t.request(`/admin/upload?album=${json.id}`, { cookie });
    const page = await upload.text();
    expect(page).toContain('data-upload-url="/api/v1/photos"');
    expect(page).toMatch(/<script src="\/assets\/[0-9a-f]+\/admin\.js" defer>/);
    expect(page).toMatch(new RegExp(`<option value="${json.id}" selected>`));

    const form = new FormData();
    form.set("_csrf", csrfToken(cookie.split("=")[1] ?? ""));
    form.set("albumId", String(json.id));
    form.append("file", new Blob([await jpeg(1)], { type: "image/jpeg" }), "one.jpg");
    form.append("file", new Blob([await jpeg(2)], { type: "image/jpeg" }), "two.jpg");
    const res = await t.request("/admin/upload", { method: "POST", cookie, body: form });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(String(json.url));
    const photos = await t.gallery.photos.listInAlbum(SYSTEM, String(json.id));
    expect(photos.items.map((p) => p.originalFilename).sort()).toEqual(["one.jpg", "two.jpg"]);

    const empty = new FormData();
    empty.set("_csrf", csrfToken(cookie.split("=")[1] ?? ""));
    empty.set("albumId", String(json.id));
    expect((await t.request("/admin/upload", { method: "POST", cookie, body: empty })).status).toBe(400);

    const dashboard = await (await t.request("/admin", { cookie })).text();
    const counts = dashboard.slice(dashboard.indexOf('data-testid="admin-counts"'));
    expect(counts).toMatch(/<dt>Albums<\/dt><dd>3<\/dd>/);
    expect(counts).toMatch(/<dt>Photos<\/dt><dd>2<\/dd>/);
    expect(counts).toMatch(/<dt>Users<\/dt><dd>2<\/dd>/);
    expect(dashboard).toContain("Storage used");
    const bytes = photos.items.reduce((sum, p) => sum + p.byteSize, 0);
    expect(bytes).toBeLessThan(1000);
    expect(dashboard).toContain(`Originals</dt><dd>${bytes} byte</dd>`);
  });

  it("edits a photo's fields, privacy and tags through the photo editor", async () => {
    const { json } = await t.createAlbum(cookie, { name: "Edits" });
    const { json: up } = await t.upload(cookie, String(json.id), await jpeg(4), "edit.jpg");
    const id = String((up.photo as { id: string }).id);
    const photoPage = await (await t.request(`/photos/${id}`, { cookie })).text();
    expect(photoPage).toContain(`href="/admin/photos/${id}"`);
    expect(await (await t.request(`/photos/${id}`)).text()).not.toContain("/admin/photos/");

    const save = (fields: Record<string, string>) => formPost(t, cookie, `/admin/photos/${id}`, fields);
    const saved = await save({
      title: "Harbour",
      description: "Boats <at> dawn",
      author: "Ada",
      takenAt: "2024-05-17T19:30",
      privacyLevel: "4",
      tags: "Beach, Sunset ,",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`/admin/photos/${id}?done=saved`);
    const photo = await t.gallery.photos.get(SYSTEM, id);
    expect([photo.title, photo.description, photo.author, photo.privacyLevel]).toEqual([
      "Harbour",
      "Boats <at> dawn",
      "Ada",
      4,
    ]);
    expect(photo.takenAt).toBe(Date.UTC(2024, 4, 17, 19, 30));
    const tagNames = async () => (await t.gallery.tags.ofPhoto(SYSTEM, id)).map((tag) => tag.name).sort();
    expect(await tagNames()).toEqual(["Beach", "Sunset"]);

    const editor = await (await t.request(`/admin/photos/${id}?done=saved`, { cookie })).text();
    expect(editor).toContain("The photo was saved.");
    expect(editor).toContain('value="2024-05-17T19:30"');
    expect(editor).toContain('<option value="4" selected>');
    expect(editor).toContain("Boats &lt;at&gt; dawn</textarea>");

    await save({ title: "Harbour", takenAt: "", privacyLevel: "0", tags: "sunset" });
    expect(await tagNames()).toEqual(["Sunset"]);
    expect((await t.gallery.photos.get(SYSTEM, id)).takenAt).toBeNull();
    const bad = await save({ title: "x", takenAt: "not a date", privacyLevel: "0", tags: "" });
    expect(bad.status).toBe(400);
    expect((await t.request("/admin/photos/01aaaaaaaaaaaaaaaaaaaaaaaa", { cookie })).status).toBe(404);
  });

  it("lists users", async () => {
    const page = await (
      await t.request("/admin/users", { cookie, headers: { "accept-language": "fr" } })
    ).text();
    expect(page).toContain("<td>admin</td>");
    expect(page).toContain("<td>mia</td>");
    expect(page).toContain("Utilisateurs");
  });
});
