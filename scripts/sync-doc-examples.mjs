// Copies example files into the Markdown guides: every `<!-- file: path -->` line is followed by a fenced code
// block holding that file's content. The guides' code is thus the code that is compiled and tested.
// Usage: node scripts/sync-doc-examples.mjs [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Guides whose examples are included from files. */
export const GUIDES = ["docs/plugins.md", "docs/themes.md"];
const MARKER = /^<!-- file: (\S+) -->$/;

/** The guide with every included block refreshed from its file. */
export function syncGuide(text) {
  const lines = text.split("\n");
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    out.push(line);
    const match = MARKER.exec(line);
    if (!match) continue;
    const fence = lines[i + 1] ?? "";
    if (!fence.startsWith("```")) throw new Error(`No code block after ${line}`);
    let end = i + 2;
    while (end < lines.length && lines[end] !== "```") end++;
    const content = readFileSync(join(ROOT, match[1]), "utf8").replace(/\n$/, "");
    out.push(fence, content, "```");
    i = end;
  }
  return out.join("\n");
}

/** TypeScript code blocks of a guide that are not included from a file (they would not be compiled). */
export function looseCodeBlocks(text) {
  const lines = text.split("\n");
  const loose = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^```(ts|typescript)\b/.test(lines[i] ?? "") && !MARKER.test(lines[i - 1] ?? "")) loose.push(i + 1);
  }
  return loose;
}

/** Read a guide. */
export function readGuide(path) {
  return readFileSync(join(ROOT, path), "utf8");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let stale = false;
  for (const guide of GUIDES) {
    const text = readGuide(guide);
    const synced = syncGuide(text);
    if (synced === text) continue;
    if (process.argv.includes("--check")) {
      console.error(`${guide} is stale: run node scripts/sync-doc-examples.mjs`);
      stale = true;
    } else writeFileSync(join(ROOT, guide), synced);
  }
  if (stale) process.exit(1);
}
