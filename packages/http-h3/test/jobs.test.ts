import { SYSTEM } from "@vernissage/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setup } from "./helpers.js";

describe("job queue over HTTP (listJobs, retryJob)", () => {
  let t: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    t = await setup();
  });
  afterEach(async () => {
    await t.close();
  });

  it("shows dead letters to admins and lets them retry, and nothing to anyone else", async () => {
    t.gallery.jobs.register("test:broken", async () => {
      throw new Error("disk on fire");
    });
    t.gallery.jobs.register("test:fine", async () => {});
    const deadId = await t.gallery.jobs.enqueue("test:broken", {}, { maxAttempts: 1 });
    await t.gallery.jobs.enqueue("test:fine", {});
    await t.gallery.jobs.runUntilIdle();

    const guest = await t.request("/api/v1/jobs");
    expect(guest.status).toBe(401);
    expect(((await guest.json()) as { code: string }).code).toBe("UNAUTHENTICATED");

    await t.gallery.users.create(SYSTEM, { username: "mia", password: "a member password", role: "member" });
    const memberCookie = await t.login("mia", "a member password");
    const member = await t.request("/api/v1/jobs", { cookie: memberCookie });
    expect(member.status).toBe(403);
    expect(((await member.json()) as { code: string }).code).toBe("FORBIDDEN");
    const memberRetry = await t.request(`/api/v1/jobs/${deadId}/retry`, {
      method: "POST",
      cookie: memberCookie,
    });
    expect(memberRetry.status).toBe(403);

    const cookie = await t.login();
    const all = await t.request("/api/v1/jobs", { cookie });
    expect(all.status).toBe(200);
    const page = (await all.json()) as { items: { id: string; status: string }[]; nextCursor: string | null };
    expect(page.items.map((j) => j.status).sort()).toEqual(["dead", "done"]);

    const dead = await t.request("/api/v1/jobs?status=dead", { cookie });
    const deadPage = (await dead.json()) as {
      items: { id: string; type: string; lastError: string; attempts: number; runAt: string }[];
    };
    expect(deadPage.items).toHaveLength(1);
    expect(deadPage.items[0]).toMatchObject({ id: deadId, type: "test:broken", attempts: 1 });
    expect(deadPage.items[0]?.lastError).toContain("disk on fire");
    expect(Number.isNaN(Date.parse(deadPage.items[0]?.runAt ?? ""))).toBe(false);

    const bad = await t.request("/api/v1/jobs?status=zombie", { cookie });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("VALIDATION_FAILED");

    const retried = await t.request(`/api/v1/jobs/${deadId}/retry`, { method: "POST", cookie });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ id: deadId, status: "pending", attempts: 0 });
    const again = await t.request(`/api/v1/jobs/${deadId}/retry`, { method: "POST", cookie });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe("CONFLICT");
    const missing = await t.request("/api/v1/jobs/01nosuchjob/retry", { method: "POST", cookie });
    expect(missing.status).toBe(404);
  });

  it("documents both operations in the OpenAPI document", async () => {
    const doc = (await (await t.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(doc.paths["/api/v1/jobs"]?.get?.operationId ?? doc.paths["/jobs"]?.get?.operationId).toBe(
      "listJobs",
    );
  });
});
