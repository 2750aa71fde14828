import { SYSTEM } from "@vernissage/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORIGIN, setup } from "./helpers.js";

type T = Awaited<ReturnType<typeof setup>>;

function post(t: T, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return t.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, ...headers },
    body: new URLSearchParams(fields),
  });
}

describe("account pages", () => {
  let t: T;
  const mails: string[] = [];

  beforeAll(async () => {
    t = await setup({ gallery: { identity: { registration: "open", publicUrl: ORIGIN } } });
    t.gallery.hooks.hook("mail:send:before", ({ message }) => {
      mails.push(message.text);
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("registers an account through the form and signs it in", async () => {
    const form = await (await t.request("/register")).text();
    expect(form).toContain('data-testid="register-form"');
    const res = await post(t, "/register", {
      username: "noor",
      password: "a long enough password",
      email: "noor@example.org",
      displayName: "Noor",
    });
    expect(res.status).toBe(303);
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toMatch(/^vernissage_session=/);
    expect(await (await t.request("/", { cookie })).text()).toContain("<strong>Noor</strong>");

    const taken = await post(t, "/register", { username: "noor", password: "another long password" });
    expect(taken.status).toBe(409);
    const page = await taken.text();
    expect(page).toContain("This username is already taken.");
    expect(page).toContain('value="noor"');
    const weak = await post(t, "/register", { username: "sam", password: "x" }, { "accept-language": "fr" });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain("au moins 8 caractères");
    const cross = await post(
      t,
      "/register",
      { username: "eve", password: "a long enough password" },
      {
        origin: "https://evil.example",
      },
    );
    expect(cross.status).toBe(403);
  });

  it("resets a password with the e-mailed code without telling whether an account exists", async () => {
    const unknown = await post(t, "/forgot-password", { who: "nobody-here" });
    const known = await post(t, "/forgot-password", { who: "noor@example.org" });
    expect(unknown.status).toBe(200);
    expect(known.status).toBe(200);
    const strip = (html: string) => html.replace(/[0-9a-f-]{36}/g, "");
    expect(strip(await unknown.text())).toBe(strip(await known.text()));
    expect(mails).toHaveLength(1);
    // The mail links to the reset page with the code in the fragment (never sent to the server).
    const link = /\S+\/reset-password#token=\S+/.exec(mails[0] ?? "")?.[0] ?? "";
    expect(link.startsWith(`${ORIGIN}/reset-password#token=`)).toBe(true);
    const token = decodeURIComponent(link.split("#token=")[1] ?? "");

    const page = await t.request("/reset-password");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await page.text()).toMatch(/<script src="\/assets\/[0-9a-f]+\/account\.js" defer>/);

    const wrong = await post(t, "/reset-password", { token: "not-a-token", password: "brand new password" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("unknown, used or expired");
    const done = await post(t, "/reset-password", { token, password: "brand new password" });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Your password was changed.");
    await t.login("noor", "brand new password");
    // A reset code works once.
    expect((await post(t, "/reset-password", { token, password: "third password here" })).status).toBe(400);
  });

  it("says so when registration is closed", async () => {
    const closed = await setup();
    try {
      const res = await closed.request("/register", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
        body: new URLSearchParams({ username: "zed", password: "a long enough password" }),
      });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("Registration is closed");
      expect(await closed.gallery.users.findByUsername(SYSTEM, "zed")).toBeNull();
    } finally {
      await closed.close();
    }
  });
});
