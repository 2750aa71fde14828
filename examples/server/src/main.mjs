// Start the self-hosted gallery: `npm start` (or `node src/main.mjs [path/to/vernissage.config.mjs]`).
// @vernissage/cli resolves to its built files: run `pnpm build` at the repository root first.
import { fileURLToPath } from "node:url";
import { startServer, untilSignal } from "@vernissage/cli";
import { ConfigError, loadConfig } from "./config.mjs";

const exampleRoot = fileURLToPath(new URL("..", import.meta.url));

try {
  const config = await loadConfig({
    path: process.argv[2] ?? process.env.VERNISSAGE_CONFIG,
    cwd: exampleRoot,
  });
  const server = await startServer(config);
  console.log(`Config: ${config.file ?? "defaults"}; data in ${config.dataDir}`);
  if (server.adminCreated) console.log('Created the owner "admin" from VERNISSAGE_ADMIN_PASSWORD.');
  if (server.needsUser) {
    console.log("No user yet: start once with VERNISSAGE_ADMIN_PASSWORD set, or create one with");
    console.log(
      `  printf '%s' 'a long password' | npx vernissage users add admin --role owner --password-stdin --data ${config.dataDir}`,
    );
  }
  console.log(`${config.title} is listening on ${server.url}`);
  const signal = await untilSignal();
  console.log(`${signal}: shutting down…`);
  await server.close();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
