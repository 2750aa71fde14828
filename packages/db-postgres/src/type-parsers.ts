import pg from "pg";

// Plain numbers: pg-types' TypeId enum does not list the array types.
const INT8: number = 20;
const INT8_ARRAY: number = 1016;

type Int8Array = Array<number | null | Int8Array>;

const defaultInt8ArrayParser: (value: string) => unknown = pg.types.getTypeParser(INT8_ARRAY, "text");

/** pg's int8[] parser yields (nested) arrays of strings; turn every element into a number. */
function toNumbers(value: unknown): Int8Array | null {
  if (!Array.isArray(value)) return null;
  return value.map((item: unknown) =>
    Array.isArray(item) ? toNumbers(item) : item === null ? null : Number(item),
  );
}

/**
 * Text-format parsers that differ from pg's defaults: `bigint` (int8) and `bigint[]` become JavaScript numbers.
 * The schema keeps epoch milliseconds and byte sizes in `bigint` columns, all far below 2^53.
 */
export const int8TextParsers: ReadonlyMap<number, (value: string) => unknown> = new Map<
  number,
  (value: string) => unknown
>([
  [INT8, (value) => Number(value)],
  [INT8_ARRAY, (value) => toNumbers(defaultInt8ArrayParser(value))],
]);

/**
 * A per-client `types` object for pg (`new Pool({ types })`): pg's own parsers except for
 * {@link int8TextParsers}. pg's global parsers are left untouched.
 */
export const vernissageTypes: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    (format ?? "text") === "text"
      ? (int8TextParsers.get(oid) ?? pg.types.getTypeParser(oid, "text"))
      : pg.types.getTypeParser(oid, format),
};
