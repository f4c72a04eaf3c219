/**
 * Deterministic wire examples: one JSON value per type that satisfies its constraints (lengths,
 * ranges, patterns, item counts, formats), used by the OpenAPI `examples` and the Markdown docs.
 * Recursive types end at their smallest case (an absent optional, an empty list, a variant
 * without payload).
 */
import { isTagged } from "./query.js";
import type { Constraints, FieldDef, JsonValue, Schema, TypeDef, TypeExpr } from "./types.js";
import { patternExample } from "./pattern-example.js";

type Mutable = { [key: string]: JsonValue };

const MAX_DEPTH = 12;

function merge(a: Constraints, b: Constraints): Constraints {
  const pick = (x: number | undefined, y: number | undefined, f: (p: number, q: number) => number) =>
    x === undefined ? y : y === undefined ? x : f(x, y);
  const out: { -readonly [K in keyof Constraints]: Constraints[K] } = { ...a, ...b };
  out.minLength = pick(a.minLength, b.minLength, Math.max);
  out.maxLength = pick(a.maxLength, b.maxLength, Math.min);
  out.min = pick(a.min, b.min, Math.max);
  out.max = pick(a.max, b.max, Math.min);
  out.minItems = pick(a.minItems, b.minItems, Math.max);
  out.maxItems = pick(a.maxItems, b.maxItems, Math.min);
  out.pattern = a.pattern ?? b.pattern;
  out.format = a.format ?? b.format;
  return out;
}

function clamp(value: number, min: number | undefined, max: number | undefined): number {
  let v = value;
  if (min !== undefined && v < min) v = min;
  if (max !== undefined && v > max) v = max;
  return v;
}

function fitLength(text: string, c: Constraints): string {
  const chars = [...text];
  if (c.maxLength !== undefined && chars.length > c.maxLength) return chars.slice(0, c.maxLength).join("");
  let out = text;
  while (c.minLength !== undefined && [...out].length < c.minLength) out += "x";
  return out;
}

function stringExample(c: Constraints): string {
  if (c.pattern !== undefined) {
    const found = patternExample(c.pattern, (s) => {
      const n = [...s].length;
      return (c.minLength === undefined || n >= c.minLength) && (c.maxLength === undefined || n <= c.maxLength);
    });
    if (found !== undefined) return found;
  }
  if (c.format === "email") return fitLength("ada@example.com", { ...c, maxLength: undefined });
  if (c.format === "url") return "https://example.com/";
  return fitLength("example", c);
}

const PRIMITIVE_EXAMPLES = {
  Bool: true,
  Uuid: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
  Timestamp: "2024-03-05T07:08:09.123Z",
  Date: "2024-03-05",
  Bytes: "aGFtbGV0",
  Json: { any: "JSON" },
} as const;

interface State {
  readonly schema: Schema;
  /** Named types being expanded on the current path, to end recursion. */
  readonly stack: readonly string[];
}

function example(state: State, type: TypeExpr, c: Constraints, depth: number): JsonValue | undefined {
  if (depth > MAX_DEPTH) throw new Error("example too deep");
  switch (type.kind) {
    case "primitive":
      switch (type.name) {
        case "String":
          return stringExample(c);
        case "Int":
          return Math.ceil(clamp(1, c.min, c.max));
        case "Float":
          return clamp(0.5, c.min, c.max);
        default:
          return PRIMITIVE_EXAMPLES[type.name];
      }
    case "optional": {
      if (minimal(state)) return undefined;
      return example(state, type.inner, c, depth + 1);
    }
    case "list": {
      const count = listCount(state, c);
      const items: JsonValue[] = [];
      for (let i = 0; i < count; i++) items.push(example(state, type.element, {}, depth + 1) ?? null);
      return items;
    }
    case "map": {
      const count = listCount(state, c);
      const out: Mutable = {};
      for (let i = 0; i < count; i++)
        out[count === 1 ? "key" : `key${i + 1}`] = example(state, type.value, {}, depth + 1) ?? null;
      return out;
    }
    case "ref":
      return refExample(state, type.name, c, depth);
  }
}

/** Inside a recursive type: keep to the smallest value. */
function minimal(state: State): boolean {
  return new Set(state.stack).size !== state.stack.length;
}

function listCount(state: State, c: Constraints): number {
  const min = c.minItems ?? 0;
  if (minimal(state)) return min;
  return Math.max(min, Math.min(1, c.maxItems ?? 1));
}

function fieldsExample(state: State, fields: readonly FieldDef[], depth: number, tag?: string): Mutable {
  const out: Mutable = {};
  if (tag !== undefined) out.tag = tag;
  for (const field of fields) {
    if (field.default !== undefined) {
      out[field.name] = field.default;
      continue;
    }
    const value = example(state, field.type, field.constraints, depth + 1);
    if (value !== undefined) out[field.name] = value;
  }
  return out;
}

/** Types by name per schema (the first of a name, as `find` would give), built once. */
const typesByName = new WeakMap<Schema, Map<string, TypeDef>>();
function typeNamed(schema: Schema, name: string): TypeDef | undefined {
  let byName = typesByName.get(schema);
  if (byName === undefined) {
    byName = new Map();
    for (const t of schema.types) if (!byName.has(t.name)) byName.set(t.name, t);
    typesByName.set(schema, byName);
  }
  return byName.get(name);
}

function refExample(state: State, name: string, c: Constraints, depth: number): JsonValue | undefined {
  const def = typeNamed(state.schema, name);
  if (!def) throw new Error(`unknown type ${name}`);
  const inner: State = { ...state, stack: [...state.stack, name] };
  switch (def.kind) {
    case "alias":
      return example(inner, def.type, merge(def.constraints, c), depth + 1);
    case "record":
      return fieldsExample(inner, def.fields, depth);
    case "enum": {
      if (!isTagged(def)) return def.variants[0]!.name;
      // In a recursive position, prefer a variant without payload so the value ends.
      const variant =
        (minimal(inner) ? def.variants.find((v) => v.fields.length === 0) : undefined) ?? def.variants[0]!;
      return fieldsExample(inner, variant.fields, depth, variant.name);
    }
  }
}

/** A wire example of `type`, or `undefined` when none could be built. */
export function exampleOfType(schema: Schema, type: TypeExpr, constraints: Constraints = {}): JsonValue | undefined {
  try {
    return example({ schema, stack: [] }, type, constraints, 0);
  } catch {
    return undefined;
  }
}

/** A wire example of a record-like list of fields (a request, a variant payload). */
export function exampleOfFields(schema: Schema, fields: readonly FieldDef[], tag?: string): JsonValue | undefined {
  try {
    return fieldsExample({ schema, stack: [] }, fields, 0, tag);
  } catch {
    return undefined;
  }
}
