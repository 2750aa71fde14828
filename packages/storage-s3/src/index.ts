export type { S3UrlOptions } from "./parse-s3-url.js";
export { parseS3Url } from "./parse-s3-url.js";
export type { S3Credentials, S3StorageOptions } from "./s3-storage.js";
export { s3Storage } from "./s3-storage.js";
