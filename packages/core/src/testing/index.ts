export type { DatabaseSuiteFactory, DatabaseSuiteInstance, DatabaseSuiteOptions } from "./database-suite.js";
export { runDatabaseSuite } from "./database-suite.js";
export type { StorageSuiteFactory, StorageSuiteInstance, StorageSuiteOptions } from "./storage-suite.js";
export { runStorageSuite } from "./storage-suite.js";
