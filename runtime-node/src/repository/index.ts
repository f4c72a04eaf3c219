/**
 * Helpers of the generated repositories (`@hamlet/runtime-node/repository`): the structural
 * database type they need (a runtime `Database` fits), column decoders and tenant scoping.
 * The generated `repositories.ts` imports exactly the helpers it needs.
 */
/** A value bound to a `$n` placeholder (runtime-node's `SqlParam`). */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

/** A UUID (`Uuid` columns); the same type as `Uuid` in types.ts. */
export type Uuid = string & { readonly __hamlet: "Uuid" };

/** A calendar date `YYYY-MM-DD` (`Date` columns); the same type as `IsoDate` in types.ts. */
export type IsoDate = string & { readonly __hamlet: "Date" };

/** A JSON value (`Json` columns). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The part of runtime-node's `Database` the repositories use; pass a `Database`. */
export interface RepositoryDatabase {
  readonly dialect: "sqlite" | "postgres";
  readonly tenantId: string | null;
  query<T extends object = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  withTenant<T>(tenantId: string, fn: (tx: RepositoryDatabase) => Promise<T>): Promise<T>;
}

/** Options of `list`: equality filters and ordering on indexed columns, and a limit. */
export interface ListOptions<Filter, Column extends string> {
  readonly where?: Filter;
  readonly orderBy?: Column;
  readonly direction?: "asc" | "desc";
  readonly limit?: number;
}

/** What `insertIfAbsent` returns: whether this call added the row, and the stored row. */
export interface InsertIfAbsentResult<T> {
  readonly inserted: boolean;
  readonly row: T;
}

export type Row = Record<string, unknown>;

export function tenantOf(db: RepositoryDatabase, tenantId: string | undefined): string {
  const id = tenantId ?? db.tenantId;
  if (typeof id !== "string" || id === "")
    throw new Error("Hamlet: a tenant-scoped repository needs a tenant id (pass one, or a handle from withTenant)");
  return id;
}

/** On PostgreSQL, runs in a transaction that sets the tenant for row-level security. */
export function scoped<T>(
  db: RepositoryDatabase,
  tenantId: string | null,
  fn: (tx: RepositoryDatabase) => Promise<T>,
): Promise<T> {
  if (tenantId === null || db.dialect === "sqlite" || db.tenantId === tenantId) return fn(db);
  return db.withTenant(tenantId, fn);
}

export function toNumber(value: unknown): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(`Hamlet: expected a number column, got ${String(value)}`);
  return n;
}
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === 1n;
}
export function toTimestamp(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new Error(`Hamlet: expected a timestamp column, got ${String(value)}`);
  return date;
}
/** A Timestamp parameter as RFC 3339 UTC text (`…Z`), whatever offset a string was written with. */
export function fromTimestamp(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`Hamlet: not a timestamp: ${String(value)}`);
  return date.toISOString();
}
export function toDate(value: unknown): IsoDate {
  if (!(value instanceof Date)) return String(value) as IsoDate;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${String(value.getFullYear()).padStart(4, "0")}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}` as IsoDate;
}
export function toJson(value: unknown, dialect: RepositoryDatabase["dialect"]): Json {
  return (dialect === "sqlite" && typeof value === "string" ? JSON.parse(value) : value) as Json;
}
export function toBytes(value: unknown): Uint8Array {
  return value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer);
}
export function q(name: string): string {
  return `"${name}"`;
}
/**
 * The most parameters one statement of `getMany` binds: 999, SQLite's limit before 3.32 and the
 * lowest any SQLite build has by default (PostgreSQL allows 65535), so every build runs it.
 */
export const MAX_STATEMENT_PARAMS = 999;

/**
 * The identity of a primary key: its column values, encoded as they are bound, in one string
 * (`getMany` matches the rows it reads to the keys it was asked for with it).
 */
export function keyIdentity(...values: readonly SqlValue[]): string {
  return values
    .map((value) => {
      if (value instanceof Uint8Array)
        return `x${Array.from(value, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
      if (typeof value === "string") return JSON.stringify(value);
      return `${typeof value}:${String(value)}`;
    })
    .join(",");
}

/** A `Uuid` key value as the database compares it: PostgreSQL's `uuid` ignores case, SQLite's text does not. */
export function uuidIdentity(value: SqlValue, dialect: RepositoryDatabase["dialect"]): SqlValue {
  return dialect === "postgres" && typeof value === "string" ? value.toLowerCase() : value;
}

/**
 * What `getMany` does around its statement: reads the distinct `keys` (by `identity` on
 * `dialect`) in chunks that keep each statement within {@link MAX_STATEMENT_PARAMS} (a parameter
 * for each of the `keyColumns` of a key, one for the tenant), and returns the rows found in the order of `keys`, each
 * once.
 */
export async function rowsInKeyOrder<K, R>(
  dialect: RepositoryDatabase["dialect"],
  keys: readonly K[],
  keyColumns: readonly string[],
  identity: (key: K | R, dialect: RepositoryDatabase["dialect"]) => string,
  read: (chunk: readonly K[]) => Promise<R[]>,
): Promise<R[]> {
  const distinct = new Map<string, K>();
  for (const key of keys) {
    const id = identity(key, dialect);
    if (!distinct.has(id)) distinct.set(id, key);
  }
  const wanted = [...distinct.values()];
  const size = Math.max(1, Math.floor((MAX_STATEMENT_PARAMS - 1) / Math.max(1, keyColumns.length)));
  const found = new Map<string, R>();
  for (let start = 0; start < wanted.length; start += size)
    for (const row of await read(wanted.slice(start, start + size))) found.set(identity(row, dialect), row);
  const rows: R[] = [];
  for (const id of distinct.keys()) {
    const row = found.get(id);
    if (row !== undefined) rows.push(row);
  }
  return rows;
}

export function limitOf(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new Error(`Hamlet: limit must be a non-negative integer, got ${limit}`);
  return limit;
}
