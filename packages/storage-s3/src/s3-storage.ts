import { pipeline, Readable, Transform } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import {
  assertValidStorageKey,
  assertValidStoragePrefix,
  GalleryError,
  type StorageAdapter,
  type StorageHead,
  type StorageListPage,
  type StorageObject,
} from "@vernissage/core";

/** Static credentials for {@link S3StorageOptions.credentials}. */
export interface S3Credentials {
  /** Access key id. */
  accessKeyId: string;
  /** Secret access key. */
  secretAccessKey: string;
  /** Session token, for temporary credentials. */
  sessionToken?: string | undefined;
}

/** Options for {@link s3Storage}. */
export interface S3StorageOptions {
  /** Bucket that holds the objects. It must exist. */
  bucket: string;
  /**
   * Folder inside the bucket: key `a.jpg` is stored as `<prefix>/a.jpg`, and `list` sees only this folder.
   * Lets originals and derivatives, or several galleries, share a bucket.
   * @default "" (the whole bucket)
   * @example "gallery/originals"
   */
  prefix?: string | undefined;
  /**
   * Endpoint of an S3-compatible service (MinIO, Ceph, R2, Garage…). Omit for AWS.
   * @example "http://127.0.0.1:9000"
   */
  endpoint?: string | undefined;
  /**
   * Region. Without it the SDK reads `AWS_REGION` and the shared config; with a custom `endpoint` it
   * defaults to `us-east-1`, which S3-compatible services accept.
   */
  region?: string | undefined;
  /**
   * Address buckets as `endpoint/bucket` instead of `bucket.endpoint`; most self-hosted services need it.
   * @default false
   */
  forcePathStyle?: boolean | undefined;
  /** Static credentials. Omit to use the SDK's default chain (environment, shared files, instance role). */
  credentials?: S3Credentials | undefined;
  /**
   * A client you configured yourself. The adapter then leaves it open on `close()`, and `endpoint`,
   * `region`, `forcePathStyle`, `credentials` and `maxAttempts` must not be given.
   */
  client?: S3Client | undefined;
  /**
   * Bytes per part of a multipart upload; a `put` larger than this becomes a multipart upload. At least
   * 5 MiB (S3's minimum). Up to four parts are buffered per upload.
   * @default 5242880 (5 MiB)
   */
  partSize?: number | undefined;
  /**
   * Attempts per request, first one included. Retries back off, and the SDK's `adaptive` mode slows the
   * client down when the service answers with throttling errors.
   * @default 3
   */
  maxAttempts?: number | undefined;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_LIST_LIMIT = 1000;
/** Longest lifetime of a SigV4 presigned URL. */
const MAX_URL_SECONDS = 7 * 24 * 60 * 60;

interface SdkError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function sdkError(error: unknown): SdkError {
  return typeof error === "object" && error !== null ? (error as SdkError) : {};
}

function isNotFound(error: unknown): boolean {
  const { name, $metadata } = sdkError(error);
  // A missing bucket is a configuration problem, not a missing object.
  if (name === "NoSuchBucket") return false;
  return name === "NoSuchKey" || name === "NotFound" || $metadata?.httpStatusCode === 404;
}

function isInvalidRange(error: unknown): boolean {
  const { name, $metadata } = sdkError(error);
  return name === "InvalidRange" || $metadata?.httpStatusCode === 416;
}

function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? "").replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return "";
  try {
    assertValidStoragePrefix(trimmed);
  } catch (error) {
    throw new GalleryError("INVALID_CONFIGURATION", {
      detail: "The S3 prefix is not a valid key prefix.",
      cause: error,
    });
  }
  return `${trimmed}/`;
}

function isValidKey(key: string): boolean {
  try {
    assertValidStorageKey(key);
    return true;
  } catch {
    return false;
  }
}

function listLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return MAX_LIST_LIMIT;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(limit)));
}

/** `bytes 0-99/1000` → its parts; `*` and malformed values → undefined. */
function parseContentRange(
  value: string | undefined,
): { start: number; end: number; total: number } | undefined {
  const match = value ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(value.trim()) : null;
  if (!match) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), total: Number(match[3]) };
}

