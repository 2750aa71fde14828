import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** One photo of the real corpus (see `../shared/corpus/fetch-photos.sh`). */
export interface CorpusPhoto {
  path: string;
  file: string;
  width: number;
  height: number;
  orientation: number;
  gps: boolean;
}

/** Where the corpus lives: `VERNISSAGE_CORPUS_DIR`, else `.corpus/photos` at the repository root. */
export const CORPUS_DIR =
  process.env.VERNISSAGE_CORPUS_DIR ?? resolve(import.meta.dirname, "../.corpus/photos");

/**
 * The corpus manifest, or `null` when the corpus was not fetched. Under `VERNISSAGE_TEST_STRICT=1` a missing
 * corpus is an error, so CI can never silently skip the real-photo tests.
 */
export function loadCorpus(): CorpusPhoto[] | null {
  const manifest = join(CORPUS_DIR, "MANIFEST.tsv");
  if (!existsSync(manifest)) {
    if (process.env.VERNISSAGE_TEST_STRICT === "1") {
      throw new Error(
        `Real-photo corpus missing at ${CORPUS_DIR}: run ../shared/corpus/fetch-photos.sh .corpus/photos`,
      );
    }
    return null;
  }
  const [header, ...lines] = readFileSync(manifest, "utf8").trim().split("\n");
  const cols = (header ?? "").split("\t");
  const at = (row: string[], name: string) => row[cols.indexOf(name)] ?? "";
  return lines.map((line) => {
    const row = line.split("\t");
    return {
      path: join(CORPUS_DIR, at(row, "file")),
      file: at(row, "file"),
      width: Number(at(row, "width")),
      height: Number(at(row, "height")),
      orientation: Number(at(row, "orientation") || "1"),
      gps: at(row, "gps") === "1",
    };
  });
}
