/** `<Prefix>/Validate.elm`: constraint checks with the server's paths and messages. */
import type { Constraints, FieldDef, TypeDef, TypeExpr } from "../../src/schema/types.js";
import { docComment, elmNumber, elmString, paren, refType, type ElmContext } from "./context.js";
import { helpersFor, importsFor } from "./helpers.js";
import { fieldNames, typeName, validateAtName, validateName } from "./names.js";

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
  return `{ min = ${side(min)}, max = ${side(max)} }`;
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

function combine(list: readonly string[]): string {
  return list.length === 1 ? list[0]! : `checkAll [ ${list.join(", ")} ]`;
}

function fieldChecks(ctx: ElmContext, fields: readonly FieldDef[], source: string, constrained: Set<string>): string[] {
  const names = fieldNames(fields.map((f) => f.name));
  return fields.flatMap((f, i) => {
    const list = checks(ctx, f.type, f.constraints, constrained);
    if (list.length === 0) return [];
    return [`${paren(combine(list))} (Hamlet.Validate.field ${elmString(f.name)} path) ${source}.${names[i]}`];
  });
}

function concat(items: readonly string[]): string {
  if (items.length === 0) return "[]";
  if (items.length === 1) return items[0]!;
  return `List.concat\n        [ ${items.join("\n        , ")}\n        ]`;
}

function validator(ctx: ElmContext, def: TypeDef, constrained: Set<string>): string {
  const name = typeName(def.name);
  const type = refType(ctx, def.name);
  const wrapped = ctx.wrapped.has(def.name);
  let pattern = "value";
  let body: string;
  switch (def.kind) {
    case "alias": {
      if (wrapped) pattern = `(${type} value)`;
      const list = checks(ctx, def.type, def.constraints, constrained);
      body = `${paren(combine(list))} path value`;
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
        .map(
          ({ v, items }) =>
            `        ${ctx.qualifier}${variants.get(v.name)} payload ->\n            ${concat(items).replace(/\n/g, "\n        ")}\n`,
        );
      const all = branches.length === def.variants.length;
      body = `case value of\n${branches.join("\n")}${all ? "" : "\n        _ ->\n            []\n"}`;
      break;
    }
  }
  const doc = docComment([`Every broken constraint of a \`${name}\`, with paths starting at \`$\`.`]);
  const docAt = docComment([`Like \`${validateName(def.name)}\`, for a value found at \`path\` inside a larger one.`]);
  return [
    `${doc}${validateName(def.name)} : ${type} -> List Violation`,
    `${validateName(def.name)} =`,
    `    ${validateAtName(def.name)} Hamlet.Validate.root`,
    "",
    "",
    `${docAt}${validateAtName(def.name)} : String -> ${type} -> List Violation`,
    `${validateAtName(def.name)} path ${pattern} =`,
    `    ${body}`,
  ].join("\n");
}

export function validateModule(ctx: ElmContext, moduleName: string, typesModule: string): string | undefined {
  const constrained = constrainedTypes(ctx);
  const defs = ctx.schema.types.filter((t) => constrained.has(t.name));
  const exposing = defs.flatMap((d) => [validateName(d.name), validateAtName(d.name)]);
  const body = defs.map((d) => validator(ctx, d, constrained)).join("\n\n\n");
  const doc = docComment([
    `Client-side checks of the \`${ctx.schema.package}\` schema's constraints, reporting the same paths (\`$.posts[3].body\`) and messages as the server.`,
    "Call them before sending a request; an empty list means the value is fine.",
    "",
    "Generated by hamletc; do not edit.",
  ]);
  const helpers = helpersFor(body);
  return [
    `module ${moduleName} exposing (${exposing.length > 0 ? exposing.join(", ") : "Violation"})`,
    "",
    doc,
    importsFor(
      body + helpers,
      defs.length === 0
        ? ["import Hamlet.Validate"]
        : [`import ${typesModule} as Types`, "import Hamlet.Validate exposing (Violation)"],
    ),
    "",
    "",
    defs.length === 0
      ? "{-| A broken constraint (this schema has none).\n-}\ntype alias Violation =\n    Hamlet.Validate.Violation"
      : body,
    helpers,
  ].join("\n");
}
