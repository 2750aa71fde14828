/** One hook of the catalogue as the generator reads it. */
export interface HookDoc {
  name: string;
  summary: string;
  mutable: string | undefined;
  veto: string | undefined;
  context: string;
}
/** Files holding the catalogue and its context types. */
export declare const HOOK_SOURCES: string[];
/** Where the page is written. */
export declare const HOOKS_DOC: string;
/** Read every hook of the catalogue. */
export declare function readHooks(): HookDoc[];
/** Hooks whose documentation is incomplete, with what is missing. */
export declare function undocumentedHooks(hooks?: HookDoc[]): { name: string; missing: string[] }[];
/** Render the Markdown page. */
export declare function renderHooksDoc(): string;
/** Write docs/hooks.md. */
export declare function writeHooksDoc(): void;
