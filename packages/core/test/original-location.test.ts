import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { type Actor, type Gallery, GUEST, SYSTEM } from "@vernissage/core";
import exifr from "exifr";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { jpegWithoutLocation } from "../src/derivatives/strip-location.js";
import { asUser, errorCode, openGallery } from "./helpers.js";

const XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/" exif:GPSLatitude="43,17.7965N" drone-dji:GpsLongitude='5.3698'><exif:GPSLongitude >5,22.188E</exif:GPSLongitude ><exif:GPSAltitude>125/10</exif:GPSAltitude><exif:ExposureTime>1/250</exif:ExposureTime></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** A JPEG that records where it was taken, in EXIF (GPS directory) and XMP, with camera data beside it. */
function locatedJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 96, height: 64, channels: 3, background: "#6a8caf" } })
    .withExif({
      IFD0: { Make: "TestCam", Model: "T1", Artist: "Ada" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "43/1 17/1 4779/100",
        GPSLongitudeRef: "E",
        GPSLongitude: "5/1 22/1 1128/100",
        GPSAltitudeRef: "0",
        GPSAltitude: "125/10",
      },
    })
    .withXmp(XMP)
    .jpeg({ quality: 90 })
    .toBuffer();
}

async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function download(gallery: Gallery, actor: Actor, id: string, range?: { start: number; end?: number }) {
  const file = await gallery.derivatives.original(actor, id);
  return { file, bytes: await collect((await file.open(range)).body) };
}

