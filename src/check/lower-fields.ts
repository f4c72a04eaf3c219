/** Lowers field lists: names, types, annotations and defaults. */
import type * as ast from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import type { FieldDef } from "../schema/types.js";
import { fieldAnnotations, type FieldFacts, type FieldTarget } from "./annotations.js";
import { docLines, pascalCase, type CheckContext } from "./context.js";
import { checkDefault } from "./defaults.js";
import { lowerType, type InlineNaming } from "./lower-type.js";

/** Keys a JavaScript server must never copy from input (prototype pollution); see the wire format. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Naming for a type without inline records: `lowerType` only reads it to name one. */
const NO_INLINE_RECORD: InlineNaming = { name: "", origin: { kind: "declared" } };

function hasInlineRecord(node: ast.TypeNode): boolean {
  switch (node.kind) {
    case "InlineRecord":
      return true;
    case "Optional":
      return hasInlineRecord(node.inner);
    case "NamedType":
      return node.args.some(hasInlineRecord);
    case "MissingType":
      return false;
  }
}

/** Reports duplicate names in a list of named nodes; returns the nodes with unique, non-empty names. */
export function uniqueByName<T extends { readonly name: ast.Identifier }>(
  ctx: CheckContext,
  nodes: readonly T[],
  what: string,
): T[] {
  const seen = new Set<string>();
  const result: T[] = [];
  for (const node of nodes) {
    const name = node.name.name;
    if (name === "") continue;
    if (seen.has(name)) {
      ctx.report(diagnostic("HAM0203", node.name.span, { name, what }));
      continue;
    }
    seen.add(name);
    result.push(node);
  }
  return result;
}

/** Lowers the fields of a record named `owner`; inline records become `<owner><Field>`. */
export function lowerRecordFields(
  ctx: CheckContext,
  fields: readonly ast.Field[],
  owner: string,
  target: FieldTarget,
): FieldDef[] {
  return uniqueByName(ctx, fields, "field").map((field) => lowerField(ctx, field, owner, target));
}

export function lowerField(ctx: CheckContext, field: ast.Field, owner: string, target: FieldTarget): FieldDef {
  return lowerFieldWithFacts(ctx, field, owner, target).def;
}

/** Lowers a field and also returns what its annotations say (for model columns). */
export function lowerFieldWithFacts(
  ctx: CheckContext,
  field: ast.Field,
  owner: string,
  target: FieldTarget,
): { def: FieldDef; facts: FieldFacts } {
  const name = field.name.name;
  if (FORBIDDEN_KEYS.has(name)) ctx.report(diagnostic("HAM0213", field.name.span, { name }));
  // The name an inline record would get; most field types have none, so it is made only for those.
  const naming = hasInlineRecord(field.type)
    ? { name: `${owner}${pascalCase(name)}`, origin: { kind: "part" as const, owner, role: name } }
    : NO_INLINE_RECORD;
  const type = lowerType(ctx, field.type, naming);
  const facts = fieldAnnotations(ctx, field.annotations, type, target);
  let defaultValue: FieldDef["default"];
  if (field.defaultValue) {
    if (type.kind === "optional") ctx.report(diagnostic("HAM0310", field.defaultValue.span));
    defaultValue = checkDefault(ctx, field.defaultValue, type, facts.constraints);
  }
  // The common field (no default, not deprecated) without the spreads' temporary objects; the
  // keys keep one order either way.
  const def: FieldDef =
    defaultValue === undefined && facts.deprecated === undefined
      ? { name, type, constraints: facts.constraints, docs: docLines(field.docs), span: field.span }
      : {
          name,
          type,
          constraints: facts.constraints,
          ...(defaultValue !== undefined ? { default: defaultValue } : {}),
          ...(facts.deprecated !== undefined ? { deprecated: facts.deprecated } : {}),
          docs: docLines(field.docs),
          span: field.span,
        };
  return { def, facts };
}
