import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createGallery,
  DEFAULT_PRESETS,
  type Gallery,
  GUEST,
  recipeHash,
  SYSTEM,
  type UserActor,
} from "@vernissage/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stackAdapters } from "../../../e2e/support/stack.js";
import { SETTINGS_TTL_MS } from "../src/services/settings.js";
import { errorCode, jpeg, openGallery } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function photoOf(gallery: Gallery) {
  const album = await gallery.albums.create(SYSTEM, { name: "A" });
  const { photo } = await gallery.photos.upload(SYSTEM, {
    albumId: album.id,
    file: await jpeg(1600, 1200),
    filename: "big.jpg",
  });
  return photo;
}

const versions = (gallery: Gallery, photo: Parameters<Gallery["derivatives"]["describe"]>[0]) =>
  Object.fromEntries(gallery.derivatives.describe(photo).map((d) => [d.preset, d.version]));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("stored derivative settings (the last layer over configuration and plugins)", () => {
  it("a changed quality changes exactly that preset's recipe hash, file key and URL version", async () => {
    const { gallery, listKeys } = await openGallery();
    const photo = await photoOf(gallery);
    const before = versions(gallery, photo);
    const first = await gallery.derivatives.get(SYSTEM, photo.id, "medium");
    await gallery.derivatives.get(SYSTEM, photo.id, "thumb");
    const thumbs = (await listKeys()).filter((k) => k.includes("/thumb-"));
    expect(thumbs).toHaveLength(1);
    const keysBefore = (await listKeys()).filter((k) => k.includes("/medium-"));
    expect(keysBefore).toHaveLength(1);

    await gallery.settings.updateDerivatives(SYSTEM, { presets: { medium: { quality: 55 } } });
    const after = versions(gallery, photo);
    expect(after.medium).not.toBe(before.medium);
    for (const name of Object.keys(before)) if (name !== "medium") expect(after[name]).toBe(before[name]);

    const medium = DEFAULT_PRESETS.find((p) => p.name === "medium");
    if (!medium) throw new Error("no medium preset");
    expect(recipeHash({ ...medium, quality: 55 }, "jpeg")).not.toBe(recipeHash(medium, "jpeg"));
    const second = await gallery.derivatives.get(SYSTEM, photo.id, "medium");
    expect(second.version).toBe(after.medium);
    expect(second.etag).not.toBe(first.etag);
    const keysAfter = (await listKeys()).filter((k) => k.includes("/medium-"));
    expect(keysAfter).toContain(
      `derivatives/${photo.sha256.slice(0, 2)}/${photo.sha256}/medium-${recipeHash({ ...medium, quality: 55 }, "jpeg")}.jpg`,
    );
    // The other presets' files are untouched: asking for thumb again makes nothing new.
    await gallery.derivatives.get(SYSTEM, photo.id, "thumb");
    expect((await listKeys()).filter((k) => k.includes("/thumb-"))).toEqual(thumbs);
    // A rebuild removes the stale medium file of the old recipe only.
    await gallery.derivatives.rebuild(SYSTEM, { presets: ["medium"] });
    const mediums = (await listKeys()).filter((k) => k.includes("/medium-"));
    expect(mediums).toHaveLength(1);
    expect(mediums[0]).toContain(recipeHash({ ...medium, quality: 55 }, "jpeg"));
  });

  it("a disabled preset answers with the next smaller enabled one; optional presets can be turned on", async () => {
    const { gallery } = await openGallery();
    const photo = await photoOf(gallery);
    expect(gallery.derivatives.presets().map((p) => p.name)).not.toContain("3xlarge");
    await gallery.settings.updateDerivatives(SYSTEM, {
      presets: { large: { enabled: false }, xlarge: { enabled: false }, "3xlarge": { enabled: true } },
    });
    const names = gallery.derivatives.presets().map((p) => p.name);
    expect(names).not.toContain("large");
    expect(names).not.toContain("xlarge");
    expect(names).toContain("3xlarge");
    expect(gallery.derivatives.catalogue().find((p) => p.name === "large")).toMatchObject({
      enabled: false,
      eager: false,
    });
    const served = await gallery.derivatives.get(SYSTEM, photo.id, "xlarge");
    expect(served.version).toBe(versions(gallery, photo).medium);
    // Eager presets (made on upload) are never disabled; a list left with nothing enabled keeps its switches.
    await gallery.settings.updateDerivatives(SYSTEM, { presets: { thumb: { enabled: false } } });
    expect(gallery.derivatives.presets().map((p) => p.name)).toContain("thumb");
    const off = Object.fromEntries(DEFAULT_PRESETS.map((p) => [p.name, { enabled: false }]));
    const { gallery: lonely } = await openGallery({ derivatives: { eager: [] } });
    await lonely.settings.updateDerivatives(SYSTEM, { presets: off });
    expect(lonely.derivatives.presets().length).toBeGreaterThan(0);
    // Unknown names are ignored; resetting puts the configured presets back.
    await gallery.settings.updateDerivatives(SYSTEM, { presets: { nosuch: { enabled: true } } });
    expect(gallery.derivatives.presets().map((p) => p.name)).toContain("large");
    expect(gallery.derivatives.presets().map((p) => p.name)).not.toContain("3xlarge");
    expect(await errorCode(gallery.derivatives.get(SYSTEM, photo.id, "nosuch"))).toBe("PRESET_NOT_FOUND");
  });

  it("the stored format order drives negotiation; JPEG stays the fallback", async () => {
    const { gallery } = await openGallery({ derivatives: { formats: ["jpeg"] } });
    const photo = await photoOf(gallery);
    const accept = "image/avif,image/webp,*/*";
    expect((await gallery.derivatives.get(SYSTEM, photo.id, "thumb", { accept })).contentType).toBe(
      "image/jpeg",
    );
    await gallery.settings.updateDerivatives(SYSTEM, { formats: ["webp", "jpeg"] });
    expect(gallery.derivatives.formats()).toEqual(["webp", "jpeg"]);
    expect((await gallery.derivatives.get(SYSTEM, photo.id, "thumb", { accept })).contentType).toBe(
      "image/webp",
    );
    expect(
      (await gallery.derivatives.get(SYSTEM, photo.id, "thumb", { accept: "image/jpeg" })).contentType,
    ).toBe("image/jpeg");
    await gallery.settings.updateDerivatives(SYSTEM, { formats: null });
    expect(gallery.derivatives.formats()).toEqual(["jpeg"]);
  });

  it("validates every field and lets only admins change them", async () => {
    const { gallery } = await openGallery();
    const bad: unknown[] = [
      { presets: { medium: { quality: 0 } } },
      { presets: { medium: { quality: 101 } } },
      { presets: { medium: { quality: 1.5 } } },
      { presets: { medium: { quality: "90" } } },
      { presets: { medium: { enabled: "yes" } } },
      { presets: { "../x": { enabled: true } } },
      { presets: { medium: null } },
      { presets: [] },
      { formats: [] },
      { formats: ["gif", "jpeg"] },
      { formats: ["webp"] },
      { formats: ["jpeg", "jpeg"] },
      { formats: "jpeg" },
    ];
    for (const patch of bad)
      expect(
        await errorCode(gallery.settings.updateDerivatives(SYSTEM, patch as never)),
        JSON.stringify(patch),
      ).toBe("VALIDATION_FAILED");
    const member: UserActor = { kind: "user", userId: "u", role: "member", privacyLevel: 0, groupIds: [] };
    expect(await errorCode(gallery.settings.updateDerivatives(member, { formats: null }))).toBe("FORBIDDEN");
    expect(await errorCode(gallery.settings.updateDerivatives(GUEST, { formats: null }))).toBe(
      "UNAUTHENTICATED",
    );
    expect(await gallery.settings.derivatives()).toEqual({ presets: {}, formats: null });
  });

  it("another process picks a change up once its cached copy is older than the settings TTL", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vernissage-core-"));
    const adapters = await stackAdapters(dir);
    const open = (database = adapters.database) =>
      createGallery({ database, storage: adapters.storage, jobs: { run: false }, logger: silent });
    const one = await open();
    const two = await open(adapters.connectAgain());
    try {
      const photo = await photoOf(one);
      const before = versions(two, photo);
      await one.settings.updateDerivatives(SYSTEM, { presets: { small: { quality: 40 } } });
      expect(versions(one, photo).small).not.toBe(before.small);
      // Within the TTL the other process still serves its cached copy...
      expect(versions(two, photo).small).toBe(before.small);
      // ...and re-reads once the copy is older than the TTL (the clock moved, not a wait).
      const now = Date.now();
      vi.spyOn(Date, "now").mockReturnValue(now + SETTINGS_TTL_MS + 1);
      await two.settings.derivatives();
      expect(versions(two, photo).small).toBe(versions(one, photo).small);
      const served = await two.derivatives.get(SYSTEM, photo.id, "small");
      expect(served.version).toBe(versions(one, photo).small);
    } finally {
      vi.restoreAllMocks();
      await two.close();
      await one.close();
      await adapters.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
