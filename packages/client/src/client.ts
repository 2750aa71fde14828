import { createHash, randomUUID } from "node:crypto";
import { openAsBlob } from "node:fs";
import { basename } from "node:path";
import createClient, { type Client } from "openapi-fetch";
import { errorFromResponse, VernissageError } from "./errors.js";
import { OPERATIONS } from "./operations.js";
import type { components, operations, paths } from "./schema.js";
import { createTransport, type RetryOptions } from "./transport.js";

/** Options of {@link createVernissageClient}. */
export interface VernissageClientOptions {
  /**
   * The gallery's URL, with the path it is mounted under (the API is below `<baseUrl>/api/v1`).
   * @example "https://photos.example.com/gallery"
   */
  baseUrl: string;
  /** An API token (`vrn_….…`), sent as `Authorization: Bearer`. Without one, requests are a guest's. */
  token?: string;
  /** The fetch to use, e.g. an app's `app.fetch` in tests. @default globalThis.fetch */
  fetch?: (request: Request) => Promise<Response>;
  /** Retries of retryable answers (429, 503, problems with `retryable: true`). */
  retry?: RetryOptions;
  /**
   * `Idempotency-Key` for creating POSTs: `true` makes a random UUID per call (the same on its retries),
   * a function makes your own, `false` sends none. A key given in a call's headers always wins.
   * @default true
   */
  idempotencyKeys?: boolean | (() => string);
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

type JsonOk<K extends keyof operations> = operations[K]["responses"] extends {
  200: { content: { "application/json": infer R } };
}
  ? R
  : never;

/** The item type of a paginated operation's `items`. */
export type PageItem<K extends keyof operations> =
  JsonOk<K> extends { items: (infer T)[]; nextCursor: string | null } ? T : never;

/** Operations answering `{ items, nextCursor }`: the ones {@link VernissageClient.paginate} walks. */
export type PaginatedOperation = {
  [K in keyof operations]: [PageItem<K>] extends [never] ? never : K;
}[keyof operations];

type Parameters<K extends keyof operations> = operations[K]["parameters"];

/** Path and query parameters of a paginated operation (without `cursor`, which the iterator manages). */
export type PaginateParams<K extends PaginatedOperation> = (Parameters<K>["path"] extends Record<
  string,
  unknown
>
  ? { path: Parameters<K>["path"] }
  : { path?: never }) & {
  query?: Omit<NonNullable<Parameters<K>["query"]>, "cursor">;
};

/** Input of {@link VernissageClient.uploadPhoto}. */
export interface UploadPhotoInput {
  /** The image: bytes, a Blob/File, or (in Node) a file path read as a stream. */
  file: Blob | Uint8Array | string;
  /** File name sent with the form. @default the path's base name, or "photo.jpg" */
  filename?: string;
  /** The album to upload into. */
  albumId: string;
  title?: string;
  description?: string;
  /** Privacy level: 0 everyone, 1 contacts, 2 friends, 4 family, 8 admins. */
  privacyLevel?: 0 | 1 | 2 | 4 | 8;
  /** Your own `Idempotency-Key` (a random one is made otherwise, unless keys are off). */
  idempotencyKey?: string;
}

/** What an upload answers. */
export type UploadResult = components["schemas"]["UploadResult"];

/** What openapi-fetch answers for one call. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The typed client: openapi-fetch's `GET`/`POST`/`PATCH`/`PUT`/`DELETE` over the API's paths, and helpers. */
export interface VernissageClient extends Client<paths> {
  /**
   * Every item of a paginated list, page after page (`limit`/`cursor` → `items`, `nextCursor`). Throws a
   * {@link VernissageError} when a page fails.
   *
   * @example
   * for await (const photo of client.paginate("listAlbumPhotos", { path: { id: albumId } })) console.log(photo.title);
   */
  paginate<K extends PaginatedOperation>(
    operationId: K,
    params: PaginateParams<K>,
  ): AsyncGenerator<PageItem<K>>;
  /** Upload a photo into an album (multipart, with an `Idempotency-Key`). Throws a {@link VernissageError}. */
  uploadPhoto(input: UploadPhotoInput): Promise<UploadResult>;
  /**
   * The data of a call, or a {@link VernissageError} thrown for its error answer.
   *
   * @example
   * const album = await client.unwrap(client.POST("/albums", { body: { name: "Holidays" } }));
   */
  unwrap<T>(call: Promise<FetchResult<T>>): Promise<T>;
}

/**
 * A typed client of a Vernissage gallery's REST API, generated from its OpenAPI document: bearer-token auth,
 * automatic retries of retryable errors honouring `Retry-After` (capped), idempotency keys on creating POSTs,
 * pagination iterators, an upload helper and typed errors.
 *
 * @example
 * const client = createVernissageClient({ baseUrl: "https://photos.example.com", token: process.env.VERNISSAGE_TOKEN });
 * const album = await client.unwrap(client.POST("/albums", { body: { name: "Holidays" } }));
 * await client.uploadPhoto({ file: "./beach.jpg", albumId: album.id });
 */
export function createVernissageClient(options: VernissageClientOptions): VernissageClient {
  const apiRoot = `${options.baseUrl.replace(/\/+$/, "")}/api/v1`;
  const keys = options.idempotencyKeys ?? true;
  const makeKey = keys === false ? null : keys === true ? () => randomUUID() : keys;
  const transport = createTransport({
    fetch: options.fetch ?? ((request) => globalThis.fetch(request)),
    apiRoot,
    token: options.token,
    retry: {
      maxAttempts: options.retry?.maxAttempts ?? 4,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
      baseDelayMs: options.retry?.baseDelayMs ?? 500,
    },
    idempotencyKey: makeKey,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  const api = createClient<paths>({ baseUrl: apiRoot, fetch: transport, headers: options.headers });

  const unwrap = async <T>(call: Promise<FetchResult<T>>): Promise<T> => {
    const { data, error, response } = await call;
    if (response.ok) return data as T;
    throw new VernissageError({
      status: response.status,
      problem: isProblemLike(error) ? error : null,
      requestId: response.headers.get("x-request-id"),
    });
  };

  async function* paginate<K extends PaginatedOperation>(
    operationId: K,
    params: PaginateParams<K>,
  ): AsyncGenerator<PageItem<K>> {
    const { method, path } = OPERATIONS[operationId];
    if (method !== "GET") throw new TypeError(`${operationId} is not a list`);
    let cursor: string | null = null;
    do {
      const query = { ...(params.query ?? {}), ...(cursor ? { cursor } : {}) };
      const page = (await unwrap(
        api.GET(path as never, { params: { path: params.path, query } } as never) as Promise<
          FetchResult<{ items: PageItem<K>[]; nextCursor: string | null }>
        >,
      )) as { items: PageItem<K>[]; nextCursor: string | null };
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  const uploadPhoto = async (input: UploadPhotoInput): Promise<UploadResult> => {
    const file =
      typeof input.file === "string"
        ? await openAsBlob(input.file)
        : input.file instanceof Blob
          ? input.file
          : new Blob([input.file as BlobPart]);
    const filename =
      input.filename ??
      (typeof input.file === "string"
        ? basename(input.file)
        : input.file instanceof File
          ? input.file.name
          : "photo.jpg");
    const fields: [string, string][] = [["albumId", input.albumId]];
    if (input.title !== undefined) fields.push(["title", input.title]);
    if (input.description !== undefined) fields.push(["description", input.description]);
    if (input.privacyLevel !== undefined) fields.push(["privacyLevel", String(input.privacyLevel)]);
    const key = input.idempotencyKey ?? makeKey?.();
    const { body, contentType } = multipart(fields, { file, filename }, key);
    const headers = new Headers(options.headers);
    headers.set("content-type", contentType);
    if (key) headers.set("idempotency-key", key);
    const response = await transport(new Request(`${apiRoot}/photos`, { method: "POST", body, headers }));
    if (!response.ok) throw await errorFromResponse(response);
    return (await response.json()) as UploadResult;
  };

  return Object.assign(api, { paginate, uploadPhoto, unwrap });
}

function isProblemLike(value: unknown): value is components["schemas"]["Problem"] {
  return (
    typeof value === "object" && value !== null && typeof (value as { code?: unknown }).code === "string"
  );
}

/**
 * A multipart/form-data body, fields first (the server streams the form: the album comes before the file).
 * With an idempotency key the boundary is derived from it, so sending the same upload again with the same key
 * produces the same bytes and replays the first response instead of being refused as another body.
 */
function multipart(
  fields: [string, string][],
  file: { file: Blob; filename: string },
  key: string | undefined,
): { body: Blob; contentType: string } {
  const boundary = `----vernissage-${
    key ? createHash("sha256").update(key).digest("hex").slice(0, 32) : randomUUID().replaceAll("-", "")
  }`;
  const quote = (value: string) => value.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const parts: BlobPart[] = [];
  for (const [name, value] of fields) {
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`);
  }
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quote(file.filename)}"\r\n` +
      `Content-Type: ${file.file.type || "application/octet-stream"}\r\n\r\n`,
    file.file,
    `\r\n--${boundary}--\r\n`,
  );
  return { body: new Blob(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
