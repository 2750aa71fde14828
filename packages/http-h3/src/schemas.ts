import { z } from "zod";

/** Pagination query parameters. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional().describe("Page size (1–200, default 50)."),
  cursor: z.string().max(512).optional().describe("Cursor from the previous page's `nextCursor`."),
});

/** A cursor-paginated list of `item`. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe("Null on the last page.") });

const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9a-z]+$/, "an id");
/** Path parameter `{id}`. */
export const IdParams = z.object({ id: Id });

/** Album visibility. */
export const Visibility = z.enum(["public", "private", "hidden"]);

/** An album. */
export const AlbumSchema = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    name: z.string(),
    slug: z.string(),
    description: z.string(),
    visibility: Visibility,
    rank: z.number().int(),
    coverPhotoId: z.string().nullable().describe("A cover photo the caller may see, or null."),
    photoCount: z.number().int().describe("Photos directly in the album that the caller may see."),
    photoOrder: z
      .enum(["manual", "takenAt", "addedAt", "title"])
      .describe("How the album's photos are ordered."),
    createdAt: z.string().describe("ISO 8601 time."),
    updatedAt: z.string(),
    url: z.string().describe("The album's gallery page."),
  })
  .meta({ id: "Album" });

/** Input of createAlbum. */
export const CreateAlbumBody = z
  .object({
    name: z.string().trim().min(1).max(255),
    description: z.string().max(10_000).optional(),
    parentId: Id.nullable().optional(),
    visibility: Visibility.optional(),
    photoOrder: z.enum(["manual", "takenAt", "addedAt", "title"]).optional(),
  })
  .strict()
  .meta({ id: "CreateAlbum" });

/** One derivative size of a photo. */
export const DerivativeLink = z.object({
  url: z.string().meta({ examples: ["/gallery/media/photos/k7x2m9p4q1w8/medium/3f2a9c1e"] }),
  width: z.number().int(),
  height: z.number().int(),
});

/** Capture metadata read from the file (EXIF, IPTC, XMP, GPS); null when the file did not say. */
export const PhotoMetadataSchema = z
  .object({
    takenAtOffset: z.number().int().nullable().describe("Minutes east of UTC of the capture time."),
    cameraMake: z.string().nullable(),
    cameraModel: z.string().nullable(),
    lens: z.string().nullable(),
    exposureTime: z.number().nullable().describe("Seconds."),
    aperture: z.number().nullable().describe("f-number."),
    iso: z.number().int().nullable(),
    focalLength: z.number().nullable().describe("Millimetres."),
    latitude: z
      .number()
      .nullable()
      .describe(
        "Degrees; null when the file did not say or the gallery's location setting withholds it from you.",
      ),
    longitude: z.number().nullable().describe("Degrees; null on the same terms as latitude."),
    altitude: z.number().nullable().describe("Metres; null on the same terms as latitude."),
    title: z.string().nullable(),
    description: z.string().nullable(),
    keywords: z.array(z.string()),
    rating: z.number().int().nullable(),
  })
  .meta({ id: "PhotoMetadata" });

/** A photo. */
export const PhotoSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    author: z.string(),
    originalFilename: z.string(),
    mimeType: z.string(),
    byteSize: z.number().int(),
    width: z.number().int().describe("Displayed width (EXIF orientation applied)."),
    height: z.number().int(),
    sha256: z.string(),
    takenAt: z.string().nullable(),
    addedAt: z.string(),
    updatedAt: z.string(),
    privacyLevel: z.number().int(),
    thumbhash: z.string().nullable(),
    metadata: PhotoMetadataSchema,
    derivatives: z.record(z.string(), DerivativeLink).describe("Sizes by preset name (`thumb`, `medium`…)."),
    originalUrl: z.string(),
    url: z.string().describe("The photo's gallery page."),
  })
  .meta({ id: "Photo" });

/** Result of uploadPhoto. */
export const UploadResultSchema = z
  .object({
    photo: PhotoSchema,
    duplicate: z.boolean().describe("True when the content already existed and was linked."),
  })
  .meta({ id: "UploadResult" });

/** Input of login. */
export const LoginBody = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) })
  .strict()
  .meta({ id: "Login" });

/** The signed-in user's session. */
export const SessionSchema = z
  .object({
    authenticated: z.boolean(),
    user: z
      .object({ id: z.string(), username: z.string(), displayName: z.string(), role: z.string() })
      .nullable(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: "Session" });

/** Multipart body of uploadPhoto (documentation only; the body is streamed). */
export const UploadBody = z
  .object({
    albumId: Id.describe("Must come before `file` in the form."),
    title: z.string().max(255).optional(),
    description: z.string().max(10_000).optional(),
    privacyLevel: z.enum(["0", "1", "2", "4", "8"]).optional(),
    file: z.string().meta({ format: "binary" }),
  })
  .meta({ id: "UploadPhoto" });

/** A problem document (RFC 9457). */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe("Stable error code; see the error catalogue."),
    detail: z.string(),
    retryable: z.boolean(),
    requestId: z.string(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() }))
      .optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: "Problem" });
