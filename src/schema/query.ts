/**
 * Questions about a checked schema that every emitter asks: find a type by name, follow aliases,
 * is an enum tagged on the wire, what does a column store. Answered once here so emitters agree
 * and never re-derive the rules (or import each other for them).
 */
import type { AliasDef, EnumDef, Primitive, RecordDef, Schema, TypeDef, TypeExpr } from "./types.js";

const indexes = new WeakMap<Schema, ReadonlyMap<string, TypeDef>>();

/** The schema's types by name (computed once per schema object). */
export function typeIndex(schema: Schema): ReadonlyMap<string, TypeDef> {
  let index = indexes.get(schema);
  if (!index) {
    index = new Map(schema.types.map((t) => [t.name, t]));
    indexes.set(schema, index);
  }
  return index;
}

export function findType(schema: Schema, name: string): TypeDef | undefined {
  return typeIndex(schema).get(name);
}

/** The record called `name`; the checker guarantees it exists where the schema names one. */
export function findRecord(schema: Schema, name: string): RecordDef {
  const def = findType(schema, name);
  if (def?.kind !== "record") throw new Error(`${name} is not a record`);
  return def;
}

/** The enum called `name`; the checker guarantees it exists where the schema names one. */
export function findEnum(schema: Schema, name: string): EnumDef {
  const def = findType(schema, name);
  if (def?.kind !== "enum") throw new Error(`${name} is not an enum`);
  return def;
}

/**
 * Follows aliases to the type that decides the wire form: a primitive, list, map, optional, or a
 * record or enum reference. `stopAt` keeps an alias (the Elm emitter's wrapped recursive ones).
 */
export function resolveAliases(schema: Schema, type: TypeExpr, stopAt?: (alias: AliasDef) => boolean): TypeExpr {
  const seen = new Set<string>();
  let current = type;
  while (current.kind === "ref" && !seen.has(current.name)) {
    seen.add(current.name);
    const def = findType(schema, current.name);
    if (def?.kind !== "alias" || stopAt?.(def)) break;
    current = def.type;
  }
  return current;
}

/**
 * Whether an enum travels as a tagged object (`{"tag": ...}`). Plain enums are strings, except
 * endpoint errors and websocket messages, which are always tagged (spec/wire-format.md).
 */
export function isTagged(def: EnumDef): boolean {
  if (!def.plain) return true;
  return def.origin.kind === "part" && (def.origin.role === "errors" || def.origin.role === "messages");
}

/** What a database column stores: a primitive, or the variant names of a plain enum. */
export type ColumnType = { readonly base: Primitive } | { readonly base: "enum"; readonly values: readonly string[] };

/** The storable type of a column: aliases resolved, optional removed (the checker allows no other). */
export function columnType(schema: Schema, type: TypeExpr): ColumnType {
  let t = type;
  for (let guard = 0; guard < 100; guard++) {
    if (t.kind === "optional") t = t.inner;
    else if (t.kind === "primitive") return { base: t.name };
    else if (t.kind === "ref") {
      const def = findType(schema, t.name);
      if (def?.kind === "alias") t = def.type;
      else if (def?.kind === "enum") return { base: "enum", values: def.variants.map((v) => v.name) };
      else break;
    } else break;
  }
  throw new Error(`column type ${JSON.stringify(type)} is not storable`);
}

/** The event store's tables are used when the feature is on and the schema has something to store. */
export function usesEventStore(schema: Schema): boolean {
  const declares = schema.events.length > 0 || schema.workflows.length > 0 || schema.services.length > 0;
  return schema.features.eventStore && declares;
}
