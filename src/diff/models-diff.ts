/**
 * Models, compared the way the SQL emitter plans their migration: tables and columns are paired
 * by `matchTables` (following `@renamed_from`) and the database verdict of a change is whether
 * `plan` refuses it as destructive.
 */
import { matchTables, plan, typeName, type Problem, type TablePair } from "../../emitters/sql/plan.js";
import { renamesOf, sameType, snapshotOf, TENANT_COLUMN, type SnapshotIndex } from "../../emitters/sql/model.js";
import type { Span } from "../ast/nodes.js";
import type { ModelDef, Schema } from "../schema/types.js";
import type { DiffContext } from "./context.js";
import type { Verdict } from "./model.js";

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

interface Located {
  readonly model: ModelDef | undefined;
  column(name: string): Span | undefined;
}

function locate(schema: Schema, modelName: string | undefined): Located {
  const model = schema.models.find((m) => m.name === modelName);
  return { model, column: (name) => model?.columns.find((c) => c.column === name)?.span ?? model?.span };
}

/** The model renames of the new version, so that generated parts follow them. */
export function matchModels(ctx: DiffContext): void {
  for (const p of matchTables(snapshotOf(ctx.old), snapshotOf(ctx.new), renamesOf(ctx.new)))
    if (p.old && p.new && p.old.model !== p.new.model) ctx.declarationMap.set(p.old.model, p.new.model);
}

export function diffModels(ctx: DiffContext): void {
  const pairs = matchTables(snapshotOf(ctx.old), snapshotOf(ctx.new), renamesOf(ctx.new));
  const { problems } = plan(pairs);
  const refused = (pred: (p: Problem) => boolean): Verdict => (problems.some(pred) ? "breaks" : "safe");
  for (const pair of pairs) diffTable(ctx, pair, refused);
}

function diffTable(ctx: DiffContext, pair: TablePair, refused: (pred: (p: Problem) => boolean) => Verdict): void {
  const { old: o, new: n } = pair;
  const before = locate(ctx.old, o?.model);
  const after = locate(ctx.new, n?.model);
  const none = { toOld: false, fromOld: false };
  if (!o && n) {
    ctx.add({
      kind: "declaration.added",
      path: n.model,
      message: `Model \`${n.model}\` (table ${n.table}) was added.`,
      new: after.model?.span,
      flow: none,
    });
    return;
  }
  if (o && !n) {
    const database = refused((p) => p.code === "HAM0830" && p.table === o.table);
    ctx.add({
      kind: "model.removed",
      path: o.model,
      message: `Model \`${o.model}\` was removed: the migration drops table ${o.table} and its rows.`,
      old: before.model?.span,
      flow: none,
      override: { database },
    });
    return;
  }
  if (!o || !n) return;
  const at = { path: n.model, old: before.model?.span, new: after.model?.span, flow: none };
  if (o.model !== n.model || o.table !== n.table)
    ctx.add({
      kind: "model.renamed",
      message: `Model \`${o.model}\` (table ${o.table}) was renamed to \`${n.model}\` (table ${n.table}).`,
      ...at,
    });
  if (o.global !== n.global) {
    const database = refused((p) => p.code === "HAM0838" && p.table === n.table);
    ctx.add({
      kind: "model.tenancy_changed",
      message: `Model \`${n.model}\` is now ${n.global ? "global" : "tenant-scoped"}.`,
      ...at,
      override: { database },
    });
    return;
  }
  const rename = new Map(pair.columns.filter((c) => c.old && c.new).map((c) => [c.old!.name, c.new!.name]));
  if (
    !same(
      o.primaryKey.map((c) => rename.get(c) ?? c),
      n.primaryKey,
    )
  ) {
    const database = refused((p) => p.code === "HAM0837" && p.table === n.table);
    ctx.add({
      kind: "model.primary_key_changed",
      message: `Model \`${n.model}\` has a new primary key (${n.primaryKey.join(", ")}).`,
      ...at,
      override: { database },
    });
  }
  for (const c of pair.columns) {
    const colPath = `${n.model}.${c.new?.name ?? c.old?.name ?? ""}`;
    const cat = {
      path: colPath,
      old: c.old ? before.column(c.old.name) : before.model?.span,
      new: c.new ? after.column(c.new.name) : after.model?.span,
      flow: none,
    };
    const problem = (code: Problem["code"]) =>
      refused(
        (p) => p.code === code && p.table === n.table && "column" in p && p.column === (c.new?.name ?? c.old?.name),
      );
    if (!c.old && c.new) {
      const required = !c.new.nullable && c.new.default === undefined;
      ctx.add({
        kind: required ? "column.added.required" : "column.added.optional",
        message: `Column ${n.table}.${c.new.name} was added${required ? " as NOT NULL without a default: existing rows have no value for it" : ""}.`,
        ...cat,
        override: { database: problem("HAM0833") },
      });
      continue;
    }
    if (c.old && !c.new) {
      ctx.add({
        kind: "column.removed",
        message: `Column ${n.table}.${c.old.name} was removed: the migration drops its data.`,
        ...cat,
        override: { database: problem("HAM0831") },
      });
      continue;
    }
    if (!c.old || !c.new) continue;
    if (c.old.name !== c.new.name)
      ctx.add({
        kind: "column.renamed",
        message: `Column ${n.table}.${c.old.name} was renamed to ${c.new.name}.`,
        ...cat,
      });
    if (!sameType(c.old.type, c.new.type)) {
      const database = problem("HAM0832");
      ctx.add({
        kind: database === "breaks" ? "column.type_changed" : "column.type_widened",
        message: `Column ${n.table}.${c.new.name} changed type: ${typeName(c.old.type)} → ${typeName(c.new.type)}.`,
        ...cat,
        override: { database },
      });
    }
    if (c.old.nullable && !c.new.nullable)
      ctx.add({
        kind: "column.made_required",
        message: `Column ${n.table}.${c.new.name} became NOT NULL.`,
        ...cat,
        override: { database: problem("HAM0833") },
      });
    if (!c.old.nullable && c.new.nullable)
      ctx.add({ kind: "column.made_optional", message: `Column ${n.table}.${c.new.name} became nullable.`, ...cat });
    if (!same(c.old.default, c.new.default))
      ctx.add({
        kind: "column.default_changed",
        message: `Column ${n.table}.${c.new.name} changed its default.`,
        ...cat,
      });
  }
  const key = (i: SnapshotIndex) => JSON.stringify([i.columns, i.unique]);
  const oldIndexes = new Map(
    o.indexes.map((i) => [key({ ...i, columns: i.columns.map((c) => rename.get(c) ?? c) }), i]),
  );
  const newIndexes = new Map(n.indexes.map((i) => [key(i), i]));
  for (const [k, i] of newIndexes)
    if (!oldIndexes.has(k))
      ctx.add({
        kind: i.unique ? "index.unique_added" : "index.added",
        message: `Table ${n.table} has a new ${i.unique ? "unique " : ""}index on (${i.columns.join(", ")})${i.unique ? ": the migration fails if existing rows have duplicates" : ""}.`,
        ...at,
        path: indexPath(n.model, i),
      });
  for (const [k, i] of oldIndexes)
    if (!newIndexes.has(k))
      ctx.add({
        kind: "index.removed",
        message: `Table ${n.table} lost its index ${i.name}.`,
        ...at,
        path: indexPath(n.model, i),
      });
}

/** `Model.index(a, b)`, without the tenant column every tenant-scoped index starts with. */
function indexPath(model: string, i: SnapshotIndex): string {
  return `${model}.index(${i.columns.filter((c) => c !== TENANT_COLUMN).join(", ")})`;
}
