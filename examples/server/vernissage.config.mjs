// Configuration of this self-hosted gallery. Every field is optional; relative paths are resolved against
// this file's folder. The environment wins over this file: VERNISSAGE_DATA_DIR, VERNISSAGE_PORT and
// VERNISSAGE_HOST (handy in containers).
import { defineConfig } from "./src/config.mjs";

export default defineConfig({
  dataDir: "./data",
  port: 3000,
  host: "127.0.0.1",
  title: "My photos",
});
