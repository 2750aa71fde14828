import { SYSTEM } from "@vernissage/core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formPost, setup } from "./helpers.js";

type T = Awaited<ReturnType<typeof setup>>;

const jpeg = (seed: number) =>
  sharp({
    create: { width: 40, height: 30, channels: 3, background: { r: seed * 20, g: 90, b: 200 - seed * 10 } },
  })
    .jpeg()
    .toBuffer();

const HOSTILE = `<script>alert(1)</script>"'`;

describe("admin album and photo pages", () => {
  let t: T;
  let admin: string;
  let manager: string;
  let member: string;
  const ids: Record<string, string> = {};
  const photos: Record<string, string> = {};

  beforeAll(async () => {
    t = await setup();
    admin = await t.login();
    for (const username of ["max", "mia"]) {
      await t.gallery.users.create(SYSTEM, { username, password: "a long member password", role: "member" });
    }
    await t.gallery.groups.create(SYSTEM, { name: "Family" });
    const trips = await t.gallery.albums.create(SYSTEM, { name: "Trips" });
    const rome = await t.gallery.albums.create(SYSTEM, { name: "Rome", parentId: trips.id });
    const naples = await t.gallery.albums.create(SYSTEM, { name: "Naples", parentId: trips.id });
    const home = await t.gallery.albums.create(SYSTEM, { name: "Home" });
    Object.assign(ids, { trips: trips.id, rome: rome.id, naples: naples.id, home: home.id });
    for (const [name, albumId, seed] of [
      ["r1", rome.id, 1],
      ["r2", rome.id, 2],
      ["r3", rome.id, 3],
      ["h1", home.id, 4],
    ] as const) {
      const { photo } = await t.gallery.photos.upload(SYSTEM, {
        albumId,
        file: await jpeg(seed),
        filename: `${name}.jpg`,
      });
      photos[name] = photo.id;
    }
    await t.gallery.access.grant(SYSTEM, trips.id, { username: "max", role: "manager" });
    manager = await t.login("max", "a long member password");
    member = await t.login("mia", "a long member password");
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (path: string, cookie?: string) => t.request(path, cookie ? { cookie } : {});

  it("sends guests to log in, refuses members without manager grants, and limits managers to their albums", async () => {
    for (const path of [
      "/admin/albums",
      `/admin/albums/${ids.trips}`,
      "/admin/photos",
      `/admin/photos/${photos.r1}`,
    ]) {
      const guest = await get(path);
      expect(guest.status).toBe(303);
      expect(guest.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    for (const path of [
      "/admin/albums",
      `/admin/albums/${ids.trips}`,
      `/admin/albums/${ids.trips}/photos`,
      `/admin/albums/${ids.trips}/cover`,
      `/admin/albums/${ids.trips}/delete`,
      "/admin/photos",
      `/admin/photos/${photos.r1}`,
    ]) {
      const res = await get(path, member);
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain("FORBIDDEN");
    }
    for (const [path, fields] of [
      ["/admin/albums", { name: "Mine" }],
      [`/admin/albums/${ids.trips}`, { name: "Taken" }],
      [`/admin/albums/${ids.trips}/move`, { parentId: "" }],
      ["/admin/batch", { photo: photos.r1 ?? "", action: "privacy", privacyLevel: "8" }],
    ] as const) {
      expect((await formPost(t, member, path, fields)).status, path).toBe(403);
    }
    expect((await t.gallery.albums.get(SYSTEM, ids.trips ?? "")).name).toBe("Trips");

    // The manager sees his subtree, not the rest.
    const tree = await (await get("/admin/albums", manager)).text();
    expect(tree).toContain('value="Trips"');
    expect(tree).toContain('value="Naples"');
    expect(tree).not.toContain('value="Home"');
    expect(tree).not.toContain('<option value="">'); // no top level for managers
    expect(tree).toContain('href="/admin/albums"'); // the albums tab
    expect(tree).not.toContain('href="/admin/users"');
    expect((await get(`/admin/albums/${ids.rome}`, manager)).status).toBe(200);
    for (const path of [
      `/admin/albums/${ids.home}`,
      `/admin/albums/${ids.home}/photos`,
      "/admin/photos",
      `/admin/photos/${photos.h1}`,
    ]) {
      expect((await get(path, manager)).status, path).toBe(403);
    }
    expect((await formPost(t, manager, `/admin/albums/${ids.home}`, { name: "Mine now" })).status).toBe(403);
    expect((await t.gallery.albums.get(SYSTEM, ids.home ?? "")).name).toBe("Home");
    // A manager may not create top-level albums; under his album he may.
    const top = await formPost(t, manager, "/admin/albums", { name: "Top", parentId: "" });
    expect(top.status).toBe(400);
    const sub = await formPost(t, manager, "/admin/albums", { name: "Capri", parentId: ids.trips ?? "" });
    expect(sub.status).toBe(303);

    // Admins see everything.
    const all = await (await get("/admin/albums", admin)).text();
    expect(all).toContain('value="Home"');
    expect(all).toContain('href="/admin/photos"');
    expect(all).toMatch(/<script src="\/assets\/[0-9a-f]+\/admin-library\.js" defer>/);
  });

  it("edits, moves, reorders and protects against cycles and hostile values", async () => {
    const noToken = await formPost(t, admin, `/admin/albums/${ids.naples}`, { name: "X" }, false);
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain("CSRF_REJECTED");

    const saved = await formPost(t, manager, `/admin/albums/${ids.naples}`, {
      from: "album",
      name: HOSTILE,
      description: "Bay <b>",
      visibility: "nonsense",
      photoOrder: "takenAt",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`/admin/albums/${ids.naples}?done=updated`);
    const naples = await t.gallery.albums.get(SYSTEM, ids.naples ?? "");
    expect([naples.name, naples.description, naples.visibility, naples.photoOrder]).toEqual([
      HOSTILE,
      "Bay <b>",
      "public",
      "takenAt",
    ]);
    const page = await (await get(`/admin/albums/${ids.naples}?done=updated`, manager)).text();
    expect(page).not.toContain("<script>alert(1)");
    expect(page).toContain("&lt;script&gt;");
    expect(page).toContain("The album was saved.");
    await formPost(t, admin, `/admin/albums/${ids.naples}`, { name: "Naples" });

    // Order: Naples goes up before Rome.
    const before = (await t.gallery.albums.list(SYSTEM, { parentId: ids.trips })).items.map((a) => a.name);
    expect(before.slice(0, 2)).toEqual(["Rome", "Naples"]);
    const up = await formPost(t, manager, `/admin/albums/${ids.naples}/order`, { direction: "up" });
    expect(up.headers.get("location")).toBe("/admin/albums?done=ordered");
    const after = (await t.gallery.albums.list(SYSTEM, { parentId: ids.trips })).items.map((a) => a.name);
    expect(after.slice(0, 2)).toEqual(["Naples", "Rome"]);
    expect(
      (await formPost(t, manager, `/admin/albums/${ids.naples}/order`, { direction: "sideways" })).status,
    ).toBe(400);

    // Move Naples under Rome, then try to move Trips under Naples (a cycle).
    const moved = await formPost(t, manager, `/admin/albums/${ids.naples}/move`, {
      parentId: ids.rome ?? "",
    });
    expect(moved.status).toBe(303);
    expect((await t.gallery.albums.get(SYSTEM, ids.naples ?? "")).parentId).toBe(ids.rome);
    const cycle = await formPost(t, admin, `/admin/albums/${ids.trips}/move`, { parentId: ids.naples ?? "" });
    expect(cycle.status).toBe(400);
    expect(await cycle.text()).toContain("cannot be moved inside itself");
    const injected = await formPost(t, admin, `/admin/albums/${ids.trips}/move`, {
      parentId: "x' or 1=1 --",
    });
    expect(injected.status).toBe(400);
    // The manager cannot move his album to the top level, nor out of his tree.
    expect((await formPost(t, manager, `/admin/albums/${ids.naples}/move`, { parentId: "" })).status).toBe(
      400,
    );
    expect(
      (await formPost(t, manager, `/admin/albums/${ids.naples}/move`, { parentId: ids.home ?? "" })).status,
    ).toBe(400);
    expect((await t.gallery.albums.get(SYSTEM, ids.naples ?? "")).parentId).toBe(ids.rome);
    // An off-site `back` is ignored.
    const back = await formPost(t, admin, `/admin/albums/${ids.naples}/move`, {
      parentId: ids.trips ?? "",
      back: "//evil.example/admin/",
    });
    expect(back.headers.get("location")).toBe("/admin/albums?done=moved");
    expect((await get("/admin/albums/not%20an%20id", admin)).status).toBe(404);
  });

  it("chooses a cover from the album's photos", async () => {
    const picker = await (await get(`/admin/albums/${ids.rome}/cover`, manager)).text();
    expect(picker.match(/data-testid="cover-choice"/g)).toHaveLength(3);
    const res = await formPost(t, manager, `/admin/albums/${ids.rome}/cover`, { photoId: photos.r3 ?? "" });
    expect(res.headers.get("location")).toBe(`/admin/albums/${ids.rome}?done=cover`);
    expect((await t.gallery.albums.get(SYSTEM, ids.rome ?? "")).coverPhotoId).toBe(photos.r3);
    // A photo of another album is refused.
    expect(
      (await formPost(t, admin, `/admin/albums/${ids.rome}/cover`, { photoId: photos.h1 ?? "" })).status,
    ).toBe(400);
    expect((await t.gallery.albums.get(SYSTEM, ids.rome ?? "")).coverPhotoId).toBe(photos.r3);
    // From the photo editor too.
    await formPost(t, manager, `/admin/photos/${photos.r2}/cover`, { albumId: ids.rome ?? "" });
    expect((await t.gallery.albums.get(SYSTEM, ids.rome ?? "")).coverPhotoId).toBe(photos.r2);
  });

  it("grants and revokes access by username or group name", async () => {
    const grant = (cookie: string, fields: Record<string, string>, token = true) =>
      formPost(t, cookie, `/admin/albums/${ids.rome}/grants`, fields, token);
    expect((await grant(manager, { kind: "user", name: "mia", role: "viewer" }, false)).status).toBe(403);
    const ok = await grant(manager, { kind: "user", name: "mia", role: "contributor" });
    expect(ok.headers.get("location")).toBe(`/admin/albums/${ids.rome}?done=granted`);
    await grant(admin, { kind: "group", name: "Family", role: "viewer" });
    const unknown = await grant(manager, { kind: "user", name: "nobody", role: "viewer" });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("does not exist");
    expect((await grant(manager, { kind: "robot", name: "mia", role: "viewer" })).status).toBe(400);
    expect((await grant(manager, { kind: "user", name: "mia", role: "owner" })).status).toBe(400);

    const page = await (await get(`/admin/albums/${ids.rome}`, manager)).text();
    const table = page.slice(page.indexOf('data-testid="grant-table"'));
    expect(table).toContain("<td>mia</td>");
    expect(table).toContain("<td>Family</td>");
    const grants = await t.gallery.access.listAlbumGrants(SYSTEM, ids.rome ?? "");
    expect(grants.map((g) => g.role).sort()).toEqual(["contributor", "viewer"]);
    const mias = grants.find((g) => g.userId !== null);
    const revoked = await formPost(t, manager, `/admin/albums/${ids.rome}/grants/revoke`, {
      grantId: mias?.id ?? "",
    });
    expect(revoked.status).toBe(303);
    expect(await t.gallery.access.listAlbumGrants(SYSTEM, ids.rome ?? "")).toHaveLength(1);
    expect(
      (await formPost(t, manager, `/admin/albums/${ids.rome}/grants/revoke`, { grantId: "../x" })).status,
    ).toBe(400);
  });

  it("runs the batch manager with per-photo checks and reports what was refused", async () => {
    const grid = await (await get(`/admin/albums/${ids.rome}/photos`, manager)).text();
    expect(grid.match(/name="photo" value=/g)).toHaveLength(3);
    expect(grid).toContain('value="moveToAlbum"');

    const three = [photos.r1, photos.r2, photos.r3] as string[];
    const tagged = await formPost(t, manager, "/admin/batch", {
      photo: three,
      action: "addTags",
      tags: "sea, <b>sun</b>",
      albumContext: ids.rome ?? "",
    });
    expect(tagged.status).toBe(200);
    const report = await tagged.text();
    expect(report).toContain("3 photos changed.");
    expect(report).not.toContain("<b>sun</b>");
    for (const id of three) {
      expect((await t.gallery.tags.ofPhoto(SYSTEM, id)).map((x) => x.name).sort()).toEqual([
        "<b>sun</b>",
        "sea",
      ]);
    }

    // A photo outside the manager's albums is refused, the others changed.
    const mixed = await formPost(t, manager, "/admin/batch", {
      photo: [photos.r1 ?? "", photos.h1 ?? ""],
      action: "privacy",
      privacyLevel: "4",
    });
    const mixedText = await mixed.text();
    expect(mixedText).toContain("1 photos changed.");
    expect(mixedText).toContain(`<code>${photos.h1}</code>`);
    expect((await t.gallery.photos.get(SYSTEM, photos.r1 ?? "")).privacyLevel).toBe(4);
    expect((await t.gallery.photos.get(SYSTEM, photos.h1 ?? "")).privacyLevel).toBe(0);

    const removed = await formPost(t, admin, "/admin/batch", {
      photo: three,
      action: "removeTags",
      tags: "SEA",
    });
    expect(await removed.text()).toContain("3 photos changed.");
    expect((await t.gallery.tags.ofPhoto(SYSTEM, photos.r2 ?? "")).map((x) => x.name)).toEqual([
      "<b>sun</b>",
    ]);

    // Album actions: add to Naples, remove from Rome (the album being managed).
    await formPost(t, manager, "/admin/batch", {
      photo: [photos.r3 ?? ""],
      action: "addToAlbum",
      albumId: ids.naples ?? "",
    });
    expect((await t.gallery.photos.listInAlbum(SYSTEM, ids.naples ?? "")).items.map((p) => p.id)).toEqual([
      photos.r3,
    ]);
    await formPost(t, manager, "/admin/batch", {
      photo: [photos.r3 ?? ""],
      action: "removeFromAlbum",
      albumContext: ids.rome ?? "",
    });
    expect((await t.gallery.photos.listInAlbum(SYSTEM, ids.rome ?? "")).items).toHaveLength(2);
    // Moving into an album the manager does not manage is refused as a whole.
    const away = await formPost(t, manager, "/admin/batch", {
      photo: [photos.r2 ?? ""],
      action: "moveToAlbum",
      albumId: ids.home ?? "",
      albumContext: ids.rome ?? "",
    });
    expect(away.status).toBe(400);

    // Hostile and incomplete requests.
    const bad = async (fields: Record<string, string | string[]>, cookie = admin) =>
      (await formPost(t, cookie, "/admin/batch", fields)).status;
    expect(await bad({ photo: [], action: "addTags", tags: "x" })).toBe(400);
    expect(await bad({ photo: three, action: "rm -rf", tags: "x" })).toBe(400);
    expect(await bad({ photo: three, action: "addTags", tags: " , " })).toBe(400);
    expect(await bad({ photo: ["'; drop table photos; --"], action: "addTags", tags: "x" })).toBe(400);
    expect(await bad({ photo: three, action: "privacy", privacyLevel: "3" })).toBe(400);
    expect(
      await bad({ photo: Array.from({ length: 1001 }, (_, i) => `p${i}`), action: "addTags", tags: "x" }),
    ).toBe(400);
    expect(await bad({ photo: three, action: "moveToAlbum", albumId: ids.naples ?? "" })).toBe(400);
    expect(
      await bad({ photo: three, action: "removeFromAlbum", albumContext: ids.home ?? "" }, manager),
    ).toBe(403);
    expect(await bad({ photo: three, action: "delete" })).toBe(400);
    const csrf = await formPost(
      t,
      admin,
      "/admin/batch",
      { photo: three, action: "delete", confirm: "yes" },
      false,
    );
    expect(csrf.status).toBe(403);
    expect((await t.gallery.photos.getMany(SYSTEM, three)).length).toBe(3);

    // Admins have the all-photos grid.
    const allGrid = await (await get("/admin/photos", admin)).text();
    expect(allGrid.match(/name="photo" value=/g)).toHaveLength(4);
    expect(allGrid).not.toContain('value="moveToAlbum"');
  });

  it("completes the photo editor: albums, regenerate, delete", async () => {
    const editor = await (await get(`/admin/photos/${photos.r2}`, manager)).text();
    expect(editor).toContain('data-testid="photo-albums"');
    expect(editor).toContain(`action="/admin/photos/${photos.r2}/regenerate"`);
    const add = await formPost(t, manager, `/admin/photos/${photos.r2}/albums`, {
      op: "add",
      albumId: ids.naples ?? "",
    });
    expect(add.headers.get("location")).toBe(`/admin/photos/${photos.r2}?done=albums`);
    const inNaples = async () =>
      (await t.gallery.photos.listInAlbum(SYSTEM, ids.naples ?? "")).items
        .map((p) => p.id)
        .includes(photos.r2 ?? "");
    expect(await inNaples()).toBe(true);
    await formPost(t, manager, `/admin/photos/${photos.r2}/albums`, {
      op: "remove",
      albumId: ids.naples ?? "",
    });
    expect(await inNaples()).toBe(false);
    expect(
      (
        await formPost(t, manager, `/admin/photos/${photos.r2}/albums`, {
          op: "steal",
          albumId: ids.naples ?? "",
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await formPost(t, manager, `/admin/photos/${photos.r2}/albums`, {
          op: "add",
          albumId: ids.home ?? "",
        })
      ).status,
    ).toBe(400);

    const regen = await formPost(t, manager, `/admin/photos/${photos.r2}/regenerate`, {});
    expect(regen.headers.get("location")).toBe(`/admin/photos/${photos.r2}?done=regenerated`);
    expect((await formPost(t, manager, `/admin/photos/${photos.h1}/regenerate`, {})).status).toBe(403);

    expect((await formPost(t, manager, `/admin/photos/${photos.r2}/delete`, {})).status).toBe(400);
    const deleted = await formPost(t, manager, `/admin/photos/${photos.r2}/delete`, { confirm: "yes" });
    expect(deleted.headers.get("location")).toBe("/admin/albums?done=photoDeleted");
    expect(await t.gallery.photos.getMany(SYSTEM, [photos.r2 ?? ""])).toEqual([]);
  });

  it("opens the photo editor to an uploader who manages no album, for its own photos only", async () => {
    await t.gallery.access.grant(SYSTEM, ids.naples ?? "", { username: "mia", role: "contributor" });
    const { json } = await t.upload(member, ids.naples ?? "", await jpeg(7), "mine.jpg");
    const mine = String((json.photo as { id: string }).id);
    expect((await get(`/admin/photos/${mine}`, member)).status).toBe(200);
    const saved = await formPost(t, member, `/admin/photos/${mine}`, {
      title: "Mine",
      privacyLevel: "0",
      tags: "",
    });
    expect(saved.status).toBe(303);
    expect((await t.gallery.photos.get(SYSTEM, mine)).title).toBe("Mine");
    expect((await get(`/admin/photos/${photos.r3}`, member)).status).toBe(403);
    const refused = await formPost(t, member, `/admin/photos/${photos.r3}`, { title: "Not mine", tags: "" });
    expect(refused.status).toBe(403);
    expect((await get("/admin/albums", member)).status).toBe(403);
  });

  it("deletes an album after a confirmation that says what happens to its photos", async () => {
    const confirm = await (await get(`/admin/albums/${ids.rome}/delete?x=1`, manager)).text();
    expect(confirm).toMatch(
      /This deletes the album\. It holds \d+ photos: photos that are also in another album stay there\./,
    );
    expect(confirm).toContain('name="orphans" value="keep" checked');
    expect((await formPost(t, manager, `/admin/albums/${ids.rome}/delete`, { orphans: "keep" })).status).toBe(
      400,
    );
    expect(
      (await formPost(t, manager, `/admin/albums/${ids.rome}/delete`, { orphans: "burn", confirm: "yes" }))
        .status,
    ).toBe(400);
    const left = (await t.gallery.photos.listInAlbum(SYSTEM, ids.rome ?? "")).items.map((p) => p.id);
    const done = await formPost(t, manager, `/admin/albums/${ids.rome}/delete`, {
      orphans: "keep",
      confirm: "yes",
    });
    expect(done.headers.get("location")).toBe("/admin/albums?done=deleted");
    expect(
      (await t.gallery.albums.list(SYSTEM, { parentId: ids.trips })).items.map((a) => a.name),
    ).not.toContain("Rome");
    // Kept as orphans: still there for admins.
    expect((await t.gallery.photos.getMany(SYSTEM, left)).length).toBe(left.length);
    const french = await (
      await t.request("/admin/albums?done=deleted", { cookie: admin, headers: { "accept-language": "fr" } })
    ).text();
    expect(french).toContain("L’album a été supprimé.");
  });
});
