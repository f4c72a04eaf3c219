/**
 * Shared knowledge of the TypeScript emitter: type lookup, TypeScript type names for schema
 * types, which enums are tagged on the wire, and how defaults become TypeScript literals.
 */
import { arr, as, atom, call, jsonExpr, obj, str, type Expr } from "../../src/emit/ts-syntax.js";
import { isTagged, resolveAliases } from "../../src/schema/query.js";
import type {
  Constraints,
  EnumDef,
  FieldDef,
  JsonValue,
  Primitive,
  Schema,
  TypeDef,
  TypeExpr,
} from "../../src/schema/types.js";

/** Names the generated files export besides the schema's own types. */
export const BUILTIN_TYPE_NAMES = [
  // Declared by the generated files.
  "Uuid",
  "IsoDate",
  "Bytes",
  "JsonValue",
  "Issue",
  "Decoded",
  "Handlers",
  "Client",
  "ClientOptions",
  "ClientResult",
  "FetchLike",
  "Send",
  // Imported from runtime-node by server.ts.
  "Failure",
  "HamletServer",
  "EndpointContext",
  "AuthenticatedContext",
  // Globals the generated code relies on.
  "Record",
  "Array",
  "Promise",
  "Object",
  "Error",
  "RegExp",
  "Number",
  "JSON",
  "URL",
  "URLSearchParams",
];

export class TypeTable {
  readonly byName = new Map<string, TypeDef>();
  constructor(readonly schema: Schema) {
    for (const t of schema.types) this.byName.set(t.name, t);
  }
  get(name: string): TypeDef {
    const t = this.byName.get(name);
    if (!t) throw new Error(`unknown type ${name}`);
    return t;
  }
  /** Follows aliases to the underlying type expression (for the type's wire shape). */
  resolve(type: TypeExpr): TypeExpr {
    return resolveAliases(this.schema, type);
  }
  /** True when an enum is written as tagged objects (any payload, or declared errors / websocket messages). */
  tagged(def: EnumDef): boolean {
    return isTagged(def);
  }
  /** Whether any field of a record has a default (then an `XInput` type is generated). */
  hasDefaults(name: string): boolean {
    const def = this.byName.get(name);
    return def?.kind === "record" && def.fields.some((f) => f.default !== undefined);
  }
  /**
   * True when the decoded TypeScript value of `type` is its wire value (strings, numbers,
   * plain enums, lists and maps of those), so encoders can pass it through.
   */
  passThrough(type: TypeExpr, seen = new Set<string>()): boolean {
    switch (type.kind) {
      case "primitive":
        return type.name !== "Timestamp" && type.name !== "Uuid";
      case "list":
        return this.passThrough(type.element, seen);
      case "map":
        return false; // maps are copied so a handler's object never leaks extra prototype state
      case "optional":
        return false;
      case "ref": {
        if (seen.has(type.name)) return false;
        seen.add(type.name);
        const def = this.get(type.name);
        if (def.kind === "alias") return this.passThrough(def.type, seen);
        if (def.kind === "enum") return !this.tagged(def);
        return false;
      }
    }
  }
}

export const primitiveTs: Record<Primitive, string> = {
  String: "string",
  Int: "number",
  Float: "number",
  Bool: "boolean",
  Uuid: "Uuid",
  Timestamp: "Date",
  Date: "IsoDate",
  Bytes: "Bytes",
  Json: "JsonValue",
};

/** The TypeScript type of a value of `type`; `prefix` qualifies schema type names (`T.`). */
export function tsType(type: TypeExpr, prefix = ""): string {
  switch (type.kind) {
    case "primitive":
      return type.name === "Timestamp" ? "Date" : `${prefix}${primitiveTs[type.name]}`;
    case "list": {
      const inner = tsType(type.element, prefix);
      return /^[\w.]+$/.test(inner) ? `${inner}[]` : `Array<${inner}>`;
    }
    case "map":
      return `Record<string, ${tsType(type.value, prefix)}>`;
    case "optional":
      return `${tsType(type.inner, prefix)} | null`;
    case "ref":
      return `${prefix}${type.name}`;
  }
}

