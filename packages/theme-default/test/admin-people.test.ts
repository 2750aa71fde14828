import type { AdminPeoplePage, AdminUserRow } from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { admin } from "../src/templates/admin.js";
import { HOSTILE, pageContext, parseHtml, tagsNamed } from "./helpers.js";

const user: AdminUserRow = {
  id: "u1",
  username: "mia",
  displayName: HOSTILE,
  email: null,
  role: "member",
  privacyLevel: 2,
  sharedAccount: true,
  status: "pending",
  createdAt: Date.UTC(2025, 0, 2),
};
const notices = { notice: null, error: HOSTILE };
const plugin = {
  name: "greeter",
  description: HOSTILE,
  version: "1.0.0",
  installedVersion: "0.9.0",
  state: "enabled",
  compat: "^1",
  error: HOSTILE,
  configurable: true,
};

/** One page of every view, every text field hostile. */
const PAGES: AdminPeoplePage[] = [
  {
    ...notices,
    view: "users",
    users: [user],
    search: HOSTILE,
    filter: "pending",
    groups: [{ id: "g1", name: HOSTILE }],
    approval: true,
    nextHref: "/gallery/admin/users?cursor=x&q=y",
  },
  {
    ...notices,
    view: "user",
    user,
    groups: [{ id: "g1", name: HOSTILE, member: true }],
    confirmDelete: false,
  },
  { ...notices, view: "user", user, groups: [], confirmDelete: true },
  { ...notices, view: "groups", groups: [{ id: "g1", name: HOSTILE, isDefault: true, memberCount: 1234 }] },
  {
    ...notices,
    view: "group",
    group: { id: "g1", name: HOSTILE, isDefault: false, memberCount: 1 },
    members: [{ id: "u1", username: "mia", displayName: HOSTILE }],
    candidates: [{ id: "u2", username: "zoe" }],
    confirmDelete: false,
  },
  {
    ...notices,
    view: "shares",
    links: [
      {
        id: "s1",
        prefix: "abc123",
        target: HOSTILE,
        hasPassword: true,
        expiresAt: Date.UTC(2030, 5, 1),
        maxUses: 10,
        useCount: 2,
        viewCount: 7,
        canDownload: false,
        canUpload: true,
        isAlbum: true,
        privacyLevel: 2,
        createdAt: 0,
        revokedAt: null,
      },
    ],
    albums: [{ id: "a1", label: HOSTILE }],
    allLinks: true,
    maxLevel: 4,
    createdUrl: `https://example.org/s/${HOSTILE}`,
    nextHref: `/gallery/account/shares?cursor=${HOSTILE}`,
    firstHref: "/gallery/account/shares",
  },
  {
    ...notices,
    view: "tokens",
    tokens: [
      {
        id: "t1",
        name: HOSTILE,
        prefix: "vrn_abc",
        scopes: ["photos:read", "albums:read"],
        albums: [HOSTILE],
        expiresAt: null,
        lastUsedAt: null,
        createdAt: 0,
        revokedAt: null,
      },
    ],
    scopes: ["photos:read", "albums:read"],
    albums: [{ id: "a1", label: HOSTILE }],
    createdSecret: `vrn_x.${HOSTILE}`,
  },
  { ...notices, view: "plugins", plugins: [plugin] },
  {
    ...notices,
    view: "plugin",
    plugin,
    fields: [
      { name: "greeting", kind: "text", value: HOSTILE, required: true, description: HOSTILE },
      { name: "times", kind: "number", value: "2", required: false, description: null },
      { name: "loud", kind: "boolean", value: "true", required: false, description: null },
      {
        name: "tone",
        kind: "select",
        value: "dry",
        options: ["warm", "dry"],
        required: false,
        description: null,
      },
      { name: "extra", kind: "json", value: `{"a":"${HOSTILE}"}`, required: false, description: null },
    ],
  },
  {
    ...notices,
    view: "jobs",
    counts: { pending: 1, running: 0, done: 5, dead: 1 },
    jobs: [{ id: "j1", type: "derivatives:eager", attempts: 3, lastError: HOSTILE, updatedAt: 0 }],
    nextHref: null,
  },
  {
    ...notices,
    view: "settings",
    settings: {
      title: HOSTILE,
      description: HOSTILE,
      registration: "approval",
      loginOnly: true,
      defaultLanguage: "fr",
      location: "owners",
    },
    languages: ["en", "fr"],
    derivatives: {
      presets: [
        { name: "square", width: 120, height: 120, crop: true, enabled: true, quality: 82, eager: true },
        { name: "large", width: 1008, height: 756, crop: false, enabled: false, quality: 70, eager: false },
      ],
      formatOrder: "",
      configuredFormats: "webp,jpeg",
      formatChoices: ["avif,webp,jpeg", "jpeg"],
    },
  },
  {
    ...notices,
    view: "share",
    link: {
      id: "s1",
      prefix: "abc123",
      target: HOSTILE,
      hasPassword: true,
      expiresAt: Date.UTC(2030, 5, 1, 12),
      maxUses: 10,
      useCount: 2,
      viewCount: 7,
      canDownload: true,
      canUpload: false,
      isAlbum: true,
      privacyLevel: 2,
      createdAt: 0,
      revokedAt: null,
    },
    maxLevel: 4,
  },
];

