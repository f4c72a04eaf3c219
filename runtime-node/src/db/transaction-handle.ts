/**
 * The `Database` handle a transaction callback receives, the same on both dialects: it refuses
 * use after its transaction ended, and nests through the dialect's savepoint function.
 */
import { assertTenantId, type Database, type Dialect, type ExecuteResult, type SqlParam } from "./database.js";

export interface TransactionOperations {
  readonly dialect: Dialect;
  readonly tenantId: string | null;
  query<T extends object>(sql: string, params: readonly SqlParam[]): T[] | Promise<T[]>;
  execute(sql: string, params: readonly SqlParam[]): ExecuteResult | Promise<ExecuteResult>;
  /** Runs `fn` in a savepoint, scoped to `tenantId`. */
  nested<T>(tenantId: string | null, fn: (tx: Database) => Promise<T>): Promise<T>;
}

export function createTransactionHandle(ops: TransactionOperations): { handle: Database; end(): void } {
  let active = true;
  const check = (): void => {
    if (!active) throw new Error("Hamlet: transaction handle used after its transaction ended");
  };
  const handle: Database = {
    dialect: ops.dialect,
    tenantId: ops.tenantId,
    async query<T extends object>(sql: string, params: readonly SqlParam[] = []) {
      check();
      return ops.query<T>(sql, params);
    },
    async execute(sql: string, params: readonly SqlParam[] = []) {
      check();
      return ops.execute(sql, params);
    },
    transaction: (fn) => {
      check();
      return ops.nested(ops.tenantId, fn);
    },
    withTenant: async (id, fn) => {
      assertTenantId(id);
      check();
      return ops.nested(id, fn);
    },
    close: async () => {
      throw new Error("Hamlet: close() the root database handle, not a transaction handle");
    },
  };
  return { handle, end: () => void (active = false) };
}
