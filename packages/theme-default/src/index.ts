export { defaultTheme } from "./theme.js";
