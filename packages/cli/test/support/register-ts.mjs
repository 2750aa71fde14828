// `node --import ./register-ts.mjs packages/cli/src/cli.ts …`: run the CLI from its TypeScript sources.
import { register } from "node:module";

register("./ts-loader.mjs", import.meta.url);
