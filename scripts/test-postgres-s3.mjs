#!/usr/bin/env node
// Runs the stack-neutral test projects (core, http-h3, mcp, client, e2e) again on PostgreSQL + S3 (s3rver):
// `pnpm test:postgres-s3 [vitest args]`. Without a reachable PostgreSQL the run is skipped with the reason,
// unless VERNISSAGE_TEST_STRICT=1 (CI), which makes it fail.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(new URL("../packages/db-postgres/package.json", import.meta.url));
const pg = require("pg");

const url = process.env.VERNISSAGE_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const strict = process.env.VERNISSAGE_TEST_STRICT === "1";

function redact(value) {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}

const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
client.on("error", () => {});
let reason;
try {
  await client.connect();
  await client.query("select 1");
} catch (error) {
  reason = `PostgreSQL unreachable at ${redact(url)} (${error?.code ?? error?.message ?? error})`;
} finally {
  await client.end().catch(() => {});
}

if (reason) {
  if (strict) {
    console.error(`postgres-s3 tests: ${reason}; VERNISSAGE_TEST_STRICT=1 forbids skipping.`);
    process.exit(1);
  }
  console.warn(
    `postgres-s3 tests SKIPPED: ${reason}. Set VERNISSAGE_TEST_PG_URL or start PostgreSQL to run them.`,
  );
  process.exit(0);
}

const projects = ["core", "http-h3", "mcp", "client", "e2e"].flatMap((name) => ["--project", name]);
// The browser suite (e2e/browser) drives pages whose data paths the HTTP tests already cover on this stack; it
// runs once, in the SQLite + files pass, to keep CI within its time budget.
const exclude = ["--exclude", "**/browser/**"];
const result = spawnSync("vitest", ["run", ...projects, ...exclude, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, VERNISSAGE_TEST_STACK: "postgres-s3" },
  shell: process.platform === "win32",
});
process.exit(result.status ?? 1);