describe("originals of photos that record where they were taken", () => {
  it("reach those who may not read the location with the coordinates blanked and nothing else changed", async () => {
    const { gallery } = await openGallery();
    const album = await gallery.albums.create(SYSTEM, { name: "Coast" });
    const alice = await gallery.users.create(SYSTEM, { username: "alice" });
    const bob = await gallery.users.create(SYSTEM, { username: "bob" });
    const file = await locatedJpeg();
    const { photo } = await gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file,
      filename: "coast.jpg",
    });
    await gallery.db
      .updateTable("photos")
      .set({ uploader_id: alice.id })
      .where("id", "=", photo.id)
      .execute();
    expect(photo.metadata.latitude).toBeCloseTo(43.2966, 3);

    // Default rule "members": a guest gets the file without coordinates, the same length, a different ETag.
    const stored = await download(gallery, SYSTEM, photo.id);
    expect(stored.bytes.equals(file)).toBe(true);
    const guest = await download(gallery, GUEST, photo.id);
    expect(guest.bytes.length).toBe(file.length);
    expect(guest.file.size).toBe(file.length);
    expect(guest.file.etag).not.toBe(stored.file.etag);
    expect(guest.file.redirect).toBeUndefined();
    const seen = await exifr.parse(guest.bytes, { gps: true, xmp: true });
    expect(seen.latitude).toBeUndefined();
    expect(seen.longitude).toBeUndefined();
    expect(seen.GPSAltitude).toBeUndefined();
    expect(seen).toMatchObject({ Make: "TestCam", Model: "T1", Artist: "Ada" });
    const xmp = guest.bytes.toString("latin1");
    for (const gone of ["43,17.7965N", "5,22.188E", "125/10", "5.3698"]) expect(xmp).not.toContain(gone);
    expect(xmp).toContain("<exif:ExposureTime>1/250</exif:ExposureTime>");
    expect(xmp).toContain('exif:GPSLatitude="');
    // The pixels are the file's: the image data was not touched.
    const pixels = (b: Buffer) => sharp(b).raw().toBuffer();
    expect((await pixels(guest.bytes)).equals(await pixels(file))).toBe(true);
    const differ = [...guest.bytes.keys()].filter((i) => guest.bytes[i] !== file[i]);
    const scan = file.indexOf(Buffer.from([0xff, 0xda]));
    expect(differ.length).toBeGreaterThan(0);
    expect(Math.max(...differ)).toBeLessThan(scan);

    // Ranges read the same bytes as the whole, on both sides of the rewritten head.
    for (const [start, end] of [
      [0, 9],
      [5, scan + 10],
      [scan - 3, scan + 3],
      [scan + 5, file.length - 1],
      [file.length - 10, undefined],
      [0, undefined],
    ] as const) {
      const part = await download(gallery, GUEST, photo.id, { start, end });
      expect(part.bytes.equals(guest.bytes.subarray(start, end === undefined ? undefined : end + 1))).toBe(
        true,
      );
    }

    // Members may read it: the stored file, but never kept by shared caches (a guest gets other bytes).
    const bobs = await download(gallery, asUser(bob), photo.id);
    expect(bobs.bytes.equals(file)).toBe(true);
    expect(bobs.file.cache).toBe("private");
    expect(guest.file.cache).toBe("public");

    // "owners": bob no longer may, alice (the uploader) still does.
    await gallery.settings.update(SYSTEM, { location: "owners" });
    expect((await download(gallery, asUser(bob), photo.id)).bytes.equals(guest.bytes)).toBe(true);
    expect((await download(gallery, asUser(alice), photo.id)).bytes.equals(file)).toBe(true);

    // "everyone": the stored file for all, cacheable by anyone.
    await gallery.settings.update(SYSTEM, { location: "everyone" });
    const open = await download(gallery, GUEST, photo.id);
    expect(open.bytes.equals(file)).toBe(true);
    expect(open.file.cache).toBe("public");
    expect(open.file.etag).toBe(stored.file.etag);
  });

  it("are refused, not served whole, when the coordinates cannot be blanked safely", async () => {
    const { gallery } = await openGallery();
    const album = await gallery.albums.create(SYSTEM, { name: "Shore" });
    const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: "#123456" } })
      .png()
      .toBuffer();
    const { photo } = await gallery.photos.upload(SYSTEM, {
      albumId: album.id,
      file: png,
      filename: "s.png",
    });
    await gallery.db
      .updateTable("photos")
      .set({ gps_latitude: 1.5, gps_longitude: 2.5 })
      .where("id", "=", photo.id)
      .execute();
    expect(await errorCode(gallery.derivatives.original(GUEST, photo.id))).toBe("FORBIDDEN");
    // Those who may read the location still get it.
    expect(await errorCode(gallery.derivatives.original(SYSTEM, photo.id))).toBe("OK");
  });

  it("rewrite only well-formed JPEG heads", async () => {
    const file = await locatedJpeg();
    expect(jpegWithoutLocation(Buffer.from("not a jpeg at all")).kind).toBe("refused");
    // Cut inside the metadata: a longer head is needed.
    expect(jpegWithoutLocation(file.subarray(0, 40)).kind).toBe("short");
    // A broken EXIF byte order where the GPS directory would be found.
    const broken = Buffer.from(file);
    const exif = broken.indexOf(Buffer.from("Exif\0\0", "latin1"));
    broken.write("XX", exif + 6, "latin1");
    expect(jpegWithoutLocation(broken).kind).toBe("refused");
    // A segment running past the end of the file.
    const overlong = Buffer.from(file);
    overlong.writeUInt16BE(0xfff0, exif - 2);
    expect(jpegWithoutLocation(overlong.subarray(0, 2000)).kind).toBe("short");
    // A segment length below its own two bytes.
    const zero = Buffer.from(file);
    zero.writeUInt16BE(0, exif - 2);
    expect(jpegWithoutLocation(zero).kind).toBe("refused");
    const ok = jpegWithoutLocation(file);
    expect(ok.kind).toBe("scrubbed");
    // Random damage anywhere in the head never throws: each answer is one of the three kinds.
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const scan = file.indexOf(Buffer.from([0xff, 0xda]));
    for (let i = 0; i < 3000; i++) {
      const damaged = Buffer.from(file);
      for (let k = 0; k < 1 + (i % 4); k++) damaged[Math.floor(random() * scan)] = Math.floor(random() * 256);
      expect(["scrubbed", "short", "refused"]).toContain(jpegWithoutLocation(damaged).kind);
    }
    // A hostile XMP packet (long runs of name characters, thousands of unterminated GPS properties) is handled.
    const hostile = `http://ns.adobe.com/xap/1.0/\0${"a".repeat(30_000)}${'x:gps="'.repeat(2_000)}${"<y:gps ".repeat(2_000)}`;
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), Buffer.from(hostile, "latin1")]);
    app1.writeUInt16BE(app1.length - 2, 2);
    const withHostile = Buffer.concat([file.subarray(0, 2), app1, file.subarray(2)]);
    expect(jpegWithoutLocation(withHostile).kind).toBe("scrubbed");
  });

  const corpusPhoto = join(import.meta.dirname, "../../../.corpus/photos/phone/IMG_20200827_231612.jpg");
  it.skipIf(!(process.env.VERNISSAGE_TEST_STRICT === "1" || existsSync(corpusPhoto)))(
    "a real phone photo reaches a guest without its GPS, pixel for pixel the same",
    async () => {
      const { gallery } = await openGallery();
      const album = await gallery.albums.create(SYSTEM, { name: "Phone" });
      const file = await readFile(corpusPhoto);
      const { photo } = await gallery.photos.upload(SYSTEM, { albumId: album.id, file, filename: "p.jpg" });
      expect(photo.metadata.latitude).not.toBeNull();
      const guest = await download(gallery, GUEST, photo.id);
      expect(guest.bytes.length).toBe(file.length);
      const seen = await exifr.parse(guest.bytes, { gps: true, xmp: true });
      expect(seen.latitude).toBeUndefined();
      expect(seen).toMatchObject({ Make: "Xiaomi", Model: "Mi A3" });
      const original = await exifr.parse(file, { gps: true });
      expect(seen.Orientation).toBe(original.Orientation);
      const pixels = (b: Buffer) => sharp(b).raw().toBuffer();
      expect((await pixels(guest.bytes)).equals(await pixels(file))).toBe(true);
    },
  );
});
