const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** HTML-escape a string (text and attribute values). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** A fragment of HTML that is already safe; produced by {@link html} and {@link unsafeHtml} only. */
export class SafeHtml {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The HTML text. */
  toString(): string {
    return this.#value;
  }
}

/** Values a template may interpolate: text is escaped, `SafeHtml` is kept, arrays are joined, nullish is empty. */
export type HtmlValue = string | number | boolean | null | undefined | SafeHtml | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/**
 * Tagged template that escapes every interpolated value by default.
 *
 * @example
 * html`<h1>${album.name}</h1>` // a name like `<script>` is rendered as text
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

/** Mark trusted markup as safe. Never pass user input here. */
export function unsafeHtml(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}

/** Serialise a value for a `<script type="application/json">` block without allowing `</script>` breakouts. */
export function jsonForScript(value: unknown): SafeHtml {
  return new SafeHtml(
    JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026"),
  );
}
