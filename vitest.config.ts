import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkg = (name: string, entry = "index.ts") =>
  fileURLToPath(new URL(`./packages/${name}/src/${entry}`, import.meta.url));

// Tests run against the TypeScript sources, so no build is needed before `vitest run`.
const alias = [
  { find: /^@vernissage\/core\/testing$/, replacement: pkg("core", "testing/index.ts") },
  { find: /^@vernissage\/core$/, replacement: pkg("core") },
  ...["db-sqlite", "db-postgres", "storage-fs", "storage-s3", "http-h3", "theme-default", "cli"].map(
    (name) => ({
      find: new RegExp(`^@vernissage/${name}$`),
      replacement: pkg(name),
    }),
  ),
];

const project = (name: string, root: string, extra: Record<string, unknown> = {}) => ({
  resolve: { alias },
  test: { name, root, include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 120_000, ...extra },
});

export default defineConfig({
  test: {
    projects: [
      ...[
        "core",
        "db-sqlite",
        "db-postgres",
        "storage-fs",
        "storage-s3",
        "http-h3",
        "theme-default",
        "cli",
      ].map((name) => project(name, `./packages/${name}`)),
      project("example-embed-node", "./examples/embed-node"),
      project("example-server", "./examples/server"),
      project("e2e", "./e2e", { include: ["**/*.test.ts"] }),
    ],
  },
});
