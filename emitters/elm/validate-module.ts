/** `<Prefix>/Validate.elm`: constraint checks with the server's paths and messages. */
import type { Constraints, FieldDef, TypeDef, TypeExpr } from "../../src/schema/types.js";
import { FragmentCache, reachedTypes } from "../../src/emit/fragment-cache.js";
import { elmNumber, elmString, paren, refType, type ElmContext } from "./context.js";
import { docComment, paragraph } from "./doc-comment.js";
import { helperDeclarations, importsFor, mentionsOf } from "./helpers.js";
import { printModule } from "./module-file.js";
import { fieldNames, typeName, validateAtName, validateName } from "./names.js";
import { contextKey } from "./types-module.js";
import {
  asText,
  call,
  caseOf,
  list,
  listBlock,
  record,
  typeAlias,
  valueDeclaration,
  type Block,
  type Code,
} from "./printer.js";

/** Types with a constraint somewhere inside (fixpoint, so recursive types work). */
export function constrainedTypes(ctx: ElmContext): Set<string> {
  const result = new Set<string>();
  const has = (c: Constraints): boolean => Object.keys(c).length > 0;
  const expr = (t: TypeExpr): boolean => {
    switch (t.kind) {
      case "primitive":
        return false;
      case "list":
        return expr(t.element);
      case "map":
        return expr(t.value);
      case "optional":
        return expr(t.inner);
      case "ref":
        return result.has(t.name);
    }
  };
  const fields = (fs: readonly FieldDef[]): boolean => fs.some((f) => has(f.constraints) || expr(f.type));
  const holds = (def: TypeDef): boolean => {
    switch (def.kind) {
      case "alias":
        return has(def.constraints) || expr(def.type);
      case "record":
        return fields(def.fields);
      case "enum":
        return def.variants.some((v) => fields(v.fields));
    }
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const def of ctx.schema.types) {
      if (!result.has(def.name) && holds(def)) {
        result.add(def.name);
        changed = true;
      }
    }
  }
  return result;
}

function bounds(min: number | undefined, max: number | undefined, float: boolean): string {
  const side = (n: number | undefined): string => (n === undefined ? "Nothing" : `Just ${elmNumber(n, float)}`);
  return record([
    ["min", side(min)],
    ["max", side(max)],
  ]);
}

/**
 * Checks (`String -> a -> List Violation` expressions) for a value of type `t` carrying the
 * constraints `c` (a field's own, or an alias's).
 */
function checks(ctx: ElmContext, t: TypeExpr, c: Constraints, constrained: Set<string>): string[] {
  if (t.kind === "optional") {
    const inner = checks(ctx, t.inner, c, constrained);
    return inner.length === 0 ? [] : [`Hamlet.Validate.optional ${paren(combine(inner))}`];
  }
  const out: string[] = [];
  const base = baseKind(ctx, t);
  if (c.minLength !== undefined || c.maxLength !== undefined)
    out.push(`Hamlet.Validate.stringLength ${bounds(c.minLength, c.maxLength, false)}`);
  if (c.min !== undefined || c.max !== undefined)
    out.push(
      base === "Float"
        ? `Hamlet.Validate.floatRange ${bounds(c.min, c.max, true)}`
        : `Hamlet.Validate.intRange ${bounds(c.min, c.max, false)}`,
    );
  if (c.minItems !== undefined || c.maxItems !== undefined)
    out.push(
      base === "map"
        ? `dictSize ${bounds(c.minItems, c.maxItems, false)}`
        : `Hamlet.Validate.listLength ${bounds(c.minItems, c.maxItems, false)}`,
    );
  if (c.pattern !== undefined) out.push(`Hamlet.Validate.pattern ${elmString(c.pattern)}`);
  if (c.format === "email") out.push("Hamlet.Validate.email");
  if (c.format === "url") out.push("Hamlet.Validate.url");
  out.push(...structural(ctx, t, constrained));
  return out;
}

/** Checks that come from inside the type (list items, map values, referenced types). */
function structural(ctx: ElmContext, t: TypeExpr, constrained: Set<string>): string[] {
  switch (t.kind) {
    case "primitive":
      return [];
    case "list": {
      const inner = checks(ctx, t.element, {}, constrained);
      return inner.length === 0 ? [] : [`Hamlet.Validate.each ${paren(combine(inner))}`];
    }
    case "map": {
      const inner = checks(ctx, t.value, {}, constrained);
      return inner.length === 0 ? [] : [`eachEntry ${paren(combine(inner))}`];
    }
    case "optional": {
      const inner = checks(ctx, t.inner, {}, constrained);
      return inner.length === 0 ? [] : [`Hamlet.Validate.optional ${paren(combine(inner))}`];
    }
    case "ref":
      return constrained.has(t.name) ? [validateAtName(t.name)] : [];
  }
}

/** "Float", "map" or other: which range/size check applies (looking through aliases). */
function baseKind(ctx: ElmContext, t: TypeExpr): string {
  let current = t;
  const seen = new Set<string>();
  while (current.kind === "ref" && !seen.has(current.name)) {
    seen.add(current.name);
    const def = ctx.types.get(current.name);
    if (def?.kind !== "alias") break;
    current = def.type;
  }
  if (current.kind === "primitive") return current.name;
  return current.kind;
}

