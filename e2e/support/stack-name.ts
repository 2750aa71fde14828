/** The stacks a test gallery can run on. */
export type TestStackName = "sqlite-fs" | "postgres-s3";

/** The S3 server the global setup started (see `global-setup.ts`), as tests receive it. */
export interface ProvidedS3 {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    vernissageS3: ProvidedS3 | null;
  }
}

const STACKS: readonly TestStackName[] = ["sqlite-fs", "postgres-s3"];

/**
 * The stack chosen by `VERNISSAGE_TEST_STACK` (`sqlite-fs`, the default, or `postgres-s3`). Anything else
 * fails loudly rather than silently testing the default.
 */
export function testStack(): TestStackName {
  const value = process.env.VERNISSAGE_TEST_STACK || "sqlite-fs";
  if (!(STACKS as readonly string[]).includes(value)) {
    throw new Error(`VERNISSAGE_TEST_STACK must be one of ${STACKS.join(", ")}; got "${value}".`);
  }
  return value as TestStackName;
}
