// Module hooks that run the workspace's TypeScript sources directly (for tests that spawn the `vernissage`
// command without building it): `@vernissage/<name>` resolves to `packages/<name>/src/index.ts`, `./x.js`
// imports from a `.ts` file find `./x.ts`, and `.ts` files are transpiled with TypeScript (types erased).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGES = new URL("../../../", import.meta.url);
// Transpiled files are kept between runs, keyed by path, size and modification time.
const CACHE = join(tmpdir(), "vernissage-ts-loader-1");

export async function resolve(specifier, context, next) {
  const workspace = /^@vernissage\/([a-z0-9-]+)(\/testing)?$/.exec(specifier);
  if (workspace) {
    const entry = workspace[2] ? "testing/index.ts" : "index.ts";
    const url = new URL(`${workspace[1]}/src/${entry}`, PACKAGES);
    if (existsSync(url)) return { url: url.href, shortCircuit: true };
  }
  if (context.parentURL?.endsWith(".ts") && /^\.\.?\//.test(specifier) && specifier.endsWith(".js")) {
    const candidate = new URL(specifier.replace(/\.js$/, ".ts"), context.parentURL);
    if (existsSync(candidate)) return { url: candidate.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return next(url, context);
  const path = fileURLToPath(url);
  const info = await stat(path);
  const key = createHash("sha256").update(`${path}\0${info.size}\0${info.mtimeMs}`).digest("hex");
  const cached = join(CACHE, `${key}.js`);
  const hit = await readFile(cached, "utf8").catch(() => null);
  if (hit !== null) return { format: "module", source: hit, shortCircuit: true };
  // TypeScript is loaded only on a cache miss (it is large).
  const { default: ts } = await import("typescript");
  const { outputText } = ts.transpileModule(await readFile(path, "utf8"), {
    fileName: path,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: false,
    },
  });
  await mkdir(CACHE, { recursive: true });
  // Written under a unique name then renamed: concurrent processes never read half a file.
  const partial = `${cached}.${process.pid}.tmp`;
  await writeFile(partial, outputText);
  await rename(partial, cached);
  return { format: "module", source: outputText, shortCircuit: true };
}
