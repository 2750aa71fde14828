import { GalleryError } from "@vernissage/core";
import type { S3StorageOptions } from "./s3-storage.js";

/** What {@link parseS3Url} reads from a URL: the options that can be written in one. */
export type S3UrlOptions = Pick<
  S3StorageOptions,
  "bucket" | "prefix" | "endpoint" | "region" | "forcePathStyle"
>;

const PARAMETERS = new Set(["endpoint", "region", "forcePathStyle"]);

function invalid(detail: string, cause?: unknown): GalleryError {
  return new GalleryError("INVALID_CONFIGURATION", { detail, cause });
}

/**
 * Reads storage options from an `s3://` URL, for configuration files and command lines:
 * `s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=true`. The path (percent-decoded) is the prefix; the
 * query may hold `endpoint` (an http(s) URL), `region` and `forcePathStyle` (`true`/`false`/`1`/`0`), each at
 * most once. Credentials never belong in a URL: they come from the SDK's chain (`AWS_ACCESS_KEY_ID`…) or
 * from {@link S3StorageOptions.credentials}. Anything else throws `INVALID_CONFIGURATION`.
 *
 * @example
 * parseS3Url("s3://photos/originals?endpoint=http://127.0.0.1:9000&forcePathStyle=true");
 * // → { bucket: "photos", prefix: "originals", endpoint: "http://127.0.0.1:9000", forcePathStyle: true }
 * @example
 * const storage = s3Storage({ ...parseS3Url(process.env.STORAGE_URL!), credentials });
 */
export function parseS3Url(url: string): S3UrlOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw invalid("The storage URL is not a URL.", error);
  }
  if (parsed.protocol !== "s3:") throw invalid("The storage URL must start with s3://.");
  if (parsed.username || parsed.password) {
    throw invalid(
      "Credentials do not belong in the storage URL; use the environment or the credentials option.",
    );
  }
  if (parsed.port) throw invalid("An s3:// URL has no port; put the service address in ?endpoint=.");
  if (parsed.hash) throw invalid("An s3:// URL has no fragment.");
  const bucket = parsed.hostname;
  if (!bucket) throw invalid("The storage URL names no bucket (s3://bucket/prefix).");

  const options: S3UrlOptions = { bucket };
  let prefix: string;
  try {
    prefix = decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, "");
  } catch (error) {
    throw invalid("The storage URL's path is not valid percent-encoding.", error);
  }
  if (prefix !== "") options.prefix = prefix;

  const seen = new Set<string>();
  for (const [name, value] of parsed.searchParams) {
    if (!PARAMETERS.has(name)) throw invalid(`Unknown storage URL parameter "${name}".`);
    if (seen.has(name)) throw invalid(`Storage URL parameter "${name}" is repeated.`);
    seen.add(name);
    if (name === "endpoint") {
      let endpoint: URL;
      try {
        endpoint = new URL(value);
      } catch (error) {
        throw invalid("The endpoint parameter is not a URL.", error);
      }
      if (endpoint.protocol !== "http:" && endpoint.protocol !== "https:") {
        throw invalid("The endpoint parameter must be an http:// or https:// URL.");
      }
      options.endpoint = value;
    } else if (name === "region") {
      if (value === "") throw invalid("The region parameter is empty.");
      options.region = value;
    } else {
      if (value === "true" || value === "1") options.forcePathStyle = true;
      else if (value === "false" || value === "0") options.forcePathStyle = false;
      else throw invalid("forcePathStyle must be true, false, 1 or 0.");
    }
  }
  return options;
}
