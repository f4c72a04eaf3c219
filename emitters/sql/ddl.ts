/** SQL text for tables, columns, indexes and constraints, per dialect. */
import type { JsonValue } from "../../src/schema/types.js";
import {
  identifier,
  TENANT_COLUMN,
  type ColumnType,
  type SnapshotColumn,
  type SnapshotDefault,
  type SnapshotForeignKey,
  type SnapshotIndex,
  type SnapshotTable,
} from "./model.js";

export type Dialect = "sqlite" | "postgres";
export const dialects: readonly Dialect[] = ["sqlite", "postgres"];

/** The RLS predicate, as in runtime-node's own tables: no tenant set → no rows. */
export const TENANT_PREDICATE = `"${TENANT_COLUMN}" = current_setting('hamlet.tenant_id', true)`;
export const POLICY_NAME = "hamlet_tenant_isolation";

export function q(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function str(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A random version 4 UUID in SQLite (lowercase, 8-4-4-4-12). */
export const SQLITE_UUID =
  "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))";
/** The current time in the wire format (RFC 3339, UTC, milliseconds), as SQLite text. */
export const SQLITE_NOW = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";

export function sqlType(dialect: Dialect, type: ColumnType): string {
  if (dialect === "sqlite") {
    switch (type.base) {
      case "Int":
      case "Bool":
        return "INTEGER";
      case "Float":
        return "REAL";
      case "Bytes":
        return "BLOB";
      default:
        return "TEXT";
    }
  }
  switch (type.base) {
    case "Int":
      return "bigint";
    case "Float":
      return "double precision";
    case "Bool":
      return "boolean";
    case "Uuid":
      return "uuid";
    case "Timestamp":
      return "timestamptz";
    case "Date":
      return "date";
    case "Bytes":
      return "bytea";
    case "Json":
      return "jsonb";
    default:
      return "text";
  }
}

/** The CHECK a column's type needs (enums; booleans on SQLite), or undefined. */
export function typeCheck(dialect: Dialect, column: string, type: ColumnType): string | undefined {
  if (type.base === "enum") return `${q(column)} IN (${type.values.map(str).join(", ")})`;
  if (type.base === "Bool" && dialect === "sqlite") return `${q(column)} IN (0, 1)`;
  return undefined;
}

export function checkName(table: string, column: string): string {
  return identifier(`${table}_${column}_check`);
}
export function pkeyName(table: string): string {
  return identifier(`${table}_pkey`);
}

export function literal(dialect: Dialect, type: ColumnType, value: JsonValue): string {
  if (value === null) return "NULL";
  switch (type.base) {
    case "Bool":
      return dialect === "sqlite" ? (value ? "1" : "0") : value ? "true" : "false";
    case "Int":
    case "Float":
      return String(value);
    case "Json":
      return dialect === "postgres" ? `${str(JSON.stringify(value))}::jsonb` : str(JSON.stringify(value));
    case "Bytes":
      return dialect === "postgres"
        ? `decode(${str(String(value))}, 'base64')`
        : `X'${Buffer.from(String(value), "base64").toString("hex")}'`;
    default:
      return str(String(value));
  }
}

export function defaultSql(dialect: Dialect, type: ColumnType, d: SnapshotDefault): string {
  if (d.kind === "uuid") return dialect === "postgres" ? "gen_random_uuid()" : SQLITE_UUID;
  if (d.kind === "now") return dialect === "postgres" ? "CURRENT_TIMESTAMP" : SQLITE_NOW;
  const text = literal(dialect, type, d.value);
  return dialect === "sqlite" && text.startsWith("-") ? `(${text})` : text;
}

/** `SQLite` needs a constant default for ADD COLUMN. */
export function constantDefault(d: SnapshotDefault | undefined): boolean {
  return d === undefined || d.kind === "literal";
}

function docComment(lines: readonly string[], indent: string): string[] {
  return lines.map((l) => `${indent}-- ${l}`.trimEnd());
}

export function columnSql(dialect: Dialect, table: string, c: SnapshotColumn): string {
  const parts = [q(c.name), sqlType(dialect, c.type)];
  if (!c.nullable) parts.push("NOT NULL");
  if (c.default) parts.push(`DEFAULT ${defaultSql(dialect, c.type, c.default)}`);
  const check = typeCheck(dialect, c.name, c.type);
  if (check) parts.push(`CONSTRAINT ${q(checkName(table, c.name))} CHECK (${check})`);
  return parts.join(" ");
}

export function tenantColumnSql(dialect: Dialect, table: string): string {
  return `${q(TENANT_COLUMN)} ${dialect === "sqlite" ? "TEXT" : "text"} NOT NULL CONSTRAINT ${q(checkName(table, TENANT_COLUMN))} CHECK (${q(TENANT_COLUMN)} <> '')`;
}

export function foreignKeySql(fk: SnapshotForeignKey): string {
  return `CONSTRAINT ${q(fk.name)} FOREIGN KEY (${fk.columns.map(q).join(", ")}) REFERENCES ${q(fk.table)} (${fk.references.map(q).join(", ")})`;
}

/**
 * `CREATE TABLE`. SQLite gets its foreign keys inline (it cannot add them later); PostgreSQL
 * gets them afterwards with `ALTER TABLE` (see `addForeignKey`), so tables may refer to each
 * other in any order.
 */
export function createTable(dialect: Dialect, t: SnapshotTable, name = t.table): string {
  const items: { docs: readonly string[]; text: string }[] = [];
  if (!t.global) items.push({ docs: [], text: tenantColumnSql(dialect, t.table) });
  for (const c of t.columns)
    items.push({ docs: dialect === "sqlite" ? c.docs : [], text: columnSql(dialect, t.table, c) });
  items.push({ docs: [], text: `CONSTRAINT ${q(pkeyName(t.table))} PRIMARY KEY (${t.primaryKey.map(q).join(", ")})` });
  if (dialect === "sqlite") for (const fk of t.foreignKeys) items.push({ docs: [], text: foreignKeySql(fk) });
  const lines = items.flatMap((item, i) => [
    ...docComment(item.docs, "  "),
    `  ${item.text}${i === items.length - 1 ? "" : ","}`,
  ]);
  const head = dialect === "sqlite" ? docComment(t.docs, "") : [];
  return [...head, `CREATE TABLE ${q(name)} (`, ...lines, ");"].join("\n");
}

export function createIndex(t: SnapshotTable, i: SnapshotIndex): string {
  return `CREATE ${i.unique ? "UNIQUE " : ""}INDEX ${q(i.name)} ON ${q(t.table)} (${i.columns.map(q).join(", ")});`;
}

export function addForeignKey(table: string, fk: SnapshotForeignKey): string {
  return `ALTER TABLE ${q(table)} ADD ${foreignKeySql(fk)};`;
}

export function comment(kind: "TABLE" | "COLUMN", target: string, docs: readonly string[]): string {
  return `COMMENT ON ${kind} ${target} IS ${docs.length ? str(docs.join("\n")) : "NULL"};`;
}

/** PostgreSQL row-level security for a tenant-scoped table: fails closed when no tenant is set. */
export function enableRls(table: string): string[] {
  return [
    `ALTER TABLE ${q(table)} ENABLE ROW LEVEL SECURITY;`,
    `ALTER TABLE ${q(table)} FORCE ROW LEVEL SECURITY;`,
    `CREATE POLICY ${POLICY_NAME} ON ${q(table)} USING (${TENANT_PREDICATE}) WITH CHECK (${TENANT_PREDICATE});`,
  ];
}

/** Everything to create a table from nothing (PG foreign keys excluded; see `createTable`). */
export function createTableFull(dialect: Dialect, t: SnapshotTable): string[] {
  const out = [createTable(dialect, t)];
  for (const i of t.indexes) out.push(createIndex(t, i));
  if (dialect === "postgres") {
    if (t.docs.length) out.push(comment("TABLE", q(t.table), t.docs));
    for (const c of t.columns) if (c.docs.length) out.push(comment("COLUMN", `${q(t.table)}.${q(c.name)}`, c.docs));
    if (!t.global) out.push(...enableRls(t.table));
  }
  return out;
}
