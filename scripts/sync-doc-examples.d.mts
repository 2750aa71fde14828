/** Guides whose examples are included from files. */
export declare const GUIDES: string[];
/** The guide with every included block refreshed from its file. */
export declare function syncGuide(text: string): string;
/** Line numbers of TypeScript code blocks not included from a file. */
export declare function looseCodeBlocks(text: string): number[];
/** Read a guide. */
export declare function readGuide(path: string): string;
