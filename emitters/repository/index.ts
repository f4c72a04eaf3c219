/**
 * The `repository` emitter: `typescript/repositories.ts`, a tenant-scoped typed repository per
 * model (insert, get, list, update, delete) over runtime-node's `Database`, for the tables the
 * `sql` emitter's migrations create.
 *
 * Every statement is parameterized; identifiers come only from the generated column lists.
 * A tenant-scoped repository adds `tenant_id = $1` to every statement on both dialects and, on
 * PostgreSQL, runs inside `withTenant` so row-level security agrees. Row types are declared in
 * the file itself, with the schema's field names; it needs nothing but a `Database`-shaped
 * object (structurally typed), so it compiles on its own under `tsc --strict`.
 */
import { formatTypeScript } from "../../src/emit/format-typescript.js";
import { defineEmitter } from "../../src/emit/types.js";
import type { ColumnDef, ModelDef, Schema } from "../../src/schema/types.js";
import { columnType, type ColumnType } from "../../src/schema/query.js";

function tsType(t: ColumnType): string {
  switch (t.base) {
    case "Int":
    case "Float":
      return "number";
    case "Bool":
      return "boolean";
    case "Json":
      return "Json";
    case "Bytes":
      return "Uint8Array";
    case "enum":
      return t.values.map((v) => JSON.stringify(v)).join(" | ");
    // The wire types' representations (types.ts), so values pass between them unconverted.
    case "Uuid":
      return "Uuid";
    case "Timestamp":
      return "Date";
    case "Date":
      return "IsoDate";
    default:
      return "string";
  }
}

function decoder(t: ColumnType, value: string): string {
  switch (t.base) {
    case "Int":
    case "Float":
      return `toNumber(${value})`;
    case "Bool":
      return `toBool(${value})`;
    case "Json":
      return `toJson(${value}, dialect)`;
    case "Bytes":
      return `toBytes(${value})`;
    case "Timestamp":
      return `toTimestamp(${value})`;
    case "Date":
      return `toDate(${value})`;
    case "enum":
    case "Uuid":
      return `String(${value}) as ${tsType(t)}`;
    default:
      return `String(${value})`;
  }
}

function encoder(t: ColumnType, value: string): string {
  if (t.base === "Json") return `JSON.stringify(${value})`;
  // UTC text on both dialects: SQLite keeps what it is given, so normalise before writing.
  if (t.base === "Timestamp") return `fromTimestamp(${value} as Date | string)`;
  return value;
}

const doc = (lines: readonly string[], indent = "") => (lines.length ? `${indent}/** ${lines.join(` `)} */\n` : "");