/** Bytes `skip .. skip+length-1` of `source`; stops (and releases) the source once they are read. */
function sliceStream(source: Readable, skip: number, length: number): Readable {
  async function* slice() {
    let position = 0;
    try {
      for await (const chunk of source) {
        const bytes = chunk as Buffer;
        const from = Math.max(0, skip - position);
        const to = Math.min(bytes.length, skip + length - position);
        if (to > from) yield bytes.subarray(from, to);
        position += bytes.length;
        if (position >= skip + length) return;
      }
    } finally {
      source.destroy();
    }
  }
  return Readable.from(slice(), { objectMode: false });
}

/**
 * Stores objects in an S3 bucket, or any S3-compatible service.
 *
 * - `put` streams through `@aws-sdk/lib-storage`: one `PutObject` for small bodies, a multipart upload above
 *   `partSize`. S3 makes an object visible only once the upload completes, so `put` is atomic; a failed
 *   upload is aborted, and the source stream's own error is what `put` rejects with.
 * - `get` sends a `Range` header and checks the answer, trimming the body if a server ignores part of the
 *   range; `size` is always the whole object's size. Content types are kept.
 * - `list` uses `ListObjectsV2` (the continuation token is the cursor) and strips the prefix.
 * - `signedUrl` presigns a `GetObject` (SigV4, at most 7 days).
 *
 * @example
 * import { s3Storage } from "@vernissage/storage-s3";
 * const storage = s3Storage({ bucket: "photos", prefix: "originals", region: "eu-west-3" });
 * @example
 * // MinIO or another S3-compatible server
 * const storage = s3Storage({
 *   bucket: "photos",
 *   endpoint: "http://127.0.0.1:9000",
 *   forcePathStyle: true,
 *   credentials: { accessKeyId: "minio", secretAccessKey: "minio-secret" },
 * });
 */
