/** Turns type syntax into `TypeExpr`, resolving names and naming inline records. */
import type * as ast from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import { withSuggestion } from "../diagnostics/suggest.js";
import { primitives, type Primitive, type TypeExpr, type TypeOrigin } from "../schema/types.js";
import type { CheckContext } from "./context.js";
import { lowerRecordFields } from "./lower-fields.js";
import { defineType, docLines } from "./context.js";

/**
 * What a type that could not be resolved (unknown, not a type, wrong arity, missing) lowers to.
 * It is `Json` to the schema, but this very object: checks that would only add errors about a type
 * the user never wrote (`@length` does not apply to `Json`) recognise it with `isErrorType`.
 */
export const ERROR_TYPE: TypeExpr = { kind: "primitive", name: "Json" };

/** True for the stand-in of a type that already has an error reported. */
export function isErrorType(type: TypeExpr): boolean {
  return type === ERROR_TYPE;
}

/** Names that are built in and cannot be declared. */
export const reservedTypeNames: ReadonlySet<string> = new Set<string>([...primitives, "List", "Map"]);

export interface InlineNaming {
  /** Name for an inline record found here. */
  readonly name: string;
  readonly origin: TypeOrigin;
}

/** Lowers a type; `naming` names an inline record appearing at this position. */
export function lowerType(ctx: CheckContext, node: ast.TypeNode, naming: InlineNaming): TypeExpr {
  switch (node.kind) {
    case "MissingType":
      return ERROR_TYPE;
    case "Optional": {
      if (node.inner.kind === "Optional") ctx.report(diagnostic("HAM0211", node.span));
      const inner = lowerType(ctx, node.inner, naming);
      return inner.kind === "optional" ? inner : { kind: "optional", inner };
    }
    case "InlineRecord":
      return { kind: "ref", name: defineInlineRecord(ctx, node, naming) };
    case "NamedType":
      return lowerNamedType(ctx, node, naming);
  }
}

function lowerNamedType(ctx: CheckContext, node: ast.NamedType, naming: InlineNaming): TypeExpr {
  const name = node.name.name;
  if (name === "") return ERROR_TYPE;
  const arity = (expected: number): boolean => {
    if (node.args.length === expected) return true;
    ctx.report(diagnostic("HAM0204", node.span, { name, expected, found: node.args.length }));
    return false;
  };
  if (name === "List") {
    if (!arity(1)) return ERROR_TYPE;
    return { kind: "list", element: lowerType(ctx, node.args[0]!, naming) };
  }
  if (name === "Map") {
    if (!arity(2)) return ERROR_TYPE;
    const key = node.args[0]!;
    if (!(key.kind === "NamedType" && key.name.name === "String" && key.args.length === 0)) {
      ctx.report(diagnostic("HAM0205", key.span));
    }
    return { kind: "map", value: lowerType(ctx, node.args[1]!, naming) };
  }
  if ((primitives as readonly string[]).includes(name)) {
    arity(0);
    return { kind: "primitive", name: name as Primitive };
  }
  const symbol = ctx.symbols.get(name);
  if (!symbol) {
    const candidates = [
      ...primitives,
      "List",
      "Map",
      ...[...ctx.symbols.values()].filter((s) => s.isType).map((s) => s.name),
    ];
    ctx.report(diagnostic("HAM0201", node.name.span, withSuggestion({ name }, name, candidates)));
    return ERROR_TYPE;
  }
  if (!symbol.isType) {
    ctx.report(diagnostic("HAM0210", node.name.span, { name }));
    return ERROR_TYPE;
  }
  arity(0);
  return { kind: "ref", name };
}

/** Checks that a generated name is free, reporting HAM0208 when a declaration took it. */
export function claimPartName(ctx: CheckContext, name: string, owner: string, span: ast.Span): boolean {
  const existing = ctx.symbols.get(name);
  if (existing || ctx.types.has(name) || reservedTypeNames.has(name)) {
    ctx.report(diagnostic("HAM0208", span, { name, owner }));
    return false;
  }
  ctx.symbols.set(name, { name, kind: "Part", span, isType: true, declaration: undefined });
  return true;
}

function defineInlineRecord(ctx: CheckContext, node: ast.InlineRecordType, naming: InlineNaming): string {
  const owner = naming.origin.kind === "part" ? naming.origin.owner : naming.name;
  claimPartName(ctx, naming.name, owner, node.span);
  const fields = lowerRecordFields(ctx, node.fields, naming.name, "field");
  defineType(ctx, {
    kind: "record",
    name: naming.name,
    fields,
    origin: naming.origin,
    docs: docLines([]),
    span: node.span,
  });
  return naming.name;
}