export const PRELUDE = `
/** A value bound to a \`$n\` placeholder (runtime-node's \`SqlParam\`). */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

/** A UUID (\`Uuid\` columns); the same type as \`Uuid\` in types.ts. */
export type Uuid = string & { readonly __hamlet: "Uuid" };

/** A calendar date \`YYYY-MM-DD\` (\`Date\` columns); the same type as \`IsoDate\` in types.ts. */
export type IsoDate = string & { readonly __hamlet: "Date" };

/** A JSON value (\`Json\` columns). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The part of runtime-node's \`Database\` the repositories use; pass a \`Database\`. */
export interface RepositoryDatabase {
  readonly dialect: "sqlite" | "postgres";
  readonly tenantId: string | null;
  query<T extends object = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  withTenant<T>(tenantId: string, fn: (tx: RepositoryDatabase) => Promise<T>): Promise<T>;
}

/** Options of \`list\`: equality filters and ordering on indexed columns, and a limit. */
export interface ListOptions<Filter, Column extends string> {
  readonly where?: Filter;
  readonly orderBy?: Column;
  readonly direction?: "asc" | "desc";
  readonly limit?: number;
}

type Row = Record<string, unknown>;

function tenantOf(db: RepositoryDatabase, tenantId: string | undefined): string {
  const id = tenantId ?? db.tenantId;
  if (typeof id !== "string" || id === "") throw new Error("Hamlet: a tenant-scoped repository needs a tenant id (pass one, or a handle from withTenant)");
  return id;
}

/** On PostgreSQL, runs in a transaction that sets the tenant for row-level security. */
function scoped<T>(db: RepositoryDatabase, tenantId: string | null, fn: (tx: RepositoryDatabase) => Promise<T>): Promise<T> {
  if (tenantId === null || db.dialect === "sqlite" || db.tenantId === tenantId) return fn(db);
  return db.withTenant(tenantId, fn);
}

function toNumber(value: unknown): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(\`Hamlet: expected a number column, got \${String(value)}\`);
  return n;
}
function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === 1n;
}
function toTimestamp(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new Error(\`Hamlet: expected a timestamp column, got \${String(value)}\`);
  return date;
}
/** A Timestamp parameter as RFC 3339 UTC text (\`…Z\`), whatever offset a string was written with. */
function fromTimestamp(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(\`Hamlet: not a timestamp: \${String(value)}\`);
  return date.toISOString();
}
function toDate(value: unknown): IsoDate {
  if (!(value instanceof Date)) return String(value) as IsoDate;
  const pad = (n: number) => String(n).padStart(2, "0");
  return \`\${String(value.getFullYear()).padStart(4, "0")}-\${pad(value.getMonth() + 1)}-\${pad(value.getDate())}\` as IsoDate;
}
function toJson(value: unknown, dialect: RepositoryDatabase["dialect"]): Json {
  return (dialect === "sqlite" && typeof value === "string" ? JSON.parse(value) : value) as Json;
}
function toBytes(value: unknown): Uint8Array {
  return value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer);
}
function q(name: string): string {
  return \`"\${name}"\`;
}
function limitOf(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(\`Hamlet: limit must be a non-negative integer, got \${limit}\`);
  return limit;
}
`;

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function modelCode(schema: Schema, m: ModelDef): string {
  const n = m.name;
  const tenant = !m.global;
  const cols = m.columns.map((c) => ({ def: c, type: columnType(schema, c.type) }));
  const pk = m.primaryKey.map((name) => cols.find((c) => c.def.name === name)!);
  const indexed = new Set<string>(m.primaryKey);
  for (const c of m.columns) if (c.indexed || c.unique) indexed.add(c.name);
  for (const i of m.indexes) for (const c of i.columns) indexed.add(c);
  const filterable = cols.filter((c) => indexed.has(c.def.name));
  const field = (c: { def: ColumnDef; type: ColumnType }) => JSON.stringify(c.def.name);
  const optionalOnInsert = (c: ColumnDef) => c.nullable || c.columnDefault !== undefined;
  const lines: string[] = [];
  lines.push(`${doc(m.docs)}export interface ${n} {`);
  for (const c of cols)
    lines.push(`${doc(c.def.docs, "  ")}  ${field(c)}: ${tsType(c.type)}${c.def.nullable ? " | null" : ""};`);
  lines.push("}", "");
  lines.push(`/** A new ${n}: columns with a default or \`null\` may be left out. */`, `export interface ${n}Insert {`);
  for (const c of cols)
    lines.push(
      `  ${field(c)}${optionalOnInsert(c.def) ? "?" : ""}: ${tsType(c.type)}${c.def.nullable ? " | null" : ""};`,
    );
  lines.push("}", "");
  lines.push(`/** The primary key of ${n}${tenant ? " (within the tenant)" : ""}. */`, `export interface ${n}Key {`);
  for (const c of pk) lines.push(`  ${field(c)}: ${tsType(c.type)};`);
  lines.push("}", "");
  const patchable = cols.filter((c) => !c.def.primary);
  lines.push(`/** Columns to change; the others keep their values. */`, `export interface ${n}Patch {`);
  for (const c of patchable) lines.push(`  ${field(c)}?: ${tsType(c.type)}${c.def.nullable ? " | null" : ""};`);
  lines.push("}", "");
  lines.push(`/** Equality filters of \`list\` (indexed columns). */`, `export interface ${n}Filter {`);
  for (const c of filterable) lines.push(`  ${field(c)}?: ${tsType(c.type)}${c.def.nullable ? " | null" : ""};`);
  lines.push("}", "");
  lines.push(
    `/** Columns \`list\` can order by (indexed columns). */`,
    `export type ${n}Order = ${filterable.map((c) => JSON.stringify(c.def.column)).join(" | ") || "never"};`,
    "",
  );
  const meta = `${camel(n)}Columns`;
  lines.push(`const ${meta} = {`);
  lines.push(`  all: [${cols.map((c) => JSON.stringify(c.def.column)).join(", ")}] as const,`);
  lines.push(`  key: [${pk.map((c) => JSON.stringify(c.def.column)).join(", ")}] as const,`);
  lines.push(`  patch: [${patchable.map((c) => JSON.stringify(c.def.column)).join(", ")}] as const,`);
  lines.push(`  filter: [${filterable.map((c) => JSON.stringify(c.def.column)).join(", ")}] as const,`);
  lines.push(`};`, "");
  const convertedCols = cols.filter((c) => c.type.base === "Json" || c.type.base === "Timestamp");
  lines.push(`function encode${n}(${convertedCols.length ? "column" : "_column"}: string, value: unknown): SqlValue {`);
  if (convertedCols.length) {
    lines.push(`  switch (column) {`);
    for (const c of convertedCols)
      lines.push(
        `    case ${JSON.stringify(c.def.column)}: return value === null ? null : ${encoder(c.type, "value")};`,
      );
    lines.push(`    default: return value as SqlValue;`, `  }`);
  } else lines.push(`  return value as SqlValue;`);
  lines.push(`}`, "");
  lines.push(`function decode${n}(row: Row, dialect: RepositoryDatabase["dialect"]): ${n} {`, `  return {`);
  for (const c of cols) {
    const v = `row[${JSON.stringify(c.def.column)}]`;
    lines.push(
      `    ${field(c)}: ${c.def.nullable ? `${v} === null || ${v} === undefined ? null : ` : ""}${decoder(c.type, v)},`,
    );
  }
  lines.push(`  };`, `}`, "");

  const tenantArg = tenant ? "this.#tenant" : "null";
  const start = tenant
    ? `const params: SqlValue[] = [this.#tenant]; const where: string[] = ['"tenant_id" = $1'];`
    : `const params: SqlValue[] = []; const where: string[] = [];`;
  lines.push(
    `${doc(m.docs.length ? m.docs : [`Typed access to the \`${m.table}\` table.`])}export class ${n}Repository {`,
  );
  lines.push(`  readonly #db: RepositoryDatabase;`);
  if (tenant) {
    lines.push(`  readonly #tenant: string;`);
    lines.push(`  /** Rows of one tenant: \`tenantId\`, or the tenant of a handle from \`withTenant\`. */`);
    lines.push(
      `  constructor(db: RepositoryDatabase, tenantId?: string) { this.#db = db; this.#tenant = tenantOf(db, tenantId); }`,
    );
  } else {
    lines.push(`  /** \`@global\`: rows shared by every tenant. */`);
    lines.push(`  constructor(db: RepositoryDatabase) { this.#db = db; }`);
  }
  lines.push(`
  #keyWhere(key: ${n}Key, params: SqlValue[], where: string[]): void {
    for (const column of ${meta}.key) { params.push(encode${n}(column, key[column as keyof ${n}Key])); where.push(\`\${q(column)} = $\${params.length}\`); }
  }

  /** Inserts a row and returns it with the database's defaults filled in. */
  async insert(row: ${n}Insert): Promise<${n}> {
    const columns: string[] = ${tenant ? `["tenant_id"]` : "[]"};
    const params: SqlValue[] = ${tenant ? "[this.#tenant]" : "[]"};
    for (const column of ${meta}.all) {
      const value = row[column as keyof ${n}Insert];
      if (value === undefined) continue;
      columns.push(column);
      params.push(encode${n}(column, value));
    }
    const sql = \`INSERT INTO "${m.table}" (\${columns.map(q).join(", ")}) VALUES (\${params.map((_, i) => \`$\${i + 1}\`).join(", ")}) RETURNING *\`;
    return scoped(this.#db, ${tenantArg}, async (db) => decode${n}((await db.query<Row>(sql, params))[0]!, db.dialect));
  }

  /** The row with this primary key${tenant ? " in this tenant" : ""}, or undefined. */
  async get(key: ${n}Key): Promise<${n} | undefined> {
    ${start}
    this.#keyWhere(key, params, where);
    const sql = \`SELECT * FROM "${m.table}" WHERE \${where.join(" AND ")}\`;
    return scoped(this.#db, ${tenantArg}, async (db) => {
      const row = (await db.query<Row>(sql, params))[0];
      return row === undefined ? undefined : decode${n}(row, db.dialect);
    });
  }

  /** Rows${tenant ? " of this tenant" : ""} matching every filter, ordered (then by primary key), at most \`limit\`. */
  async list(options: ListOptions<${n}Filter, ${n}Order> = {}): Promise<${n}[]> {
    ${start}
    for (const column of ${meta}.filter) {
      const value = options.where?.[column as keyof ${n}Filter];
      if (value === undefined) continue;
      if (value === null) { where.push(\`\${q(column)} IS NULL\`); continue; }
      params.push(encode${n}(column, value));
      where.push(\`\${q(column)} = $\${params.length}\`);
    }
    const order: string[] = [];
    const direction = options.direction === "desc" ? "DESC" : "ASC";
    if (options.orderBy !== undefined) {
      if (!(${meta}.filter as readonly string[]).includes(options.orderBy)) throw new Error(\`Hamlet: cannot order ${n} by \${String(options.orderBy)}\`);
      order.push(\`\${q(options.orderBy)} \${direction}\`);
    }
    for (const column of ${meta}.key) order.push(\`\${q(column)} \${direction}\`);
    let sql = \`SELECT * FROM "${m.table}"\${where.length ? \` WHERE \${where.join(" AND ")}\` : ""} ORDER BY \${order.join(", ")}\`;
    const limit = limitOf(options.limit);
    if (limit !== undefined) { params.push(limit); sql += \` LIMIT $\${params.length}\`; }
    return scoped(this.#db, ${tenantArg}, async (db) => (await db.query<Row>(sql, params)).map((row) => decode${n}(row, db.dialect)));
  }

  /** Changes the row with this primary key${tenant ? " in this tenant" : ""}; returns it, or undefined when there is none. */
  async update(key: ${n}Key, patch: ${n}Patch): Promise<${n} | undefined> {
    ${start}
    const sets: string[] = [];
    for (const column of ${meta}.patch) {
      const value = patch[column as keyof ${n}Patch];
      if (value === undefined) continue;
      params.push(encode${n}(column, value));
      sets.push(\`\${q(column)} = $\${params.length}\`);
    }
    if (sets.length === 0) return this.get(key);
    this.#keyWhere(key, params, where);
    const sql = \`UPDATE "${m.table}" SET \${sets.join(", ")} WHERE \${where.join(" AND ")} RETURNING *\`;
    return scoped(this.#db, ${tenantArg}, async (db) => {
      const row = (await db.query<Row>(sql, params))[0];
      return row === undefined ? undefined : decode${n}(row, db.dialect);
    });
  }

  /** Deletes the row with this primary key${tenant ? " in this tenant" : ""}; true when there was one. */
  async delete(key: ${n}Key): Promise<boolean> {
    ${start}
    this.#keyWhere(key, params, where);
    const sql = \`DELETE FROM "${m.table}" WHERE \${where.join(" AND ")} RETURNING 1 AS deleted\`;
    return scoped(this.#db, ${tenantArg}, async (db) => (await db.query<Row>(sql, params)).length > 0);
  }
}
`);
  return lines.join("\n");
}

