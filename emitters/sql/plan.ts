/**
 * Migration planning: the difference between two snapshots as SQL statements per dialect,
 * plus the changes that could lose data or fail on existing rows (refused unless allowed).
 */
import {
  addForeignKey,
  checkName,
  columnSql,
  comment,
  constantDefault,
  createIndex,
  createTable,
  createTableFull,
  defaultSql,
  pkeyName,
  q,
  sqlType,
  typeCheck,
  type Dialect,
} from "./ddl.js";
import {
  sameType,
  TENANT_COLUMN,
  type Renames,
  type Snapshot,
  type SnapshotColumn,
  type SnapshotForeignKey,
  type SnapshotIndex,
  type SnapshotTable,
  type ColumnType,
} from "./model.js";

export interface ColumnPair {
  readonly old: SnapshotColumn | undefined;
  readonly new: SnapshotColumn | undefined;
}
export interface TablePair {
  readonly old: SnapshotTable | undefined;
  readonly new: SnapshotTable | undefined;
  readonly columns: readonly ColumnPair[];
}

export type Problem =
  | { readonly code: "HAM0830"; readonly table: string; readonly model: string }
  | { readonly code: "HAM0831"; readonly table: string; readonly column: string }
  | {
      readonly code: "HAM0832";
      readonly table: string;
      readonly column: string;
      readonly from: string;
      readonly to: string;
    }
  | { readonly code: "HAM0833"; readonly table: string; readonly column: string }
  | { readonly code: "HAM0837"; readonly table: string }
  | { readonly code: "HAM0838"; readonly table: string };

export interface Plan {
  readonly statements: Record<Dialect, string[]>;
  /** Short descriptions (`add_posts_publish_at`) for the migration's name. */
  readonly summary: string[];
  readonly problems: Problem[];
}

/** Pairs old and new tables (and their columns), following `@renamed_from`. */
export function matchTables(before: Snapshot, after: Snapshot, renames: Renames): TablePair[] {
  const used = new Set<SnapshotTable>();
  const pairs: TablePair[] = [];
  const find = (pred: (t: SnapshotTable) => boolean) => before.tables.find((t) => !used.has(t) && pred(t));
  const found = new Map<SnapshotTable, SnapshotTable | undefined>();
  for (const n of after.tables) {
    const o = find((t) => t.table === n.table);
    if (o) used.add(o);
    found.set(n, o);
  }
  for (const n of after.tables) {
    if (found.get(n)) continue;
    const from = renames.tables.get(n.table);
    const o = from === undefined ? undefined : (find((t) => t.model === from) ?? find((t) => t.table === from));
    if (o) used.add(o);
    found.set(n, o);
  }
  for (const n of after.tables) {
    const o = found.get(n);
    pairs.push({
      old: o,
      new: n,
      columns: o
        ? matchColumns(o, n, renames.columns.get(n.table))
        : n.columns.map((c) => ({ old: undefined, new: c })),
    });
  }
  for (const o of before.tables)
    if (!used.has(o))
      pairs.push({ old: o, new: undefined, columns: o.columns.map((c) => ({ old: c, new: undefined })) });
  return pairs;
}

function matchColumns(
  o: SnapshotTable,
  n: SnapshotTable,
  renamed: ReadonlyMap<string, string> | undefined,
): ColumnPair[] {
  const used = new Set<SnapshotColumn>();
  const pairs: ColumnPair[] = [];
  for (const c of n.columns) {
    let match = o.columns.find((x) => x.name === c.name);
    const from = renamed?.get(c.name);
    if (!match && from !== undefined && !n.columns.some((x) => x.name === from))
      match = o.columns.find((x) => x.name === from);
    if (match) used.add(match);
    pairs.push({ old: match, new: c });
  }
  for (const c of o.columns) if (!used.has(c)) pairs.push({ old: c, new: undefined });
  return pairs;
}

/** The pairs of the reverse migration. */
export function invert(pairs: readonly TablePair[]): TablePair[] {
  return pairs.map((p) => ({ old: p.new, new: p.old, columns: p.columns.map((c) => ({ old: c.new, new: c.old })) }));
}

export function typeName(t: ColumnType): string {
  return t.base === "enum" ? `enum (${t.values.join(", ")})` : t.base;
}

