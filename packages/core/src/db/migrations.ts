import type { Migration, MigrationProvider } from "kysely/migration";
import type { DatabaseKind } from "../ports/database.js";
import { foundationMigration } from "./migrations/0001-foundation.js";
import { identityMigration } from "./migrations/0002-identity.js";
import { libraryMigration } from "./migrations/0003-library.js";
import { derivativesMigration } from "./migrations/0004-derivatives.js";
import { scaleMigration } from "./migrations/0005-scale.js";
import { pluginsMigration } from "./migrations/0006-plugins.js";
import { apiGuaranteesMigration } from "./migrations/0007-api-guarantees.js";
import { eventsWebhooksMigration } from "./migrations/0008-events-webhooks.js";
import { uploadsMigration } from "./migrations/0009-uploads.js";
import { tagOrderMigration } from "./migrations/0010-tag-order.js";
import { retentionVocabMigration } from "./migrations/0011-retention-vocab.js";

/**
 * The shared schema's migrations, in order (names sort in application order). Written once for every engine;
 * each lives in `migrations/NNNN-name.ts`.
 */
export function coreMigrations(kind: DatabaseKind): Record<string, Migration> {
  return {
    "0001_foundation": foundationMigration(kind),
    "0002_identity": identityMigration(kind),
    "0003_library": libraryMigration(kind),
    "0004_derivatives": derivativesMigration(kind),
    "0005_scale": scaleMigration(kind),
    "0006_plugins": pluginsMigration(kind),
    "0007_api_guarantees": apiGuaranteesMigration(kind),
    "0008_events_webhooks": eventsWebhooksMigration(kind),
    "0009_uploads": uploadsMigration(kind),
    "0010_tag_order": tagOrderMigration(kind),
    "0011_retention_vocab": retentionVocabMigration(kind),
  };
}

/** A Kysely migration provider over a fixed record of migrations. */
export function staticMigrationProvider(migrations: Record<string, Migration>): MigrationProvider {
  return { getMigrations: async () => migrations };
}