describe("admin people templates", () => {
  it("render every view as well-formed, escaped HTML in English and French", () => {
    for (const lang of ["en", "fr"]) {
      for (const data of PAGES) {
        const out = admin(pageContext({ lang, isAdmin: true, csrfToken: "tok" }), data).toString();
        const tags = parseHtml(out);
        expect(out, data.view).not.toContain("<script>alert");
        // Every POST form carries the CSRF token.
        for (const form of tagsNamed(tags, "form").filter((f) => f.attributes.get("method") === "post")) {
          expect(form.attributes.get("action"), data.view).toMatch(/^\/gallery\//);
        }
        const posts = out.split('method="post"').length - 1;
        expect(out.split('name="_csrf" value="tok"').length - 1, data.view).toBe(posts);
        // Every control has a label.
        for (const input of tags.filter((t) => ["input", "select", "textarea"].includes(t.name))) {
          const type = input.attributes.get("type");
          if (type === "hidden" || type === "submit") continue;
          const id = input.attributes.get("id");
          expect(id, `${data.view} ${input.name}`).toBeDefined();
          expect(out, `${data.view} label for ${id}`).toContain(`for="${id}"`);
        }
      }
    }
  });

  it("shows a created secret once in a read-only field with a copy button the script reveals", () => {
    const out = admin(pageContext({ isAdmin: true }), PAGES[6] as AdminPeoplePage).toString();
    const tags = parseHtml(out);
    const field = tagsNamed(tags, "input", ["id", "token-secret"])[0];
    expect(field?.attributes.has("readonly")).toBe(true);
    const button = tagsNamed(tags, "button", ["data-copy-target", "token-secret"])[0];
    expect(button?.attributes.has("hidden")).toBe(true);
    expect(out).toContain("it will not be shown again");
  });

  it("edits a share link: current values filled in, password kept unless replaced or removed", () => {
    const out = admin(pageContext({ isAdmin: false }), PAGES.at(-1) as AdminPeoplePage).toString();
    const tags = parseHtml(out);
    expect(tagsNamed(tags, "input", ["id", "share-edit-expires"])[0]?.attributes.get("value")).toBe(
      "2030-06-01",
    );
    expect(tagsNamed(tags, "input", ["name", "expiresWas"])[0]?.attributes.get("value")).toBe("2030-06-01");
    expect(tagsNamed(tags, "input", ["id", "share-edit-uses"])[0]?.attributes.get("value")).toBe("10");
    expect(
      tagsNamed(tags, "input", ["id", "share-edit-password"])[0]?.attributes.get("value"),
    ).toBeUndefined();
    expect(tagsNamed(tags, "input", ["id", "share-edit-clear"])).toHaveLength(1);
    expect(tagsNamed(tags, "input", ["id", "share-edit-download"])[0]?.attributes.has("checked")).toBe(true);
    expect(tagsNamed(tags, "input", ["id", "share-edit-upload"])[0]?.attributes.has("checked")).toBe(false);
    expect(out).toContain('<option value="2" selected>');
    expect(out).not.toContain('<option value="8"');
    expect(out).toContain('href="/gallery/account/shares" aria-current="page"');
    const photoSet = {
      ...(PAGES.at(-1) as Extract<AdminPeoplePage, { view: "share" }>),
    };
    photoSet.link = { ...photoSet.link, isAlbum: false, hasPassword: false };
    const plain = parseHtml(admin(pageContext({ isAdmin: false }), photoSet).toString());
    expect(tagsNamed(plain, "input", ["id", "share-edit-upload"])).toHaveLength(0);
    expect(tagsNamed(plain, "input", ["id", "share-edit-clear"])).toHaveLength(0);
  });

  it("gives members only their share-link and token tabs, in French", () => {
    const out = admin(pageContext({ lang: "fr", isAdmin: false }), PAGES[6] as AdminPeoplePage).toString();
    expect(out).toContain('href="/gallery/account/tokens" aria-current="page"');
    expect(out).toContain('href="/gallery/account/shares"');
    expect(out).not.toContain('href="/gallery/admin/users"');
    expect(out).toContain("Jetons d’API");
  });
});
