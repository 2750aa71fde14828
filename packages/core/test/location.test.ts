import {
  type Actor,
  type Gallery,
  GUEST,
  type LocationVisibility,
  type Photo,
  SYSTEM,
  type User,
} from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { asUser, jpeg, openGallery } from "./helpers.js";

/** The coordinates an actor reads, or null when they are withheld. */
const where = (p: Photo) =>
  p.metadata.latitude === null ? null : [p.metadata.latitude, p.metadata.longitude, p.metadata.altitude];

/**
 * Every read path that returns photos, for one actor: each answer keyed by photo id, with the name of the path
 * that produced it (so a failure says which path leaked).
 */
async function everyRead(gallery: Gallery, actor: Actor, albumId: string, ids: string[]) {
  const seen: { path: string; photo: Photo }[] = [];
  const add = (path: string, photos: (Photo | null)[]) => {
    for (const photo of photos) if (photo) seen.push({ path, photo });
  };
  for (const id of ids) add("photos.get", [await gallery.photos.get(actor, id)]);
  add("photos.getMany", await gallery.photos.getMany(actor, ids));
  add("photos.listInAlbum", (await gallery.photos.listInAlbum(actor, albumId)).items);
  add("photos.list", (await gallery.photos.list(actor)).items);
  add("photos.list(text)", (await gallery.photos.list(actor, { text: "harbour" })).items);
  add("search.photos", (await gallery.search.photos(actor, { q: "harbour" })).items);
  for (const id of ids) {
    const context = await gallery.browse.photoContext(actor, id, { albumId });
    add("browse.photoContext", [context.photo, context.previous, context.next]);
  }
  return seen;
}

