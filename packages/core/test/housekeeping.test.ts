import { randomUUID } from "node:crypto";
import { type Gallery, GUEST, HOUSEKEEPING_BATCH, SYSTEM } from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { asUser, errorCode, openGallery } from "./helpers.js";

const DAY = 24 * 3600 * 1000;

async function count(
  gallery: Gallery,
  table: "sessions" | "events" | "activity_log" | "jobs",
): Promise<number> {
  const row = await gallery.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A session row that expired a day ago. */
function expiredSession(id: string, userId: string, now: number) {
  return {
    id,
    user_id: userId,
    secret_hash: "x",
    created_at: now - 40 * DAY,
    expires_at: now - DAY,
    last_seen_at: now - 40 * DAY,
    ip: null,
    user_agent: null,
  };
}

describe("housekeeping", () => {
  it("removes what expired or outlived its retention, and keeps everything else", async () => {
    const { gallery, listKeys: keys } = await openGallery({ webhooks: { allowPrivateNetworks: true } });
    const listKeys = async (prefix: string) => (await keys()).filter((k) => k.startsWith(prefix));
    const admin = await gallery.users.create(SYSTEM, {
      username: "keeper",
      password: "a long keeper password",
      role: "admin",
    });
    const actor = asUser(admin);
    const now = Date.now();
    // A session (30 days), activity and events (sign-in, a created album), sign-in failures for an account and an IP.
    await gallery.auth.login("keeper", "a long keeper password", { ip: "203.0.113.9" });
    await gallery.albums.create(actor, { name: "Kept" });
    expect(await errorCode(gallery.auth.login("keeper", "wrong password", { ip: "203.0.113.9" }))).not.toBe(
      "OK",
    );
    // A resumable upload left half-way (its first chunk stored), which expires 24 hours after that chunk.
    const kept = await gallery.albums.create(actor, { name: "Uploads" });
    const upload = await gallery.uploads.create(actor, {
      filename: "half.jpg",
      albumId: kept.id,
      length: 10,
    });
    await gallery.uploads.append(actor, upload.id, { offset: 0, body: new Uint8Array([1, 2, 3, 4]) });
    // A webhook ping: one delivery, pending (no job runs here); then a second one marked failed.
    const { webhook } = await gallery.webhooks.create(actor, { url: "http://127.0.0.1:9/hook" });
    const pending = await gallery.webhooks.test(actor, webhook.id);
    const failed = await gallery.webhooks.test(actor, webhook.id);
    await gallery.db
      .updateTable("webhook_deliveries")
      .set({ status: "failed" })
      .where("id", "=", failed.id)
      .execute();
    // Jobs: one completed, one dead, one pending (the pings queued their own pending jobs too).
    for (const status of ["done", "dead", "pending"] as const) {
      const id = await gallery.jobs.enqueue("test:noop", {});
      await gallery.db.updateTable("jobs").set({ status, created_at: now }).where("id", "=", id).execute();
    }
    // A password-reset token valid one hour.
    await gallery.db
      .insertInto("password_resets")
      .values({
        id: randomUUID(),
        user_id: admin.id,
        secret_hash: "x",
        created_at: now,
        expires_at: now + 3600_000,
        used_at: null,
      })
      .execute();
    const sessions = await count(gallery, "sessions");
    const events = await count(gallery, "events");
    const activity = await count(gallery, "activity_log");
    const jobs = await count(gallery, "jobs");
    expect(sessions).toBe(1);
    expect(events).toBeGreaterThan(0);
    expect(activity).toBeGreaterThan(0);

    // Now: nothing has expired.
    const none = await gallery.housekeeping.run(SYSTEM, now);
    expect(Object.values(none).every((n) => n === 0)).toBe(true);

    // Two days on: the reset token expired and the failure counters are forgotten (nothing locks), nothing else.
    const twoDays = await gallery.housekeeping.run(actor, now + 2 * DAY);
    expect(twoDays).toMatchObject({
      passwordResets: 1,
      uploads: 1,
      sessions: 0,
      events: 0,
      activity: 0,
      jobs: 0,
    });
    expect(await errorCode(gallery.uploads.get(actor, upload.id))).toBe("NOT_FOUND");
    expect(await listKeys("uploads/")).toEqual([]);
    expect(twoDays.loginThrottle).toBe(2);

    // Eight days on: the completed job goes; the dead and pending ones stay.
    const week = await gallery.housekeeping.run(SYSTEM, now + 8 * DAY);
    expect(week).toMatchObject({ jobs: 1, sessions: 0, webhookDeliveries: 0 });
    const statuses = await gallery.db
      .selectFrom("jobs")
      .select("status")
      .where("type", "=", "test:noop")
      .execute();
    expect(statuses.map((r) => r.status).sort()).toEqual(["dead", "pending"]);

    // A month on: the session expired (30 days), the failed delivery is gone, the pending one stays.
    const month = await gallery.housekeeping.run(SYSTEM, now + 31 * DAY);
    expect(month).toMatchObject({ sessions: 1, webhookDeliveries: 1, events: 0, activity: 0 });
    const left = await gallery.db.selectFrom("webhook_deliveries").select("id").execute();
    expect(left.map((r) => r.id)).toEqual([pending.id]);

    // Past the event (90 days) and activity (180 days) retentions.
    expect(await gallery.housekeeping.run(SYSTEM, now + 91 * DAY)).toMatchObject({ events, activity: 0 });
    expect(await gallery.housekeeping.run(SYSTEM, now + 181 * DAY)).toMatchObject({ activity });
    expect(await count(gallery, "events")).toBe(0);
    expect(await count(gallery, "activity_log")).toBe(0);
    expect(await count(gallery, "jobs")).toBe(jobs - 1);
  });

  it("follows the configured retention, deletes in batches, and is for admins only", async () => {
    const { gallery } = await openGallery({
      housekeeping: { eventsRetentionDays: 2, finishedJobsRetentionDays: 1, intervalMs: 0 },
      identity: { activityRetentionDays: 3 },
    });
    expect(gallery.housekeeping.retention()).toEqual({
      activityDays: 3,
      eventsDays: 2,
      webhookDeliveriesDays: 30,
      finishedJobsDays: 1,
    });
    const user = await gallery.users.create(SYSTEM, {
      username: "member",
      password: "a long member password",
    });
    const now = Date.now();
    const expired = Array.from({ length: HOUSEKEEPING_BATCH * 2 + 500 }, (_, i) =>
      expiredSession(`s${String(i).padStart(6, "0")}`, user.id, now),
    );
    for (let i = 0; i < expired.length; i += 500) {
      await gallery.db
        .insertInto("sessions")
        .values(expired.slice(i, i + 500))
        .execute();
    }
    await gallery.auth.login("member", "a long member password");
    await gallery.albums.create(SYSTEM, { name: "Recent" });
    const member = asUser(user);
    expect(await errorCode(gallery.housekeeping.run(member))).toBe("FORBIDDEN");
    expect(await errorCode(gallery.housekeeping.run(GUEST))).toBe("FORBIDDEN");
    const report = await gallery.housekeeping.run(SYSTEM, now);
    expect(report.sessions).toBe(expired.length);
    expect(await count(gallery, "sessions")).toBe(1);
    expect((await gallery.housekeeping.run(SYSTEM, now + 2.5 * DAY)).events).toBeGreaterThan(0);
    expect(await count(gallery, "events")).toBe(0);
    expect((await gallery.housekeeping.run(SYSTEM, now + 3.5 * DAY)).activity).toBeGreaterThan(0);
  });

  it("runs on its own where jobs run, and refuses a bad interval", async () => {
    const { gallery } = await openGallery({
      jobs: { run: true, pollMs: 50 },
      housekeeping: { intervalMs: 1000 },
    });
    const user = await gallery.users.create(SYSTEM, {
      username: "sleeper",
      password: "a long sleeper password",
    });
    const now = Date.now();
    await gallery.db
      .insertInto("sessions")
      .values(expiredSession("expired-session", user.id, now))
      .execute();
    const deadline = Date.now() + 10_000;
    while ((await count(gallery, "sessions")) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await count(gallery, "sessions")).toBe(0);
    expect(await errorCode(openGallery({ housekeeping: { intervalMs: 10 } }))).toBe("INVALID_CONFIGURATION");
  });
});
