import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeJpeg, setup } from "./helpers.js";

type T = Awaited<ReturnType<typeof setup>>;

/** A small JPEG of one colour, so every upload has its own content hash. */
function solid(index: number, width = 40, height = 30): Promise<Buffer> {
  const background = { r: (index * 37) % 256, g: (index * 91) % 256, b: (index * 53) % 256 };
  return sharp({ create: { width, height, channels: 3, background } })
    .jpeg()
    .toBuffer();
}

/** Start tags `<name ...>` with their attributes (the templates always double-quote attribute values). */
function tags(markup: string, name: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  for (const match of markup.matchAll(new RegExp(`<${name}\\b([^>]*)>`, "g"))) {
    const attributes = new Map<string, string>();
    for (const a of (match[1] ?? "").matchAll(/([^\s"'=<>/]+)(?:="([^"]*)")?/g)) {
      attributes.set(a[1] ?? "", (a[2] ?? "").replace(/&amp;/g, "&"));
    }
    out.push(attributes);
  }
  return out;
}

function hrefs(markup: string): string[] {
  return tags(markup, "a").map((a) => a.get("href") ?? "");
}

describe("gallery pages", () => {
  let t: T;
  let cookie: string;
  let album: { id: string; url: string };
  let secret: { id: string; url: string };
  const photos: { id: string; title: string }[] = [];
  let privatePhoto: { id: string };

  beforeAll(async () => {
    t = await setup();
    cookie = await t.login();
    album = (await t.createAlbum(cookie, { name: "Lisbon trip", description: "Trams\nand tiles." }))
      .json as typeof album;
    secret = (await t.createAlbum(cookie, { name: "Secret", visibility: "private" })).json as typeof secret;
    for (const [i, title] of ["Tram 28", "Azulejos", "Sunset"].entries()) {
      const { json } = await t.upload(cookie, album.id, await solid(i, 60 + i * 20, 40), `p${i}.jpg`, {
        title,
      });
      photos.push({ id: String((json.photo as { id: string }).id), title });
    }
    const hidden = await t.upload(cookie, album.id, await makeJpeg(64, 48), "private.jpg", {
      title: "Family only",
      privacyLevel: "4",
    });
    privatePhoto = hidden.json.photo as { id: string };
    await t.upload(cookie, secret.id, await solid(99), "secret.jpg", { title: "Hidden away" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("renders home with visible albums, covers and counts, under a CSP without unsafe-inline", async () => {
    const res = await t.request("/");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const page = await res.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain("Lisbon trip");
    // The private album is not listed, and the family-level photo is not counted for a guest.
    expect(page).not.toContain("Secret");
    expect(page).toContain("3 photos");
    expect(page).not.toMatch(/\sstyle="/);
    expect(page).not.toMatch(/<script(?![^>]*\s(src=|type="application\/json"))/);
    const card = tags(page, "img").find((img) => img.get("class") === "card-media");
    expect(card?.get("src")).toMatch(/^\/media\/photos\//);
    expect(
      tags(page, "link")
        .find((l) => l.get("rel") === "canonical")
        ?.get("href"),
    ).toBe("http://gallery.test/");
    expect(
      tags(page, "link")
        .find((l) => l.get("type") === "application/atom+xml")
        ?.get("href"),
    ).toBe("/feed.atom");

    const owner = await (await t.request("/", { cookie })).text();
    expect(owner).toContain("Secret");
    expect(owner).toContain("4 photos");
  });

  it("speaks French from Accept-Language, with locale numbers", async () => {
    const page = await (
      await t.request("/", { headers: { "accept-language": "de;q=1, fr-CA;q=0.8" } })
    ).text();
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain("Se connecter");
    expect(page).toContain("Aller au contenu");
    expect(page).toContain('content="fr_FR"');
    const missing = await t.request("/albums/nope", { headers: { "accept-language": "fr" } });
    expect(missing.status).toBe(404);
    const text = await missing.text();
    expect(text).toContain("Page introuvable");
    expect(text).toContain("NOT_FOUND");
  });

  it("renders the album as a justified grid with srcset, placeholders, lazy loading and album-aware links", async () => {
    const res = await t.request(album.url);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("<p>Trams</p>");
    const items = tags(page, "li").filter((li) => /^ar-\d+$/.test(li.get("class") ?? ""));
    expect(items).toHaveLength(3);
    // 60×40 is 1.5, 80×40 is 2.0, 100×40 is 2.5: aspect classes in tenths.
    expect(items.map((li) => li.get("class"))).toEqual(["ar-15", "ar-20", "ar-25"]);
    const thumbs = tags(page, "img").filter((img) => img.get("class") === "thumb-img");
    expect(thumbs).toHaveLength(3);
    for (const img of thumbs) {
      expect(img.get("srcset")).toMatch(/ \d+w/);
      expect(img.get("sizes")).toMatch(/px$/);
      expect(img.get("alt")).not.toBe("");
    }
    const placeholders = tags(page, "img").filter((img) => img.get("class") === "thumb-ph");
    expect(placeholders.length).toBe(3);
    for (const ph of placeholders) expect(ph.get("src")).toMatch(/^data:image\/png;base64,/);
    const links = tags(page, "a").filter((a) => a.get("data-testid") === "photo-thumb");
    expect(links.map((a) => a.get("href"))).toEqual(photos.map((p) => `/photos/${p.id}?album=${album.id}`));
    expect(links[0]?.get("data-src")).toMatch(/^\/media\/photos\//);
    expect(page).not.toContain("Family only");
    expect(page).toContain("lightbox.js");
    expect(page).toContain('id="vernissage-messages"');
  });

  it("renders a photo page with neighbours, albums, download link, breadcrumbs and Open Graph tags", async () => {
    const [, middle] = photos;
    const res = await t.request(`/photos/${middle?.id}?album=${album.id}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(">Azulejos</h1>");
    const links = tags(page, "a");
    expect(links.find((a) => a.get("rel") === "prev")?.get("href")).toBe(
      `/photos/${photos[0]?.id}?album=${album.id}`,
    );
    expect(links.find((a) => a.get("rel") === "next")?.get("href")).toBe(
      `/photos/${photos[2]?.id}?album=${album.id}`,
    );
    expect(links.find((a) => a.get("data-testid") === "download-original")?.get("href")).toMatch(
      new RegExp(`^/media/photos/${middle?.id}/original/`),
    );
    expect(hrefs(page)).toContain(album.url);
    const meta = tags(page, "meta");
    const og = (p: string) => meta.find((m) => m.get("property") === p)?.get("content");
    expect(og("og:type")).toBe("article");
    expect(og("og:url")).toBe(`http://gallery.test/photos/${middle?.id}`);
    expect(og("og:image")).toMatch(/^http:\/\/gallery\.test\/media\/photos\//);
    expect(page).toContain('aria-label="Breadcrumb"');
    expect(page).toContain(">Lisbon trip</a>");

    // The first photo has no previous link; the download link really serves the original.
    const start = await (await t.request(`/photos/${photos[0]?.id}`)).text();
    expect(tags(start, "a").some((a) => a.get("rel") === "prev")).toBe(false);
    const download = links.find((a) => a.get("data-testid") === "download-original")?.get("href") ?? "";
    expect((await t.request(download)).status).toBe(200);
  });

  it("hides private photos from guests with a friendly 404 page, and skips them as neighbours", async () => {
    const res = await t.request(`/photos/${privatePhoto.id}`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("Page not found");
    // The owner sees it, and it sits after "Sunset" in the album.
    const owner = await (await t.request(`/photos/${photos[2]?.id}?album=${album.id}`, { cookie })).text();
    expect(
      tags(owner, "a")
        .find((a) => a.get("rel") === "next")
        ?.get("href"),
    ).toBe(`/photos/${privatePhoto.id}?album=${album.id}`);
    const guest = await (await t.request(`/photos/${photos[2]?.id}?album=${album.id}`)).text();
    expect(tags(guest, "a").some((a) => a.get("rel") === "next")).toBe(false);
  });

  it("serves an Atom feed of recent photos that respects permissions", async () => {
    const res = await t.request("/feed.atom");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/atom+xml");
    const guest = await res.text();
    expect(guest).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(guest).toContain("<title>Tram 28</title>");
    expect(guest).not.toContain("Family only");
    expect(guest).not.toContain("Hidden away");
    expect(guest).toContain(`<id>http://gallery.test/photos/${photos[0]?.id}</id>`);
    const owner = await (await t.request("/feed.atom", { cookie })).text();
    expect(owner).toContain("Family only");
    expect(owner).toContain("Hidden away");
  });

  it("renders the tag cloud, tag pages, photo tags and search with filters, respecting permissions", async () => {
    const batch = await t.request("/api/v1/photos/batch", {
      method: "POST",
      cookie,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ photoIds: [photos[0]?.id, privatePhoto.id], addTags: ["Tramway"] }),
    });
    expect(batch.status).toBe(200);
    const cloud = await (await t.request("/tags")).text();
    const tagLinks = tags(cloud, "a").filter((a) => a.get("data-testid") === "tag-link");
    expect(tagLinks).toHaveLength(1);
    expect(cloud).toContain('Tramway<span class="visually-hidden"> (1 photo)</span>');
    const tagUrl = tagLinks[0]?.get("href") ?? "";
    expect(tagUrl).toMatch(/^\/tags\//);

    const guestTag = await (await t.request(tagUrl)).text();
    expect(guestTag).toContain("Photos tagged “Tramway”");
    const thumbs = (markup: string) =>
      tags(markup, "a")
        .filter((a) => a.get("data-testid") === "photo-thumb")
        .map((a) => a.get("href"));
    expect(thumbs(guestTag)).toEqual([`/photos/${photos[0]?.id}`]);
    expect(thumbs(await (await t.request(tagUrl, { cookie })).text())).toHaveLength(2);

    const photoPage = await (await t.request(`/photos/${photos[0]?.id}`)).text();
    expect(
      tags(photoPage, "a")
        .find((a) => a.get("rel") === "tag")
        ?.get("href"),
    ).toBe(tagUrl);

    const empty = await (await t.request("/search")).text();
    expect(empty).toContain('role="search"');
    expect(empty).not.toContain("results-heading");
    const byWord = await (await t.request("/search?q=tram")).text();
    expect(thumbs(byWord)).toEqual([`/photos/${photos[0]?.id}`]);
    const tagId = tagUrl.split("/").pop() ?? "";
    const byTag = await (await t.request(`/search?tag=${tagId}`)).text();
    expect(thumbs(byTag)).toEqual([`/photos/${photos[0]?.id}`]);
    expect(
      tags(byTag, "option")
        .find((o) => o.get("value") === tagId)
        ?.has("selected"),
    ).toBe(true);
    const none = await (await t.request("/search?q=azulejos&tag=" + tagId)).text();
    expect(none).toContain("No photo matches.");
    const invalid = await t.request("/search?q=%21%21%21", { headers: { "accept-language": "fr" } });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain("Saisissez au moins une lettre");
    const missing = await t.request("/tags/01aaaaaaaaaaaaaaaaaaaaaaaa");
    expect(missing.status).toBe(404);
  });

  it("groups visible photos by date taken in the calendar, in UTC, linking months to the search page", async () => {
    const taken: [string | undefined, string][] = [
      [photos[0]?.id, "2024-05-17T19:30:00Z"],
      [photos[1]?.id, "2024-07-01T00:10:00Z"],
      [privatePhoto.id, "2023-01-01T12:00:00Z"],
    ];
    for (const [id, takenAt] of taken) {
      const res = await t.request(`/api/v1/photos/${id}`, {
        method: "PATCH",
        cookie,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ takenAt }),
      });
      expect(res.status).toBe(200);
    }
    const entries = (markup: string) =>
      tags(markup, "a")
        .filter((a) => a.get("data-testid") === "calendar-entry")
        .map((a) => a.get("href"));
    const guest = await (await t.request("/calendar")).text();
    expect(entries(guest)).toEqual(["/calendar/2024"]);
    expect(guest).toContain("2 photos");
    const owner = await (await t.request("/calendar", { cookie })).text();
    expect(entries(owner)).toEqual(["/calendar/2024", "/calendar/2023"]);

    const year = await (await t.request("/calendar/2024", { headers: { "accept-language": "fr" } })).text();
    expect(entries(year)).toEqual([
      "/search?from=2024-05-01&to=2024-05-31",
      "/search?from=2024-07-01&to=2024-07-31",
    ]);
    expect(year).toContain("mai");
    expect(year).toContain("Photos prises en 2024");
    const may = await (await t.request("/search?from=2024-05-01&to=2024-05-31")).text();
    const thumbs = tags(may, "a").filter((a) => a.get("data-testid") === "photo-thumb");
    expect(thumbs.map((a) => a.get("href"))).toEqual([`/photos/${photos[0]?.id}`]);
    expect((await t.request("/calendar/20x4")).status).toBe(404);
  });

  it("serves the lightbox script as a fingerprinted, cacheable asset", async () => {
    const page = await (await t.request(album.url)).text();
    const src =
      tags(page, "script")
        .find((s) => s.has("src"))
        ?.get("src") ?? "";
    expect(src).toMatch(/^\/assets\/[0-9a-f]{12}\/lightbox\.js$/);
    const res = await t.request(src);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/javascript");
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect(await res.text()).toContain("showModal");
  });
});

describe("album pagination", () => {
  it("paginates with real next-page links", async () => {
    const t = await setup();
    const cookie = await t.login();
    const { json } = await t.createAlbum(cookie, { name: "Many" });
    const id = String(json.id);
    for (let i = 0; i < 61; i++) await t.upload(cookie, id, await solid(200 + i, 16, 12), `m${i}.jpg`);
    const first = await (await t.request(String(json.url))).text();
    const firstIds = tags(first, "a")
      .filter((a) => a.get("data-testid") === "photo-thumb")
      .map((a) => a.get("href"));
    expect(firstIds).toHaveLength(60);
    const next =
      tags(first, "a")
        .find((a) => a.get("rel") === "next")
        ?.get("href") ?? "";
    expect(next).toMatch(/\?cursor=/);
    const second = await (await t.request(next)).text();
    const secondIds = tags(second, "a")
      .filter((a) => a.get("data-testid") === "photo-thumb")
      .map((a) => a.get("href"));
    expect(secondIds).toHaveLength(1);
    expect(firstIds).not.toContain(secondIds[0]);
    expect(tags(second, "a").some((a) => a.get("rel") === "next")).toBe(false);
    await t.close();
  });
});
