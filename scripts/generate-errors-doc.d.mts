/** One code of the catalogue as the generator reads it. */
export interface ErrorDoc {
  code: string;
  status: number;
  retryable: boolean;
  description: string;
  retry?: string;
  retryAfter?: number;
}
/** The file holding the catalogue. */
export declare const ERRORS_SOURCE: string;
/** Where the page is written. */
export declare const ERRORS_DOC: string;
/** Every entry of the catalogue, in source order. */
export declare function readCatalogue(): ErrorDoc[];
/** Codes lacking a description or retry guidance. */
export declare function undocumentedCodes(entries?: ErrorDoc[]): string[];
/** Render the Markdown page. */
export declare function renderErrorsDoc(entries?: ErrorDoc[]): string;
/** Write docs/errors.md. */
export declare function writeErrorsDoc(): void;
