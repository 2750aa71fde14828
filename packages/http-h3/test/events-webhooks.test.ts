import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { SYSTEM } from "@vernissage/core";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { makeJpeg, setup } from "./helpers.js";

type Env = Awaited<ReturnType<typeof setup>>;
const envs: Env[] = [];
afterEach(async () => {
  while (envs.length) await envs.pop()?.close();
});
async function open(options: Parameters<typeof setup>[0] = {}) {
  const env = await setup(options);
  envs.push(env);
  return env;
}

async function call(
  env: Env,
  method: string,
  path: string,
  opts: { cookie?: string; bearer?: string; body?: unknown } = {},
) {
  const headers: Record<string, string> =
    opts.body !== undefined ? { "content-type": "application/json" } : {};
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const res = await env.request(path, {
    method,
    cookie: opts.cookie,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many shapes, checked field by field
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

async function receiver(respond: (n: number) => number) {
  const received: { headers: IncomingHttpHeaders; body: string; status: number }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = respond(received.length + 1);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      res.writeHead(status).end(status < 300 ? "thanks" : "nope");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`, received };
}

async function drain(env: Env): Promise<void> {
  for (let i = 0; i < 50; i++) if ((await env.gallery.jobs.runUntilIdle()) === 0) return;
}

describe("GET /api/v1/events", () => {
  it("hides events about a private photo from guests and members without rights, shows them to the owner", async () => {
    const env = await open();
    const admin = await env.login();
    await env.gallery.users.create(SYSTEM, { username: "mia", password: "correct horse battery" });
    const mia = await env.login("mia");
    const pub = (await env.createAlbum(admin, { name: "Public" })).json;
    const priv = (await env.createAlbum(admin, { name: "Private", visibility: "private" })).json;
    const open1 = await env.upload(admin, pub.id as string, await makeJpeg(40, 30));
    const secret = await env.upload(admin, priv.id as string, await makeJpeg(44, 30));
    expect(secret.res.status).toBe(201);
    const photoId = (secret.json.photo as { id: string }).id;

    const ids = (body: Record<string, unknown> | null) =>
      ((body?.items ?? []) as { photoId: string | null; albumId: string | null }[]).flatMap((e) => [
        e.photoId,
        e.albumId,
      ]);
    const guest = await call(env, "GET", "/api/v1/events?limit=200");
    expect(guest.status).toBe(200);
    expect(ids(guest.body)).toContain((open1.json.photo as { id: string }).id);
    expect(ids(guest.body)).not.toContain(photoId);
    expect(ids(guest.body)).not.toContain(priv.id);
    const member = await call(env, "GET", "/api/v1/events?limit=200", { cookie: mia });
    expect(ids(member.body)).not.toContain(photoId);
    const owner = await call(env, "GET", "/api/v1/events?limit=200&types=photo.*", { cookie: admin });
    expect(ids(owner.body)).toContain(photoId);
    expect(((owner.body?.items ?? []) as { type: string }[]).every((e) => e.type.startsWith("photo."))).toBe(
      true,
    );

    // Paging: cursors move forward without repeats.
    const first = await call(env, "GET", "/api/v1/events?limit=1", { cookie: admin });
    const second = await call(env, "GET", `/api/v1/events?limit=1&cursor=${first.body?.nextCursor}`, {
      cookie: admin,
    });
    expect(second.body?.items[0].id).not.toBe(first.body?.items[0].id);
    expect((await call(env, "GET", "/api/v1/events?cursor=%%%")).body?.code).toBe("INVALID_CURSOR");
    expect((await call(env, "GET", "/api/v1/events?types=bogus")).body?.code).toBe("VALIDATION_FAILED");

    // Tokens need events:read.
    const made = await call(env, "POST", "/api/v1/tokens", {
      cookie: admin,
      body: { name: "reader", scopes: ["photos:read"] },
    });
    const bearer = made.body?.secret as string;
    expect((await call(env, "GET", "/api/v1/events", { bearer })).body?.code).toBe("INSUFFICIENT_SCOPE");
    const reader = await call(env, "POST", "/api/v1/tokens", {
      cookie: admin,
      body: { name: "events", scopes: ["events:read"] },
    });
    expect((await call(env, "GET", "/api/v1/events", { bearer: reader.body?.secret })).status).toBe(200);
  });
});

describe("/api/v1/webhooks", () => {
  it("subscribes, signs, retries until delivered, lists deliveries and redelivers", async () => {
    const env = await open({
      gallery: { webhooks: { allowPrivateNetworks: true, retryScheduleMs: [0, 0, 0, 0] } },
    });
    const admin = await env.login();
    const target = await receiver((n) => (n <= 3 ? 500 : 204));
    const created = await call(env, "POST", "/api/v1/webhooks", {
      cookie: admin,
      body: { url: target.url, eventTypes: ["album.created"], description: "test" },
    });
    expect(created.status).toBe(201);
    const secret = created.body?.secret as string;
    const id = created.body?.webhook.id as string;
    await env.createAlbum(admin, { name: "Signed" });
    await drain(env);
    expect(target.received.map((r) => r.status)).toEqual([500, 500, 500, 204]);
    const verifier = new StandardWebhook(secret);
    for (const r of target.received) {
      expect(verifier.verify(r.body, r.headers as Record<string, string>)).toMatchObject({
        type: "album.created",
      });
    }
    const log = await call(env, "GET", `/api/v1/webhooks/${id}/deliveries`, { cookie: admin });
    expect(log.body?.items).toHaveLength(1);
    expect(log.body?.items[0]).toMatchObject({ status: "delivered", attempts: 4, responseStatus: 204 });

    const again = await call(
      env,
      "POST",
      `/api/v1/webhooks/${id}/deliveries/${log.body?.items[0].id}/redeliver`,
      {
        cookie: admin,
      },
    );
    expect(again.status).toBe(202);
    const ping = await call(env, "POST", `/api/v1/webhooks/${id}/test`, { cookie: admin });
    expect(ping.status).toBe(202);
    await drain(env);
    expect(target.received).toHaveLength(6);
    expect(target.received[4]?.headers["webhook-id"]).toBe(target.received[3]?.headers["webhook-id"]);

    const listed = await call(env, "GET", "/api/v1/webhooks", { cookie: admin });
    expect(listed.body?.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));
    const patched = await call(env, "PATCH", `/api/v1/webhooks/${id}`, {
      cookie: admin,
      body: { enabled: false },
    });
    expect(patched.body?.enabled).toBe(false);
    expect((await call(env, "DELETE", `/api/v1/webhooks/${id}`, { cookie: admin })).status).toBe(204);
    expect((await call(env, "GET", `/api/v1/webhooks/${id}/deliveries`, { cookie: admin })).body?.code).toBe(
      "NOT_FOUND",
    );
  });

  it("refuses private addresses by default and guards access", async () => {
    const env = await open();
    const admin = await env.login();
    for (const url of ["http://127.0.0.1:9/x", "http://10.0.0.8/", "http://[::1]/", "http://localhost/"]) {
      const res = await call(env, "POST", "/api/v1/webhooks", { cookie: admin, body: { url } });
      expect(res.status, url).toBe(422);
      expect(res.body?.code, url).toBe("WEBHOOK_URL_FORBIDDEN");
    }
    expect((await call(env, "GET", "/api/v1/webhooks")).body?.code).toBe("UNAUTHENTICATED");
    const token = await call(env, "POST", "/api/v1/tokens", {
      cookie: admin,
      body: { name: "no-hooks", scopes: ["albums:read"] },
    });
    expect((await call(env, "GET", "/api/v1/webhooks", { bearer: token.body?.secret })).body?.code).toBe(
      "INSUFFICIENT_SCOPE",
    );
  });
});
