import type { CliIO } from "../commands.js";
import { CliError } from "../errors.js";
import type { OpenGalleryOptions } from "../open-gallery.js";

/** The arguments that say where a gallery lives, shared by the commands that open one. */
export const galleryArgs = {
  data: {
    type: "string",
    description: "Data directory (database and files) [env VERNISSAGE_DATA_DIR, default ./data]",
    valueHint: "dir",
  },
  "database-url": {
    type: "string",
    description: "postgres://… or a SQLite path [env VERNISSAGE_DATABASE_URL, default <data>/gallery.db]",
    valueHint: "url",
  },
  "storage-url": {
    type: "string",
    description:
      "s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=true or a folder [env VERNISSAGE_STORAGE_URL, default <data>/files]; S3 credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY",
    valueHint: "url",
  },
} as const;

/** Flags first, then the environment: where the gallery lives. */
export function galleryLocation(
  io: CliIO,
  args: {
    data?: string | undefined;
    "database-url"?: string | undefined;
    "storage-url"?: string | undefined;
  },
): Pick<OpenGalleryOptions, "dataDir" | "databaseUrl" | "storageUrl"> {
  const dataDir = args.data ?? io.env.VERNISSAGE_DATA_DIR ?? "./data";
  if (dataDir.trim() === "") throw new CliError("The data directory is empty.");
  const databaseUrl = args["database-url"] ?? io.env.VERNISSAGE_DATABASE_URL;
  const storageUrl = args["storage-url"] ?? io.env.VERNISSAGE_STORAGE_URL;
  return {
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(storageUrl ? { storageUrl } : {}),
  };
}

/** A positive integer flag or environment value, or `undefined` when absent. */
export function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new CliError(`Invalid ${name} "${value}": expected a positive whole number.`);
  }
  return n;
}
