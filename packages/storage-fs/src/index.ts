export type { FsStorageOptions } from "./fs-storage.js";
export { fsStorage } from "./fs-storage.js";
