/** Changes between the fields of one record (or variant payload) in two versions. */
import type { Span } from "../ast/nodes.js";
import type { FieldDef } from "../schema/types.js";
import { compareConstraints } from "./constraints.js";
import type { DiffContext } from "./context.js";
import type { Flow } from "./flows.js";
import { compareExpr, exprText, unwrapOptional } from "./type-expr.js";

export interface FieldScope {
  /** Declaration path of the record: `Post`, `FeedUpdate.Liked`. */
  readonly path: string;
  readonly flow: Flow;
  /** The fields travel in a query string (request of a GET or DELETE endpoint). */
  readonly query: boolean;
  /** The record (or variant) in each version: where an added or removed field was, or would be. */
  readonly oldOwner: Span;
  readonly newOwner: Span;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function diffFields(
  ctx: DiffContext,
  before: readonly FieldDef[],
  after: readonly FieldDef[],
  scope: FieldScope,
): void {
  const { flow, query } = scope;
  const at = (f: FieldDef): string => `${scope.path}.${f.name}`;
  for (const n of after) {
    if (before.some((o) => o.name === n.name)) continue;
    const optional = n.type.kind === "optional";
    const kind =
      optional || n.default !== undefined
        ? query
          ? "query.added.optional"
          : optional
            ? "field.added.optional"
            : "field.added.defaulted"
        : query
          ? "query.added.required"
          : "field.added.required";
    const how = optional
      ? "optional"
      : n.default !== undefined
        ? `with default ${JSON.stringify(n.default)}`
        : "required";
    ctx.add({
      kind,
      path: at(n),
      message: `Field \`${at(n)}\` (${exprText(n.type)}, ${how}) was added.`,
      old: scope.oldOwner,
      new: n.span,
      flow,
    });
  }
  for (const o of before) {
    const n = after.find((f) => f.name === o.name);
    if (!n) {
      const absentOk = o.type.kind === "optional" || o.default !== undefined;
      const kind = query ? "query.removed" : absentOk ? "field.removed.optional" : "field.removed";
      ctx.add({
        kind,
        path: at(o),
        message: `Field \`${at(o)}\` (${exprText(o.type)}) was removed.`,
        old: o.span,
        new: scope.newOwner,
        flow,
      });
      continue;
    }
    const spans = { old: o.span, new: n.span, flow, path: at(n) };
    const a = unwrapOptional(o.type);
    const b = unwrapOptional(n.type);
    const inner = compareExpr(a.inner, b.inner, ctx.typeMap);
    const types = `${exprText(o.type)} → ${exprText(n.type)}`;
    if (inner === "changed") {
      ctx.add({ kind: "field.type_changed", message: `Field \`${at(n)}\` changed type: ${types}.`, ...spans });
      continue;
    }
    if (inner === "widened")
      ctx.add({ kind: "field.type_widened", message: `Field \`${at(n)}\` widened its type: ${types}.`, ...spans });
    if (!a.optional && b.optional)
      ctx.add({ kind: "field.made_optional", message: `Field \`${at(n)}\` became optional: ${types}.`, ...spans });
    if (a.optional && !b.optional && n.default === undefined)
      ctx.add({ kind: "field.made_required", message: `Field \`${at(n)}\` became required: ${types}.`, ...spans });
    if (o.default === undefined && n.default !== undefined)
      ctx.add({
        kind: "field.default_added",
        message: `Field \`${at(n)}\` got the default ${JSON.stringify(n.default)}.`,
        ...spans,
      });
    else if (o.default !== undefined && n.default === undefined && !b.optional)
      ctx.add({
        kind: "field.default_removed",
        message: `Field \`${at(n)}\` lost its default ${JSON.stringify(o.default)}.`,
        ...spans,
      });
    else if (o.default !== undefined && n.default !== undefined && !same(o.default, n.default))
      ctx.add({
        kind: "field.default_changed",
        message: `Field \`${at(n)}\` changed its default: ${JSON.stringify(o.default)} → ${JSON.stringify(n.default)}.`,
        ...spans,
      });
    diffConstraints(ctx, o.constraints, n.constraints, `Field \`${at(n)}\``, spans);
  }
}

export function diffConstraints(
  ctx: DiffContext,
  before: FieldDef["constraints"],
  after: FieldDef["constraints"],
  what: string,
  where: { old: FieldDef["span"]; new: FieldDef["span"]; flow: Flow; path: string },
): void {
  const delta = compareConstraints(before, after);
  if (delta.tightened.length > 0)
    ctx.add({
      kind: "constraint.tightened",
      message: `${what} accepts fewer values: ${delta.tightened.join(", ")}.`,
      ...where,
    });
  if (delta.loosened.length > 0)
    ctx.add({
      kind: "constraint.loosened",
      message: `${what} accepts more values: ${delta.loosened.join(", ")}.`,
      ...where,
    });
  if (delta.replaced.length > 0)
    ctx.add({
      kind: "constraint.pattern_changed",
      message: `${what} checks differently: ${delta.replaced.join(", ")}.`,
      ...where,
    });
}
