import { SYSTEM } from "@vernissage/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeJpeg, formPost as post, setup } from "./helpers.js";

type T = Awaited<ReturnType<typeof setup>>;

describe("/admin/settings: derivative presets and formats", () => {
  let t: T;
  let admin: string;
  let member: string;

  /** The form as a browser posts it: every preset's quality, ticked boxes for enabled ones, then changes. */
  function formFields(changes: { quality?: Record<string, string>; off?: string[]; on?: string[] } = {}) {
    const fields: [string, string][] = [];
    for (const p of t.gallery.derivatives.catalogue()) {
      fields.push([`quality.${p.name}`, changes.quality?.[p.name] ?? String(p.quality)]);
      const on = (p.enabled && !changes.off?.includes(p.name)) || changes.on?.includes(p.name);
      if (on && !p.eager) fields.push([`enabled.${p.name}`, "1"]);
    }
    return fields;
  }

  beforeAll(async () => {
    t = await setup();
    admin = await t.login();
    await t.gallery.users.create(SYSTEM, {
      username: "mia",
      password: "a long member password",
      role: "member",
    });
    member = await t.login("mia", "a long member password");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("shows every preset with its switch and quality, eager ones locked on, in English and French", async () => {
    const page = await (await t.request("/admin/settings", { cookie: admin })).text();
    expect(page).toContain('action="/admin/settings/derivatives"');
    expect(page).toMatch(
      /<input id="preset-enabled-3xlarge" name="enabled.3xlarge" type="checkbox" value="1">/,
    );
    expect(page).toMatch(
      /<input id="preset-enabled-large" name="enabled.large" type="checkbox" value="1" checked>/,
    );
    expect(page).toMatch(/<input id="preset-enabled-thumb" type="checkbox" checked disabled/);
    expect(page).toContain(
      'name="quality.medium" type="number" min="1" max="100" step="1" required value="82"',
    );
    const fr = await (
      await t.request("/admin/settings", { cookie: admin, headers: { "accept-language": "fr" } })
    ).text();
    expect(fr).toContain("Tailles et formats d’image");
    // Admins only.
    expect((await t.request("/admin/settings", { cookie: member })).status).toBe(403);
    expect((await post(t, member, "/admin/settings/derivatives", formFields())).status).toBe(403);
    expect((await t.request("/admin/settings")).status).toBe(303);
    expect((await post(t, admin, "/admin/settings/derivatives", formFields(), false)).status).toBe(403);
    expect(await t.gallery.settings.derivatives()).toEqual({ presets: {}, formats: null });
  });

  it("stores only what differs from the configuration, and the photo URLs of changed presets change", async () => {
    const album = await t.createAlbum(admin, { name: "A" });
    const { json } = await t.upload(admin, album.json.id as string, await makeJpeg(1600, 1200));
    const photoId = (json.photo as { id: string }).id;
    const urls = async () => {
      const res = await t.request(`/api/v1/photos/${photoId}`, { cookie: admin });
      const body = (await res.json()) as { derivatives: Record<string, { url: string }> };
      return Object.fromEntries(Object.entries(body.derivatives).map(([k, v]) => [k, v.url]));
    };
    const before = await urls();
    expect(before["3xlarge"]).toBeUndefined();

    const saved = await post(
      t,
      admin,
      "/admin/settings/derivatives",
      formFields({ quality: { medium: "60" }, off: ["large"], on: ["3xlarge"] }),
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/admin/settings?done=derivatives");
    expect(await t.gallery.settings.derivatives()).toEqual({
      presets: { medium: { quality: 60 }, large: { enabled: false }, "3xlarge": { enabled: true } },
      formats: null,
    });
    const after = await urls();
    expect(after.medium).not.toBe(before.medium);
    expect(after.thumb).toBe(before.thumb);
    expect(after.large).toBeUndefined();
    expect(after["3xlarge"]).toBeDefined();

    // A new format order changes what every URL may serve, so every version changes.
    await post(t, admin, "/admin/settings/derivatives", [
      ...formFields({ quality: { medium: "60" }, off: ["large"], on: ["3xlarge"] }),
      ["formats", "webp,jpeg"],
    ]);
    expect((await t.gallery.settings.derivatives()).formats).toEqual(["webp", "jpeg"]);
    expect((await urls()).thumb).not.toBe(before.thumb);
    const page = await (await t.request("/admin/settings?done=derivatives", { cookie: admin })).text();
    expect(page).toContain("The image settings were saved.");
    expect(page).toContain('<option value="webp,jpeg" selected>');

    const reset = await post(t, admin, "/admin/settings/derivatives", [["reset", "1"]]);
    expect(reset.status).toBe(303);
    expect(await t.gallery.settings.derivatives()).toEqual({ presets: {}, formats: null });
    expect((await urls()).medium).toBe(before.medium);
  });

  it("refuses hostile values with 400 and stores nothing", async () => {
    const hostile: [string, string][][] = [
      formFields({ quality: { medium: "0" } }),
      formFields({ quality: { medium: "101" } }),
      formFields({ quality: { medium: "8.5" } }),
      formFields({ quality: { medium: "<script>" } }),
      formFields({ quality: { medium: "" } }),
      [...formFields(), ["formats", "gif,jpeg"]],
      [...formFields(), ["formats", "jpeg,webp"]],
      [...formFields(), ["formats", "webp"]],
    ];
    for (const fields of hostile) {
      const res = await post(t, admin, "/admin/settings/derivatives", fields);
      expect(
        res.status,
        JSON.stringify(fields.filter(([k]) => k.includes("medium") || k === "formats")),
      ).toBe(400);
    }
    // An eager preset cannot be switched off, even by a forged form.
    await post(
      t,
      admin,
      "/admin/settings/derivatives",
      formFields().filter(([k]) => k !== "enabled.thumb"),
    );
    expect(t.gallery.derivatives.presets().map((p) => p.name)).toContain("thumb");
    expect(await t.gallery.settings.derivatives()).toEqual({ presets: {}, formats: null });
  });
});
