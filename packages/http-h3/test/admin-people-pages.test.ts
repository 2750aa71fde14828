import { definePlugin, SYSTEM } from "@vernissage/core";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { formPost as post, setup } from "./helpers.js";

type T = Awaited<ReturnType<typeof setup>>;

const HOSTILE = `<script>alert("x")</script>&"'`;

/** Everything any logger wrote during the run (the token secret must never be in it). */
const logged: string[] = [];

const greeter = definePlugin({
  name: "greeter",
  version: "2.1.0",
  description: "Says hello",
  config: z.object({
    greeting: z.string().min(1).default("Hello").describe("What to say"),
    times: z.number().int().min(1).max(5).default(1),
    loud: z.boolean().default(false),
    tone: z.enum(["warm", "dry"]).default("warm"),
  }),
  setup() {},
});

const text = async (res: Response) => res.text();

describe("admin people pages: users, groups, share links, tokens, plugins, jobs", () => {
  let t: T;
  let owner: string;
  let admin: string;
  let member: string;
  let memberId: string;

  beforeAll(async () => {
    const sink = { write: (line: string) => logged.push(line) };
    const galleryLogger = {
      debug: (...args: unknown[]) => logged.push(JSON.stringify(args)),
      info: (...args: unknown[]) => logged.push(JSON.stringify(args)),
      warn: (...args: unknown[]) => logged.push(JSON.stringify(args)),
      error: (...args: unknown[]) => logged.push(JSON.stringify(args)),
    };
    t = await setup({
      app: { logger: pino({ level: "trace" }, sink) },
      gallery: {
        plugins: [greeter],
        identity: { registration: "approval" },
        logger: galleryLogger as never,
      },
    });
    owner = await t.login();
    await t.gallery.users.create(SYSTEM, { username: "root2", password: "an admin password", role: "admin" });
    admin = await t.login("root2", "an admin password");
    const mia = await t.gallery.users.create(SYSTEM, {
      username: "mia",
      password: "a long member password",
      role: "member",
    });
    memberId = mia.id;
    member = await t.login("mia", "a long member password");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("sends guests to log in and refuses members on admin pages, but not on their own tokens and links", async () => {
    for (const path of [
      "/admin/users",
      "/admin/groups",
      "/admin/plugins",
      "/admin/jobs",
      "/account/tokens",
    ]) {
      const guest = await t.request(path);
      expect(guest.status).toBe(303);
      expect(guest.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    for (const path of ["/admin/users", "/admin/groups", "/admin/plugins", "/admin/jobs"]) {
      const refused = await t.request(path, { cookie: member });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain("FORBIDDEN");
    }
    const memberPost = await post(t, member, "/admin/users", { username: "sneaky", role: "member" });
    expect(memberPost.status).toBe(403);
    expect(await t.gallery.users.findByUsername(SYSTEM, "sneaky")).toBeNull();
    for (const path of ["/account/tokens", "/account/shares"]) {
      const own = await t.request(path, { cookie: member });
      expect(own.status).toBe(200);
      const page = await own.text();
      // A member's tabs lead only to their own links and tokens.
      expect(page).not.toContain('href="/admin/users"');
      expect(page).toContain('href="/account/tokens"');
    }
  });

  it("creates users with groups, escapes what they typed and refuses posts without the CSRF token", async () => {
    const friends = await t.gallery.groups.create(SYSTEM, { name: "Friends" });
    const refused = await post(t, owner, "/admin/users", { username: "nocsrf", role: "member" }, false);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("CSRF_REJECTED");

    const created = await post(t, owner, "/admin/users", {
      username: "zoe",
      displayName: HOSTILE,
      password: "zoe's long password",
      role: "member",
      privacyLevel: "4",
      sharedAccount: "1",
      groupId: friends.id,
    });
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe("/admin/users?done=user-created");
    const zoe = await t.gallery.users.findByUsername(SYSTEM, "zoe");
    expect(zoe).toMatchObject({ privacyLevel: 4, sharedAccount: true, role: "member", displayName: HOSTILE });
    expect(await t.gallery.groups.members(SYSTEM, friends.id)).toEqual([zoe?.id]);

    const list = await text(await t.request("/admin/users?done=user-created", { cookie: owner }));
    expect(list).toContain("The user was created.");
    expect(list).not.toContain("<script>alert");
    expect(list).toContain("&lt;script&gt;");
    expect(list).toContain(`href="/admin/users/${zoe?.id}"`);

    // Hostile and invalid values: a bad username, an unknown role, an unknown level.
    const hostileUsers: Record<string, string>[] = [
      { username: "../etc", role: "member" },
      { username: "ok-name", role: "emperor" },
      { username: "ok-name", role: "member", privacyLevel: "3" },
    ];
    for (const fields of hostileUsers) {
      const bad = await post(t, owner, "/admin/users", fields);
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain("Check the fields of the form.");
    }
    const taken = await post(t, owner, "/admin/users", { username: "zoe", role: "member" });
    expect(taken.status).toBe(409);
    expect(await t.gallery.users.findByUsername(SYSTEM, "ok-name")).toBeNull();
  });

  it("searches users by name and paginates", async () => {
    for (const n of ["alpha", "alphonse", "bravo"]) {
      await t.gallery.users.create(SYSTEM, { username: n, displayName: `Person ${n.toUpperCase()}` });
    }
    const found = await text(await t.request("/admin/users?q=ALPH", { cookie: owner }));
    expect(found).toContain(">alpha</a>");
    expect(found).toContain(">alphonse</a>");
    expect(found).not.toContain(">bravo</a>");
    // Display names match too, and LIKE wildcards match only themselves.
    expect(await text(await t.request("/admin/users?q=person%20bra", { cookie: owner }))).toContain(
      ">bravo</a>",
    );
    const wildcard = await text(await t.request("/admin/users?q=%25", { cookie: owner }));
    expect(wildcard).toContain("No user matches.");

    for (let i = 0; i < 55; i++)
      await t.gallery.users.create(SYSTEM, { username: `bulk-${String(i).padStart(2, "0")}` });
    const first = await text(await t.request("/admin/users?q=bulk", { cookie: owner }));
    expect(first.match(/data-testid="user-row"/g)).toHaveLength(50);
    const next = /<a class="button" rel="next" href="([^"]+)"/.exec(first)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toMatch(/^\/admin\/users\?q=bulk&cursor=/);
    const second = await text(await t.request(next ?? "", { cookie: owner }));
    expect(second.match(/data-testid="user-row"/g)).toHaveLength(5);
    expect(second).toContain(">bulk-54</a>");
    expect(second).not.toContain(">bulk-00</a>");
  });

  it("lets core decide roles: an admin may not create an owner, raise a member, nor touch the owner", async () => {
    const owners = await post(t, admin, "/admin/users", { username: "wannabe", role: "owner" });
    expect(owners.status).toBe(403);
    expect(await owners.text()).toContain("Your role does not allow this change.");
    expect(await t.gallery.users.findByUsername(SYSTEM, "wannabe")).toBeNull();

    const edit = {
      displayName: "Mia",
      role: "admin",
      status: "active",
      privacyLevel: "0",
    };
    const raised = await post(t, admin, `/admin/users/${memberId}`, edit);
    expect(raised.status).toBe(403);
    expect((await t.gallery.users.get(SYSTEM, memberId)).role).toBe("member");

    const ownerRow = await t.gallery.users.findByUsername(SYSTEM, "admin");
    const demote = await post(t, admin, `/admin/users/${ownerRow?.id}`, {
      ...edit,
      displayName: "x",
      role: "member",
    });
    expect(demote.status).toBe(403);
    // The owner may not change their own role either.
    const self = await post(t, owner, `/admin/users/${ownerRow?.id}`, {
      ...edit,
      displayName: "Boss",
      role: "member",
    });
    expect(self.status).toBe(403);
    expect((await t.gallery.users.get(SYSTEM, ownerRow?.id ?? "")).role).toBe("owner");
  });

  it("edits a member's level, status and groups, and deletes after confirmation", async () => {
    const family = await t.gallery.groups.create(SYSTEM, { name: "Family" });
    const dan = await t.gallery.users.create(SYSTEM, { username: "dan", password: "dan's long password" });
    const page = await text(await t.request(`/admin/users/${dan.id}`, { cookie: admin }));
    expect(page).toContain('name="groupsShown"');
    const saved = await post(t, admin, `/admin/users/${dan.id}`, {
      displayName: "Dan D.",
      email: "dan@example.org",
      role: "member",
      status: "disabled",
      privacyLevel: "2",
      groupsShown: "1",
      groupId: family.id,
    });
    expect(saved.status).toBe(303);
    expect(await t.gallery.users.get(SYSTEM, dan.id)).toMatchObject({
      displayName: "Dan D.",
      email: "dan@example.org",
      status: "disabled",
      privacyLevel: 2,
    });
    expect(await t.gallery.groups.members(SYSTEM, family.id)).toEqual([dan.id]);
    // Unticking the group removes the membership.
    await post(t, admin, `/admin/users/${dan.id}`, {
      displayName: "Dan D.",
      role: "member",
      status: "active",
      privacyLevel: "2",
      groupsShown: "1",
    });
    expect(await t.gallery.groups.members(SYSTEM, family.id)).toEqual([]);

    const confirm = await text(await t.request(`/admin/users/${dan.id}/delete`, { cookie: admin }));
    expect(confirm).toContain('data-testid="confirm-delete"');
    const unconfirmed = await post(t, admin, `/admin/users/${dan.id}/delete`, {});
    expect(unconfirmed.status).toBe(303);
    expect((await t.gallery.users.get(SYSTEM, dan.id)).id).toBe(dan.id);
    const deleted = await post(t, admin, `/admin/users/${dan.id}/delete`, { confirm: "yes" });
    expect(deleted.headers.get("location")).toBe("/admin/users?done=user-deleted");
    await expect(t.gallery.users.get(SYSTEM, dan.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // An admin may not delete the owner; a missing user is a 404 page.
    const ownerRow = await t.gallery.users.findByUsername(SYSTEM, "admin");
    expect((await post(t, admin, `/admin/users/${ownerRow?.id}/delete`, { confirm: "yes" })).status).toBe(
      403,
    );
    expect((await t.request("/admin/users/nope", { cookie: admin })).status).toBe(404);
    expect((await t.request("/admin/users/..%2F..%2Fetc", { cookie: admin })).status).toBe(404);
  });

  it("lists pending registrations and approves them", async () => {
    const register = await t.request("/register", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "newbie", password: "a newbie password" }),
    });
    expect(register.status).toBe(200);
    const pending = await text(await t.request("/admin/users?filter=pending", { cookie: owner }));
    expect(pending).toContain(">newbie</a>");
    expect(pending).not.toContain(">mia</a>");
    const newbie = await t.gallery.users.findByUsername(SYSTEM, "newbie");
    expect(newbie?.status).toBe("pending");
    expect(pending).toContain(`action="/admin/users/${newbie?.id}/approve"`);
    const noToken = await post(t, owner, `/admin/users/${newbie?.id}/approve`, {}, false);
    expect(noToken.status).toBe(403);
    const approved = await post(t, owner, `/admin/users/${newbie?.id}/approve`, {});
    expect(approved.headers.get("location")).toBe("/admin/users?filter=pending&done=user-approved");
    expect((await t.gallery.users.get(SYSTEM, newbie?.id ?? "")).status).toBe("active");
    await t.login("newbie", "a newbie password");
  });

  it("manages groups: create, rename, default flag, members, delete", async () => {
    const created = await post(t, admin, "/admin/groups", { name: "Climbers", isDefault: "1" });
    expect(created.headers.get("location")).toBe("/admin/groups?done=group-created");
    const climbers = (await t.gallery.groups.list(SYSTEM)).items.find((g) => g.name === "Climbers");
    expect(climbers?.isDefault).toBe(true);
    expect((await post(t, admin, "/admin/groups", { name: "Climbers" })).status).toBe(409);
    expect((await post(t, admin, "/admin/groups", { name: " " })).status).toBe(400);
    expect((await post(t, admin, "/admin/groups", { name: "x" }, false)).status).toBe(403);

    const id = climbers?.id ?? "";
    const renamed = await post(t, admin, `/admin/groups/${id}`, { name: HOSTILE });
    expect(renamed.status).toBe(303);
    expect(await t.gallery.groups.get(SYSTEM, id)).toMatchObject({ name: HOSTILE, isDefault: false });

    expect((await post(t, admin, `/admin/groups/${id}/members`, { userId: memberId })).status).toBe(303);
    expect(await t.gallery.groups.members(SYSTEM, id)).toEqual([memberId]);
    const page = await text(await t.request(`/admin/groups/${id}?done=members`, { cookie: admin }));
    expect(page).toContain("The members were updated.");
    expect(page).toContain("(mia)");
    expect(page).not.toContain("<script>alert");
    // Unknown and hostile user ids are refused without a change.
    expect((await post(t, admin, `/admin/groups/${id}/members`, { userId: "nobody" })).status).toBe(400);
    expect(
      (await post(t, admin, `/admin/groups/${id}/members`, { userId: "'; drop table users;--" })).status,
    ).toBe(400);
    expect((await post(t, admin, `/admin/groups/${id}/members/remove`, { userId: memberId })).status).toBe(
      303,
    );
    expect(await t.gallery.groups.members(SYSTEM, id)).toEqual([]);

    expect(await text(await t.request(`/admin/groups/${id}/delete`, { cookie: admin }))).toContain(
      "confirm-delete",
    );
    expect((await post(t, admin, `/admin/groups/${id}/delete`, { confirm: "yes" })).status).toBe(303);
    await expect(t.gallery.groups.get(SYSTEM, id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("creates a password share link, shows its URL once, counts views and revokes it", async () => {
    const { json: album } = await t.createAlbum(owner, { name: "Holidays", visibility: "private" });
    const page = await text(await t.request("/account/shares", { cookie: owner }));
    expect(page).toContain(`<option value="${album.id}">Holidays</option>`);
    expect(page).toMatch(/<script src="\/assets\/[0-9a-f]+\/admin-people\.js" defer>/);

    expect((await post(t, owner, "/account/shares", { albumId: String(album.id) }, false)).status).toBe(403);
    const created = await post(t, owner, "/account/shares", {
      albumId: String(album.id),
      password: "open sesame",
      expiresAt: "2999-01-01",
      maxUses: "5",
      privacyLevel: "0",
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const body = await created.text();
    const shareUrl = /<input id="share-url"[^>]*value="(http:\/\/gallery\.test\/s\/([a-z0-9]+))"/.exec(body);
    expect(shareUrl).not.toBeNull();
    const token = shareUrl?.[2] ?? "";
    expect(body).toContain("password");

    // Shown once: the list never shows the token again.
    const again = await text(await t.request("/account/shares", { cookie: owner }));
    expect(again).not.toContain(token);
    expect(again).toContain(`${token.slice(0, 6)}…`);
    expect(again).toContain("Album Holidays");

    // A guest opens it with the password.
    const wrong = await t.request(`/s/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ password: "nope" }),
    });
    expect(wrong.status).toBe(401);
    const opened = await t.request(`/s/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ password: "open sesame" }),
    });
    expect(opened.status).toBe(303);
    const [link] = await t.gallery.shares.list(SYSTEM);
    expect(link?.useCount).toBe(1);

    // Hostile values: past expiry, bad dates, bad ids, unknown albums.
    const hostileShares: Record<string, string>[] = [
      { albumId: String(album.id), expiresAt: "2001-01-01" },
      { albumId: String(album.id), expiresAt: "tomorrow" },
      { albumId: String(album.id), maxUses: "-1" },
      { albumId: "", photoIds: "<bad>" },
      { albumId: "missing-album" },
    ];
    for (const fields of hostileShares) {
      expect((await post(t, owner, "/account/shares", fields)).status).toBe(400);
    }
    expect((await post(t, member, "/account/shares", { albumId: String(album.id) })).status).toBe(400);

    // Members see only their own links; they may not revoke someone else's.
    const memberPage = await text(await t.request("/account/shares", { cookie: member }));
    expect(memberPage).toContain("Your share links");
    expect(memberPage).not.toContain(token.slice(0, 6));
    expect((await post(t, member, `/account/shares/${link?.id}/revoke`, {})).status).toBe(404);

    const revoked = await post(t, owner, `/account/shares/${link?.id}/revoke`, {});
    expect(revoked.headers.get("location")).toBe("/account/shares?done=share-revoked");
    expect((await t.gallery.shares.list(SYSTEM))[0]?.revokedAt).not.toBeNull();
    const gone = await t.request(`/s/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ password: "open sesame" }),
    });
    expect(gone.status).toBe(404);
  });

  it("creates an API token whose secret shows once, works as a bearer, never reaches the logs, and revokes it", async () => {
    const page = await text(await t.request("/account/tokens", { cookie: member }));
    // A member is not offered the staff scopes.
    expect(page).toContain('value="photos:read"');
    expect(page).not.toContain('value="admin"');
    const staff = await post(t, member, "/account/tokens", { name: "sneaky", scope: ["admin"] });
    expect(staff.status).toBe(403);
    expect((await post(t, member, "/account/tokens", { name: "x", scope: ["photos:fly"] })).status).toBe(400);
    expect(
      (await post(t, member, "/account/tokens", { name: "x", scope: ["photos:read"] }, false)).status,
    ).toBe(403);
    expect((await post(t, member, "/account/tokens", { name: "", scope: ["photos:read"] })).status).toBe(400);

    const created = await post(t, member, "/account/tokens", {
      name: "Lightroom",
      scope: ["photos:read", "albums:read"],
      expiresAt: "2999-12-31",
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const body = await created.text();
    const value = /<input id="token-secret"[^>]*value="([^"]+)"/.exec(body)?.[1] ?? "";
    expect(value).toMatch(/^vrn_[^.]+\.[^.]+$/);

    const api = await t.request("/api/v1/albums", { headers: { authorization: `Bearer ${value}` } });
    expect(api.status).toBe(200);

    const second = await text(await t.request("/account/tokens", { cookie: member }));
    expect(second).not.toContain(value);
    expect(second).not.toContain(value.split(".")[1] ?? "never");
    expect(second).toContain("Lightroom");
    expect(second).toContain(value.split(".")[0] ?? "never");
    expect(logged.join("\n")).not.toContain(value.split(".")[1] ?? "never");

    const [token] = await t.gallery.tokens.list({
      kind: "user",
      userId: memberId,
      role: "member",
      privacyLevel: 0,
      groupIds: [],
    });
    expect(token?.name).toBe("Lightroom");
    // Another member cannot revoke it (it does not exist for them); its owner can.
    const zoe = await t.login("zoe", "zoe's long password");
    expect((await post(t, zoe, `/account/tokens/${token?.id}/revoke`, {})).status).toBe(404);
    expect(
      (await t.request("/api/v1/albums", { headers: { authorization: `Bearer ${value}` } })).status,
    ).toBe(200);
    const revoked = await post(t, member, `/account/tokens/${token?.id}/revoke`, {});
    expect(revoked.headers.get("location")).toBe("/account/tokens?done=token-revoked");
    const after = await t.request("/api/v1/albums", { headers: { authorization: `Bearer ${value}` } });
    expect(after.status).toBe(401);
  });

  it("lists plugins, enables and disables them, and saves settings through a generated form", async () => {
    const list = await text(await t.request("/admin/plugins", { cookie: admin }));
    expect(list).toContain("greeter");
    // Plugins passed to createGallery start enabled.
    expect(list).toContain("<td>Enabled</td>");
    expect(list).toContain("<td>2.1.0</td>");
    expect(list).toContain('href="/admin/plugins/greeter"');

    expect((await post(t, admin, "/admin/plugins/greeter/state", { state: "disabled" }, false)).status).toBe(
      403,
    );
    expect((await post(t, admin, "/admin/plugins/greeter/state", { state: "exploded" })).status).toBe(400);
    expect((await post(t, member, "/admin/plugins/greeter/state", { state: "disabled" })).status).toBe(403);
    expect(t.gallery.plugins.isActive("greeter")).toBe(true);
    expect((await post(t, admin, "/admin/plugins/greeter/state", { state: "disabled" })).status).toBe(303);
    expect(t.gallery.plugins.isActive("greeter")).toBe(false);
    expect(await text(await t.request("/admin/plugins", { cookie: admin }))).toContain("<td>Disabled</td>");
    const enabled = await post(t, admin, "/admin/plugins/greeter/state", { state: "enabled" });
    expect(enabled.headers.get("location")).toBe("/admin/plugins?done=plugin");
    expect(t.gallery.plugins.isActive("greeter")).toBe(true);

    const form = await text(await t.request("/admin/plugins/greeter", { cookie: admin }));
    expect(form).toContain('name="field.greeting"');
    expect(form).toContain('value="Hello"');
    expect(form).toContain('name="field.times"');
    expect(form).toContain('type="checkbox"');
    expect(form).toContain('<option value="dry">dry</option>');
    expect(form).toContain("What to say");

    const saved = await post(t, admin, "/admin/plugins/greeter", {
      "field.greeting": HOSTILE,
      "field.times": "3",
      "field.loud": ["false", "true"],
      "field.tone": "dry",
    });
    expect(saved.status).toBe(303);
    expect((await t.gallery.plugins.get(SYSTEM, "greeter")).settings).toEqual({
      greeting: HOSTILE,
      times: 3,
      loud: true,
      tone: "dry",
    });
    const shown = await text(await t.request("/admin/plugins/greeter", { cookie: admin }));
    expect(shown).not.toContain("<script>alert");

    // Unticked: only the hidden "false" is posted.
    await post(t, admin, "/admin/plugins/greeter", { "field.greeting": "Hi", "field.loud": "false" });
    expect((await t.gallery.plugins.get(SYSTEM, "greeter")).settings).toMatchObject({
      greeting: "Hi",
      loud: false,
    });
    const refused = await post(t, admin, "/admin/plugins/greeter", { "field.times": "99" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("The plugin refused these settings.");
    expect((await t.gallery.plugins.get(SYSTEM, "greeter")).settings).toEqual({
      greeting: "Hi",
      loud: false,
    });
    expect((await post(t, admin, "/admin/plugins/greeter", { "field.times": "abc" })).status).toBe(400);

    expect((await post(t, admin, "/admin/plugins/greeter/state", { state: "disabled" })).status).toBe(303);
    expect(t.gallery.plugins.isActive("greeter")).toBe(false);
    expect((await t.request("/admin/plugins/nothing-here", { cookie: admin })).status).toBe(404);
    expect((await t.request("/admin/plugins/..%2Fx", { cookie: admin })).status).toBe(404);
  });

  it("shows failed jobs with a retry button, linked from the dashboard", async () => {
    let fail = true;
    t.gallery.jobs.register("test:flaky", async () => {
      if (fail) throw new Error(`disk on fire ${HOSTILE}`);
    });
    const id = await t.gallery.jobs.enqueue("test:flaky", {}, { maxAttempts: 1 });
    await t.gallery.jobs.runUntilIdle();
    const dashboard = await text(await t.request("/admin", { cookie: admin }));
    expect(dashboard).toContain('href="/admin/jobs"');
    const page = await text(await t.request("/admin/jobs", { cookie: admin }));
    expect(page).toContain("test:flaky");
    expect(page).toContain("disk on fire");
    expect(page).not.toContain("<script>alert");
    expect(page).toContain(`action="/admin/jobs/${id}/retry"`);
    expect((await post(t, admin, `/admin/jobs/${id}/retry`, {}, false)).status).toBe(403);
    expect((await post(t, member, `/admin/jobs/${id}/retry`, {})).status).toBe(403);
    fail = false;
    const retried = await post(t, admin, `/admin/jobs/${id}/retry`, {});
    expect(retried.headers.get("location")).toBe("/admin/jobs?done=job-retried");
    await t.gallery.jobs.runUntilIdle();
    expect((await t.gallery.jobAdmin.get(SYSTEM, id)).status).toBe("done");
    expect(await text(await t.request("/admin/jobs", { cookie: admin }))).toContain("No job has failed.");
  });

  it("changes the gallery settings: title, description, registration, login-only, language, location", async () => {
    expect((await t.request("/admin/settings", { cookie: member })).status).toBe(403);
    const form = await text(await t.request("/admin/settings", { cookie: admin }));
    expect(form).toContain('value="Vernissage"');
    expect(form).toContain('<option value="approval" selected>');
    expect(form).toContain('<option value="members" selected>');

    const fields = {
      title: `Our ${HOSTILE}`,
      description: "Photos of the family.",
      registration: "open",
      loginOnly: "1",
      defaultLanguage: "fr",
      location: "owners",
    };
    expect((await post(t, admin, "/admin/settings", fields, false)).status).toBe(403);
    expect((await post(t, member, "/admin/settings", fields)).status).toBe(403);
    const hostile: Record<string, string>[] = [
      { ...fields, title: "   " },
      { ...fields, title: "x".repeat(201) },
      { ...fields, registration: "everyone" },
      { ...fields, defaultLanguage: "xx" },
      { ...fields, defaultLanguage: "fr<script>" },
      { ...fields, location: "nobody" },
    ];
    for (const bad of hostile) {
      const res = await post(t, admin, "/admin/settings", bad);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("Check the fields of the form.");
    }
    expect((await t.gallery.settings.get()).title).toBe("Vernissage");

    const saved = await post(t, admin, "/admin/settings", fields);
    expect(saved.headers.get("location")).toBe("/admin/settings?done=settings");
    expect(await t.gallery.settings.get()).toEqual({
      title: `Our ${HOSTILE}`,
      description: "Photos of the family.",
      registration: "open",
      loginOnly: true,
      defaultLanguage: "fr",
      location: "owners",
    });
    expect(t.gallery.title).toBe(`Our ${HOSTILE}`);

    // Login-only: a guest is sent to the login page, in French when the browser asks for no known language.
    const guest = await t.request("/", { headers: { "accept-language": "de-DE" } });
    expect(guest.status).toBe(303);
    const login = await text(await t.request("/login", { headers: { "accept-language": "de-DE" } }));
    expect(login).toContain('<html lang="fr"');
    expect(login).not.toContain("<script>alert");
    expect(await text(await t.request("/login", { headers: { "accept-language": "en" } }))).toContain(
      '<html lang="en"',
    );
    // Registration is open now: a new account is active at once.
    const register = await t.request("/register", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "walkin", password: "a walk-in password" }),
    });
    expect(register.status).toBe(303);
    expect((await t.gallery.users.findByUsername(SYSTEM, "walkin"))?.status).toBe("active");
    const home = await text(await t.request("/", { cookie: owner }));
    expect(home).toContain('<meta name="description" content="Photos of the family.">');
    expect(home).toContain("Our &lt;script&gt;");

    await post(t, admin, "/admin/settings", { ...fields, loginOnly: "", registration: "approval" });
    expect((await t.request("/")).status).toBe(200);
    expect(await t.gallery.settings.get()).toMatchObject({ loginOnly: false, registration: "approval" });
  });

  it("offers the same settings and user search through the API", async () => {
    const json = (res: Response) => res.json() as Promise<Record<string, unknown>>;
    expect((await t.request("/api/v1/settings")).status).toBe(401);
    expect((await t.request("/api/v1/settings", { cookie: member })).status).toBe(403);
    const read = await t.request("/api/v1/settings", { cookie: admin });
    expect(read.status).toBe(200);
    expect(await json(read)).toMatchObject({ registration: expect.any(String), loginOnly: false });
    const patch = (body: unknown, cookie = admin) =>
      t.request("/api/v1/settings", {
        method: "PATCH",
        cookie,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await patch({ title: "" })).status).toBe(400);
    expect((await patch({ loginOnly: "yes" })).status).toBe(400);
    expect((await patch({ extra: 1 })).status).toBe(400);
    expect((await patch({ location: "nobody" })).status).toBe(400);
    expect((await patch({ title: "API" }, member)).status).toBe(403);
    const changed = await patch({ description: "Set through the API" });
    expect(changed.status).toBe(200);
    expect((await t.gallery.settings.get()).description).toBe("Set through the API");
    expect(await json(await patch({ location: "everyone" }))).toMatchObject({ location: "everyone" });
    expect((await t.gallery.settings.get()).location).toBe("everyone");

    const found = await json(await t.request("/api/v1/users?search=ALPH", { cookie: admin }));
    expect((found.items as { username: string }[]).map((u) => u.username)).toEqual(["alpha", "alphonse"]);
    const pending = await t.request("/api/v1/users?status=waiting", { cookie: admin });
    expect(pending.status).toBe(400);
  });

  it("renders the pages in French", async () => {
    const page = await text(
      await t.request("/admin/groups", { cookie: owner, headers: { "accept-language": "fr" } }),
    );
    expect(page).toContain("Nouveau groupe");
    const tokens = await text(
      await t.request("/account/tokens", { cookie: owner, headers: { "accept-language": "fr-CA" } }),
    );
    expect(tokens).toContain("Jetons d’API");
  });
});