/** Single-line `[ a, b ]` (the name `list` is taken by the check lists here). */
const listOf = (items: readonly string[]): string => list(items);

function combine(list: readonly string[]): string {
  return list.length === 1 ? list[0]! : `checkAll ${listOf(list)}`;
}

function fieldChecks(ctx: ElmContext, fields: readonly FieldDef[], source: string, constrained: Set<string>): string[] {
  const names = fieldNames(fields.map((f) => f.name));
  return fields.flatMap((f, i) => {
    const list = checks(ctx, f.type, f.constraints, constrained);
    if (list.length === 0) return [];
    // In function position an application needs no parentheses (elm-format removes them).
    return [`${combine(list)} (Hamlet.Validate.field ${elmString(f.name)} path) ${source}.${names[i]}`];
  });
}

function concat(items: readonly string[]): Code {
  if (items.length === 0) return "[]";
  if (items.length === 1) return items[0]!;
  return call("List.concat", [listBlock(items)]);
}

function validator(ctx: ElmContext, def: TypeDef, constrained: Set<string>): Block[] {
  const name = typeName(def.name);
  const type = refType(ctx, def.name);
  const wrapped = ctx.wrapped.has(def.name);
  let pattern = "value";
  let body: Code;
  switch (def.kind) {
    case "alias": {
      if (wrapped) pattern = `(${type} value)`;
      body = `${combine(checks(ctx, def.type, def.constraints, constrained))} path value`;
      break;
    }
    case "record": {
      if (wrapped) pattern = `(${type} value)`;
      body = concat(fieldChecks(ctx, def.fields, "value", constrained));
      break;
    }
    case "enum": {
      const variants = ctx.variants.get(def.name)!;
      const branches = def.variants
        .map((v) => ({ v, items: fieldChecks(ctx, v.fields, "payload", constrained) }))
        .filter(({ items }) => items.length > 0)
        .map(({ v, items }): [string, Code] => [`${ctx.qualifier}${variants.get(v.name)} payload`, concat(items)]);
      if (branches.length < def.variants.length) branches.push(["_", "[]"]);
      body = caseOf("value", branches);
      break;
    }
  }
  return [
    valueDeclaration({
      doc: docComment([paragraph(`Every broken constraint of a \`${name}\`, with paths starting at \`$\`.`)]),
      name: validateName(def.name),
      annotation: `${type} -> List Violation`,
      body: `${validateAtName(def.name)} Hamlet.Validate.root`,
    }),
    valueDeclaration({
      doc: docComment([
        paragraph(`Like \`${validateName(def.name)}\`, for a value found at \`path\` inside a larger one.`),
      ]),
      name: validateAtName(def.name),
      annotation: `String -> ${type} -> List Violation`,
      params: `path ${pattern}`,
      body,
    }),
  ];
}

/** Validators printed by earlier builds of a watch session (incremental emit, see types-module.ts). */
const validatorFragments = new FragmentCache<Block[]>();

function cachedValidator(ctx: ElmContext, def: TypeDef, constrained: Set<string>): Block[] {
  return validatorFragments.reuseOr(
    def,
    () => {
      const reached = reachedTypes(def, ctx.types);
      const flags = [def, ...reached].map((t) => (constrained.has(t.name) ? "1" : "0")).join("");
      return { reached, context: `${ctx.qualifier}|${flags}|${contextKey(ctx, def, reached)}` };
    },
    () => validator(ctx, def, constrained),
  );
}

export function validateModule(ctx: ElmContext, moduleName: string, typesModule: string): string | undefined {
  const constrained = constrainedTypes(ctx);
  const defs = ctx.schema.types.filter((t) => constrained.has(t.name));
  const exposing = defs.flatMap((d) => [validateName(d.name), validateAtName(d.name)]);
  const declarations =
    defs.length === 0
      ? [
          typeAlias(
            docComment([paragraph("A broken constraint (this schema has none).")]),
            "Violation",
            "Hamlet.Validate.Violation",
          ),
        ]
      : defs.flatMap((d) => cachedValidator(ctx, d, constrained).map(asText));
  const mentioned = mentionsOf(declarations);
  const helpers = helperDeclarations(mentioned);
  return printModule({
    name: moduleName,
    exposing: exposing.length > 0 ? exposing : ["Violation"],
    doc: docComment([
      paragraph(
        `Client-side checks of the \`${ctx.schema.package}\` schema's constraints, reporting the same paths (\`$.posts[3].body\`) and messages as the server.`,
        "Call them before sending a request; an empty list means the value is fine.",
      ),
      paragraph("Generated by hamletc; do not edit."),
    ]),
    imports: importsFor(
      new Set([...mentioned, ...mentionsOf(helpers)]),
      defs.length === 0
        ? [{ module: "Hamlet.Validate" }]
        : [
            { module: typesModule, alias: "Types" },
            { module: "Hamlet.Validate", exposing: ["Violation"] },
          ],
    ),
    declarations,
    helpers,
  });
}
