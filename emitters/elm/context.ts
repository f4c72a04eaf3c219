/**
 * What every generated module needs to know about a schema: Elm names, recursion, and how a
 * `TypeExpr` becomes an Elm type, decoder, encoder, text form or literal.
 */
import { resolveAliases } from "../../src/schema/query.js";
import type { EnumDef, JsonValue, Schema, TypeDef, TypeExpr } from "../../src/schema/types.js";
import { list, tuple } from "./printer.js";
import { decoderName, encoderName, isTagged, toStringName, typeMap, typeName, variantNames } from "./names.js";

export interface ElmContext {
  readonly schema: Schema;
  readonly types: Map<string, TypeDef>;
  /** Enum name → variant name → Elm constructor. */
  readonly variants: Map<string, Map<string, string>>;
  /** Records and aliases that become single-constructor custom types to break recursion. */
  readonly wrapped: Set<string>;
  /** Strongly connected component id of each type (for `Decode.lazy`). */
  readonly component: Map<string, number>;
  /** Module qualifier of the types module (`Types.`) or `""` inside it. */
  readonly qualifier: string;
}

export function buildContext(schema: Schema): ElmContext {
  const types = typeMap(schema);
  // Each type's references, found once (the component searches below ask for them repeatedly).
  const mentions = new Map<string, string[]>();
  for (const t of schema.types)
    mentions.set(
      t.name,
      refs(t, () => true),
    );
  const wrapped = wrappedTypes(schema, types, mentions);
  return {
    schema,
    types,
    variants: variantNames(schema, wrapped),
    wrapped,
    component: components(schema, types, (t) => mentions.get(t.name)!),
    qualifier: "",
  };
}

export function qualified(ctx: ElmContext, qualifier: string): ElmContext {
  return { ...ctx, qualifier };
}

/** Names of the types a definition mentions (through fields, variants, alias targets). */
function refs(def: TypeDef, follow: (t: TypeDef) => boolean): string[] {
  const out: string[] = [];
  const walk = (t: TypeExpr): void => {
    if (t.kind === "ref") out.push(t.name);
    else if (t.kind === "list") walk(t.element);
    else if (t.kind === "map") walk(t.value);
    else if (t.kind === "optional") walk(t.inner);
  };
  if (!follow(def)) return out;
  if (def.kind === "alias") walk(def.type);
  else if (def.kind === "record") def.fields.forEach((f) => walk(f.type));
  else def.variants.forEach((v) => v.fields.forEach((f) => walk(f.type)));
  return out;
}

/** Tarjan's algorithm over the named types; edges from `edges`. Returns type name → component id. */
function components(
  schema: Schema,
  byName: Map<string, TypeDef>,
  edges: (def: TypeDef) => string[],
  only?: Set<string>,
): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result = new Map<string, number>();
  let counter = 0;
  let componentId = 0;
  // Iterative (a reference chain thousands of types long would overflow the call stack), in
  // exactly the order of the recursive algorithm, so component ids stay the same.
  const visit = (root: string): void => {
    const frames: { readonly name: string; readonly next: readonly string[]; i: number }[] = [];
    const enter = (name: string): void => {
      index.set(name, counter);
      low.set(name, counter);
      counter++;
      stack.push(name);
      onStack.add(name);
      frames.push({ name, next: edges(byName.get(name)!), i: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const name = frame.name;
      if (frame.i < frame.next.length) {
        const next = frame.next[frame.i++]!;
        if (!byName.has(next) || (only && !only.has(next))) continue;
        if (!index.has(next)) enter(next);
        else if (onStack.has(next)) low.set(name, Math.min(low.get(name)!, index.get(next)!));
        continue;
      }
      frames.pop();
      if (low.get(name) === index.get(name)) {
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          result.set(member, componentId);
        } while (member !== name);
        componentId++;
      }
      const parent = frames[frames.length - 1];
      if (parent !== undefined) low.set(parent.name, Math.min(low.get(parent.name)!, low.get(name)!));
    }
  };
  for (const t of schema.types) if ((!only || only.has(t.name)) && !index.has(t.name)) visit(t.name);
  return result;
}

/** Is `name` in a cycle (a component of several types, or a type that mentions itself)? */
function cyclic(
  name: string,
  comp: Map<string, number>,
  sizes: Map<number, number>,
  edges: (n: string) => string[],
): boolean {
  return (sizes.get(comp.get(name)!) ?? 0) > 1 || edges(name).includes(name);
}

/** How many types each component holds. */
function componentSizes(comp: Map<string, number>): Map<number, number> {
  const sizes = new Map<number, number>();
  for (const id of comp.values()) sizes.set(id, (sizes.get(id) ?? 0) + 1);
  return sizes;
}

/**
 * Elm type aliases may not be recursive. A cycle of records and aliases that passes through no
 * enum is broken by turning its records into `type Comment = Comment { ... }`; cycles made only
 * of aliases (`alias Tree = List<Tree>`) wrap the aliases.
 */
