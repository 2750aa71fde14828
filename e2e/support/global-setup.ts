import type { TestProject } from "vitest/node";
import { startS3Server } from "../../packages/storage-s3/test/server.js";
import { testStack } from "./stack-name.js";

/**
 * Vitest global setup of the projects that run on either stack: with `VERNISSAGE_TEST_STACK=postgres-s3`,
 * starts one s3rver for the whole run and hands its address to the tests (`inject("vernissageS3")`); every
 * test gallery then uses a folder of its own in that bucket.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (testStack() !== "postgres-s3") {
    project.provide("vernissageS3", null);
    return undefined;
  }
  const server = await startS3Server();
  project.provide("vernissageS3", {
    endpoint: server.endpoint,
    bucket: server.bucket,
    accessKeyId: server.credentials.accessKeyId,
    secretAccessKey: server.credentials.secretAccessKey,
  });
  return () => server.stop();
}
