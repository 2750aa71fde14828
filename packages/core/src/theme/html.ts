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
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPE_ALL, (c) => ESCAPES[c] ?? c) : value;
}
const NEEDS_ESCAPE = /[&<>"'`]/;
const ESCAPE_ALL = /[&<>"'`]/g;

/**
 * A fragment of HTML that is already safe; produced by {@link html} and {@link unsafeHtml} only. It keeps its
 * pieces and joins them only when asked ({@link SafeHtml.toString}): a page is made of thousands of pieces, and
 * joining them at every level of nesting would build the same 100 KiB string several times over (strings that
 * large are allocated outside V8's young generation, which makes each copy costly). {@link htmlBytes} encodes
 * the pieces without joining them.
 */
export class SafeHtml {
  #value: string | undefined;
  #pieces: readonly string[] | undefined;
  constructor(value: string) {
    this.#value = value;
  }
  /** @internal A fragment from pieces already escaped (used by {@link html}). */
  static fromPieces(pieces: readonly string[]): SafeHtml {
    const fragment = new SafeHtml("");
    fragment.#value = undefined;
    fragment.#pieces = pieces;
    return fragment;
  }
  /** The pieces of this fragment, in order (their concatenation is {@link SafeHtml.toString}). */
  pieces(): readonly string[] {
    return this.#pieces ?? [this.#value ?? ""];
  }
  /** The HTML text. */
  toString(): string {
    if (this.#value === undefined) {
      this.#value = (this.#pieces ?? []).join("");
      this.#pieces = undefined;
    }
    return this.#value;
  }
}

/** Values a template may interpolate: text is escaped, `SafeHtml` is kept, arrays are joined, nullish is empty. */
export type HtmlValue = string | number | boolean | null | undefined | SafeHtml | readonly HtmlValue[];

function render(value: HtmlValue, out: string[]): void {
  if (value === null || value === undefined || value === false) return;
  if (value instanceof SafeHtml) {
    for (const piece of value.pieces()) out.push(piece);
  } else if (Array.isArray(value)) {
    for (const item of value) render(item, out);
  } else out.push(escapeHtml(String(value)));
}

/**
 * Tagged template that escapes every interpolated value by default.
 *
 * @example
 * html`<h1>${album.name}</h1>` // a name like `<script>` is rendered as text
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  const out: string[] = [strings[0] ?? ""];
  for (let i = 0; i < values.length; i++) {
    render(values[i], out);
    out.push(strings[i + 1] ?? "");
  }
  return SafeHtml.fromPieces(out);
}

/**
 * UTF-8 bytes of a fragment (a whole page), encoded piece by piece in blocks of about 16 KiB, without ever
 * building the page as one string.
 */
export function htmlBytes(fragment: SafeHtml): Buffer<ArrayBuffer> {
  const blocks: Buffer<ArrayBuffer>[] = [];
  let block = "";
  for (const piece of fragment.pieces()) {
    block += piece;
    if (block.length >= 16_384) {
      blocks.push(Buffer.from(block, "utf8"));
      block = "";
    }
  }
  if (block.length > 0 || blocks.length === 0) blocks.push(Buffer.from(block, "utf8"));
  return blocks.length === 1 ? (blocks[0] as Buffer<ArrayBuffer>) : Buffer.concat(blocks);
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
