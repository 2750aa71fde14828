import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GalleryError, type GalleryErrorCode, type StorageAdapter, wrapStorage } from "@vernissage/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as api from "../src/index.js";
import { s3Storage } from "../src/index.js";
import { startS3Server, type TestS3Server } from "./server.js";

const MiB = 1024 * 1024;
let server: TestS3Server;

beforeAll(async () => {
  server = await startS3Server();
});

afterAll(async () => {
  await server?.stop();
});

function storageAt(prefix?: string): StorageAdapter {
  return wrapStorage(
    s3Storage({
      bucket: server.bucket,
      prefix,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: server.credentials,
    }),
  );
}

/** A client that records the name of every command it sends. */
function recordingClient(): { client: S3Client; commands: string[] } {
  const client = new S3Client({
    endpoint: server.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: server.credentials,
  });
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: "initialize", name: "recordCommands" },
  );
  return { client, commands };
}

async function codeOf(promise: Promise<unknown>): Promise<GalleryErrorCode | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof GalleryError ? error.code : undefined;
  }
  throw new Error("expected a rejection");
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A plain HTTP server standing in for S3, to script answers the emulator cannot give. */
async function fakeS3(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const http = createServer((request, response) => {
    request.resume();
    handler(request, response);
  });
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  const { port } = http.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

describe("s3Storage", () => {
  it("exports exactly its public API", () => {
    expect(Object.keys(api).sort()).toEqual(["parseS3Url", "s3Storage"]);
  });

  it("is named s3", () => {
    expect(s3Storage({ bucket: "b", region: "us-east-1" }).name).toBe("s3");
  });

  it("refuses bad configuration at once", () => {
    const code = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        return (error as GalleryError).code;
      }
      return undefined;
    };
    expect(code(() => s3Storage({ bucket: "" }))).toBe("INVALID_CONFIGURATION");
    expect(code(() => s3Storage({ bucket: "b", partSize: 1024 }))).toBe("INVALID_CONFIGURATION");
    expect(code(() => s3Storage({ bucket: "b", prefix: "../up" }))).toBe("INVALID_CONFIGURATION");
    expect(code(() => s3Storage({ bucket: "b", prefix: "a//b" }))).toBe("INVALID_CONFIGURATION");
    const client = new S3Client({ region: "us-east-1" });
    expect(code(() => s3Storage({ bucket: "b", client, endpoint: "http://x" }))).toBe(
      "INVALID_CONFIGURATION",
    );
    expect(code(() => s3Storage({ bucket: "b", client, region: "eu-west-1" }))).toBe("INVALID_CONFIGURATION");
    client.destroy();
  });

  it("keeps the content type", async () => {
    const storage = storageAt("typed");
    const put = await storage.put("photo.jpg", Buffer.from("jpeg"), { contentType: "image/jpeg" });
    expect(put).toMatchObject({ size: 4, contentType: "image/jpeg" });
    expect(await storage.head("photo.jpg")).toMatchObject({ size: 4, contentType: "image/jpeg" });
    const object = await storage.get("photo.jpg");
    expect(object).toMatchObject({ size: 4, contentType: "image/jpeg" });
    expect((await readAll(object!.body)).toString()).toBe("jpeg");
    const ranged = await storage.get("photo.jpg", { range: { start: 1, end: 2 } });
    expect(ranged).toMatchObject({ size: 4, contentType: "image/jpeg" });
    expect((await readAll(ranged!.body)).toString()).toBe("pe");
  });

  describe("prefix", () => {
    it("isolates folders of one bucket, including folders whose names extend each other", async () => {
      const a = storageAt("tenant-a");
      const ab = storageAt("tenant-ab");
      const whole = storageAt();
      await a.put("x.jpg", Buffer.from("from a"));
      await ab.put("x.jpg", Buffer.from("from ab"));
      await ab.put("y.jpg", Buffer.from("only ab"));

      expect((await a.list("")).keys).toEqual(["x.jpg"]);
      expect((await ab.list("")).keys).toEqual(["x.jpg", "y.jpg"]);
      expect((await readAll((await a.get("x.jpg"))!.body)).toString()).toBe("from a");
      expect(await a.get("y.jpg")).toBeNull();
      expect(await a.head("y.jpg")).toBeNull();
      expect((await whole.list("tenant-a")).keys).toEqual([
        "tenant-a/x.jpg",
        "tenant-ab/x.jpg",
        "tenant-ab/y.jpg",
      ]);

      await a.delete("x.jpg");
      expect((await readAll((await ab.get("x.jpg"))!.body)).toString()).toBe("from ab");
    });

    it("treats leading and trailing slashes of the prefix as the same folder", async () => {
      await storageAt("/slashes/").put("k.txt", Buffer.from("k"));
      expect((await storageAt("slashes").list("")).keys).toEqual(["k.txt"]);
      expect((await storageAt().list("slashes/")).keys).toEqual(["slashes/k.txt"]);
    });

    it("nests: a prefix with several segments", async () => {
      await storageAt("gallery/originals").put("2024/a.jpg", Buffer.from("a"));
      expect((await storageAt("gallery").list("")).keys).toEqual(["originals/2024/a.jpg"]);
    });
  });

  it("does not list objects other tools stored under names core cannot address", async () => {
    const { client } = recordingClient();
    const raw = s3Storage({ bucket: server.bucket, client });
    for (const Key of [
      "foreign/2024/",
      "foreign/with space.jpg",
      "foreign/caf\u00e9.jpg",
      "foreign/ok.jpg",
    ]) {
      await client.send(new PutObjectCommand({ Bucket: server.bucket, Key, Body: "x" }));
    }
    expect((await raw.list("foreign/")).keys).toEqual(["foreign/ok.jpg"]);
    client.destroy();
  });

  describe("signedUrl", () => {
    it("lets a plain HTTP client fetch the object, with the requested content type", async () => {
      const storage = storageAt("signed");
      await storage.put("photo.jpg", Buffer.from("signed bytes"), { contentType: "image/jpeg" });
      const url = await storage.signedUrl!("photo.jpg", { expiresInSeconds: 60, contentType: "image/webp" });
      expect(url.startsWith(`${server.endpoint}/${server.bucket}/signed/photo.jpg?`)).toBe(true);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/webp");
      expect(await response.text()).toBe("signed bytes");
    });

    it("signs with SigV4 for the requested lifetime", async () => {
      // s3rver accepts any SigV4 signature, so the signature itself is checked only against real S3.
      const storage = storageAt("signed");
      const url = new URL(await storage.signedUrl!("a.jpg", { expiresInSeconds: 90 }));
      expect(url.searchParams.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
      expect(url.searchParams.get("X-Amz-Expires")).toBe("90");
      expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    });

    it("signs a URL for a missing key, which then answers 404", async () => {
      const url = await storageAt("signed").signedUrl!("missing.jpg", { expiresInSeconds: 60 });
      const response = await fetch(url);
      expect(response.status).toBe(404);
      await response.arrayBuffer();
    });

    it("refuses lifetimes S3 cannot sign", async () => {
      const storage = storageAt("signed");
      for (const expiresInSeconds of [0, -5, 1.5, 7 * 24 * 3600 + 1]) {
        expect(await codeOf(storage.signedUrl!("a.jpg", { expiresInSeconds }))).toBe("BAD_REQUEST");
      }
    });
  });

  describe("uploads", () => {
    it("sends a small put as one PutObject and a 12 MiB stream as a multipart upload", async () => {
      const { client, commands } = recordingClient();
      const storage = wrapStorage(s3Storage({ bucket: server.bucket, prefix: "multipart", client }));
      await storage.put("small.bin", Readable.from([Buffer.alloc(1000, 1)]));
      expect(commands).toEqual(["PutObjectCommand"]);

      commands.length = 0;
      const chunks = Array.from({ length: 12 }, (_, i) => Buffer.alloc(MiB, i));
      expect((await storage.put("big.bin", Readable.from(chunks))).size).toBe(12 * MiB);
      expect(commands.filter((name) => name === "UploadPartCommand")).toHaveLength(3);
      expect(commands[0]).toBe("CreateMultipartUploadCommand");
      expect(commands.at(-1)).toBe("CompleteMultipartUploadCommand");
      expect((await readAll((await storage.get("big.bin"))!.body)).equals(Buffer.concat(chunks))).toBe(true);

      // close() leaves a client it was given open.
      await storage.close?.();
      expect(await storage.head("big.bin")).toMatchObject({ size: 12 * MiB });
      client.destroy();
    });

    it("aborts the multipart upload when the source fails after some parts", async () => {
      const { client, commands } = recordingClient();
      const storage = wrapStorage(s3Storage({ bucket: server.bucket, prefix: "aborted", client }));
      const failing = Readable.from(
        (async function* () {
          for (let i = 0; i < 11; i++) yield Buffer.alloc(MiB, i);
          throw new GalleryError("FILE_TOO_LARGE");
        })(),
      );
      expect(await codeOf(storage.put("big.bin", failing))).toBe("FILE_TOO_LARGE");
      expect(commands).toContain("UploadPartCommand");
      expect(commands).toContain("AbortMultipartUploadCommand");
      expect(commands).not.toContain("CompleteMultipartUploadCommand");
      expect(await storage.head("big.bin")).toBeNull();
      client.destroy();
    });

    it("honours partSize", async () => {
      const { client, commands } = recordingClient();
      const storage = s3Storage({ bucket: server.bucket, prefix: "parts", client, partSize: 6 * MiB });
      await storage.put("p.bin", Buffer.alloc(13 * MiB));
      expect(commands.filter((name) => name === "UploadPartCommand")).toHaveLength(3);
      expect((await storage.head("p.bin"))?.size).toBe(13 * MiB);
      client.destroy();
    });
  });

  describe("errors", () => {
    it("reports a missing bucket as a storage failure, not as a missing object", async () => {
      const storage = wrapStorage(
        s3Storage({
          bucket: "no-such-bucket",
          endpoint: server.endpoint,
          forcePathStyle: true,
          credentials: server.credentials,
        }),
      );
      expect(await codeOf(storage.get("a.jpg"))).toBe("STORAGE_ERROR");
      await storage.close?.();
    });

    it("reports a cursor the service refuses as INVALID_CURSOR", async () => {
      // s3rver answers 500 to a forged token; S3 answers 400 InvalidArgument, scripted here.
      const fake = await fakeS3((_request, response) => {
        response.writeHead(400, { "content-type": "application/xml" });
        response.end(
          "<Error><Code>InvalidArgument</Code><Message>The continuation token provided is incorrect</Message></Error>",
        );
      });
      try {
        const storage = wrapStorage(
          s3Storage({
            bucket: "b",
            endpoint: fake.endpoint,
            forcePathStyle: true,
            credentials: server.credentials,
          }),
        );
        expect(await codeOf(storage.list("", { cursor: "forged" }))).toBe("INVALID_CURSOR");
        // Without a cursor the same answer is a storage failure.
        expect(await codeOf(storage.list(""))).toBe("STORAGE_ERROR");
        await storage.close?.();
      } finally {
        await fake.close();
      }
    });

    it("retries throttled requests, up to maxAttempts", async () => {
      let requests = 0;
      let throttleFirst = 2;
      const fake = await fakeS3((_request, response) => {
        requests++;
        if (requests <= throttleFirst) {
          response.writeHead(503, { "content-type": "application/xml" });
          response.end(
            "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
          );
          return;
        }
        response.writeHead(200, { "content-type": "text/plain", "content-length": "5" });
        response.end("hello");
      });
      try {
        const options = {
          bucket: "b",
          endpoint: fake.endpoint,
          forcePathStyle: true,
          credentials: server.credentials,
        };
        const patient = s3Storage({ ...options, maxAttempts: 3 });
        expect((await readAll((await patient.get("k"))!.body)).toString()).toBe("hello");
        expect(requests).toBe(3);
        await patient.close?.();

        requests = 0;
        throttleFirst = 5;
        const hasty = wrapStorage(s3Storage({ ...options, maxAttempts: 2 }));
        expect(await codeOf(hasty.get("k"))).toBe("STORAGE_ERROR");
        expect(requests).toBe(2);
        await hasty.close?.();
      } finally {
        await fake.close();
      }
    });

    it("trims the body when a server ignores the requested range", async () => {
      const fake = await fakeS3((_request, response) => {
        response.writeHead(200, { "content-type": "text/plain", "content-length": "10" });
        response.end("0123456789");
      });
      try {
        const storage = s3Storage({
          bucket: "b",
          endpoint: fake.endpoint,
          forcePathStyle: true,
          credentials: server.credentials,
        });
        const object = await storage.get("k", { range: { start: 2, end: 4 } });
        expect(object?.size).toBe(10);
        expect((await readAll(object!.body)).toString()).toBe("234");
        const tail = await storage.get("k", { range: { start: 7 } });
        expect((await readAll(tail!.body)).toString()).toBe("789");
        expect(await codeOf(storage.get("k", { range: { start: 10 } }))).toBe("RANGE_NOT_SATISFIABLE");
        await storage.close?.();
      } finally {
        await fake.close();
      }
    });
  });
});
