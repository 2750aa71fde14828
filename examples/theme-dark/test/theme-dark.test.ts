import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type Gallery, SYSTEM, setGalleryTheme } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { createGalleryApp } from "@vernissage/http-h3";
import { fsStorage } from "@vernissage/storage-fs";
import { defaultTheme } from "@vernissage/theme-default";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { DARK_CSS, darkTheme } from "../src/index.js";

const ORIGIN = "http://gallery.test";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-dark-"));
  const gallery: Gallery = await createGallery({
    database: sqliteDatabase({ filename: join(dir, "gallery.db") }),
    storage: fsStorage({ root: join(dir, "files") }),
    jobs: { run: false },
    title: "Night shots",
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  cleanups.push(async () => {
    await gallery.close();
    await rm(dir, { recursive: true, force: true });
  });
  await gallery.users.create(SYSTEM, { username: "admin", password: "correct horse battery", role: "owner" });
  const app = createGalleryApp(gallery, { logger: pino({ level: "silent" }), themes: [darkTheme] });
  const get = async (path: string, cookie?: string) => {
    const response = await app.fetch(new Request(`${ORIGIN}${path}`, { headers: cookie ? { cookie } : {} }));
    return { response, text: await response.text() };
  };
  const login = async () => {
    const res = await app.fetch(
      new Request(`${ORIGIN}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ username: "admin", password: "correct horse battery" }),
      }),
    );
    return (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  };
  return { gallery, get, login };
}

/** The stylesheet URL a page links to. */
function styleHref(page: string): string {
  const match = /href="([^"]*\/assets\/[^"]*style\.css)"/.exec(page);
  if (!match?.[1]) throw new Error("no stylesheet link");
  return match[1];
}

describe("theme-dark", () => {
  it("overrides one template; the others and the other assets come from the default theme", () => {
    expect(darkTheme.templates.home).not.toBe(defaultTheme.templates.home);
    for (const name of ["layout", "album", "photo", "error", "login"] as const) {
      expect(darkTheme.templates[name]).toBe(defaultTheme.templates[name]);
    }
    expect(darkTheme.assets["style.css"]?.body).toContain(DARK_CSS.trim());
    expect(darkTheme.assets["lightbox.js"]).toBe(defaultTheme.assets["lightbox.js"]);
    expect(darkTheme.ancestors).toEqual(["default"]);
  });

  it("is chosen per gallery, served with fingerprinted immutable assets, and previewed by admins only", async () => {
    const t = await setup();
    const plain = await t.get("/");
    expect(plain.text).not.toContain("dark-welcome");
    const defaultCss = styleHref(plain.text);

    // An admin previews it for one request; a guest's ?theme= is ignored.
    const cookie = await t.login();
    const preview = await t.get("/?theme=dark", cookie);
    expect(preview.text).toContain('<p class="dark-welcome">Welcome to Night shots.</p>');
    expect(styleHref(preview.text)).not.toBe(defaultCss);
    expect((await t.get("/?theme=dark")).text).not.toContain("dark-welcome");

    // Chosen for the gallery: everyone gets it.
    await setGalleryTheme(t.gallery, SYSTEM, "dark");
    const chosen = await t.get("/");
    expect(chosen.text).toContain("dark-welcome");
    const darkCss = styleHref(chosen.text);
    const css = await t.get(darkCss);
    expect(css.response.headers.get("cache-control")).toContain("immutable");
    expect(css.text).toContain("color-scheme: dark");
    // The default theme's files stay served (pages cached before the switch still work).
    expect((await t.get(defaultCss)).response.status).toBe(200);
    // Other pages come from the parent's templates, with the dark stylesheet.
    const login = await t.get("/login");
    expect(styleHref(login.text)).toBe(darkCss);
  });
});
