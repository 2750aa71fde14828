export type { CliIO } from "./commands.js";
export { createMainCommand, main, untilSignal, VERSION } from "./commands.js";
export { CliError } from "./errors.js";
export type {
  ImportDirectoryOptions,
  ImportFailure,
  ImportFileResult,
  ImportSummary,
} from "./import-directory.js";
export { importDirectory, listImportFiles } from "./import-directory.js";
export type { OpenGalleryOptions } from "./open-gallery.js";
export { dataPaths, openGallery } from "./open-gallery.js";
export { runCli } from "./run.js";
export type { RunningServer, StartServerOptions } from "./server.js";
export { FIRST_ADMIN_USERNAME, startServer } from "./server.js";
export type { AddUserInput } from "./users.js";
export { addUser, MIN_PASSWORD_LENGTH, readPassword, USER_ROLES } from "./users.js";
