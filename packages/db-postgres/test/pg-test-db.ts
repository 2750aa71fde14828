import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, it } from "vitest";

/** The server the tests use: `VERNISSAGE_TEST_PG_URL`, else the local server with trust authentication. */
export const PG_TEST_URL: string =
  process.env.VERNISSAGE_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";

/** With `VERNISSAGE_TEST_STRICT=1` (CI), an unreachable server fails the run instead of skipping it. */
const STRICT = process.env.VERNISSAGE_TEST_STRICT === "1";

/** A throwaway database, dropped (with its open connections) by `drop()`. */
export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable connection URL)";
  }
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 5000 });
  // A connection that fails after connecting must not crash the process: the query rejects instead.
  client.on("error", () => {});
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * Why PostgreSQL cannot be used, or `undefined` when it can. In strict mode an unreachable server throws,
 * which fails the test file.
 */
export async function postgresUnavailable(): Promise<string | undefined> {
  try {
    await withAdmin((client) => client.query("select 1"));
    return undefined;
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
    const reason = `PostgreSQL unreachable at ${redact(PG_TEST_URL)}${code ? ` (${code})` : ""}`;
    if (STRICT) throw new Error(`${reason}; VERNISSAGE_TEST_STRICT=1 forbids skipping.`, { cause: error });
    return `${reason}; set VERNISSAGE_TEST_PG_URL or start a server`;
  }
}

/** Create an empty database `vt_<random>` on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `vt_${randomBytes(6).toString("hex")}`;
  await withAdmin((client) => client.query(`create database ${client.escapeIdentifier(name)}`));
  const url = new URL(PG_TEST_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withAdmin(async (client) => {
        await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
      }),
  };
}

/**
 * `describe` when PostgreSQL is reachable; otherwise one skipped test whose title carries the reason (or, in
 * strict mode, a thrown error).
 */
export async function describePostgres(title: string, body: () => void): Promise<void> {
  const reason = await postgresUnavailable();
  if (reason === undefined) {
    describe(title, body);
  } else {
    describe(title, () => {
      it.skip(`skipped: ${reason}`, () => {});
    });
  }
}
