import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkg = (name: string, entry = "index.ts") =>
  fileURLToPath(new URL(`./packages/${name}/src/${entry}`, import.meta.url));

// Tests run against the TypeScript sources, so no build is needed before `vitest run`.
const alias = [
  { find: /^@vernissage\/core\/testing$/, replacement: pkg("core", "testing/index.ts") },
  { find: /^@vernissage\/core$/, replacement: pkg("core") },
  ...[
    "db-sqlite",
    "db-postgres",
    "storage-fs",
    "storage-s3",
    "http-h3",
    "theme-default",
    "cli",
    "mcp",
    "client",
    "rate-limit-redis",
  ].map((name) => ({
    find: new RegExp(`^@vernissage/${name}$`),
    replacement: pkg(name),
  })),
];

const STACK_SETUP = fileURLToPath(new URL("./e2e/support/global-setup.ts", import.meta.url));

const project = (name: string, root: string, extra: Record<string, unknown> = {}) => ({
  resolve: { alias },
  test: { name, root, include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 120_000, ...extra },
});

export default defineConfig({
  test: {
    projects: [
      // These run on the stack VERNISSAGE_TEST_STACK chooses (e2e/support/stack.ts); the global setup starts
      // s3rver for postgres-s3.
      ...["core", "http-h3", "mcp", "client"].map((name) =>
        project(name, `./packages/${name}`, { globalSetup: [STACK_SETUP] }),
      ),
      ...[
        "db-sqlite",
        "db-postgres",
        "storage-fs",
        "storage-s3",
        "theme-default",
        "cli",
        "rate-limit-redis",
      ].map((name) => project(name, `./packages/${name}`)),
      project("example-embed-node", "./examples/embed-node"),
      project("example-plugins", "./examples", {
        include: ["plugin-*/test/**/*.test.ts", "theme-*/test/**/*.test.ts", "guide/test/**/*.test.ts"],
      }),
      project("example-server", "./examples/server"),
      project("e2e", "./e2e", { include: ["**/*.test.ts"], globalSetup: [STACK_SETUP] }),
    ],
  },
});
