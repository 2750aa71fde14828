import { afterEach, describe, expect, it } from "vitest";
import { setup } from "./helpers.js";

type Setup = Awaited<ReturnType<typeof setup>>;
let t: Setup | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe("session-less forms (login, registration, share links)", () => {
  it("accept the request's own origin and configured public origins, and refuse any other", async () => {
    t = await setup({ app: { allowedOrigins: ["https://photos.example.org"] } });
    const post = (path: string, origin: string, fields: Record<string, string>) =>
      t!.request(path, {
        method: "POST",
        headers: { origin, "content-type": "application/x-www-form-urlencoded" },
        body: form(fields),
      });
    const good = { username: "admin", password: "correct horse battery", next: "/" };

    const own = await post("/login", "http://gallery.test", good);
    expect(own.status).toBe(303);
    const proxied = await post("/login", "https://photos.example.org", good);
    expect(proxied.status).toBe(303);
    expect(proxied.headers.get("set-cookie")).toContain("vernissage_session=");

    for (const path of ["/login", "/forgot-password", "/s/abcdefghijklmnop"]) {
      const evil = await post(path, "https://evil.example", { ...good, email: "a@b.c", password: "x" });
      expect(evil.status, path).toBe(403);
      expect(evil.headers.get("set-cookie"), path).toBeNull();
    }
  });

  it("cut every field to its bound", async () => {
    t = await setup();
    const res = await t.request("/login", {
      method: "POST",
      headers: { origin: "http://gallery.test", "content-type": "application/x-www-form-urlencoded" },
      body: form({ username: "admin", password: "correct horse battery", next: `/${"x".repeat(5000)}` }),
    });
    expect(res.status).toBe(303);
    expect((res.headers.get("location") ?? "").length).toBeLessThanOrEqual(2048);
  });
});
