/** Lowering of `model`: columns, keys, indexes, defaults, references, tenancy. */
import type * as ast from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import { withSuggestion } from "../diagnostics/suggest.js";
import type { ColumnDef, ColumnDefault, IndexDef, ModelDef, TypeExpr } from "../schema/types.js";
import { declarationAnnotations, indexAnnotations } from "./annotations.js";
import { docLines, required, typeToString, underlying, type CheckContext } from "./context.js";
import { checkDefault } from "./defaults.js";
import { lowerFieldWithFacts, uniqueByName } from "./lower-fields.js";
import { deprecation } from "./lower-types.js";
import type { Output } from "./output.js";

/** Column names Hamlet adds itself. */
const RESERVED_COLUMNS = new Set(["tenant_id"]);

/** `PostRow` → `post_row` */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

function storable(ctx: CheckContext, type: TypeExpr): boolean {
  const t = underlying(ctx, required(type));
  if (t.kind === "primitive") return true;
  if (t.kind === "ref") {
    const def = ctx.types.get(t.name);
    return def?.kind === "enum" && def.plain;
  }
  return false;
}

function isPrimitive(ctx: CheckContext, type: TypeExpr, name: string): boolean {
  const t = underlying(ctx, required(type));
  return t.kind === "primitive" && t.name === name;
}

/** References wait until every model is known; they are resolved by `resolveReferences`. */
export interface PendingReference {
  readonly model: string;
  readonly column: string;
  readonly target: string;
  readonly span: ast.Span;
}

export function lowerModel(ctx: CheckContext, d: ast.ModelDeclaration, out: Output, pending: PendingReference[]): void {
  const name = d.name.name;
  const facts = declarationAnnotations(ctx, d);
  if (!ctx.features.database) ctx.report(diagnostic("HAM0605", d.name.span));
  const columns: ColumnDef[] = [];
  for (const field of uniqueByName(ctx, d.fields, "column")) {
    const { def, facts: f } = lowerFieldWithFacts(ctx, { ...field, defaultValue: undefined }, name, "column");
    if (RESERVED_COLUMNS.has(def.name)) ctx.report(diagnostic("HAM0606", field.name.span, { name: def.name }));
    if (!storable(ctx, def.type))
      ctx.report(diagnostic("HAM0601", field.type.span, { name: def.name, type: typeToString(def.type) }));
    let columnDefault: ColumnDefault | undefined;
    const written =
      f.columnDefault ?? (field.defaultValue ? { kind: "value" as const, value: field.defaultValue } : undefined);
    if (written?.kind === "uuid" || written?.kind === "now") {
      const fits = isPrimitive(ctx, def.type, written.kind === "uuid" ? "Uuid" : "Timestamp");
      if (fits) columnDefault = written;
      else ctx.report(diagnostic("HAM0607", field.span, { type: typeToString(def.type) }));
    } else if (written?.kind === "value") {
      const value = checkDefault(ctx, written.value, def.type, def.constraints);
      if (value !== undefined) columnDefault = { kind: "literal", value };
    }
    if (f.references)
      pending.push({ model: name, column: def.name, target: f.references.model, span: f.references.span });
    columns.push({
      ...def,
      column: def.name,
      nullable: def.type.kind === "optional",
      primary: f.primary,
      unique: f.unique,
      indexed: f.indexed,
      columnDefault,
      references: undefined,
      renamedFrom: f.renamedFrom,
    });
  }
  const primaryKey = columns.filter((c) => c.primary).map((c) => c.name);
  if (primaryKey.length === 0 && name !== "") ctx.report(diagnostic("HAM0602", d.name.span, { name }));
  const indexes: IndexDef[] = [];
  for (const clause of d.indexes) {
    const names = clause.columns.map((c) => c.name).filter((n) => n !== "");
    let ok = true;
    for (const c of clause.columns) {
      if (c.name !== "" && !columns.some((col) => col.name === c.name)) {
        ok = false;
        ctx.report(
          diagnostic(
            "HAM0603",
            c.span,
            withSuggestion(
              { name: c.name, model: name },
              c.name,
              columns.map((col) => col.name),
            ),
          ),
        );
      }
    }
    const { unique } = indexAnnotations(ctx, clause);
    if (ok && names.length > 0) indexes.push({ columns: names, unique });
  }
  const table = facts.table ?? snakeCase(name);
  const model: ModelDef = {
    name,
    table,
    global: facts.global,
    columns,
    primaryKey,
    indexes,
    renamedFrom: facts.renamedFrom,
    docs: docLines(d.docs),
    ...deprecation(facts.deprecated),
    span: d.span,
  };
  const clash = out.models.find((m) => m.table === table);
  if (clash) ctx.report(diagnostic("HAM0609", d.name.span, { table, other: clash.name }));
  out.models.push(model);
}

/** Resolves `@references(Model)` once every model is known. */
export function resolveReferences(ctx: CheckContext, out: Output, pending: readonly PendingReference[]): void {
  for (const ref of pending) {
    const target = out.models.find((m) => m.name === ref.target);
    if (!target) {
      ctx.report(
        diagnostic(
          "HAM0604",
          ref.span,
          withSuggestion(
            { name: ref.target },
            ref.target,
            out.models.map((m) => m.name),
          ),
        ),
      );
      continue;
    }
    if (target.primaryKey.length !== 1) {
      if (target.primaryKey.length > 1)
        ctx.report(diagnostic("HAM0608", ref.span, { model: ref.model, target: ref.target }));
      continue;
    }
    const index = out.models.findIndex((m) => m.name === ref.model);
    const model = out.models[index]!;
    out.models[index] = {
      ...model,
      columns: model.columns.map((c) =>
        c.name === ref.column ? { ...c, references: { model: target.name, column: target.primaryKey[0]! } } : c,
      ),
    };
  }
}
