/**
 * JSON Schema (2020-12, the OpenAPI 3.1 dialect) for Hamlet types, exactly as `spec/wire-format.md`
 * encodes them: plain enums as strings, other enums as objects tagged by `"tag"`, optional fields
 * absent or null, formats plus patterns where a format alone would accept more than the wire does.
 */
import { isTagged, resolveAliases } from "../../src/schema/query.js";
import type {
  Constraints,
  Documented,
  EnumDef,
  FieldDef,
  Primitive,
  Schema,
  TypeDef,
  TypeExpr,
  VariantDef,
} from "../../src/schema/types.js";

/** A JSON Schema object; key order is the order of insertion, so output is stable. */
export type JsonSchema = { [key: string]: unknown };

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Keys rejected in every object (prototype pollution), per the wire format. */
export const FORBIDDEN_KEYS = ["__proto__", "constructor", "prototype"] as const;

/** Canonical RFC 4648 base64: standard alphabet, `=` padding, zero padding bits. */
export const BASE64_PATTERN = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$";
/** `8-4-4-4-12` hex digits (the `uuid` format alone also accepts a `urn:uuid:` prefix). */
export const UUID_PATTERN = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$";
/** RFC 3339 with `T`/`t`, optional fraction, `Z`/`z` or `±hh:mm`, no leap second (`date-time` alone allows a space and `:60`). */
export const TIMESTAMP_PATTERN =
  "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](?:\\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$";

/** Name of the component holding a named type. */
export function componentName(name: string): string {
  return name;
}
/** Name of the component holding one variant of a tagged enum: `Shape.Circle` (a dot never clashes with a declared name). */
export function variantComponentName(enumName: string, variant: string): string {
  return `${enumName}.${variant}`;
}
export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** Doc comment plus deprecation reason, as one description. */
export function describe(doc: Documented): string | undefined {
  const lines = [...doc.docs];
  if (doc.deprecated !== undefined) lines.push(doc.deprecated === "" ? "Deprecated." : `Deprecated: ${doc.deprecated}`);
  const text = lines.join("\n").trim();
  return text === "" ? undefined : text;
}

/** Adds `description` and `deprecated` to a schema (in that order, after its other keys). */
export function annotate(schema: JsonSchema, doc: Documented): JsonSchema {
  const description = describe(doc);
  const out: JsonSchema = { ...schema };
  if (description !== undefined) out.description = description;
  if (doc.deprecated !== undefined) out.deprecated = true;
  return out;
}

/** The three forbidden keys, as a `propertyNames` schema. */
function propertyNames(): JsonSchema {
  return { not: { enum: [...FORBIDDEN_KEYS] } };
}

function primitiveSchema(name: Primitive): JsonSchema {
  switch (name) {
    case "String":
      return { type: "string" };
    case "Int":
      return { type: "integer", minimum: -MAX_SAFE, maximum: MAX_SAFE };
    case "Float":
      return { type: "number" };
    case "Bool":
      return { type: "boolean" };
    case "Uuid":
      return { type: "string", format: "uuid", pattern: UUID_PATTERN };
    case "Timestamp":
      return { type: "string", format: "date-time", pattern: TIMESTAMP_PATTERN };
    case "Date":
      return { type: "string", format: "date" };
    case "Bytes":
      return { type: "string", contentEncoding: "base64", pattern: BASE64_PATTERN };
    case "Json":
      return {};
  }
}

/** Looks through aliases to the primitive (or other) shape a type has on the wire. */
export function underlying(schema: Schema, type: TypeExpr): TypeExpr {
  return resolveAliases(schema, type);
}

/**
 * Adds constraint keywords to `base`, the schema of a value of type `type` (optional already
 * stripped). Int bounds tighten the safe-integer bounds already present on `Int`.
 */
export function withConstraints(schema: Schema, base: JsonSchema, type: TypeExpr, c: Constraints): JsonSchema {
  const out: JsonSchema = { ...base };
  const shape = underlying(schema, type);
  const isMap = shape.kind === "map";
  if (c.minLength !== undefined) out.minLength = c.minLength;
  if (c.maxLength !== undefined) out.maxLength = c.maxLength;
  if (c.min !== undefined) out.minimum = typeof out.minimum === "number" ? Math.max(out.minimum, c.min) : c.min;
  if (c.max !== undefined) out.maximum = typeof out.maximum === "number" ? Math.min(out.maximum, c.max) : c.max;
  if (c.pattern !== undefined) {
    // A second pattern (alias plus field) must both hold: keep the first, add the other through allOf.
    if (typeof out.pattern === "string" && out.pattern !== c.pattern)
      out.allOf = [...((out.allOf as JsonSchema[] | undefined) ?? []), { pattern: c.pattern }];
    else out.pattern = c.pattern;
  }
  if (c.minItems !== undefined) out[isMap ? "minProperties" : "minItems"] = c.minItems;
  if (c.maxItems !== undefined) out[isMap ? "maxProperties" : "maxItems"] = c.maxItems;
  if (c.format !== undefined) out.format = c.format === "url" ? "uri" : "email";
  return out;
}

