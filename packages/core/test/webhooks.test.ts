import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Gallery,
  type GalleryOptions,
  isBlockedAddress,
  SYSTEM,
  type User,
  type UserActor,
} from "@vernissage/core";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { describe, expect, it, onTestFinished } from "vitest";
import { sendWebhook } from "../src/webhooks/send.js";
import { errorCode, jpeg, openGallery } from "./helpers.js";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A local receiver on 127.0.0.1; `respond` picks the status of each request (1-based). */
async function receiver(respond: (n: number) => number = () => 200) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = respond(received.length + 1);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status < 300 ? "ok" : `failure ${"x".repeat(5000)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received };
}

/** Webhooks reaching the local receiver are allowed explicitly; retries are immediate. */
function localOptions(extra: Partial<NonNullable<GalleryOptions["webhooks"]>> = {}): Partial<GalleryOptions> {
  return { webhooks: { allowPrivateNetworks: true, retryScheduleMs: [0, 0, 0, 0, 0, 0], ...extra } };
}

function asUser(user: User, privacyLevel: UserActor["privacyLevel"] = 0): UserActor {
  return { kind: "user", userId: user.id, role: user.role, privacyLevel, groupIds: [] };
}

/** Run due jobs until none is left (retries with a zero delay are due at once). */
async function drain(gallery: Gallery): Promise<void> {
  for (let i = 0; i < 50; i++) if ((await gallery.jobs.runUntilIdle()) === 0) return;
}

async function admin(gallery: Gallery): Promise<UserActor> {
  return asUser(await gallery.users.create(SYSTEM, { username: "hookadmin", role: "admin" }), 8);
}

describe("webhooks", () => {
  it("signs per Standard Webhooks, retries a failing receiver and marks the event delivered exactly once", async () => {
    const { gallery } = await openGallery(localOptions());
    const boss = await admin(gallery);
    const target = await receiver((n) => (n <= 3 ? 500 : 200));
    const { webhook, secret } = await gallery.webhooks.create(boss, {
      url: target.url,
      eventTypes: ["album.*"],
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    // The secret is not readable back and is never in the listing.
    expect(JSON.stringify(await gallery.webhooks.list(boss))).not.toContain(secret.slice(6));

    const album = await gallery.albums.create(boss, { name: "Hooked" });
    await gallery.tags.create(boss, { name: "not-subscribed" });
    await drain(gallery);

    expect(target.received.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    const ids = new Set(target.received.map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(1);
    const verifier = new StandardWebhook(secret);
    for (const r of target.received) {
      const payload = verifier.verify(r.body, r.headers as Record<string, string>) as {
        type: string;
        data: { albumId: string; name: string };
      };
      expect(payload.type).toBe("album.created");
      expect(payload.data.albumId).toBe(album.id);
    }
    // A forged body does not verify.
    const first = target.received[0] as Received;
    expect(() =>
      verifier.verify(first.body.replace("Hooked", "Forged"), first.headers as Record<string, string>),
    ).toThrow();

    const log = await gallery.webhooks.listDeliveries(boss, webhook.id);
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({
      status: "delivered",
      attempts: 4,
      responseStatus: 200,
      eventType: "album.created",
    });
    expect((await gallery.webhooks.get(boss, webhook.id)).consecutiveFailures).toBe(0);
    // Nothing more is sent afterwards.
    await drain(gallery);
    expect(target.received).toHaveLength(4);
  });

  it("redelivers a delivery with the same id and body, and sends test pings", async () => {
    const { gallery } = await openGallery(localOptions());
    const boss = await admin(gallery);
    const target = await receiver();
    const { webhook, secret } = await gallery.webhooks.create(boss, { url: target.url });
    await gallery.albums.create(boss, { name: "Again" });
    await drain(gallery);
    const [delivery] = (await gallery.webhooks.listDeliveries(boss, webhook.id)).items;
    if (!delivery) throw new Error("no delivery");
    const again = await gallery.webhooks.redeliver(boss, webhook.id, delivery.id);
    expect(again.id).not.toBe(delivery.id);
    await drain(gallery);
    expect(target.received).toHaveLength(2);
    expect(target.received[1]?.body).toBe(target.received[0]?.body);
    expect(target.received[1]?.headers["webhook-id"]).toBe(delivery.messageId);
    expect((await gallery.webhooks.listDeliveries(boss, webhook.id)).items.map((d) => d.status)).toEqual([
      "delivered",
      "delivered",
    ]);
    const ping = await gallery.webhooks.test(boss, webhook.id);
    await drain(gallery);
    const pinged = target.received[2] as Received;
    expect(
      new StandardWebhook(secret).verify(pinged.body, pinged.headers as Record<string, string>),
    ).toMatchObject({
      type: "webhook.test",
    });
    expect(pinged.headers["webhook-id"]).toBe(ping.messageId);
    expect(await errorCode(gallery.webhooks.redeliver(boss, webhook.id, "nope"))).toBe("NOT_FOUND");
  });

  it("disables a webhook after repeated failures and delivers nothing more to it", async () => {
    const { gallery } = await openGallery(localOptions({ disableAfterFailures: 3 }));
    const boss = await admin(gallery);
    const target = await receiver(() => 503);
    const { webhook } = await gallery.webhooks.create(boss, { url: target.url });
    await gallery.albums.create(boss, { name: "Doomed" });
    await drain(gallery);
    expect(target.received).toHaveLength(3);
    const after = await gallery.webhooks.get(boss, webhook.id);
    expect(after.enabled).toBe(false);
    expect(after.disabledReason).toMatch(/failed/);
    const [delivery] = (await gallery.webhooks.listDeliveries(boss, webhook.id)).items;
    expect(delivery).toMatchObject({ status: "failed", attempts: 3, responseStatus: 503 });
    // The truncated response body is kept.
    expect(delivery?.responseBody?.length).toBeLessThanOrEqual(1024);
    await gallery.albums.create(boss, { name: "Ignored" });
    await drain(gallery);
    expect(target.received).toHaveLength(3);
    expect(await errorCode(gallery.webhooks.redeliver(boss, webhook.id, delivery?.id ?? ""))).toBe(
      "CONFLICT",
    );
    // Re-enabling resets the count.
    expect((await gallery.webhooks.update(boss, webhook.id, { enabled: true })).consecutiveFailures).toBe(0);
  });

  it("refuses private and loopback URLs by default with WEBHOOK_URL_FORBIDDEN", async () => {
    const { gallery } = await openGallery();
    const boss = await admin(gallery);
    for (const url of [
      "http://127.0.0.1:8080/hook",
      "http://10.1.2.3/hook",
      "http://192.168.1.10/",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]/hook",
      "http://[::ffff:127.0.0.1]/hook",
      "http://[fd00::1]/",
      "http://0.0.0.0/",
      "http://localhost:3000/hook",
    ]) {
      expect(await errorCode(gallery.webhooks.create(boss, { url })), url).toBe("WEBHOOK_URL_FORBIDDEN");
    }
    for (const url of ["ftp://example.com/", "http://user:pw@example.com/", "not a url"]) {
      expect(await errorCode(gallery.webhooks.create(boss, { url })), url).toBe("VALIDATION_FAILED");
    }
    expect(
      await errorCode(gallery.webhooks.create(boss, { url: "https://example.com/", eventTypes: ["nope"] })),
    ).toBe("VALIDATION_FAILED");

    // A webhook whose URL became internal after it was saved (a rebinding name, a changed setting) is checked
    // again at delivery, and nothing is sent.
    const target = await receiver();
    const { webhook } = await gallery.webhooks.create(boss, { url: "https://example.com/hook" });
    await gallery.db.updateTable("webhooks").set({ url: target.url }).where("id", "=", webhook.id).execute();
    await gallery.albums.create(boss, { name: "Internal" });
    await gallery.jobs.runUntilIdle();
    expect(target.received).toHaveLength(0);
    const [delivery] = (await gallery.webhooks.listDeliveries(boss, webhook.id)).items;
    expect(delivery?.lastError).toContain("WEBHOOK_URL_FORBIDDEN");
    expect(delivery?.status).toBe("pending");
  });

  it("connects only to the pinned address, follows no redirect and gives up on a silent receiver", async () => {
    const target = await receiver(() => 200);
    const port = Number(new URL(target.url).port);
    // The URL names a host that does not resolve: the socket still goes to the checked address only.
    const pinned = await sendWebhook({
      target: {
        url: new URL(`http://hooks.example.invalid:${port}/in`),
        host: "hooks.example.invalid",
        address: "127.0.0.1",
        family: 4,
      },
      headers: {},
      body: "{}",
      timeoutMs: 5000,
      maxBodyBytes: 10,
    });
    expect(pinned.status).toBe(200);
    expect(target.received[0]?.headers.host).toBe(`hooks.example.invalid:${port}`);

    const elsewhere = await receiver(() => 200);
    const redirecting = createServer((_req, res) => res.writeHead(307, { location: elsewhere.url }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => redirecting.close(() => resolve())));
    const redirected = await sendWebhook({
      target: {
        url: new URL(`http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/`),
        host: "127.0.0.1",
        address: "127.0.0.1",
        family: 4,
      },
      headers: {},
      body: "{}",
      timeoutMs: 5000,
      maxBodyBytes: 10,
    });
    expect(redirected.status).toBe(307);
    expect(elsewhere.received).toHaveLength(0);

    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => {
      silent.closeAllConnections();
      return new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const timedOut = await sendWebhook({
      target: {
        url: new URL(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`),
        host: "127.0.0.1",
        address: "127.0.0.1",
        family: 4,
      },
      headers: {},
      body: "{}",
      timeoutMs: 200,
      maxBodyBytes: 10,
    });
    expect(timedOut.status).toBeNull();
    expect(timedOut.error).toMatch(/timed out/);
  });

  it("classifies addresses, IPv4-mapped IPv6 included", () => {
    for (const a of [
      "127.0.0.1",
      "10.0.0.1",
      "172.16.5.4",
      "192.168.0.1",
      "169.254.1.1",
      "0.0.0.0",
      "224.0.0.1",
    ])
      expect(isBlockedAddress(a), a).toBe(true);
    for (const a of [
      "::1",
      "::",
      "fe80::1",
      "fd12:3456::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "::ffff:10.0.0.1",
      "64:ff9b::a00:1",
    ])
      expect(isBlockedAddress(a), a).toBe(true);
    for (const a of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
      expect(isBlockedAddress(a), a).toBe(false);
    expect(isBlockedAddress("not-an-ip")).toBe(true);
  });

  it("gives a member only events about what they may see at delivery time", async () => {
    const { gallery } = await openGallery(localOptions());
    const member = await gallery.users.create(SYSTEM, { username: "watcher" });
    const target = await receiver();
    await gallery.webhooks.create(asUser(member), { url: target.url });
    const pub = await gallery.albums.create(SYSTEM, { name: "Open" });
    const priv = await gallery.albums.create(SYSTEM, { name: "Closed", visibility: "private" });
    await gallery.photos.upload(SYSTEM, {
      albumId: priv.id,
      file: await jpeg(30, 20, "#aa0000"),
      filename: "p.jpg",
    });
    await gallery.users.create(SYSTEM, { username: "someone" });
    await drain(gallery);
    const types = target.received.map(
      (r) => JSON.parse(r.body) as { type: string; data: { albumId?: string } },
    );
    expect(types.map((t) => t.type)).toEqual(["album.created"]);
    expect(types[0]?.data.albumId).toBe(pub.id);
    // The log holds no trace of the events the member may not see.
    const hooks = await gallery.webhooks.list(asUser(member));
    const log = await gallery.webhooks.listDeliveries(asUser(member), hooks.items[0]?.id ?? "");
    expect(log.items).toHaveLength(1);
    // Other users cannot see or touch the webhook; guests have none.
    const other = await gallery.users.create(SYSTEM, { username: "other" });
    expect(await errorCode(gallery.webhooks.get(asUser(other), hooks.items[0]?.id ?? ""))).toBe("NOT_FOUND");
    expect(await errorCode(gallery.webhooks.list({ kind: "guest" }))).toBe("UNAUTHENTICATED");
    const token = {
      kind: "token",
      tokenId: "t",
      userId: member.id,
      role: "member",
      privacyLevel: 0,
      groupIds: [],
      scopes: ["photos:read"],
      albumIds: null,
    } as const;
    expect(await errorCode(gallery.webhooks.list(token))).toBe("INSUFFICIENT_SCOPE");
  });

  it("makes no delivery of admin-only events for a member's webhook, even before delivery", async () => {
    const { gallery } = await openGallery(localOptions());
    const member = await gallery.users.create(SYSTEM, { username: "lurker" });
    const boss = await admin(gallery);
    const target = await receiver();
    const { webhook: mine } = await gallery.webhooks.create(asUser(member), { url: target.url });
    const { webhook: theirs } = await gallery.webhooks.create(boss, { url: target.url });
    await gallery.users.create(SYSTEM, { username: "newcomer" });
    await gallery.tags.create(boss, { name: "secret-project" });
    // Nothing ran yet: the member's log is already empty, the admin's holds both events.
    expect((await gallery.webhooks.listDeliveries(asUser(member), mine.id)).items).toEqual([]);
    expect(
      (await gallery.webhooks.listDeliveries(boss, theirs.id)).items.map((d) => d.eventType).sort(),
    ).toEqual(["tag.created", "user.created"]);
  });

  it("encrypts signing secrets at rest when a key is configured", async () => {
    const { gallery } = await openGallery(localOptions({ secretKey: "k".repeat(40) }));
    const boss = await admin(gallery);
    const target = await receiver();
    const { webhook, secret } = await gallery.webhooks.create(boss, { url: target.url });
    const stored = await gallery.db
      .selectFrom("webhooks")
      .select("secret")
      .where("id", "=", webhook.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret.startsWith("v1:")).toBe(true);
    expect(stored.secret).not.toContain(secret.slice(6, 20));
    await gallery.webhooks.test(boss, webhook.id);
    await drain(gallery);
    const r = target.received[0] as Received;
    expect(() =>
      new StandardWebhook(secret).verify(r.body, r.headers as Record<string, string>),
    ).not.toThrow();
  });
});
