// Runs s3rver in a process of its own, started by server.ts with --openssl-legacy-provider: s3rver 3.7.1
// encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 20) offers only with that flag.
import S3rver from "s3rver";

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({
  port: 0,
  address: "127.0.0.1",
  silent: true,
  directory,
  configureBuckets: [{ name: bucket }],
});
const { port } = await server.run();
process.send?.({ port });
// The parent going away (normally or not) stops the server.
process.on("disconnect", () => {
  server.close().finally(() => process.exit(0));
});
