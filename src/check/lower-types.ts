/** Lowering of the type declarations: alias, record, enum, event. */
import type * as ast from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import type { EnumDef, TypeOrigin, VariantDef } from "../schema/types.js";
import { declarationAnnotations, fieldAnnotations, variantAnnotations } from "./annotations.js";
import { defineType, docLines, type CheckContext } from "./context.js";
import { lowerRecordFields, uniqueByName } from "./lower-fields.js";
import { lowerType } from "./lower-type.js";

const DECLARED: TypeOrigin = { kind: "declared" };

/** Lowers an alias's target type; runs before every other declaration so that constraints can see through aliases. */
export function lowerAliasTarget(ctx: CheckContext, d: ast.AliasDeclaration): void {
  const name = d.name.name;
  ctx.aliasTargets.set(
    name,
    lowerType(ctx, d.type, { name: `${name}Value`, origin: { kind: "part", owner: name, role: "value" } }),
  );
}

export function lowerAlias(ctx: CheckContext, d: ast.AliasDeclaration): void {
  const name = d.name.name;
  const type = ctx.aliasTargets.get(name)!;
  const facts = fieldAnnotations(ctx, d.constraints, type, "alias");
  const decl = declarationAnnotations(ctx, d);
  const def = {
    kind: "alias" as const,
    name,
    type,
    constraints: facts.constraints,
    origin: DECLARED,
    docs: docLines(d.docs),
    ...deprecation(decl.deprecated),
    span: d.span,
  };
  ctx.aliasDefs.set(name, def);
  defineType(ctx, def);
}

export function lowerRecord(ctx: CheckContext, d: ast.RecordDeclaration | ast.EventDeclaration): void {
  const name = d.name.name;
  const facts = declarationAnnotations(ctx, d);
  const fields = lowerRecordFields(ctx, d.fields, name, "field");
  defineType(ctx, {
    kind: "record",
    name,
    fields,
    origin: DECLARED,
    docs: docLines(d.docs),
    ...deprecation(facts.deprecated),
    span: d.span,
  });
}

export function lowerEnum(ctx: CheckContext, d: ast.EnumDeclaration): void {
  declarationAnnotations(ctx, d);
  defineEnum(ctx, d.name.name, d.variants, DECLARED, d.docs, d.span, false);
}

/** Defines an enum from variants; also used for `errors` sections and websocket messages. */
export function defineEnum(
  ctx: CheckContext,
  name: string,
  variants: readonly ast.Variant[],
  origin: TypeOrigin,
  docs: readonly ast.DocComment[],
  span: ast.Span,
  inErrors: boolean,
): EnumDef {
  const lowered: VariantDef[] = uniqueByName(ctx, variants, "variant").map((v) => {
    for (const f of v.fields ?? []) if (f.name.name === "tag") ctx.report(diagnostic("HAM0209", f.name.span));
    const fields = lowerRecordFields(ctx, v.fields ?? [], `${name}${v.name.name}`, "field");
    const facts = variantAnnotations(ctx, v, inErrors);
    const status = inErrors ? (facts.status ?? defaultErrorStatus(v.name.name)) : undefined;
    return {
      name: v.name.name,
      fields,
      hasPayload: v.fields !== undefined,
      ...(status !== undefined ? { status } : {}),
      ...deprecation(facts.deprecated),
      docs: docLines(v.docs),
      span: v.span,
    };
  });
  const def: EnumDef = {
    kind: "enum",
    name,
    variants: lowered,
    plain: lowered.every((v) => !v.hasPayload),
    origin,
    docs: docLines(docs),
    span,
  };
  defineType(ctx, def);
  return def;
}

/** HTTP statuses for well-known error names; everything else is 422. */
const ERROR_STATUSES: Readonly<Record<string, number>> = {
  BadRequest: 400,
  Unauthorized: 401,
  PaymentRequired: 402,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  Gone: 410,
  PreconditionFailed: 412,
  PayloadTooLarge: 413,
  Locked: 423,
  RateLimited: 429,
  TooManyRequests: 429,
  Unavailable: 503,
};

export function defaultErrorStatus(name: string): number {
  return ERROR_STATUSES[name] ?? 422;
}

export function deprecation(reason: string | undefined): { deprecated?: string } {
  return reason === undefined ? {} : { deprecated: reason };
}
