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
export function limitOf(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new Error(`Hamlet: limit must be a non-negative integer, got ${limit}`);
  return limit;
}