/** Changes of type that keep every value: Int → Float, Uuid → String, more enum values. */
function widening(from: ColumnType, to: ColumnType): boolean {
  if (from.base === "Int" && to.base === "Float") return true;
  if (from.base === "Uuid" && to.base === "String") return true;
  if (from.base === "enum" && to.base === "enum") return from.values.every((v) => to.values.includes(v));
  return false;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Old column name → new column name within a table pair. */
function columnRenamer(p: TablePair): (name: string) => string {
  const map = new Map<string, string>();
  for (const c of p.columns) if (c.old && c.new) map.set(c.old.name, c.new.name);
  return (name) => map.get(name) ?? name;
}

function mappedIndex(i: SnapshotIndex, rename: (c: string) => string): SnapshotIndex {
  return { ...i, columns: i.columns.map(rename) };
}

export function plan(pairs: readonly TablePair[]): Plan {
  const renamedTables = new Map(pairs.filter((p) => p.old && p.new).map((p) => [p.old!.table, p.new!.table]));
  const tableRenamed = (table: string) => renamedTables.get(table) ?? table;
  const summary: string[] = [];
  const problems: Problem[] = [];
  const out: Record<Dialect, string[]> = { sqlite: [], postgres: [] };
  const pg = out.postgres;
  const lite = out.sqlite;

  // Which tables SQLite must rebuild, and which indexes / foreign keys change.
  interface Work {
    pair: TablePair;
    o: SnapshotTable;
    n: SnapshotTable;
    rename: (c: string) => string;
    droppedIndexes: SnapshotIndex[];
    addedIndexes: SnapshotIndex[];
    droppedFks: SnapshotForeignKey[];
    addedFks: SnapshotForeignKey[];
    pkChanged: boolean;
    rebuild: boolean;
  }
  const works: Work[] = [];
  for (const pair of pairs) {
    const { old: o, new: n } = pair;
    if (!o || !n) continue;
    if (o.global !== n.global) {
      problems.push({ code: "HAM0838", table: n.table });
      continue;
    }
    const rename = columnRenamer(pair);
    const oldIdx = o.indexes.map((i) => mappedIndex(i, rename));
    const droppedIndexes = o.indexes.filter((_, k) => !n.indexes.some((x) => same(x, oldIdx[k])));
    const addedIndexes = n.indexes.filter((x) => !oldIdx.some((i) => same(i, x)));
    const oldFks = o.foreignKeys.map((f) => ({ ...f, columns: f.columns.map(rename), table: tableRenamed(f.table) }));
    const droppedFks = o.foreignKeys.filter((_, k) => !n.foreignKeys.some((x) => same(x, oldFks[k])));
    const addedFks = n.foreignKeys.filter((x) => !oldFks.some((f) => same(f, x)));
    const pkChanged = !same(o.primaryKey.map(rename), n.primaryKey);
    let rebuild = pkChanged || droppedFks.length > 0 || addedFks.length > 0;
    for (const c of pair.columns) {
      if (!c.new) rebuild = true;
      else if (!c.old) {
        const simple =
          (c.new.nullable || (c.new.default?.kind === "literal" && c.new.default.value !== null)) &&
          constantDefault(c.new.default);
        if (!simple) rebuild = true;
      } else if (
        !sameType(c.old.type, c.new.type) ||
        c.old.nullable !== c.new.nullable ||
        !same(c.old.default, c.new.default)
      )
        rebuild = true;
    }
    works.push({ pair, o, n, rename, droppedIndexes, addedIndexes, droppedFks, addedFks, pkChanged, rebuild });
  }
  const dropped = pairs.filter((p) => p.old && !p.new).map((p) => p.old!);
  const created = pairs.filter((p) => p.new && !p.old).map((p) => p.new!);

  if (dropped.length > 0 || works.some((w) => w.rebuild))
    lite.push(
      "-- Drops or rebuilds tables: apply with foreign keys off, then run PRAGMA foreign_key_check before committing (hamletc migrate does).",
    );

  // 1. PostgreSQL: foreign keys that go away, indexes that change.
  for (const t of dropped)
    for (const fk of t.foreignKeys) pg.push(`ALTER TABLE ${q(t.table)} DROP CONSTRAINT ${q(fk.name)};`);
  for (const w of works)
    for (const fk of w.droppedFks) pg.push(`ALTER TABLE ${q(w.o.table)} DROP CONSTRAINT ${q(fk.name)};`);
  for (const w of works) {
    for (const i of w.droppedIndexes) {
      pg.push(`DROP INDEX ${q(i.name)};`);
      if (!w.rebuild) lite.push(`DROP INDEX ${q(i.name)};`);
    }
  }

  // 2. Dropped tables.
  for (const t of dropped) {
    problems.push({ code: "HAM0830", table: t.table, model: t.model });
    summary.push(`drop_${t.table}`);
    pg.push(`DROP TABLE ${q(t.table)};`);
    lite.push(`DROP TABLE ${q(t.table)};`);
  }

  // 3. Changed tables.
  for (const w of works) {
    const { o, n, pair } = w;
    if (o.table !== n.table) {
      summary.push(`rename_${o.table}_to_${n.table}`);
      pg.push(`ALTER TABLE ${q(o.table)} RENAME TO ${q(n.table)};`);
      pg.push(`ALTER TABLE ${q(n.table)} RENAME CONSTRAINT ${q(pkeyName(o.table))} TO ${q(pkeyName(n.table))};`);
      if (!n.global)
        pg.push(
          `ALTER TABLE ${q(n.table)} RENAME CONSTRAINT ${q(checkName(o.table, TENANT_COLUMN))} TO ${q(checkName(n.table, TENANT_COLUMN))};`,
        );
      for (const c of o.columns)
        if (typeCheck("postgres", c.name, c.type))
          pg.push(
            `ALTER TABLE ${q(n.table)} RENAME CONSTRAINT ${q(checkName(o.table, c.name))} TO ${q(checkName(n.table, c.name))};`,
          );
      // Also before a rebuild: renaming rewrites the foreign keys of other tables that point here.
      lite.push(`ALTER TABLE ${q(o.table)} RENAME TO ${q(n.table)};`);
    }
    if (w.pkChanged) {
      problems.push({ code: "HAM0837", table: n.table });
      summary.push(`primary_key_${n.table}`);
      pg.push(`ALTER TABLE ${q(n.table)} DROP CONSTRAINT ${q(pkeyName(n.table))};`);
    }
    const table = q(n.table);
    for (const c of pair.columns) {
      if (c.old && c.new && c.old.name !== c.new.name) {
        summary.push(`rename_${n.table}_${c.old.name}_to_${c.new.name}`);
        pg.push(`ALTER TABLE ${table} RENAME COLUMN ${q(c.old.name)} TO ${q(c.new.name)};`);
        if (typeCheck("postgres", c.old.name, c.old.type))
          pg.push(
            `ALTER TABLE ${table} RENAME CONSTRAINT ${q(checkName(n.table, c.old.name))} TO ${q(checkName(n.table, c.new.name))};`,
          );
        if (!w.rebuild) lite.push(`ALTER TABLE ${table} RENAME COLUMN ${q(c.old.name)} TO ${q(c.new.name)};`);
      }
    }
    for (const c of pair.columns) {
      if (c.old && !c.new) {
        problems.push({ code: "HAM0831", table: n.table, column: c.old.name });
        summary.push(`drop_${n.table}_${c.old.name}`);
        pg.push(`ALTER TABLE ${table} DROP COLUMN ${q(c.old.name)};`);
      }
    }
    for (const c of pair.columns) {
      if (!c.old || !c.new) continue;
      const col = q(c.new.name);
      const typeChanged = !sameType(c.old.type, c.new.type);
      const defaultChanged = !same(c.old.default, c.new.default);
      if (!typeChanged && !defaultChanged && c.old.nullable === c.new.nullable) continue;
      summary.push(`alter_${n.table}_${c.new.name}`);
      if (typeChanged) {
        if (!widening(c.old.type, c.new.type))
          problems.push({
            code: "HAM0832",
            table: n.table,
            column: c.new.name,
            from: typeName(c.old.type),
            to: typeName(c.new.type),
          });
        if (typeCheck("postgres", c.new.name, c.old.type))
          pg.push(`ALTER TABLE ${table} DROP CONSTRAINT ${q(checkName(n.table, c.new.name))};`);
        const to = sqlType("postgres", c.new.type);
        if (to !== sqlType("postgres", c.old.type)) {
          if (c.old.default) pg.push(`ALTER TABLE ${table} ALTER COLUMN ${col} DROP DEFAULT;`);
          pg.push(`ALTER TABLE ${table} ALTER COLUMN ${col} TYPE ${to} USING ${col}::${to};`);
        }
        const check = typeCheck("postgres", c.new.name, c.new.type);
        if (check)
          pg.push(`ALTER TABLE ${table} ADD CONSTRAINT ${q(checkName(n.table, c.new.name))} CHECK (${check});`);
      }
      if (defaultChanged || typeChanged) {
        if (c.new.default)
          pg.push(
            `ALTER TABLE ${table} ALTER COLUMN ${col} SET DEFAULT ${defaultSql("postgres", c.new.type, c.new.default)};`,
          );
        else if (c.old.default && !typeChanged) pg.push(`ALTER TABLE ${table} ALTER COLUMN ${col} DROP DEFAULT;`);
      }
      if (c.old.nullable && !c.new.nullable) {
        if (c.new.default) {
          // Row-level security would hide every row from the owner's backfill: lift it meanwhile.
          if (!n.global) pg.push(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY;`);
          pg.push(
            `UPDATE ${table} SET ${col} = ${defaultSql("postgres", c.new.type, c.new.default)} WHERE ${col} IS NULL;`,
          );
          if (!n.global) pg.push(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;`);
        } else problems.push({ code: "HAM0833", table: n.table, column: c.new.name });
        pg.push(`ALTER TABLE ${table} ALTER COLUMN ${col} SET NOT NULL;`);
      } else if (!c.old.nullable && c.new.nullable) pg.push(`ALTER TABLE ${table} ALTER COLUMN ${col} DROP NOT NULL;`);
    }
    for (const c of pair.columns) {
      if (c.old || !c.new) continue;
      summary.push(`add_${n.table}_${c.new.name}`);
      if (!c.new.nullable && !c.new.default) problems.push({ code: "HAM0833", table: n.table, column: c.new.name });
      pg.push(`ALTER TABLE ${table} ADD COLUMN ${columnSql("postgres", n.table, c.new)};`);
      if (!w.rebuild) lite.push(`ALTER TABLE ${table} ADD COLUMN ${columnSql("sqlite", n.table, c.new)};`);
    }
    if (w.pkChanged)
      pg.push(
        `ALTER TABLE ${table} ADD CONSTRAINT ${q(pkeyName(n.table))} PRIMARY KEY (${n.primaryKey.map(q).join(", ")});`,
      );
    if (w.rebuild) lite.push(...rebuild(w.pair, n));
    if (w.addedIndexes.length > 0 || w.droppedIndexes.length > 0) summary.push(`index_${n.table}`);
    for (const i of w.addedIndexes) {
      pg.push(createIndex(n, i));
      if (!w.rebuild) lite.push(createIndex(n, i));
    }
    // Documentation (PostgreSQL keeps it as comments; SQLite only in CREATE TABLE text).
    if (!same(o.docs, n.docs)) pg.push(comment("TABLE", table, n.docs));
    for (const c of pair.columns)
      if (c.new && c.old && !same(c.old.docs, c.new.docs))
        pg.push(comment("COLUMN", `${table}.${q(c.new.name)}`, c.new.docs));
    for (const c of pair.columns)
      if (c.new && !c.old && c.new.docs.length) pg.push(comment("COLUMN", `${table}.${q(c.new.name)}`, c.new.docs));
    if (
      summary.length === 0 &&
      (!same(o.docs, n.docs) || pair.columns.some((c) => c.old && c.new && !same(c.old.docs, c.new.docs)))
    )
      summary.push(`docs_${n.table}`);
  }

  // 4. New tables, then every new foreign key (PostgreSQL), so tables may refer to each other.
  for (const t of created) {
    summary.push(`create_${t.table}`);
    pg.push(...createTableFull("postgres", t));
    lite.push(...createTableFull("sqlite", t));
  }
  for (const t of created) for (const fk of t.foreignKeys) pg.push(addForeignKey(t.table, fk));
  for (const w of works) for (const fk of w.addedFks) pg.push(addForeignKey(w.n.table, fk));
  return { statements: out, summary, problems };
}

/** SQLite's way to change a table: create the new one, copy, drop the old, rename, re-index. */
function rebuild(pair: TablePair, n: SnapshotTable): string[] {
  const temp = `_hamlet_new_${n.table}`;
  const targets: string[] = [];
  const sources: string[] = [];
  if (!n.global) {
    targets.push(q(TENANT_COLUMN));
    sources.push(q(TENANT_COLUMN));
  }
  for (const c of pair.columns) {
    if (!c.old || !c.new) continue;
    let expr = q(c.old.name);
    if (sqlType("sqlite", c.old.type) !== sqlType("sqlite", c.new.type))
      expr = `CAST(${expr} AS ${sqlType("sqlite", c.new.type)})`;
    if (c.old.nullable && !c.new.nullable && c.new.default)
      expr = `COALESCE(${expr}, ${defaultSql("sqlite", c.new.type, c.new.default)})`;
    targets.push(q(c.new.name));
    sources.push(expr);
  }
  return [
    createTable("sqlite", n, temp),
    `INSERT INTO ${q(temp)} (${targets.join(", ")}) SELECT ${sources.join(", ")} FROM ${q(n.table)};`,
    `DROP TABLE ${q(n.table)};`,
    `ALTER TABLE ${q(temp)} RENAME TO ${q(n.table)};`,
    ...n.indexes.map((i) => createIndex(n, i)),
  ];
}
