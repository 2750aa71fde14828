import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** An S3-compatible server (s3rver 3.7.1) over HTTP on a free port, with its files in a temporary directory. */
export interface TestS3Server {
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/**
 * Starts s3rver in a child process. In this process its paginated listings would fail: it encrypts
 * continuation tokens with DES, which Node 20's OpenSSL 3 only loads with `--openssl-legacy-provider`.
 */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), "vernissage-s3rver-"));
  const bucket = "test-bucket";
  const child: ChildProcess = fork(
    fileURLToPath(new URL("./s3rver-process.mjs", import.meta.url)),
    [directory, bucket],
    {
      execArgv: ["--openssl-legacy-provider"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  const [message] = (await Promise.race([
    once(child, "message"),
    once(child, "exit").then(([code]) => {
      throw new Error(`s3rver exited with code ${String(code)} before it listened`);
    }),
  ])) as [{ port: number }];
  return {
    endpoint: `http://127.0.0.1:${message.port}`,
    bucket,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, "exit");
        child.disconnect();
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
