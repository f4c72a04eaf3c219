import type { Database } from "./database.js";

/**
 * Runs `fn` with a handle scoped to `tenantId`: directly when `db` already is such
 * a handle, otherwise inside `db.withTenant` (a transaction, or a savepoint when
 * `db` is itself a transaction handle).
 */
export function inTenant<T>(db: Database, tenantId: string, fn: (tx: Database) => Promise<T>): Promise<T> {
  return db.tenantId === tenantId ? fn(db) : db.withTenant(tenantId, fn);
}
