// Writes src/schema.d.ts and src/operations.ts from the OpenAPI document of @vernissage/http-h3.
// Usage: pnpm --filter @vernissage/client generate
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { generatedSources } from "./schema-source.js";

const { schema, operations } = await generatedSources();
await writeFile(fileURLToPath(new URL("../src/schema.d.ts", import.meta.url)), schema);
await writeFile(fileURLToPath(new URL("../src/operations.ts", import.meta.url)), operations);
console.log("Wrote src/schema.d.ts and src/operations.ts");
