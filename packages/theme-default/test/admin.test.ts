import { describe, expect, it } from "vitest";
import { defaultTheme } from "../src/index.js";
import { formatBytes } from "../src/templates/admin.js";
import { HOSTILE, pageContext, parseHtml, photoView, tagsNamed } from "./helpers.js";

const { admin } = defaultTheme.templates;
const ctx = pageContext({ csrfToken: "tok_123", isAdmin: true });

describe("admin", () => {
  it("formats storage sizes per locale", () => {
    expect(formatBytes(512, "en")).toBe("512 byte");
    expect(formatBytes(1_500_000, "en")).toBe("1.5 MB");
    expect(formatBytes(2_000_000_000, "fr")).toMatch(/^2\s+Go$/u);
  });

  it("renders the dashboard with counts, storage, jobs and escaped activity, and marks the current tab", () => {
    const out = admin(ctx, {
      view: "dashboard",
      summary: {
        albums: 3,
        photos: 1234,
        users: 2,
        tags: 5,
        originalBytes: 5_000_000,
        derivativeFiles: 10,
        derivativeBytes: 300_000,
        jobs: { pending: 1, running: 0, done: 7, dead: 2 },
      },
      activity: [{ at: Date.UTC(2026, 0, 2), actor: HOSTILE, action: "login.success", target: "user u1" }],
    }).toString();
    const tags = parseHtml(out);
    expect(out).toContain("<dt>Photos</dt><dd>1,234</dd>");
    expect(out).toContain("<dd>5 MB</dd>");
    expect(out).toContain('class="stat-alert"');
    expect(out).toContain("<code>login.success</code>");
    expect(out).not.toContain("<script>alert");
    expect(tagsNamed(tags, "a", ["aria-current", "page"])[0]?.attributes.get("href")).toBe("/gallery/admin");
  });

  it("renders the album manager with CSRF fields, tree depth and the selected visibility", () => {
    const out = admin(ctx, {
      view: "albums",
      albums: [
        {
          id: "a1",
          name: "Travels",
          href: "/gallery/albums/a1/travels",
          visibility: "private",
          depth: 0,
          photoCount: 2,
          first: true,
        },
        {
          id: "a2",
          name: HOSTILE,
          href: "/gallery/albums/a2/x",
          visibility: "public",
          depth: 1,
          photoCount: 0,
          parentId: "a1",
          first: true,
          last: true,
        },
        {
          id: "a3",
          name: "Rome",
          href: "/gallery/albums/a3/rome",
          visibility: "public",
          depth: 0,
          photoCount: 0,
          last: true,
        },
      ],
      canUseRoot: true,
      notice: "Saved.",
      error: null,
    }).toString();
    const tags = parseHtml(out);
    const forms = tagsNamed(tags, "form");
    // Create, then per album its row and its up/down buttons (none at the ends), then the drag-and-drop move
    // and order (drop between two rows) forms.
    expect(forms.map((f) => f.attributes.get("action") ?? f.attributes.get("id"))).toEqual([
      "/gallery/admin/albums",
      "/gallery/admin/albums/a1",
      "/gallery/admin/albums/a1/order",
      "/gallery/admin/albums/a2",
      "/gallery/admin/albums/a3",
      "/gallery/admin/albums/a3/order",
      "album-move-form",
      "album-order-form",
    ]);
    expect(tagsNamed(tags, "input", ["name", "direction"]).map((i) => i.attributes.get("value"))).toEqual([
      "down",
      "up",
    ]);
    expect(
      new Set(tagsNamed(tags, "input", ["name", "_csrf"]).map((i) => i.attributes.get("value"))),
    ).toEqual(new Set(["tok_123"]));
    expect(tagsNamed(tags, "input", ["name", "_csrf"])).toHaveLength(forms.length);
    expect(tagsNamed(tags, "option", ["value", ""])).toHaveLength(1);
    expect(tagsNamed(tags, "li", ["class", "depth-1"])).toHaveLength(1);
    const selected = tagsNamed(tags, "option").filter((o) => o.attributes.has("selected"));
    // Create form defaults to public; then each album's own visibility.
    expect(selected.map((o) => o.attributes.get("value"))).toEqual(["public", "private", "public", "public"]);
    expect(out).toContain('role="status">Saved.</p>');
  });

  it("renders the upload form for the script and its fallback, or asks for an album first", () => {
    const out = admin(ctx, {
      view: "upload",
      albums: [{ id: "a1", label: "Travels" }],
      selectedAlbumId: "a1",
      uploadUrl: "/gallery/api/v1/photos",
      notice: null,
      error: null,
    }).toString();
    const tags = parseHtml(out);
    const form = tagsNamed(tags, "form")[0];
    expect(form?.attributes.get("enctype")).toBe("multipart/form-data");
    expect(form?.attributes.get("data-upload-url")).toBe("/gallery/api/v1/photos");
    expect(tagsNamed(tags, "input", ["type", "file"])[0]?.attributes.has("multiple")).toBe(true);
    expect(tagsNamed(tags, "script", ["type", "application/json"])).toHaveLength(1);
    const none = admin(ctx, {
      view: "upload",
      albums: [],
      selectedAlbumId: null,
      uploadUrl: "/x",
      notice: null,
      error: null,
    }).toString();
    expect(none).toContain("Create an album first.");
    expect(none).not.toContain("<form");
  });

  it("renders users in French", () => {
    const out = admin(pageContext({ lang: "fr" }), {
      view: "users",
      users: [
        {
          id: "u1",
          username: "mia",
          displayName: "Mia",
          email: null,
          role: "member",
          privacyLevel: 0,
          sharedAccount: false,
          status: "active",
          createdAt: 0,
        },
      ],
      search: "",
      filter: "all",
      groups: [],
      approval: false,
      nextHref: null,
      notice: null,
      error: null,
    }).toString();
    parseHtml(out);
    expect(out).toContain("Nom d’utilisateur");
    expect(out).toContain('<a href="/gallery/admin/users/u1">mia</a>');
  });

  it("renders the photo editor with the current values, escaped, and the privacy level selected", () => {
    const out = admin(ctx, {
      view: "photo",
      photo: photoView({
        id: "p9",
        title: HOSTILE,
        description: "a < b",
        privacyLevel: 2,
        takenAt: Date.UTC(2024, 4, 17, 19, 30),
      }),
      tags: "Beach, Sunset",
      albums: [{ id: "a1", label: HOSTILE, href: "/gallery/albums/a1/x", manageable: true }],
      albumOptions: [],
      notice: null,
      error: "Check the fields of the photo.",
    }).toString();
    const tags = parseHtml(out);
    expect(tagsNamed(tags, "form").map((f) => f.attributes.get("action"))).toEqual([
      "/gallery/admin/photos/p9",
      "/gallery/admin/photos/p9/cover",
      "/gallery/admin/photos/p9/albums",
      "/gallery/admin/photos/p9/regenerate",
      "/gallery/admin/photos/p9/delete",
    ]);
    expect(out).not.toContain("<script>alert");
    expect(tagsNamed(tags, "input", ["name", "takenAt"])[0]?.attributes.get("value")).toBe(
      "2024-05-17T19:30",
    );
    expect(tagsNamed(tags, "input", ["name", "tags"])[0]?.attributes.get("value")).toBe("Beach, Sunset");
    expect(
      tagsNamed(tags, "option")
        .filter((o) => o.attributes.has("selected"))
        .map((o) => o.attributes.get("value")),
    ).toEqual(["2"]);
    expect(out).toContain("a &lt; b</textarea>");
    expect(out).toContain("<p>Check the fields of the photo.</p>");
    expect(tagsNamed(tags, "a", ["aria-current", "page"])).toHaveLength(0);
  });
});
