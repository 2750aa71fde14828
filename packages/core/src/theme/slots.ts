import type { Album } from "../types.js";
import type { PageContext, PhotoView } from "./define-theme.js";
import { SafeHtml } from "./html.js";

/**
 * The template slots of the theme contract, with the data each receives. Themes render them with
 * {@link slot}; plugins fill them with `ctx.registerSlot(name, render)`. Packages may add slots by declaration
 * merging (`declare module "@vernissage/core" { interface ThemeSlots { "my.slot": { … } } }`).
 */
export interface ThemeSlots {
  /** Inside `<head>` of every page (extra `<link>` or `<meta>` tags). */
  head: { title: string };
  /** At the end of every page's footer. */
  "layout.footer": Record<never, never>;
  /** On an album page, before the photo grid. */
  "album.before-photos": { album: Album };
  /** On a photo page, right after the image. */
  "photo.after-image": { photo: PhotoView };
  /** On a photo page, in the details beside or below the image. */
  "photo.details": { photo: PhotoView };
}

/** A slot name of the theme contract. */
export type SlotName = keyof ThemeSlots;

/** Renders one slot: returns escaped HTML (made with `html```) or nothing. Must be synchronous and fast. */
export type SlotRenderer<N extends SlotName = SlotName> = (
  data: ThemeSlots[N],
) => SafeHtml | null | undefined;

interface SlotEntry {
  owner: string;
  render: (data: unknown) => SafeHtml | null | undefined;
}

const EMPTY = new SafeHtml("");

/**
 * Renderers registered per slot. Rendering never throws: a failing renderer is reported through `onError`
 * (with its owner, usually a plugin) and left out, so a broken plugin cannot break a page.
 */
export class SlotRegistry {
  readonly #slots = new Map<string, SlotEntry[]>();
  readonly #onError: (error: unknown, info: { slot: string; owner: string }) => void;

  constructor(onError: (error: unknown, info: { slot: string; owner: string }) => void) {
    this.#onError = onError;
  }

  /** Add a renderer for `slot`, owned by `owner`. Returns a function that removes it. */
  add<N extends SlotName>(slot: N, owner: string, render: SlotRenderer<N>): () => void {
    const entry: SlotEntry = { owner, render: render as SlotEntry["render"] };
    const list = this.#slots.get(slot) ?? [];
    list.push(entry);
    this.#slots.set(slot, list);
    return () => {
      const current = this.#slots.get(slot) ?? [];
      const index = current.indexOf(entry);
      if (index >= 0) current.splice(index, 1);
    };
  }

  /** The HTML of every renderer of `slot`, in registration order. */
  render<N extends SlotName>(slot: N, data: ThemeSlots[N]): SafeHtml {
    const list = this.#slots.get(slot);
    if (!list || list.length === 0) return EMPTY;
    let out = "";
    for (const entry of list) {
      try {
        const html = entry.render(data);
        if (html instanceof SafeHtml) out += html.toString();
      } catch (error) {
        this.#onError(error, { slot, owner: entry.owner });
      }
    }
    return new SafeHtml(out);
  }
}

/**
 * Render a slot from a template: the HTML plugins registered for it, or nothing.
 *
 * @example
 * photo: (ctx, data) => html`<figure>…</figure>${slot(ctx, "photo.after-image", { photo: data.photo })}`
 */
export function slot<N extends SlotName>(ctx: PageContext, name: N, data: ThemeSlots[N]): SafeHtml {
  return ctx.slot ? ctx.slot(name, data) : EMPTY;
}
