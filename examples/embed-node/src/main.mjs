// Start the example: `npm start`, then open http://127.0.0.1:3001/ (PORT, HOST and DATA_DIR change it).
// The @vernissage/* packages resolve to their built files: run `pnpm build` at the repository root first.
import { fileURLToPath } from "node:url";
import { createEmbedApp } from "./app.mjs";

const dataDir = process.env.DATA_DIR ?? fileURLToPath(new URL("../data", import.meta.url));
const port = Number(process.env.PORT ?? 3001);
const host = process.env.HOST ?? "127.0.0.1";

const app = await createEmbedApp({ dataDir });
app.server.listen(port, host, () => {
  const address = app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  console.log(`Acme intranet on http://${host}:${actualPort}/ (gallery under /gallery/, data in ${dataDir})`);
});

for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => {
    console.log(`${signal}: shutting down…`);
    app.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
