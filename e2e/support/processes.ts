import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, "../..");
/** The built `vernissage` command. */
export const CLI = join(ROOT, "packages/cli/dist/cli.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Make sure `packages/cli/dist/cli.js` is built from the current sources (CI builds before testing; a
 * developer's stale or missing build is rebuilt here, with the packages the CLI depends on).
 */
export function ensureCliBuilt(): void {
  const packages = [
    "core",
    "db-sqlite",
    "db-postgres",
    "storage-fs",
    "storage-s3",
    "http-h3",
    "theme-default",
    "mcp",
    "rate-limit-redis",
    "cli",
  ];
  const sources = Math.max(...packages.map((p) => newestMtime(join(ROOT, "packages", p, "src"))));
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= sources) return;
  const result = spawnSync("pnpm", ["--filter", "@vernissage/cli...", "run", "build"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`Building the CLI failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** A `vernissage` child process with its output kept. */
export interface CliProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM and wait for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/** Start `node packages/cli/dist/cli.js ...args` with `env` added to this process's environment. */
export function startCli(args: string[], env: Record<string, string>): CliProcess {
  // Without vitest's variables: consola would take the child for a test run and hide its info lines.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(VITEST|TEST$|NODE_ENV$)/.test(k)),
  );
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolveMatch, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) {
            done();
            resolveMatch(match);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`Timed out waiting for ${pattern} in:\n${text}`));
        }, timeoutMs);
        const onExit = () => {
          done();
          reject(
            new Error(`Process exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${text}`),
          );
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off("exit", onExit);
        };
        listeners.add(check);
        child.once("exit", onExit);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
