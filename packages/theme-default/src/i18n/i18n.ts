import { type MessageKey, messagesEn } from "./messages-en.js";
import { messagesFr } from "./messages-fr.js";

/** Languages the default theme's catalogue covers completely. The first is the fallback. */
export const SUPPORTED_LANGUAGES = ["en", "fr"] as const;

/** A language of {@link SUPPORTED_LANGUAGES}. */
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

const CATALOGUES: Record<Language, Record<MessageKey, string>> = { en: messagesEn, fr: messagesFr };

/** The supported language for a tag such as `fr-CA`, or null. */
export function supportedLanguage(tag: string | null | undefined): Language | null {
  const primary = (tag ?? "").trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : null;
}

/**
 * Pick the interface language: the user's own preference when it is supported, else the best supported
 * entry of an `Accept-Language` header (by `q` weight, then order), else English.
 *
 * @example
 * negotiateLanguage("de-DE,fr;q=0.8,en;q=0.5") // "fr"
 */
export function negotiateLanguage(
  acceptLanguage: string | null | undefined,
  preferred?: string | null,
): Language {
  const own = supportedLanguage(preferred);
  if (own) return own;
  const ranked = (acceptLanguage ?? "")
    .slice(0, 512)
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const entry of ranked) {
    const found = supportedLanguage(entry.tag);
    if (found) return found;
  }
  return SUPPORTED_LANGUAGES[0];
}

/** Values substituted into `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;

/**
 * Translate `key` into `lang` (English when `lang` is not supported) and fill its placeholders. Numbers are
 * formatted for the language (`1 234` in French, `1,234` in English).
 *
 * @example
 * translate("fr", "error.status", { status: 404 }) // "Erreur 404"
 */
export function translate(lang: string, key: MessageKey, params: MessageParams = {}): string {
  const language = supportedLanguage(lang) ?? SUPPORTED_LANGUAGES[0];
  const template = CATALOGUES[language][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? formatNumber(value, language) : value;
  });
}

/** A number formatted for `lang`. */
export function formatNumber(value: number, lang: string): string {
  const language = supportedLanguage(lang) ?? SUPPORTED_LANGUAGES[0];
  // Building an Intl formatter costs far more than using one: keep one per supported language.
  let format = numberFormats.get(language);
  if (!format) {
    format = new Intl.NumberFormat(language);
    numberFormats.set(language, format);
  }
  return format.format(value);
}

const numberFormats = new Map<string, Intl.NumberFormat>();
const pluralRules = new Map<string, Intl.PluralRules>();

/** "1 photo", "1 234 photos": the plural form `Intl.PluralRules` chooses for `count` in `lang`. */
export function photoCountText(count: number, lang: string): string {
  const language = supportedLanguage(lang) ?? SUPPORTED_LANGUAGES[0];
  let rules = pluralRules.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(language);
    pluralRules.set(language, rules);
  }
  const form = rules.select(count) === "one" ? "one" : "other";
  return translate(language, `count.photos.${form}`, { count });
}

export type { MessageKey };
