/**
 * Elm names for schema names. Every rule here is documented in emitters/elm/README.md.
 *
 * - Types keep their schema name (first letter upper-cased).
 * - Record fields are camelCase (`reply_to` → `replyTo`); Elm keywords get a trailing `_`
 *   (`type` → `type_`); JSON keys are always the schema names.
 * - Decoders `postDecoder`, encoders `encodePost`, plain-enum text `visibilityToString`,
 *   defaults `defaultGetFeedRequest`, validators `validatePost` / `validatePostAt`.
 * - Constructors share one namespace per module: when a variant name is also the name of another
 *   enum's variant or of a record (whose alias defines a constructor of that name), every variant
 *   of each enum involved is prefixed with its enum's name (`GetItemErrorNotFound`).
 */
import { isTagged } from "../../src/schema/query.js";
import type { EnumDef, Schema, TypeDef } from "../../src/schema/types.js";

export const ELM_KEYWORDS: ReadonlySet<string> = new Set([
  "if",
  "then",
  "else",
  "case",
  "of",
  "let",
  "in",
  "type",
  "module",
  "where",
  "import",
  "exposing",
  "as",
  "port",
  "alias",
  "infix",
  "effect",
  "command",
  "subscription",
]);

export function upperFirst(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function lowerFirst(name: string): string {
  // `URLThing` → `urlThing`: lower the leading run of capitals (but keep the start of the next word).
  const run = /^[A-Z]+/.exec(name)?.[0] ?? "";
  if (run.length <= 1) return name.charAt(0).toLowerCase() + name.slice(1);
  const rest = name.slice(run.length);
  if (rest === "" || !/^[a-z]/.test(rest)) return run.toLowerCase() + rest;
  return run.slice(0, -1).toLowerCase() + run.slice(-1) + rest;
}

/** Schema field name → Elm field name, filled by `fieldName`. */
const elmFieldNames = new Map<string, string>();

/** `reply_to` → `replyTo`, `type` → `type_`, `_x` → `x`, `Name` → `name`. */
export function fieldName(name: string): string {
  let elm = elmFieldNames.get(name);
  if (elm === undefined) {
    // Field names repeat across a schema's records: work each out once (bounded for long runs).
    if (elmFieldNames.size >= 10_000) elmFieldNames.clear();
    const parts = name.split("_").filter((p) => p.length > 0);
    const camel = parts.length === 0 ? "" : lowerFirst(parts[0]!) + parts.slice(1).map(upperFirst).join("");
    elm = parts.length === 0 ? "field_" : ELM_KEYWORDS.has(camel) ? `${camel}_` : camel;
    elmFieldNames.set(name, elm);
  }
  return elm;
}

/** Elm field names of a record's fields, in order, made unique with trailing `_`. */
export function fieldNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    let name = fieldName(n);
    while (used.has(name)) name = `${name}_`;
    used.add(name);
    return name;
  });
}

export function typeName(name: string): string {
  return upperFirst(name.replace(/^_+/, "")) || "T";
}

export const decoderName = (type: string): string => `${lowerFirst(typeName(type))}Decoder`;
export const encoderName = (type: string): string => `encode${typeName(type)}`;
export const toStringName = (type: string): string => `${lowerFirst(typeName(type))}ToString`;
export const defaultName = (type: string): string => `default${typeName(type)}`;
export const validateName = (type: string): string => `validate${typeName(type)}`;
export const validateAtName = (type: string): string => `validate${typeName(type)}At`;
/** Names the Endpoints module uses for arguments and helpers; an endpoint may not take them. */
const ENDPOINT_LOCALS = new Set(["config", "toMsg", "request", "v", "objectOf", "boolText", "identity"]);

/** `GetPost` → `getPost`; an endpoint whose name would be a local name or a keyword gets `Endpoint` appended. */
export const endpointName = (name: string): string => {
  const base = lowerFirst(typeName(name));
  return ENDPOINT_LOCALS.has(base) || ELM_KEYWORDS.has(base) ? `${base}Endpoint` : base;
};

/** Constructor names of every enum variant, after the clash rule. */
export function variantNames(
  schema: Schema,
  wrapped: ReadonlySet<string> = new Set(),
): Map<string, Map<string, string>> {
  const enums = schema.types.filter((t): t is EnumDef => t.kind === "enum");
  // Record aliases define a constructor of their name, and so do wrapped (recursive) aliases.
  const recordNames = new Set(
    schema.types.filter((t) => t.kind === "record" || wrapped.has(t.name)).map((t) => typeName(t.name)),
  );
  const owners = new Map<string, number>();
  for (const e of enums)
    for (const v of e.variants) owners.set(typeName(v.name), (owners.get(typeName(v.name)) ?? 0) + 1);
  const clashing = (e: EnumDef): boolean =>
    e.variants.some((v) => (owners.get(typeName(v.name)) ?? 0) > 1 || recordNames.has(typeName(v.name)));
  const taken = new Set<string>(recordNames);
  for (const e of enums) if (!clashing(e)) for (const v of e.variants) taken.add(typeName(v.name));
  const result = new Map<string, Map<string, string>>();
  for (const e of enums) {
    const names = new Map<string, string>();
    const prefix = clashing(e);
    for (const v of e.variants) {
      let name = prefix ? typeName(e.name) + typeName(v.name) : typeName(v.name);
      if (prefix) {
        while (taken.has(name)) name = `${name}_`;
        taken.add(name);
      }
      names.set(v.name, name);
    }
    result.set(e.name, names);
  }
  return result;
}

/** Is this enum encoded as a tagged object? The rule lives in src/schema/query.ts. */
export { isTagged };

export function typeMap(schema: Schema): Map<string, TypeDef> {
  return new Map(schema.types.map((t) => [t.name, t]));
}
