/** A JSON Schema object as zod emits it. */
export type JsonSchema = Record<string, unknown>;

const SAMPLE_ID = "k7x2m9p4q1w8";
const SAMPLE_TIME = "2026-05-01T09:30:00.000Z";

/** Plausible values for well-known property names, tried before the generic ones (must still fit the schema). */
const BY_NAME: Record<string, unknown> = {
  id: SAMPLE_ID,
  username: "ada",
  displayName: "Ada Lovelace",
  email: "ada@example.com",
  password: "correct horse battery staple",
  name: "Summer 2026",
  title: "Sunset over the harbour",
  description: "Taken from the pier, just before the rain.",
  slug: "summer-2026",
  sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  mimeType: "image/jpeg",
  originalFilename: "harbour.jpg",
  filename: "harbour.jpg",
  author: "Ada Lovelace",
  role: "member",
  cursor: "eyJrIjoiMjAyNi0wNS0wMSJ9",
  nextCursor: null,
  url: "/gallery/photos/k7x2m9p4q1w8-sunset-over-the-harbour",
  originalUrl: "/gallery/media/photos/k7x2m9p4q1w8/original/9f86d081",
  cameraMake: "FUJIFILM",
  cameraModel: "X-T5",
  lens: "XF16-55mmF2.8 R LM WR",
  token: "vrn_k7x2m9p4q1w8.Xq3v9LmP2sT8wZ1c",
  thumbhash: "1QcSHQRnh493V4dIh4eXh1h4kJUI",
  defaultLanguage: "fr",
};

/**
 * A value that fits `schema`, for the `example` of a parameter or media type: the schema's own `examples`,
 * `default`, `const` or first `enum` value when it has one, else a plausible value by property `name` and type.
 * `$ref`s are resolved in `components`. Undefined when nothing sensible can be made (an unconstrained value).
 */
export function exampleOf(
  schema: JsonSchema,
  components: Record<string, JsonSchema>,
  name?: string,
  depth = 0,
): unknown {
  if (depth > 10) return undefined;
  const ref = schema.$ref;
  if (typeof ref === "string") {
    const target = components[ref.replace("#/components/schemas/", "")];
    return target ? exampleOf(target, components, name, depth + 1) : undefined;
  }
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ("example" in schema) return schema.example;
  if ("const" in schema) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options)) {
      const nonNull = (options as JsonSchema[]).filter((o) => o.type !== "null");
      const pick = nonNull[0] ?? (options[0] as JsonSchema | undefined);
      return pick ? exampleOf(pick, components, name, depth + 1) : undefined;
    }
  }
  if (Array.isArray(schema.allOf)) {
    const parts = (schema.allOf as JsonSchema[]).map((p) => exampleOf(p, components, name, depth + 1));
    if (parts.every((p) => typeof p === "object" && p !== null && !Array.isArray(p)))
      return Object.assign({}, ...parts);
    return parts[0];
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type];
  const type = types.find((t) => t !== "null") ?? types[0];
  switch (type) {
    case "object":
      return objectExample(schema, components, depth);
    case "array": {
      const items = (schema.items ?? {}) as JsonSchema;
      const one = exampleOf(items, components, singular(name), depth + 1);
      if (one === undefined) return [];
      const count = Math.max(1, typeof schema.minItems === "number" ? schema.minItems : 1);
      return Array.from({ length: count }, () => one);
    }
    case "string":
      return stringExample(schema, name);
    case "integer":
    case "number":
      return numberExample(schema, type, name);
    case "boolean":
      return name !== "duplicate";
    case "null":
      return null;
    default:
      return undefined;
  }
}

function objectExample(schema: JsonSchema, components: Record<string, JsonSchema>, depth: number): unknown {
  const out: Record<string, unknown> = {};
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [key, prop] of Object.entries(props)) {
    const value = exampleOf(prop, components, key, depth + 1);
    if (value !== undefined) out[key] = value;
  }
  const extra = schema.additionalProperties;
  if (Object.keys(props).length === 0 && typeof extra === "object" && extra !== null) {
    const value = exampleOf(extra as JsonSchema, components, undefined, depth + 1);
    if (value !== undefined) out[keyFor(schema)] = value;
  }
  return out;
}

function keyFor(schema: JsonSchema): string {
  const names = schema.propertyNames as JsonSchema | undefined;
  if (names && Array.isArray(names.enum) && typeof names.enum[0] === "string") return names.enum[0];
  return typeof schema.description === "string" && schema.description.includes("preset") ? "medium" : "key";
}

function singular(name: string | undefined): string | undefined {
  if (!name) return name;
  if (name.endsWith("Ids")) return "id";
  if (name === "items") return undefined;
  return name.endsWith("s") ? name.slice(0, -1) : name;
}

function fits(value: string, schema: JsonSchema): boolean {
  if (typeof schema.minLength === "number" && value.length < schema.minLength) return false;
  if (typeof schema.maxLength === "number" && value.length > schema.maxLength) return false;
  if (typeof schema.pattern === "string") {
    try {
      if (!new RegExp(schema.pattern, "u").test(value)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function stringExample(schema: JsonSchema, name: string | undefined): string | undefined {
  const candidates: unknown[] = [];
  switch (schema.format) {
    case "date-time":
      candidates.push(SAMPLE_TIME);
      break;
    case "date":
      candidates.push("2026-05-01");
      break;
    case "email":
      candidates.push("ada@example.com");
      break;
    case "uri":
    case "url":
      candidates.push("https://hooks.example.com/vernissage");
      break;
    case "uuid":
      candidates.push("5f0c3a8e-7d2b-4c1e-9a6f-0b1d2e3f4a5b");
      break;
    case "binary":
      return undefined;
  }
  if (name) {
    if (name in BY_NAME) candidates.push(BY_NAME[name]);
    if (/Ids?$/.test(name)) candidates.push(SAMPLE_ID);
    if (/(At|From|To)$/.test(name)) candidates.push(SAMPLE_TIME, "2026-05-01");
    if (/Url$/.test(name)) candidates.push(`/gallery/media/photos/${SAMPLE_ID}/medium/9f86d081`);
  }
  candidates.push(SAMPLE_ID, "example");
  for (const c of candidates) if (typeof c === "string" && fits(c, schema)) return c;
  const min = typeof schema.minLength === "number" ? schema.minLength : 1;
  const padded = "x".repeat(Math.max(1, min));
  return fits(padded, schema) ? padded : undefined;
}

/** Plausible numbers for well-known property names (clamped to the schema's bounds). */
const NUMBER_BY_NAME: Record<string, number> = {
  limit: 50,
  width: 792,
  height: 594,
  byteSize: 2_480_133,
  latitude: 48.8566,
  longitude: 2.3522,
  altitude: 35,
  exposureTime: 0.008,
  aperture: 2.8,
  iso: 200,
  focalLength: 23,
  takenAtOffset: 120,
  rating: 4,
  photoCount: 12,
  rank: 0,
  privacyLevel: 0,
  maxUses: 10,
};

function numberExample(schema: JsonSchema, type: string, name: string | undefined): number {
  let value = (name !== undefined ? NUMBER_BY_NAME[name] : undefined) ?? 1;
  if (typeof schema.minimum === "number") value = Math.max(value, schema.minimum);
  if (typeof schema.exclusiveMinimum === "number") value = Math.max(value, schema.exclusiveMinimum + 1);
  if (typeof schema.maximum === "number") value = Math.min(value, schema.maximum);
  if (typeof schema.exclusiveMaximum === "number") value = Math.min(value, schema.exclusiveMaximum - 1);
  return type === "integer" ? Math.round(value) : value;
}
