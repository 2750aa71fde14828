import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGallery, type Gallery, SYSTEM } from "@vernissage/core";
import { sqliteDatabase } from "@vernissage/db-sqlite";
import { createGalleryApp } from "@vernissage/http-h3";
import { fsStorage } from "@vernissage/storage-fs";
import { serve } from "h3";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { authHeader, proxyMatcher } from "../src/index.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setup(config: Record<string, unknown>) {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-auth-header-"));
  const gallery: Gallery = await createGallery({
    database: sqliteDatabase({ filename: join(dir, "gallery.db") }),
    storage: fsStorage({ root: join(dir, "files") }),
    jobs: { run: false },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    plugins: [{ plugin: authHeader, config }],
  });
  cleanups.push(async () => {
    await gallery.close();
    await rm(dir, { recursive: true, force: true });
  });
  await gallery.users.create(SYSTEM, { username: "alice", password: "correct horse battery", role: "admin" });
  // A hidden album only admins see: listing it tells whether the request was signed in as alice.
  await gallery.albums.create(SYSTEM, { name: "Secret", visibility: "hidden" });
  const app = createGalleryApp(gallery, { logger: pino({ level: "silent" }) });
  /** An API request as if it came from `ip` (the socket address h3 reads). */
  const fromIp = (ip: string, headers: Record<string, string> = {}, path = "/api/v1/albums") => {
    const request = new Request(`http://gallery.test${path}`, { headers });
    Object.defineProperty(request, "ip", { value: ip });
    return app.fetch(request);
  };
  const albumNames = async (response: Response) =>
    ((await response.json()) as { items: { name: string }[] }).items.map((a) => a.name);
  return { gallery, app, fromIp, albumNames };
}

describe("plugin-auth-header", () => {
  it("signs in the header's user only for requests from a trusted proxy", async () => {
    const t = await setup({ trustedProxies: ["10.0.0.0/24", "fd00::1"] });
    expect(await t.albumNames(await t.fromIp("10.0.0.7", { "x-remote-user": "alice" }))).toEqual(["Secret"]);
    expect(await t.albumNames(await t.fromIp("::ffff:10.0.0.9", { "X-Remote-User": "alice" }))).toEqual([
      "Secret",
    ]);
    expect(await t.albumNames(await t.fromIp("fd00::1", { "x-remote-user": "alice" }))).toEqual(["Secret"]);
    // Untrusted addresses: the header is ignored (guest), X-Forwarded-For changes nothing.
    expect(await t.albumNames(await t.fromIp("10.0.1.7", { "x-remote-user": "alice" }))).toEqual([]);
    expect(
      await t.albumNames(
        await t.fromIp("192.0.2.1", { "x-remote-user": "alice", "x-forwarded-for": "10.0.0.7" }),
      ),
    ).toEqual([]);
    // A trusted proxy without the header, or naming an unknown user: a guest.
    expect(await t.albumNames(await t.fromIp("10.0.0.7"))).toEqual([]);
    expect(await t.albumNames(await t.fromIp("10.0.0.7", { "x-remote-user": "mallory" }))).toEqual([]);
  });

  it("can reject unknown users, and stops working once disabled", async () => {
    const t = await setup({ trustedProxies: ["10.0.0.1"], header: "Remote-User", unknownUser: "reject" });
    const rejected = await t.fromIp("10.0.0.1", { "remote-user": "mallory" });
    expect(rejected.status).toBe(401);
    expect(await rejected.json()).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await t.albumNames(await t.fromIp("10.0.0.1", { "remote-user": "alice" }))).toEqual(["Secret"]);
    await t.gallery.plugins.disable(SYSTEM, "auth-header");
    expect(await t.albumNames(await t.fromIp("10.0.0.1", { "remote-user": "alice" }))).toEqual([]);
  });

  it("uses the real socket address of a served app", async () => {
    const trusted = await setup({ trustedProxies: ["127.0.0.1"] });
    const server = serve(trusted.app, { port: 0, hostname: "127.0.0.1", silent: true });
    await server.ready();
    cleanups.push(() => server.close(true));
    const url = new URL("/api/v1/albums", server.url);
    const response = await fetch(url, { headers: { "x-remote-user": "alice" } });
    expect(await trusted.albumNames(response)).toEqual(["Secret"]);
  });

  it("validates the proxy list", () => {
    expect(() => proxyMatcher(["10.0.0.0/33"])).toThrow();
    expect(() => proxyMatcher(["proxy.local"])).toThrow();
    const match = proxyMatcher(["192.168.1.0/24"]);
    expect(match("192.168.1.200")).toBe(true);
    expect(match("192.168.2.1")).toBe(false);
    expect(match(null)).toBe(false);
  });
});