function wrappedTypes(schema: Schema, byName: Map<string, TypeDef>, mentions: Map<string, string[]>): Set<string> {
  const wrapped = new Set<string>();
  for (let round = 0; round < 2; round++) {
    const candidates = new Set(
      schema.types.filter((t) => t.kind !== "enum" && !wrapped.has(t.name)).map((t) => t.name),
    );
    const edges = new Map<string, string[]>();
    const edgesOf = (n: string): string[] => {
      let found = edges.get(n);
      if (found === undefined) edges.set(n, (found = mentions.get(n)!.filter((r) => candidates.has(r))));
      return found;
    };
    const comp = components(schema, byName, (d) => edgesOf(d.name), candidates);
    const sizes = componentSizes(comp);
    for (const name of candidates) {
      if (!cyclic(name, comp, sizes, edgesOf)) continue;
      const def = byName.get(name)!;
      if (round === 0 ? def.kind === "record" : true) wrapped.add(name);
    }
  }
  return wrapped;
}

// ---------------------------------------------------------------------------------------------
// Elm source fragments

/** Parenthesizes an expression or type that has spaces. */
export function paren(text: string): string {
  if (!/\s/.test(text)) return text;
  if (/^\(.*\)$/.test(text) || /^\[.*\]$/.test(text) || /^\{.*\}$/.test(text) || /^".*"$/.test(text)) return text;
  return `(${text})`;
}

/**
 * Characters elm-format writes as `\u{XXXX}`: what Haskell's `isPrint` rejects (controls, format
 * characters, surrogates, private use, unassigned, line and paragraph separators) and every space
 * but the plain one (ElmFormat/Render/Box.hs, `formatString`).
 */
const HEX_ESCAPED = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/** Printable ASCII but the quote and the backslash: text elm-format prints as it is (most literals: keys, messages). */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A string literal as elm-format prints it. */
export function elmString(text: string): string {
  if (PLAIN.test(text)) return `"${text}"`;
  let out = '"';
  for (const ch of text) {
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && HEX_ESCAPED.test(ch))
      out += `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}}`;
    else out += ch;
  }
  return `${out}"`;
}

export function elmNumber(value: number, float: boolean): string {
  let text = String(value).replace("e+", "e");
  if (float && /e/.test(text) && !/\./.test(text)) text = text.replace("e", ".0e");
  // elm-format writes negative literals without parentheses, also as arguments (`Just -5`).
  return text;
}

// ---------------------------------------------------------------------------------------------
// Types, decoders, encoders

export function refType(ctx: ElmContext, name: string): string {
  return ctx.qualifier + typeName(name);
}

export function elmType(ctx: ElmContext, t: TypeExpr): string {
  switch (t.kind) {
    case "primitive":
      switch (t.name) {
        case "Uuid":
          return "Hamlet.Uuid.Uuid";
        case "Timestamp":
          return "Time.Posix";
        case "Date":
          return "Hamlet.Date.Date";
        case "Bytes":
          return "Hamlet.Bytes.Bytes";
        case "Json":
          return "Encode.Value";
        default:
          return t.name;
      }
    case "list":
      return `List ${paren(elmType(ctx, t.element))}`;
    case "map":
      return `Dict.Dict String ${paren(elmType(ctx, t.value))}`;
    case "optional":
      return `Maybe ${paren(elmType(ctx, t.inner))}`;
    case "ref":
      return refType(ctx, t.name);
  }
}

/** A decoder expression; `from` is the type whose decoder is being defined (for `Decode.lazy`). */
export function decoder(ctx: ElmContext, t: TypeExpr, from?: string): string {
  switch (t.kind) {
    case "primitive":
      switch (t.name) {
        case "String":
          return "Decode.string";
        case "Int":
          return "safeInt";
        case "Float":
          return "finiteFloat";
        case "Bool":
          return "Decode.bool";
        case "Uuid":
          return "Hamlet.Uuid.decoder";
        case "Timestamp":
          return "Hamlet.Timestamp.decoder";
        case "Date":
          return "Hamlet.Date.decoder";
        case "Bytes":
          return "Hamlet.Bytes.decoder";
        case "Json":
          return "Decode.value";
      }
      break;
    case "list":
      return `Decode.list ${paren(decoder(ctx, t.element, from))}`;
    case "map":
      return `decodeDict ${paren(decoder(ctx, t.value, from))}`;
    case "optional":
      return `Decode.nullable ${paren(decoder(ctx, t.inner, from))}`;
    case "ref": {
      const name = ctx.qualifier + decoderName(t.name);
      if (from !== undefined && ctx.component.get(from) === ctx.component.get(t.name))
        return `Decode.lazy (\\_ -> ${name})`;
      return name;
    }
  }
  throw new Error("unreachable");
}