/** Schema of a value of `type` in any position (list element, map value, response). */
export function typeSchema(schema: Schema, type: TypeExpr): JsonSchema {
  switch (type.kind) {
    case "primitive":
      return primitiveSchema(type.name);
    case "list":
      return { type: "array", items: typeSchema(schema, type.element) };
    case "map":
      return { type: "object", propertyNames: propertyNames(), additionalProperties: typeSchema(schema, type.value) };
    case "optional":
      return nullable(typeSchema(schema, type.inner));
    case "ref":
      return ref(componentName(type.name));
  }
}

/** `X` or `null`. */
export function nullable(inner: JsonSchema): JsonSchema {
  if (Object.keys(inner).length === 0) return inner; // Json already admits null
  return { anyOf: [inner, { type: "null" }] };
}

/** Whether the key may be left out of a record: optional fields and fields with a default. */
export function fieldIsRequired(field: FieldDef): boolean {
  return field.type.kind !== "optional" && field.default === undefined;
}

/**
 * Schema of a field's value inside a record: constraints on the (non-optional) type, `null`
 * admitted when the key may be absent, default, then docs.
 */
export function fieldSchema(schema: Schema, field: FieldDef): JsonSchema {
  const inner = field.type.kind === "optional" ? field.type.inner : field.type;
  let out = withConstraints(schema, typeSchema(schema, inner), inner, field.constraints);
  if (!fieldIsRequired(field)) out = nullable(out);
  if (field.default !== undefined) out.default = field.default;
  return annotate(out, field);
}

/** An object schema for a list of fields (a record, or a variant's payload plus its tag). */
export function objectSchema(schema: Schema, fields: readonly FieldDef[], tag?: string): JsonSchema {
  const properties: JsonSchema = {};
  const required: string[] = [];
  if (tag !== undefined) {
    properties.tag = { const: tag };
    required.push("tag");
  }
  for (const field of fields) {
    properties[field.name] = fieldSchema(schema, field);
    if (fieldIsRequired(field)) required.push(field.name);
  }
  const out: JsonSchema = { type: "object", properties };
  if (required.length > 0) out.required = required;
  out.propertyNames = propertyNames();
  return out;
}

/** The schema of one variant of a tagged enum. */
export function variantSchema(schema: Schema, variant: VariantDef): JsonSchema {
  return annotate(objectSchema(schema, variant.fields, variant.name), variant);
}

/** `oneOf` over variant components with a `tag` discriminator. */
export function taggedUnion(enumName: string, variants: readonly VariantDef[]): JsonSchema {
  const mapping: Record<string, string> = {};
  for (const v of variants) mapping[v.name] = ref(variantComponentName(enumName, v.name)).$ref as string;
  return {
    type: "object",
    oneOf: variants.map((v) => ref(variantComponentName(enumName, v.name))),
    discriminator: { propertyName: "tag", mapping },
  };
}

function enumDescription(def: EnumDef): string | undefined {
  const base = describe(def);
  if (isTagged(def)) return base;
  const lines = def.variants
    .filter((v) => describe(v) !== undefined)
    .map((v) => `- \`${v.name}\`: ${describe(v)!.replace(/\n/g, " ")}`);
  if (lines.length === 0) return base;
  return [base, ...lines].filter((l) => l !== undefined).join("\n");
}

/** Components for one named type: the type itself and, for a tagged enum, one per variant. */
export function typeComponents(schema: Schema, def: TypeDef): [string, JsonSchema][] {
  switch (def.kind) {
    case "alias": {
      const base = withConstraints(schema, typeSchema(schema, def.type), def.type, def.constraints);
      return [[componentName(def.name), annotate(base, def)]];
    }
    case "record":
      return [[componentName(def.name), annotate(objectSchema(schema, def.fields), def)]];
    case "enum": {
      if (!isTagged(def)) {
        const out: JsonSchema = { type: "string", enum: def.variants.map((v) => v.name) };
        const description = enumDescription(def);
        if (description !== undefined) out.description = description;
        if (def.deprecated !== undefined) out.deprecated = true;
        return [[componentName(def.name), out]];
      }
      const union = annotate(taggedUnion(def.name, def.variants), def);
      return [
        [componentName(def.name), union],
        ...def.variants.map((v): [string, JsonSchema] => [
          variantComponentName(def.name, v.name),
          variantSchema(schema, v),
        ]),
      ];
    }
  }
}

/** Every type of the schema as components, sorted by name. */
export function schemaComponents(schema: Schema): [string, JsonSchema][] {
  return schema.types.flatMap((def) => typeComponents(schema, def)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