export function repositoriesFile(schema: Schema): string {
  const parts = [`// Generated by hamletc from package ${schema.package}. Do not edit.`, PRELUDE];
  for (const m of schema.models) parts.push(modelCode(schema, m));
  const anyTenant = schema.models.some((m) => !m.global);
  parts.push(`/** Every repository, ${anyTenant ? "scoped to one tenant" : "over one database"}. */`);
  parts.push(`export function repositories(db: RepositoryDatabase${anyTenant ? ", tenantId?: string" : ""}) {`);
  parts.push(`  return {`);
  for (const m of schema.models)
    parts.push(
      `    ${camel(m.name)}: ${m.global ? `new ${m.name}Repository(db)` : `new ${m.name}Repository(db, tenantId)`},`,
    );
  parts.push(`  };`, `}`, "");
  return parts.join("\n");
}

export const repositoryEmitter = defineEmitter<{ file: string }>({
  name: "repository",
  description: "Tenant-scoped typed repositories (insert, get, list, update, delete) for the models, in TypeScript.",
  outDir: "typescript",
  options: {
    file: { type: "string", default: "repositories.ts", description: "Name of the file to write." },
  },
  async emit(schema, { options }) {
    if (schema.models.length === 0) return [];
    const content = await formatTypeScript(repositoriesFile(schema), 100);
    return [{ path: options.file, content }];
  },
});