describe("who reads where a photo was taken", () => {
  it("applies the location setting to every read path, for every kind of actor, and hooks keep the coordinates", async () => {
    const { gallery } = await openGallery();
    const album = await gallery.albums.create(SYSTEM, { name: "Coast" });
    const alice = await gallery.users.create(SYSTEM, { username: "alice" });
    const bob = await gallery.users.create(SYSTEM, { username: "bob" });
    const carol = await gallery.users.create(SYSTEM, { username: "carol" });
    const admin = await gallery.users.create(SYSTEM, { username: "ada", role: "admin" });
    await gallery.access.grant(SYSTEM, album.id, { userId: carol.id, role: "manager" });

    const upload = async (colour: string, uploader: User) => {
      const { photo } = await gallery.photos.upload(SYSTEM, {
        albumId: album.id,
        file: await jpeg(16, 16, colour),
        filename: "harbour.jpg",
        title: "Harbour at dawn",
      });
      await gallery.db
        .updateTable("photos")
        .set({ uploader_id: uploader.id, gps_latitude: 43.2965, gps_longitude: 5.3698, gps_altitude: 12.5 })
        .where("id", "=", photo.id)
        .execute();
      return photo.id;
    };
    const ofAlice = await upload("#224466", alice);
    const ofBob = await upload("#664422", bob);
    // A photo without coordinates reads the same whatever the rule.
    const { photo: plain } = await gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: await jpeg(16, 16, "#446622"),
      filename: "harbour-plain.jpg",
      title: "Harbour, no GPS",
    });
    const ids = [ofAlice, ofBob, plain.id];

    const { token: shareToken } = await gallery.shares.create(SYSTEM, { albumId: album.id });
    const share = await gallery.shares.resolveSession((await gallery.shares.unlock(shareToken)).token);
    const { secret } = await gallery.tokens.create(asUser(alice), { name: "app", scopes: ["photos:read"] });
    const token = await gallery.tokens.resolve(secret);
    if (!share || !token) throw new Error("unresolved actor");

    const actors: Record<string, Actor> = {
      guest: GUEST,
      share,
      alice: asUser(alice),
      "alice's token": token,
      bob: asUser(bob),
      "carol (manager)": asUser(carol),
      admin: asUser(admin),
      system: SYSTEM,
    };
    // Who reads the coordinates of [alice's photo, bob's photo] under each rule.
    const expected: Record<LocationVisibility, Record<string, [boolean, boolean]>> = {
      everyone: Object.fromEntries(Object.keys(actors).map((name) => [name, [true, true]])),
      members: {
        guest: [false, false],
        share: [false, false],
        alice: [true, true],
        "alice's token": [true, true],
        bob: [true, true],
        "carol (manager)": [true, true],
        admin: [true, true],
        system: [true, true],
      },
      owners: {
        guest: [false, false],
        share: [false, false],
        alice: [true, false],
        "alice's token": [true, false],
        bob: [false, true],
        "carol (manager)": [false, false],
        admin: [true, true],
        system: [true, true],
      },
    };
    // The default is "members".
    expect((await gallery.settings.get()).location).toBe("members");

    for (const rule of ["everyone", "members", "owners"] as const) {
      await gallery.settings.update(SYSTEM, { location: rule });
      for (const [name, actor] of Object.entries(actors)) {
        const seen = await everyRead(gallery, actor, album.id, ids);
        // Every path ran and returned each photo at least once.
        for (const id of ids) expect(seen.some((s) => s.photo.id === id)).toBe(true);
        const [aliceCan, bobCan] = expected[rule][name] as [boolean, boolean];
        for (const { path, photo } of seen) {
          const want =
            photo.id === plain.id
              ? null
              : (photo.id === ofAlice ? aliceCan : bobCan)
                ? [43.2965, 5.3698, 12.5]
                : null;
          expect({ rule, actor: name, path, photo: photo.id, where: where(photo) }).toEqual({
            rule,
            actor: name,
            path,
            photo: photo.id,
            where: want,
          });
        }
      }
    }

    // Under "owners", carol manages the album and edits alice's photo: the answer withholds the coordinates,
    // the hook (plugins' code, trusted) still gets them, and the stored values are untouched.
    const hooked: Photo[] = [];
    const off = gallery.hooks.hook("photo:update:after", ({ photo }) => {
      hooked.push(photo);
    });
    try {
      const updated = await gallery.photos.update(asUser(carol), ofAlice, { title: "Harbour at noon" });
      expect(updated.title).toBe("Harbour at noon");
      expect(where(updated)).toBeNull();
      expect(hooked.map(where)).toEqual([[43.2965, 5.3698, 12.5]]);
    } finally {
      off();
    }
    expect(where(await gallery.photos.get(SYSTEM, ofAlice))).toEqual([43.2965, 5.3698, 12.5]);

    // An upload of the same bytes by someone else answers with the existing photo, as that person sees it.
    await gallery.access.grant(SYSTEM, album.id, { userId: bob.id, role: "contributor" });
    await gallery.db
      .updateTable("photos")
      .set({ gps_latitude: 1, gps_longitude: 2, gps_altitude: null })
      .where("id", "=", plain.id)
      .execute();
    const again = await gallery.photos.upload(asUser(bob), {
      albumId: album.id,
      file: await jpeg(16, 16, "#446622"),
      filename: "again.jpg",
    });
    expect(again.duplicate).toBe(true);
    expect(again.photo.id).toBe(plain.id);
    expect(where(again.photo)).toBeNull();

    // A bad value is refused with the field named; the rule stays.
    await expect(gallery.settings.update(SYSTEM, { location: "friends" as "owners" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      errors: [{ path: "location" }],
    });
    expect((await gallery.settings.get()).location).toBe("owners");
  });

  it("starts from the configured rule and refuses an unknown one at start", async () => {
    const { gallery } = await openGallery({ privacy: { location: "owners" } });
    expect((await gallery.settings.get()).location).toBe("owners");
    await expect(openGallery({ privacy: { location: "all" as "owners" } })).rejects.toMatchObject({
      code: "INVALID_CONFIGURATION",
    });
  });
});