export function s3Storage(options: S3StorageOptions): StorageAdapter {
  const { bucket } = options;
  if (typeof bucket !== "string" || bucket === "") {
    throw new GalleryError("INVALID_CONFIGURATION", { detail: "s3Storage needs a bucket." });
  }
  const partSize = options.partSize ?? MIN_PART_SIZE;
  if (!Number.isInteger(partSize) || partSize < MIN_PART_SIZE) {
    throw new GalleryError("INVALID_CONFIGURATION", {
      detail: "partSize must be an integer of at least 5 MiB.",
    });
  }
  const clientSettings = [
    options.endpoint,
    options.region,
    options.forcePathStyle,
    options.credentials,
    options.maxAttempts,
  ];
  if (options.client && clientSettings.some((value) => value !== undefined)) {
    throw new GalleryError("INVALID_CONFIGURATION", {
      detail: "Pass either a client or endpoint/region/forcePathStyle/credentials/maxAttempts, not both.",
    });
  }
  const prefix = normalizePrefix(options.prefix);
  const client = options.client ?? new S3Client(clientConfig(options));
  const ownsClient = options.client === undefined;
  const objectKey = (key: string) => prefix + key;

  return {
    name: "s3",

    async put(key, body, putOptions): Promise<StorageHead> {
      let size = 0;
      let counter: Transform | undefined;
      let sourceError: unknown;
      if (!(body instanceof Uint8Array)) {
        body.once("error", (error) => {
          sourceError ??= error;
        });
        // Counts bytes and turns string chunks into bytes; a source error reaches the upload through it.
        counter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            size += chunk.length;
            callback(null, chunk);
          },
        });
        pipeline(body, counter, () => {});
      }
      const upload = new Upload({
        client,
        params: {
          Bucket: bucket,
          Key: objectKey(key),
          Body: counter ?? body,
          ContentType: putOptions?.contentType,
        },
        partSize,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (error) {
        // Release the caller's stream if the upload stopped reading it.
        counter?.destroy();
        // When the source failed, that is the reason to report (FILE_TOO_LARGE from a size limit, say), even
        // if aborting the multipart upload failed too: S3 lifecycle rules clean up abandoned parts.
        throw sourceError ?? error;
      }
      return {
        size: body instanceof Uint8Array ? body.byteLength : size,
        contentType: putOptions?.contentType,
      };
    },

    async get(key, getOptions): Promise<StorageObject | null> {
      const range = getOptions?.range;
      let response: GetObjectCommandOutput;
      try {
        response = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: objectKey(key),
            Range: range ? `bytes=${range.start}-${range.end ?? ""}` : undefined,
          }),
        );
      } catch (error) {
        if (isNotFound(error)) return null;
        if (isInvalidRange(error))
          throw new GalleryError("RANGE_NOT_SATISFIABLE", { data: { key }, cause: error });
        throw error;
      }
      let body = response.Body as Readable | undefined;
      if (!body) body = Readable.from([]);
      const served = parseContentRange(response.ContentRange);
      const total = served?.total ?? response.ContentLength;
      const size = total ?? 0;
      // Without a known total (no Content-Length nor Content-Range) there is nothing to check the range against.
      if (range && total !== undefined) {
        // Some S3-compatible servers ignore a range or serve more than asked: check, and trim if needed.
        if (range.start >= size) {
          body.destroy();
          throw new GalleryError("RANGE_NOT_SATISFIABLE", { data: { key, size } });
        }
        const end = Math.min(range.end ?? size - 1, size - 1);
        const servedStart = served?.start ?? 0;
        const servedEnd = served?.end ?? size - 1;
        if (servedStart > range.start || servedEnd < end) {
          body.destroy();
          throw new Error(
            `S3 answered bytes ${servedStart}-${servedEnd} to a request for ${range.start}-${end}.`,
          );
        }
        if (servedStart !== range.start || servedEnd !== end) {
          body = sliceStream(body, range.start - servedStart, end - range.start + 1);
        }
      }
      return { body, size, contentType: response.ContentType, lastModified: response.LastModified };
    },

    async head(key): Promise<StorageHead | null> {
      try {
        const response = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
        return {
          size: response.ContentLength ?? 0,
          contentType: response.ContentType,
          lastModified: response.LastModified,
        };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    async delete(key): Promise<void> {
      // S3 answers 204 for a missing key too.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
    },

    async list(listPrefix, listOptions): Promise<StorageListPage> {
      const cursor = listOptions?.cursor;
      let response: ListObjectsV2CommandOutput;
      try {
        response = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix + listPrefix,
            MaxKeys: listLimit(listOptions?.limit),
            ContinuationToken: cursor,
          }),
        );
      } catch (error) {
        if (cursor !== undefined && sdkError(error).$metadata?.httpStatusCode === 400) {
          throw new GalleryError("INVALID_CURSOR", { cause: error });
        }
        throw error;
      }
      const keys: string[] = [];
      for (const object of response.Contents ?? []) {
        const key = object.Key?.startsWith(prefix) ? object.Key.slice(prefix.length) : undefined;
        // Objects other tools put in the bucket under names core cannot address (folder markers such as
        // "2024/", spaces, non-ASCII) are not reported: a page may then hold fewer keys than the limit.
        if (key !== undefined && isValidKey(key)) keys.push(key);
      }
      const next = response.IsTruncated ? response.NextContinuationToken : undefined;
      return next ? { keys, cursor: next } : { keys };
    },

    async signedUrl(key, urlOptions): Promise<string> {
      const seconds = urlOptions.expiresInSeconds;
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_URL_SECONDS) {
        throw new GalleryError("BAD_REQUEST", {
          detail: `expiresInSeconds must be an integer between 1 and ${MAX_URL_SECONDS}.`,
        });
      }
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: objectKey(key),
        ResponseContentType: urlOptions.contentType,
      });
      return getSignedUrl(client, command, { expiresIn: seconds });
    },

    async close(): Promise<void> {
      if (ownsClient) client.destroy();
    },
  };
}

function clientConfig(options: S3StorageOptions): S3ClientConfig {
  const config: S3ClientConfig = {
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: "adaptive",
  };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  const region = options.region ?? (options.endpoint !== undefined ? "us-east-1" : undefined);
  if (region !== undefined) config.region = region;
  if (options.forcePathStyle !== undefined) config.forcePathStyle = options.forcePathStyle;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  return config;
}
