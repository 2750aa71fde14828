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

describe("admin album tree: placing an album before or after another, covers from sub-albums", () => {
  let t: T;
  let admin: string;
  let manager: string;
  const ids: Record<string, string> = {};
  const photos: Record<string, string> = {};
  const names = async (parentId: string | null) =>
    (await t.gallery.albums.list(SYSTEM, { parentId })).items.map((a) => a.name);

  beforeAll(async () => {
    t = await setup();
    admin = await t.login();
    const max = await t.gallery.users.create(SYSTEM, {
      username: "max",
      password: "a long member password",
      role: "member",
    });
    manager = await t.login("max", "a long member password");
    const trips = await t.gallery.albums.create(SYSTEM, { name: "Trips" });
    for (const name of ["Rome", "Naples", "Milan"])
      ids[name] = (await t.gallery.albums.create(SYSTEM, { name, parentId: trips.id })).id;
    ids.Trips = trips.id;
    ids.Home = (await t.gallery.albums.create(SYSTEM, { name: "Home" })).id;
    ids.Work = (await t.gallery.albums.create(SYSTEM, { name: "Work" })).id;
    await t.gallery.access.grant(SYSTEM, trips.id, { userId: max.id, role: "manager" });
    let seed = 0;
    for (const [key, album, level] of [
      ["t1", "Trips", 0],
      ["r1", "Rome", 0],
      ["n1", "Naples", 0],
      ["secret", "Naples", 8],
    ] as const) {
      seed += 1;
      const { photo } = await t.gallery.photos.upload(SYSTEM, {
        albumId: ids[album] as string,
        file: await jpeg(seed),
        filename: `${key}.jpg`,
        title: key,
        privacyLevel: level,
      });
      photos[key] = photo.id;
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it("places an album before or after a sibling (the tree's drop between two rows)", async () => {
    expect(await names(ids.Trips ?? null)).toEqual(["Rome", "Naples", "Milan"]);
    const before = await formPost(t, manager, `/admin/albums/${ids.Milan}/order`, {
      siblingId: ids.Rome ?? "",
      placement: "before",
    });
    expect(before.status).toBe(303);
    expect(before.headers.get("location")).toBe("/admin/albums?done=ordered");
    expect(await names(ids.Trips ?? null)).toEqual(["Milan", "Rome", "Naples"]);
    await formPost(t, manager, `/admin/albums/${ids.Milan}/order`, {
      siblingId: ids.Naples ?? "",
      placement: "after",
    });
    expect(await names(ids.Trips ?? null)).toEqual(["Rome", "Naples", "Milan"]);
    await formPost(t, manager, `/admin/albums/${ids.Rome}/order`, {
      siblingId: ids.Naples ?? "",
      placement: "after",
    });
    expect(await names(ids.Trips ?? null)).toEqual(["Naples", "Rome", "Milan"]);
    // The arrow buttons (the keyboard path) still work.
    await formPost(t, manager, `/admin/albums/${ids.Rome}/order`, { direction: "up" });
    expect(await names(ids.Trips ?? null)).toEqual(["Rome", "Naples", "Milan"]);
    // The tree page carries the order form the script fills.
    const page = await (await t.request("/admin/albums", { cookie: manager })).text();
    expect(page).toContain(
      '<form id="album-order-form" method="post" hidden data-action-base="/admin/albums/">',
    );
  });

  it("moves an album dropped beside an album of another parent, where its mover may put it", async () => {
    const res = await formPost(t, admin, `/admin/albums/${ids.Home}/order`, {
      siblingId: ids.Naples ?? "",
      placement: "before",
    });
    expect(res.status).toBe(303);
    expect((await t.gallery.albums.get(SYSTEM, ids.Home ?? "")).parentId).toBe(ids.Trips);
    expect(await names(ids.Trips ?? null)).toEqual(["Rome", "Home", "Naples", "Milan"]);
    // And back to the top level, after Work.
    await formPost(t, admin, `/admin/albums/${ids.Home}/order`, {
      siblingId: ids.Work ?? "",
      placement: "after",
    });
    expect(await names(null)).toEqual(["Trips", "Work", "Home"]);

    // A manager may not take an album out of the tree he manages, nor reorder albums he does not manage.
    const out = await formPost(t, manager, `/admin/albums/${ids.Rome}/order`, {
      siblingId: ids.Trips ?? "",
      placement: "after",
    });
    expect(out.status).toBe(400);
    expect(await out.text()).toContain("You may not do that");
    expect(
      (
        await formPost(t, manager, `/admin/albums/${ids.Home}/order`, {
          siblingId: ids.Work ?? "",
          placement: "before",
        })
      ).status,
    ).toBe(403);
    expect((await t.gallery.albums.get(SYSTEM, ids.Rome ?? "")).parentId).toBe(ids.Trips);
    expect(await names(null)).toEqual(["Trips", "Work", "Home"]);

    // An album placed beside one of its own sub-albums would be inside itself: refused, nothing moves.
    const cycle = await formPost(t, admin, `/admin/albums/${ids.Trips}/order`, {
      siblingId: ids.Rome ?? "",
      placement: "before",
    });
    expect(cycle.status).toBe(400);
    expect((await t.gallery.albums.get(SYSTEM, ids.Trips ?? "")).parentId).toBeNull();
  });

  it("refuses hostile drops and changes nothing", async () => {
    const was = await names(ids.Trips ?? null);
    const hostile: [Record<string, string>, number][] = [
      [{ siblingId: ids.Naples ?? "", placement: "middle" }, 400],
      [{ siblingId: ids.Naples ?? "", placement: "" }, 400],
      [{ siblingId: "x' or 1=1 --", placement: "before" }, 400],
      [{ siblingId: "<script>", placement: "after" }, 400],
      [{ siblingId: ids.Rome ?? "", placement: "before" }, 400],
      [{ siblingId: "no-such-album", placement: "before" }, 400],
    ];
    for (const [fields, status] of hostile) {
      const res = await formPost(t, admin, `/admin/albums/${ids.Rome}/order`, fields);
      expect(res.status, JSON.stringify(fields)).toBe(status);
    }
    const noToken = await formPost(
      t,
      admin,
      `/admin/albums/${ids.Rome}/order`,
      { siblingId: ids.Milan ?? "", placement: "after" },
      false,
    );
    expect(noToken.status).toBe(403);
    expect(await names(ids.Trips ?? null)).toEqual(was);
  });

  it("offers the photos of sub-albums in the cover picker (only those the manager may see)", async () => {
    const own = await (await t.request(`/admin/albums/${ids.Trips}/cover`, { cookie: manager })).text();
    expect(own).toContain("t1");
    expect(own).not.toContain("“r1”");
    expect(own).toContain(`href="/admin/albums/${ids.Trips}/cover?scope=subtree"`);

    const all = await (
      await t.request(`/admin/albums/${ids.Trips}/cover?scope=subtree`, { cookie: manager })
    ).text();
    for (const key of ["t1", "r1", "n1"]) expect(all).toContain(`“${key}”`);
    expect(all).not.toContain("“secret”");
    expect(all).toContain(`href="/admin/albums/${ids.Trips}/cover"`);
    expect(all).toContain("Only this album");

    const chosen = await formPost(t, manager, `/admin/albums/${ids.Trips}/cover`, {
      photoId: photos.n1 ?? "",
    });
    expect(chosen.status).toBe(303);
    expect((await t.gallery.albums.get(SYSTEM, ids.Trips ?? "")).coverPhotoId).toBe(photos.n1);
    // A photo outside the subtree is refused.
    await t.gallery.photos.upload(SYSTEM, {
      albumId: ids.Work ?? "",
      file: await jpeg(9),
      filename: "w.jpg",
    });
    const work = (await t.gallery.photos.listInAlbum(SYSTEM, ids.Work ?? "")).items[0]?.id ?? "";
    expect((await formPost(t, admin, `/admin/albums/${ids.Trips}/cover`, { photoId: work })).status).toBe(
      400,
    );

    // An album without sub-albums offers no scope switch; a forged scope is the album's own photos.
    const leaf = await (await t.request(`/admin/albums/${ids.Milan}/cover`, { cookie: manager })).text();
    expect(leaf).not.toContain('data-testid="cover-scope"');
    expect(
      (await t.request(`/admin/albums/${ids.Trips}/cover?scope=%3Cscript%3E`, { cookie: manager })).status,
    ).toBe(200);
    // French labels.
    const fr = await (
      await t.request(`/admin/albums/${ids.Trips}/cover`, {
        cookie: manager,
        headers: { "accept-language": "fr" },
      })
    ).text();
    expect(fr).toContain("Proposer aussi les photos des sous-albums");
  });
});
