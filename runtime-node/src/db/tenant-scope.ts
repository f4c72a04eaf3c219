import type { Database } from "./database.js";

/**
 * Runs `fn` with a handle scoped to `tenantId`. On PostgreSQL that is `db` itself when
 * it already is such a handle, otherwise `db.withTenant` (a transaction, or a savepoint
 * inside one) so RLS policies see the tenant. On SQLite there is no RLS: `fn` runs on
 * `db` directly (callers filter on `tenant_id` themselves) and avoids a write lock.
 */
export function inTenant<T>(db: Database, tenantId: string, fn: (tx: Database) => Promise<T>): Promise<T> {
  if (db.dialect === "sqlite" || db.tenantId === tenantId) return fn(db);
  return db.withTenant(tenantId, fn);
}
