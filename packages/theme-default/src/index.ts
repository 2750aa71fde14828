export {
  formatNumber,
  type Language,
  type MessageKey,
  type MessageParams,
  negotiateLanguage,
  photoCountText,
  SUPPORTED_LANGUAGES,
  supportedLanguage,
  translate,
} from "./i18n/i18n.js";
export { placeholderDataUrl } from "./parts/placeholder.js";
export { errorTitle } from "./templates/error.js";
export { defaultTheme } from "./theme.js";