/** The decoded type of a record field (without `?`; optional fields become `?: T | undefined`). */
export function fieldTs(field: FieldDef, prefix = ""): { type: string; optional: boolean } {
  if (field.type.kind === "optional") return { type: tsType(field.type.inner, prefix), optional: true };
  return { type: tsType(field.type, prefix), optional: false };
}

/** A property key: bare when it is an identifier, quoted otherwise. */
export function propKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

/** Property access on `object`. */
export function access(object: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${object}.${name}` : `${object}[${JSON.stringify(name)}]`;
}

export function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** A TSDoc comment from doc lines (and a deprecation), or "". */
export function tsDoc(docs: readonly string[], deprecated?: string, extra: readonly string[] = []): string {
  const lines = [...docs, ...extra];
  if (deprecated !== undefined) lines.push(deprecated ? `@deprecated ${deprecated}` : "@deprecated");
  if (lines.length === 0) return "";
  const safe = lines.map((l) => l.replace(/\*\//g, "*\\/"));
  if (safe.length === 1) return `/** ${safe[0]!.trim()} */\n`;
  return `/**\n${safe.map((l) => ` * ${l.trim()}`.trimEnd()).join("\n")}\n */\n`;
}

/** Milliseconds since the epoch of an RFC 3339 timestamp (defaults are checked by the compiler). */
export function timestampMillis(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) throw new Error(`not an RFC 3339 timestamp: ${text}`);
  const date = new Date(0);
  date.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  date.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), Number((m[7] ?? "").padEnd(3, "0").slice(0, 3)));
  let ms = date.getTime();
  const zone = m[8]!;
  if (zone !== "Z" && zone !== "z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60000;
  }
  return ms;
}

/** An expression building the decoded value of the wire literal `value` of `type` (a field default). */
export function decodedLiteral(table: TypeTable, type: TypeExpr, value: JsonValue): Expr {
  const resolved = table.resolve(type);
  if (value === null) return atom(resolved.kind === "optional" ? "null" : "undefined");
  switch (resolved.kind) {
    case "primitive":
      switch (resolved.name) {
        case "Timestamp":
          return call("new Date", atom(String(timestampMillis(String(value)))));
        case "Uuid":
          return as(str(String(value).toLowerCase()), "Uuid");
        case "Date":
          return as(jsonExpr(value), "IsoDate");
        case "Bytes":
          return as(jsonExpr(value), "Bytes");
        case "Json":
          return as(jsonExpr(value), "JsonValue");
        default:
          return jsonExpr(value);
      }
    case "list":
      return arr((value as readonly JsonValue[]).map((v) => decodedLiteral(table, resolved.element, v)));
    case "map": {
      const entries = Object.entries(value as Record<string, JsonValue>).map(([k, v]): [string, Expr] => [
        propKey(k),
        decodedLiteral(table, resolved.value, v),
      ]);
      return call(
        "Object.assign",
        as(call("Object.create", atom("null")), `Record<string, ${tsType(resolved.value)}>`),
        obj(entries),
      );
    }
    case "optional":
      return decodedLiteral(table, resolved.inner, value);
    case "ref": {
      const def = table.get(resolved.name);
      if (def.kind === "enum" && !table.tagged(def) && typeof value === "string") return as(str(value), "const");
      // Records and tagged enums as defaults: decode the wire literal once per use.
      return call(`read${resolved.name}`, jsonExpr(value), str("$"), atom("[]"));
    }
  }
}

/** Constraint kinds that apply to a value of `type` after resolving aliases. */
export function constraintKind(table: TypeTable, type: TypeExpr): "string" | "number" | "items" | "none" {
  const r = table.resolve(type);
  if (r.kind === "primitive")
    return r.name === "String" ? "string" : r.name === "Int" || r.name === "Float" ? "number" : "none";
  if (r.kind === "list" || r.kind === "map") return "items";
  return "none";
}

export function hasConstraints(c: Constraints): boolean {
  return Object.values(c).some((v) => v !== undefined);
}
