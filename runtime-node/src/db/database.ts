/** SQL dialects supported by the runtime. */
export type Dialect = "sqlite" | "postgres";

/** A value that can be bound to a `$n` placeholder. */
export type SqlParam = string | number | bigint | boolean | null | Uint8Array;

/** Result of a statement that does not return rows. */
export interface ExecuteResult {
  /** Number of rows inserted, updated or deleted. */
  readonly rowCount: number;
}

/**
 * Minimal async database interface shared by the SQLite and PostgreSQL backends.
 *
 * SQL always uses PostgreSQL-style `$1, $2, ...` placeholders; the SQLite backend
 * translates them. A handle obtained inside {@link Database.transaction} or
 * {@link Database.withTenant} runs every statement inside that transaction.
 */
export interface Database {
  /** Which backend this handle talks to. */
  readonly dialect: Dialect;
  /** Tenant whose `hamlet.tenant_id` setting is active on this handle, if any. */
  readonly tenantId: string | null;
  /** Runs a statement and returns its rows. */
  query<T extends object = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** Runs a statement and returns the number of affected rows. */
  execute(sql: string, params?: readonly SqlParam[]): Promise<ExecuteResult>;
  /**
   * Runs `fn` in a transaction (a savepoint when already inside one): committed
   * when `fn` resolves, rolled back when it rejects.
   */
  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in a transaction scoped to `tenantId`. On PostgreSQL this sets the
   * transaction-local `hamlet.tenant_id` setting read by row-level-security policies;
   * on SQLite the tenant id is only carried on the handle for the scoped stores.
   */
  withTenant<T>(tenantId: string, fn: (tx: Database) => Promise<T>): Promise<T>;
  /** Releases the connection(s). Only meaningful on the root handle. */
  close(): Promise<void>;
}

/** Throws when a tenant id is empty or not a string (empty ids would defeat RLS). */
export function assertTenantId(tenantId: string): void {
  if (typeof tenantId !== "string" || tenantId.length === 0) {
    throw new Error("Hamlet: tenant id must be a non-empty string");
  }
}
