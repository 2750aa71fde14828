import { GalleryError } from "@vernissage/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseS3Url, s3Storage } from "../src/index.js";
import { startS3Server, type TestS3Server } from "./server.js";

describe("parseS3Url", () => {
  it("reads bucket, prefix and every parameter", () => {
    expect(
      parseS3Url(
        "s3://photos/gallery/originals?endpoint=http://127.0.0.1:9000&region=eu-west-3&forcePathStyle=true",
      ),
    ).toEqual({
      bucket: "photos",
      prefix: "gallery/originals",
      endpoint: "http://127.0.0.1:9000",
      region: "eu-west-3",
      forcePathStyle: true,
    });
  });

  it("needs only a bucket", () => {
    expect(parseS3Url("s3://photos")).toEqual({ bucket: "photos" });
    expect(parseS3Url("s3://photos/")).toEqual({ bucket: "photos" });
  });

  it("trims slashes around the prefix and decodes it", () => {
    expect(parseS3Url("s3://photos/a/b/")).toEqual({ bucket: "photos", prefix: "a/b" });
    expect(parseS3Url("s3://photos/my%2Dphotos")).toEqual({ bucket: "photos", prefix: "my-photos" });
  });

  it("decodes an encoded endpoint and reads forcePathStyle as a boolean", () => {
    expect(parseS3Url("s3://b?endpoint=https%3A%2F%2Fs3.example.com%3A8443&forcePathStyle=1")).toEqual({
      bucket: "b",
      endpoint: "https://s3.example.com:8443",
      forcePathStyle: true,
    });
    expect(parseS3Url("s3://b?forcePathStyle=false").forcePathStyle).toBe(false);
    expect(parseS3Url("s3://b?forcePathStyle=0").forcePathStyle).toBe(false);
  });

  it("keeps the bucket name as written", () => {
    expect(parseS3Url("s3://My.Legacy_Bucket/x").bucket).toBe("My.Legacy_Bucket");
  });

  it.each([
    ["not a URL", "photos/originals"],
    ["another scheme", "https://photos/originals"],
    ["no bucket", "s3:///originals"],
    ["nothing at all", "s3://"],
    ["credentials", "s3://key:secret@photos/x"],
    ["a user name", "s3://key@photos/x"],
    ["a port", "s3://photos:9000/x"],
    ["a fragment", "s3://photos/x#y"],
    ["an unknown parameter", "s3://photos?acl=public-read"],
    ["a repeated parameter", "s3://photos?region=a&region=b"],
    ["an empty region", "s3://photos?region="],
    ["a non-boolean forcePathStyle", "s3://photos?forcePathStyle=yes"],
    ["an endpoint that is not a URL", "s3://photos?endpoint=localhost"],
    ["an endpoint that is not http(s)", "s3://photos?endpoint=ftp://host"],
    ["bad percent-encoding", "s3://photos/%E0%A4%A"],
  ])("refuses %s with INVALID_CONFIGURATION", (_what, url) => {
    let error: unknown;
    try {
      parseS3Url(url);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GalleryError);
    expect((error as GalleryError).code).toBe("INVALID_CONFIGURATION");
  });

  describe("with a server", () => {
    let server: TestS3Server;

    beforeAll(async () => {
      server = await startS3Server();
    });

    afterAll(async () => {
      await server?.stop();
    });

    it("gives options s3Storage accepts as they are", async () => {
      const url = `s3://${server.bucket}/from-url?endpoint=${encodeURIComponent(server.endpoint)}&forcePathStyle=true`;
      const storage = s3Storage({ ...parseS3Url(url), credentials: server.credentials });
      await storage.put("a.txt", Buffer.from("via url"));
      expect((await storage.list("")).keys).toEqual(["a.txt"]);
      const direct = s3Storage({
        bucket: server.bucket,
        endpoint: server.endpoint,
        forcePathStyle: true,
        credentials: server.credentials,
      });
      expect((await direct.list("from-url/")).keys).toEqual(["from-url/a.txt"]);
      await storage.close?.();
      await direct.close?.();
    });
  });
});
