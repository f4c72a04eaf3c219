/**
 * The dialect-independent table model the SQL emitter diffs: what `snapshot.json` stores.
 * Derived from `Schema.models`: aliases resolved, tenant columns and derived indexes made
 * explicit, names fixed, so that two snapshots can be compared structurally.
 */
import { createHash } from "node:crypto";
import { columnType, type ColumnType } from "../../src/schema/query.js";
import type { ColumnDef, JsonValue, ModelDef, Schema } from "../../src/schema/types.js";

/** Re-exported for the SQL emitter's own modules; the rule lives in src/schema/query.ts. */
export { columnType, type ColumnType };

export type SnapshotDefault =
  { readonly kind: "uuid" } | { readonly kind: "now" } | { readonly kind: "literal"; readonly value: JsonValue };

export interface SnapshotColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly default?: SnapshotDefault;
  readonly docs: readonly string[];
}

export interface SnapshotIndex {
  readonly name: string;
  /** Including the leading `tenant_id` of a tenant-scoped table. */
  readonly columns: readonly string[];
  readonly unique: boolean;
}

export interface SnapshotForeignKey {
  readonly name: string;
  /** Local columns (with `tenant_id` first when the target is tenant-scoped). */
  readonly columns: readonly string[];
  readonly table: string;
  readonly references: readonly string[];
}

export interface SnapshotTable {
  readonly model: string;
  readonly table: string;
  readonly global: boolean;
  readonly docs: readonly string[];
  /** Model columns (without `tenant_id`, which every tenant-scoped table gets first). */
  readonly columns: readonly SnapshotColumn[];
  /** Including the leading `tenant_id` of a tenant-scoped table. */
  readonly primaryKey: readonly string[];
  readonly indexes: readonly SnapshotIndex[];
  readonly foreignKeys: readonly SnapshotForeignKey[];
}

export interface Snapshot {
  readonly version: 1;
  readonly tables: readonly SnapshotTable[];
  /** Names of the extra DDL sets (`extra-ddl.ts`) that earlier migrations added; absent when none. */
  readonly extras?: readonly string[];
}

/** Renames declared with `@renamed_from`, keyed by the new names. */
export interface Renames {
  /** New table name → old model name or table name. */
  readonly tables: ReadonlyMap<string, string>;
  /** New table name → (new column → old column). */
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export const TENANT_COLUMN = "tenant_id";
export const emptySnapshot: Snapshot = { version: 1, tables: [] };

/** PostgreSQL truncates identifiers at 63 bytes; longer names get a hash suffix instead. */
export function identifier(name: string): string {
  if (name.length <= 63) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, 54)}_${hash}`;
}

export function indexName(table: string, columns: readonly string[], unique: boolean): string {
  return identifier(`${table}_${columns.filter((c) => c !== TENANT_COLUMN).join("_")}_${unique ? "key" : "idx"}`);
}

function snapshotColumn(schema: Schema, c: ColumnDef): SnapshotColumn {
  return {
    name: c.column,
    type: columnType(schema, c.type),
    nullable: c.nullable,
    ...(c.columnDefault ? { default: c.columnDefault } : {}),
    docs: [...c.docs],
  };
}

function snapshotTable(schema: Schema, m: ModelDef): SnapshotTable {
  const lead = m.global ? [] : [TENANT_COLUMN];
  const column = (name: string) => m.columns.find((c) => c.name === name)?.column ?? name;
  const indexes: SnapshotIndex[] = [];
  const seen = new Set<string>([JSON.stringify([...lead, ...m.primaryKey.map(column)])]);
  const add = (columns: readonly string[], unique: boolean) => {
    const cols = [...lead, ...columns.map(column)];
    const key = JSON.stringify(cols);
    const existing = indexes.findIndex((i) => JSON.stringify(i.columns) === key);
    if (existing >= 0) {
      // A unique and a plain index on the same columns: the unique one serves both.
      if (unique && !indexes[existing]!.unique)
        indexes[existing] = { name: indexName(m.table, cols, true), columns: cols, unique: true };
      return;
    }
    if (seen.has(key)) return;
    indexes.push({ name: indexName(m.table, cols, unique), columns: cols, unique });
  };
  for (const c of m.columns) {
    if (c.primary && m.primaryKey.length === 1) continue;
    if (c.unique) add([c.name], true);
    else if (c.indexed) add([c.name], false);
  }
  for (const i of m.indexes) add(i.columns, i.unique);
  const foreignKeys: SnapshotForeignKey[] = [];
  for (const c of m.columns) {
    if (!c.references) continue;
    const target = schema.models.find((t) => t.name === c.references!.model);
    if (!target) continue;
    const targetColumn = target.columns.find((t) => t.name === c.references!.column)?.column ?? c.references.column;
    if (target.global)
      foreignKeys.push({
        name: identifier(`${m.table}_${c.column}_fkey`),
        columns: [c.column],
        table: target.table,
        references: [targetColumn],
      });
    else if (!m.global)
      foreignKeys.push({
        name: identifier(`${m.table}_${c.column}_fkey`),
        columns: [TENANT_COLUMN, c.column],
        table: target.table,
        references: [TENANT_COLUMN, targetColumn],
      });
    // A global model referencing a tenant-scoped one gets no foreign key (see HAM0835).
  }
  return {
    model: m.name,
    table: m.table,
    global: m.global,
    docs: [...m.docs],
    columns: m.columns.map((c) => snapshotColumn(schema, c)),
    primaryKey: [...lead, ...m.primaryKey.map(column)],
    indexes,
    foreignKeys,
  };
}

export function snapshotOf(schema: Schema): Snapshot {
  return { version: 1, tables: schema.models.map((m) => snapshotTable(schema, m)) };
}

export function renamesOf(schema: Schema): Renames {
  const tables = new Map<string, string>();
  const columns = new Map<string, Map<string, string>>();
  for (const m of schema.models) {
    if (m.renamedFrom !== undefined) tables.set(m.table, m.renamedFrom);
    const cols = new Map<string, string>();
    for (const c of m.columns) if (c.renamedFrom !== undefined) cols.set(c.column, c.renamedFrom);
    if (cols.size > 0) columns.set(m.table, cols);
  }
  return { tables, columns };
}

export function sameType(a: ColumnType, b: ColumnType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
