import { definePlugin, html, type Photo, type SafeHtml } from "@vernissage/core";
import { z } from "zod";

/** Settings of the EXIF panel. */
export const exifPanelConfig = z.object({
  /** Heading of the panel. */
  heading: z.string().min(1).max(80).default("Camera"),
  /** Show where the photo was taken. Off by default: a location can be private. */
  showLocation: z.boolean().default(false),
});

/** Settings after defaults. */
export type ExifPanelConfig = z.output<typeof exifPanelConfig>;

function exposure(seconds: number): string {
  return seconds > 0 && seconds < 1 ? `1/${Math.round(1 / seconds)} s` : `${seconds} s`;
}

/** The rows of the panel for a photo: label and text, only for what the file recorded. */
export function exifRows(photo: Photo, config: ExifPanelConfig): [string, string][] {
  const m = photo.metadata;
  if (!m) return [];
  const rows: [string, string][] = [];
  const camera = [m.cameraMake, m.cameraModel].filter((v): v is string => !!v?.trim()).join(" ");
  if (camera) rows.push(["Camera", camera]);
  if (m.lens) rows.push(["Lens", m.lens]);
  if (m.focalLength !== null) rows.push(["Focal length", `${m.focalLength} mm`]);
  if (m.aperture !== null) rows.push(["Aperture", `ƒ/${m.aperture}`]);
  if (m.exposureTime !== null) rows.push(["Exposure", exposure(m.exposureTime)]);
  if (m.iso !== null) rows.push(["ISO", String(m.iso)]);
  if (config.showLocation && m.latitude !== null && m.longitude !== null) {
    rows.push(["Location", `${m.latitude.toFixed(5)}, ${m.longitude.toFixed(5)}`]);
  }
  return rows;
}

/** The panel's HTML (escaped), or null when the photo has no camera data. */
export function exifPanel(photo: Photo, config: ExifPanelConfig): SafeHtml | null {
  const rows = exifRows(photo, config);
  if (rows.length === 0) return null;
  return html`<section class="exif-panel" data-testid="exif-panel">
  <h2>${config.heading}</h2>
  <dl>${rows.map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}</dl>
</section>`;
}

/**
 * The EXIF panel plugin: renders the photo's camera data (camera, lens, exposure; the location only when
 * enabled) into the photo page's `photo.after-image` slot. Every value is escaped by `html```.
 *
 * @example
 * createGallery({ …, plugins: [{ plugin: exifPanel, config: { heading: "Shot with" } }] });
 */
export const exifPanelPlugin = definePlugin<ExifPanelConfig>({
  name: "exif-panel",
  version: "1.0.0",
  compat: ">=0.0.0",
  description: "Camera data on the photo page",
  config: exifPanelConfig,
  setup(ctx) {
    ctx.registerSlot("photo.after-image", ({ photo }) => exifPanel(photo.photo, ctx.config));
  },
});

export default exifPanelPlugin;