export function encoder(ctx: ElmContext, t: TypeExpr): string {
  switch (t.kind) {
    case "primitive":
      switch (t.name) {
        case "String":
          return "Encode.string";
        case "Int":
          return "Encode.int";
        case "Float":
          return "Encode.float";
        case "Bool":
          return "Encode.bool";
        case "Uuid":
          return "Hamlet.Uuid.encode";
        case "Timestamp":
          return "Hamlet.Timestamp.encode";
        case "Date":
          return "Hamlet.Date.encode";
        case "Bytes":
          return "Hamlet.Bytes.encode";
        case "Json":
          return "identity";
      }
      break;
    case "list":
      return `Encode.list ${paren(encoder(ctx, t.element))}`;
    case "map":
      return `Encode.dict identity ${paren(encoder(ctx, t.value))}`;
    case "optional":
      return `nullableValue ${paren(encoder(ctx, t.inner))}`;
    case "ref":
      return ctx.qualifier + encoderName(t.name);
  }
  throw new Error("unreachable");
}

/** Follows aliases (not wrapped ones) to the type that decides the wire form. */
export function underlying(ctx: ElmContext, t: TypeExpr): TypeExpr {
  return resolveAliases(ctx.schema, t, (alias) => ctx.wrapped.has(alias.name));
}

/** `a -> String` for the text form of a path or query value (spec/wire-format.md, "Text forms"). */
export function textForm(ctx: ElmContext, t: TypeExpr): string {
  const u = underlying(ctx, t);
  if (u.kind === "primitive") {
    switch (u.name) {
      case "String":
        return "identity";
      case "Int":
        return "String.fromInt";
      case "Float":
        return "String.fromFloat";
      case "Bool":
        return "boolText";
      case "Uuid":
        return "Hamlet.Uuid.toString";
      case "Timestamp":
        return "Hamlet.Timestamp.toString";
      case "Date":
        return "Hamlet.Date.toString";
      default:
        break;
    }
  }
  if (u.kind === "ref") {
    const def = ctx.types.get(u.name);
    if (def?.kind === "enum" && def.plain) return ctx.qualifier + toStringName(def.name);
  }
  // Not textual (the checker rejects these in paths and queries): JSON text as a fallback.
  return `(\\v -> Encode.encode 0 (${encoder(ctx, t)} v))`;
}

// ---------------------------------------------------------------------------------------------
// Literals (defaults)

/** Milliseconds since the epoch of an RFC 3339 timestamp (fraction kept to milliseconds). */
export function timestampMillis(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) throw new Error(`not a timestamp: ${text}`);
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const date = new Date(Date.UTC(2000, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms));
  date.setUTCFullYear(Number(m[1]));
  let offset = 0;
  const zone = m[8]!;
  if (zone !== "Z" && zone !== "z")
    offset = (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return date.getTime() - offset * 60_000;
}

export function jsonLiteral(value: JsonValue): string {
  if (value === null) return "Encode.null";
  if (typeof value === "boolean") return `Encode.bool ${value ? "True" : "False"}`;
  if (typeof value === "number")
    return Number.isInteger(value) ? `Encode.int ${elmNumber(value, false)}` : `Encode.float ${elmNumber(value, true)}`;
  if (typeof value === "string") return `Encode.string ${elmString(value)}`;
  if (Array.isArray(value)) return `Encode.list identity ${list(value.map(jsonLiteral))}`;
  const entries = Object.entries(value as Record<string, JsonValue>);
  return `Encode.object ${list(entries.map(([k, v]) => tuple([elmString(k), jsonLiteral(v)])))}`;
}

/** An Elm expression of type `elmType(t)` for a default's wire value. */
export function literal(ctx: ElmContext, t: TypeExpr, value: JsonValue): string {
  switch (t.kind) {
    case "optional":
      return value === null ? "Nothing" : `Just ${paren(literal(ctx, t.inner, value))}`;
    case "list":
      return list((value as JsonValue[]).map((v) => literal(ctx, t.element, v)));
    case "map":
      return `Dict.fromList ${list(
        Object.entries(value as Record<string, JsonValue>).map(([k, v]) =>
          tuple([elmString(k), literal(ctx, t.value, v)]),
        ),
      )}`;
    case "primitive":
      switch (t.name) {
        case "String":
          return elmString(value as string);
        case "Int":
          return elmNumber(value as number, false);
        case "Float":
          return elmNumber(value as number, true);
        case "Bool":
          return value ? "True" : "False";
        case "Uuid":
          return `knownUuid ${elmString(value as string)}`;
        case "Date":
          return `knownDate ${elmString(value as string)}`;
        case "Bytes":
          return `knownBytes ${elmString(value as string)}`;
        case "Timestamp":
          return `Time.millisToPosix ${timestampMillis(value as string)}`;
        case "Json":
          return jsonLiteral(value);
      }
      break;
    case "ref": {
      const def = ctx.types.get(t.name);
      if (def?.kind === "alias") {
        const inner = literal(ctx, def.type, value);
        return ctx.wrapped.has(def.name) ? `${refType(ctx, def.name)} ${paren(inner)}` : inner;
      }
      if (def?.kind === "enum") {
        const variant = typeof value === "string" ? value : (value as { tag: string }).tag;
        return ctx.qualifier + ctx.variants.get(def.name)!.get(variant)!;
      }
      break;
    }
  }
  throw new Error(`no Elm literal for ${JSON.stringify(value)}`);
}

export function enumIsTagged(def: EnumDef): boolean {
  return isTagged(def);
}
