import { SYSTEM, type UserActor } from "@vernissage/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formPost as post, setup } from "./helpers.js";

type T = Awaited<ReturnType<typeof setup>>;

async function api(t: T, cookie: string, method: string, path: string, body?: unknown) {
  const res = await t.request(path, {
    method,
    cookie,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies checked field by field
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

const unlock = (t: T, token: string, password?: string) =>
  t.request(`/s/${token}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(password === undefined ? {} : { password }),
  });

describe("share links: editing and pages", () => {
  let t: T;
  let owner: string;
  let member: string;
  let albumId: string;
  let memberActor: UserActor;

  beforeAll(async () => {
    t = await setup();
    owner = await t.login();
    const mia = await t.gallery.users.create(SYSTEM, {
      username: "mia",
      password: "a long member password",
      role: "member",
      privacyLevel: 2,
    });
    memberActor = { kind: "user", userId: mia.id, role: "member", privacyLevel: 2, groupIds: [] };
    member = await t.login("mia", "a long member password");
    albumId = (await t.gallery.albums.create(SYSTEM, { name: "Holidays" })).id;
    await t.gallery.access.grant(SYSTEM, albumId, { userId: mia.id, role: "manager" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("edits expiry, password (set, keep, clear), openings, level and rights from /account/shares", async () => {
    const { share, token } = await t.gallery.shares.create(memberActor, {
      albumId,
      password: "first secret",
      expiresAt: Date.UTC(2990, 0, 1, 10),
      maxUses: 3,
    });
    const list = await (await t.request("/account/shares", { cookie: member })).text();
    expect(list).toContain(`href="/account/shares/${share.id}/edit"`);

    const page = await t.request(`/account/shares/${share.id}/edit`, { cookie: member });
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const form = await page.text();
    expect(form).toContain('value="2990-01-01"');
    expect(form).not.toContain("first secret");

    // Without the CSRF token nothing changes.
    expect((await post(t, member, `/account/shares/${share.id}/edit`, { maxUses: "9" }, false)).status).toBe(
      403,
    );

    // Same day re-posted: the expiry keeps its exact time; the password is kept; rights change.
    const saved = await post(t, member, `/account/shares/${share.id}/edit`, {
      expiresAt: "2990-01-01",
      expiresWas: "2990-01-01",
      password: "",
      maxUses: "9",
      privacyLevel: "2",
      canDownload: "1",
      canUpload: "1",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/account/shares?done=share-saved");
    let link = await t.gallery.shares.get(SYSTEM, share.id);
    expect(link).toMatchObject({
      expiresAt: Date.UTC(2990, 0, 1, 10),
      hasPassword: true,
      maxUses: 9,
      privacyLevel: 2,
      canDownload: true,
      canUpload: true,
    });
    expect((await unlock(t, token, "first secret")).status).toBe(303);

    // A new day, a new password (the old one stops), unlimited openings, rights off.
    await post(t, member, `/account/shares/${share.id}/edit`, {
      expiresAt: "2991-06-30",
      expiresWas: "2990-01-01",
      password: "second secret",
      maxUses: "",
      privacyLevel: "0",
    });
    link = await t.gallery.shares.get(SYSTEM, share.id);
    expect(link).toMatchObject({
      expiresAt: Date.UTC(2991, 5, 30, 23, 59, 59, 999),
      maxUses: null,
      privacyLevel: 0,
      canDownload: false,
      canUpload: false,
    });
    expect((await unlock(t, token, "first secret")).status).toBe(401);
    expect((await unlock(t, token, "second secret")).status).toBe(303);

    // Clearing the password and the expiry opens the link without one.
    await post(t, member, `/account/shares/${share.id}/edit`, {
      expiresAt: "",
      expiresWas: "2991-06-30",
      clearPassword: "1",
      privacyLevel: "0",
    });
    link = await t.gallery.shares.get(SYSTEM, share.id);
    expect(link).toMatchObject({ expiresAt: null, hasPassword: false });
    expect((await unlock(t, token)).status).toBe(303);
  });

  it("refuses hostile edits with 400/403/404 and changes nothing", async () => {
    const { share } = await t.gallery.shares.create(memberActor, { albumId, maxUses: 5 });
    const before = await t.gallery.shares.get(SYSTEM, share.id);
    const hostile: Record<string, string>[] = [
      { expiresAt: "2001-01-01", expiresWas: "" },
      { expiresAt: "tomorrow", expiresWas: "" },
      { expiresAt: "2999-13-45", expiresWas: "" },
      { maxUses: "-1" },
      { maxUses: "0" },
      { maxUses: "1e3" },
      { privacyLevel: "3" },
      { privacyLevel: "<script>" },
      { password: "abc" },
      { password: "x".repeat(1025) },
      { password: "new password", clearPassword: "1" },
    ];
    for (const fields of hostile) {
      const res = await post(t, member, `/account/shares/${share.id}/edit`, { privacyLevel: "0", ...fields });
      expect(res.status, JSON.stringify(fields).slice(0, 80)).toBe(400);
    }
    // A member may not raise a link above their own level.
    expect((await post(t, member, `/account/shares/${share.id}/edit`, { privacyLevel: "8" })).status).toBe(
      403,
    );
    expect(await t.gallery.shares.get(SYSTEM, share.id)).toEqual(before);

    // Someone else's link, or none: 404 on the page and on the post.
    const { share: owners } = await t.gallery.shares.create(SYSTEM, { albumId });
    expect((await t.request(`/account/shares/${owners.id}/edit`, { cookie: member })).status).toBe(404);
    expect((await post(t, member, `/account/shares/${owners.id}/edit`, { maxUses: "1" })).status).toBe(404);
    expect((await t.request("/account/shares/..%2F..%2Fetc/edit", { cookie: member })).status).toBe(404);
    expect((await t.request("/account/shares/nope/edit", { cookie: member })).status).toBe(404);
    // Guests are sent to log in; the owner (an admin) may edit anyone's link.
    expect((await t.request(`/account/shares/${share.id}/edit`)).status).toBe(303);
    expect((await t.request(`/account/shares/${share.id}/edit`, { cookie: owner })).status).toBe(200);
  });

  it("pages /account/shares and the API with a keyset cursor", async () => {
    const { gallery } = t;
    const other = (await gallery.albums.create(SYSTEM, { name: "Paging" })).id;
    for (let i = 0; i < 55; i++) await gallery.shares.create(SYSTEM, { albumId: other });

    const seen = new Set<string>();
    let href: string | null = "/account/shares";
    let pages = 0;
    while (href !== null) {
      const html: string = await (await t.request(href, { cookie: owner })).text();
      for (const m of html.matchAll(/\/account\/shares\/([A-Za-z0-9_-]+)\/revoke/g)) {
        expect(seen.has(m[1] as string)).toBe(false);
        seen.add(m[1] as string);
      }
      const next: RegExpExecArray | null = /<a class="button" rel="next" href="([^"]+)"/.exec(html);
      href = next ? (next[1] as string).replaceAll("&amp;", "&") : null;
      if (pages > 0) expect(html).toContain('href="/account/shares">');
      pages += 1;
    }
    const all = await gallery.shares.list(SYSTEM);
    expect(pages).toBe(Math.ceil(all.length / 50));
    expect(seen.size).toBe(all.length);

    // A forged cursor shows the first page again rather than failing.
    expect((await t.request("/account/shares?cursor=%3Cscript%3E", { cookie: owner })).status).toBe(200);

    // The API pages the same way, filters by album, and refuses forged cursors.
    const first = await api(t, owner, "GET", `/api/v1/shares?limit=20&albumId=${other}`);
    expect(first.status).toBe(200);
    expect(first.body?.items).toHaveLength(20);
    const ids = new Set<string>(first.body?.items.map((s: { id: string }) => s.id));
    let cursor: string | null = first.body?.nextCursor;
    while (cursor !== null) {
      const page = await api(
        t,
        owner,
        "GET",
        `/api/v1/shares?limit=20&albumId=${other}&cursor=${encodeURIComponent(cursor)}`,
      );
      for (const s of page.body?.items ?? []) ids.add(s.id);
      cursor = page.body?.nextCursor ?? null;
    }
    expect(ids.size).toBe(55);
    const forged = await api(t, owner, "GET", "/api/v1/shares?cursor=bm9wZQ");
    expect(forged.status).toBe(400);
    expect(forged.body?.code).toBe("INVALID_CURSOR");
    expect((await api(t, owner, "GET", "/api/v1/shares?limit=0")).body?.code).toBe("VALIDATION_FAILED");
    expect((await api(t, owner, "GET", "/api/v1/shares?limit=201")).body?.code).toBe("VALIDATION_FAILED");
  });

  it("updateShareLink changes the level, never above the caller's", async () => {
    const { share } = await t.gallery.shares.create(memberActor, { albumId });
    const raised = await api(t, member, "PATCH", `/api/v1/shares/${share.id}`, { privacyLevel: 2 });
    expect(raised.status).toBe(200);
    expect(raised.body?.privacyLevel).toBe(2);
    const above = await api(t, member, "PATCH", `/api/v1/shares/${share.id}`, { privacyLevel: 4 });
    expect(above.body?.code).toBe("FORBIDDEN");
    const odd = await api(t, member, "PATCH", `/api/v1/shares/${share.id}`, { privacyLevel: 3 });
    expect(odd.body?.code).toBe("VALIDATION_FAILED");
    expect((await t.gallery.shares.get(SYSTEM, share.id)).privacyLevel).toBe(2);
  });
});
