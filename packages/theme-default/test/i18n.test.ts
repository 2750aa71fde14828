import { describe, expect, it } from "vitest";
import { messagesEn } from "../src/i18n/messages-en.js";
import { messagesFr } from "../src/i18n/messages-fr.js";
import { formatNumber, negotiateLanguage, photoCountText, translate } from "../src/index.js";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogue", () => {
  it("has the same keys and placeholders in English and French, none empty", () => {
    expect(Object.keys(messagesFr).sort()).toEqual(Object.keys(messagesEn).sort());
    for (const [key, en] of Object.entries(messagesEn)) {
      const fr = messagesFr[key as keyof typeof messagesEn];
      expect(en.trim(), key).not.toBe("");
      expect(fr.trim(), key).not.toBe("");
      expect(placeholders(fr), key).toEqual(placeholders(en));
    }
  });

  it("picks the user's preference, else the best Accept-Language entry, else English", () => {
    expect(negotiateLanguage("fr-FR,fr;q=0.9,en;q=0.8")).toBe("fr");
    expect(negotiateLanguage("de-DE,en;q=0.3,fr;q=0.5")).toBe("fr");
    expect(negotiateLanguage("en;q=0.9,fr")).toBe("fr");
    expect(negotiateLanguage("fr;q=0,en")).toBe("en");
    expect(negotiateLanguage("de, it")).toBe("en");
    expect(negotiateLanguage(null)).toBe("en");
    expect(negotiateLanguage("", undefined)).toBe("en");
    expect(negotiateLanguage("en", "fr-BE")).toBe("fr");
    expect(negotiateLanguage("fr", "xx")).toBe("fr");
    expect(negotiateLanguage("*;q=0.1,garbage;q=abc")).toBe("en");
  });

  it("fills placeholders and formats numbers and plurals per locale", () => {
    expect(translate("fr", "error.status", { status: "404" })).toBe("Erreur 404");
    expect(translate("es", "error.404")).toBe("Page not found");
    expect(translate("en", "photo.pixels", { width: 6000, height: 4000 })).toBe("6,000 × 4,000 pixels");
    expect(translate("fr", "photo.pixels", { width: 6000, height: 4000 })).toMatch(
      /^6\s000 × 4\s000 pixels$/,
    );
    expect(photoCountText(1, "en")).toBe("1 photo");
    expect(photoCountText(0, "en")).toBe("0 photos");
    // French uses the singular for 0 and 1.
    expect(photoCountText(0, "fr")).toBe("0 photo");
    expect(photoCountText(1234, "fr")).toMatch(/^1\s234 photos$/);
    expect(formatNumber(1.5, "fr")).toBe("1,5");
  });
});
