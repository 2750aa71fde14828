import {
  assertValidStorageKey,
  DEFAULT_PRESETS,
  decodeCursor,
  encodeCursor,
  escapeHtml,
  html,
  htmlBytes,
  negotiateFormat,
  outputSize,
  recipeHash,
  resolvePresets,
  unsafeHtml,
} from "@vernissage/core";
import { describe, expect, it } from "vitest";
import { sniffImageFormat } from "../src/ingest/sniff.js";
import { spoolToTemp } from "../src/ingest/spool.js";

const preset = (name: string) => {
  const p = DEFAULT_PRESETS.find((x) => x.name === name);
  if (!p) throw new Error(name);
  return p;
};

describe("presets", () => {
  it("uses Piwigo's names and boxes, with 3xlarge and 4xlarge off", () => {
    expect(DEFAULT_PRESETS.map((p) => [p.name, p.width, p.height, p.enabled])).toEqual([
      ["square", 120, 120, true],
      ["thumb", 144, 144, true],
      ["2small", 240, 240, true],
      ["xsmall", 432, 324, true],
      ["small", 576, 432, true],
      ["medium", 792, 594, true],
      ["large", 1008, 756, true],
      ["xlarge", 1224, 918, true],
      ["xxlarge", 1656, 1242, true],
      ["3xlarge", 2232, 1674, false],
      ["4xlarge", 3000, 2250, false],
    ]);
  });

  it("fits inside the box and never upscales", () => {
    expect(outputSize(preset("medium"), 4000, 3000)).toEqual({ width: 792, height: 594 });
    expect(outputSize(preset("medium"), 3000, 4000)).toEqual({ width: 446, height: 594 });
    expect(outputSize(preset("medium"), 300, 200)).toEqual({ width: 300, height: 200 });
    expect(outputSize(preset("square"), 4000, 3000)).toEqual({ width: 120, height: 120 });
    expect(outputSize(preset("square"), 100, 300)).toEqual({ width: 100, height: 120 });
  });

  it("changes the recipe hash exactly when the output would change", () => {
    const medium = preset("medium");
    const [changed] = resolvePresets({ medium: { quality: 90 } }).filter((p) => p.name === "medium");
    expect(recipeHash(medium, "jpeg")).toBe(recipeHash({ ...medium }, "jpeg"));
    expect(recipeHash(medium, "jpeg")).not.toBe(recipeHash(changed!, "jpeg"));
    expect(recipeHash(medium, "jpeg")).not.toBe(recipeHash(medium, "webp"));
    expect(() => resolvePresets({ banner: { quality: 80 } })).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIGURATION" }),
    );
  });

  it("negotiates the first acceptable configured format, JPEG as the fallback", () => {
    expect(negotiateFormat("image/avif,image/webp,*/*", ["avif", "webp", "jpeg"])).toBe("avif");
    expect(negotiateFormat("image/webp,*/*", ["avif", "webp", "jpeg"])).toBe("webp");
    expect(negotiateFormat("image/avif;q=0,image/webp", ["avif", "webp"])).toBe("webp");
    expect(negotiateFormat(null, ["avif", "webp"])).toBe("jpeg");
    expect(negotiateFormat("image/avif", ["jpeg", "avif"])).toBe("jpeg");
  });
});

describe("html", () => {
  it("escapes interpolations by default and keeps SafeHtml", () => {
    const name = `<script>alert("x")</script>' onload=`;
    expect(html`<p title="${name}">${name}</p>`.toString()).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=</p>',
    );
    expect(
      html`<div>${html`<b>${"&"}</b>`}${unsafeHtml("<i>ok</i>")}${[1, null, false, "<"]}</div>`.toString(),
    ).toBe("<div><b>&amp;</b><i>ok</i>1&lt;</div>");
    expect(escapeHtml("`")).toBe("&#96;");
  });

  it("encodes a page from its pieces to the same UTF-8 bytes as its text, however large", () => {
    const row = (i: number) => html`<li title="${`Photo ’${i}’ <b>`}">${`café ${i} 📷 & more`}</li>`;
    const page = html`<!doctype html><h1>${"Family’s trip"}</h1><ul>${Array.from({ length: 2000 }, (_, i) => row(i))}</ul>`;
    const text = page.toString();
    expect(text.length).toBeGreaterThan(100_000);
    expect(text).toContain('<li title="Photo ’7’ &lt;b&gt;">café 7 📷 &amp; more</li>');
    expect(Buffer.compare(htmlBytes(page), Buffer.from(text, "utf8"))).toBe(0);
    // The pieces are kept until then, and joining does not change them.
    expect(page.pieces().join("")).toBe(text);
    expect(htmlBytes(html``).length).toBe(0);
    expect(htmlBytes(unsafeHtml("é")).toString("utf8")).toBe("é");
  });
});

describe("storage keys", () => {
  it.each(["../x", "/abs", "a//b", "a/./b", "a\\b", "a b", "a\u0000b", "", "é"])("refuses %j", (key) => {
    expect(() => assertValidStorageKey(key)).toThrow(
      expect.objectContaining({ code: "INVALID_STORAGE_KEY" }),
    );
  });
  it("accepts safe keys", () => {
    expect(() => assertValidStorageKey("originals/ab/abcdef.jpg")).not.toThrow();
  });
});

describe("ingest", () => {
  const bytes = (...values: (number | string)[]) =>
    Uint8Array.from(
      values
        .flatMap((v) => (typeof v === "string" ? [...v].map((c) => c.charCodeAt(0)) : [v]))
        .concat(Array(16).fill(0)),
    );

  it("sniffs content, not names", () => {
    expect(sniffImageFormat(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe("jpeg");
    expect(sniffImageFormat(bytes(0x89, "PNG", 0x0d, 0x0a, 0x1a, 0x0a))).toBe("png");
    expect(sniffImageFormat(bytes("GIF89a"))).toBe("gif");
    expect(sniffImageFormat(bytes("RIFF", 0, 0, 0, 0, "WEBP"))).toBe("webp");
    expect(sniffImageFormat(bytes(0, 0, 0, 0x1c, "ftypavif"))).toBe("avif");
    expect(sniffImageFormat(bytes(0, 0, 0, 0x1c, "ftypheic"))).toBe("heif");
    expect(sniffImageFormat(bytes("<svg xmlns='http://www.w3.org/2000/svg'>"))).toBeUndefined();
    expect(sniffImageFormat(bytes("<!doctype html>"))).toBeUndefined();
  });

  it("stops spooling past the size limit and leaves nothing behind", async () => {
    await expect(spoolToTemp(new Uint8Array(2048), 1024)).rejects.toMatchObject({ code: "FILE_TOO_LARGE" });
    const ok = await spoolToTemp(new TextEncoder().encode("abc"), 1024);
    expect(ok.sha256).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(ok.byteSize).toBe(3);
    await ok.dispose();
  });
});

describe("cursors", () => {
  it("round-trips and checks shapes", () => {
    expect(decodeCursor(encodeCursor([3, "a"]), ["n", "s"])).toEqual([3, "a"]);
    expect(() => decodeCursor(encodeCursor(["3", "a"]), ["n", "s"])).toThrow(
      expect.objectContaining({ code: "INVALID_CURSOR" }),
    );
  });
});
