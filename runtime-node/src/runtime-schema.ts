import type { Database } from "./db/database.js";

/** Tables owned by the runtime (each has a `tenant_id` column and RLS on PostgreSQL). */
export const RUNTIME_TABLES = ["hamlet_sessions", "hamlet_kv"] as const;

const TABLES: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS hamlet_sessions (
    tenant_id TEXT NOT NULL CHECK (tenant_id <> ''),
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
  )`,
  `CREATE INDEX IF NOT EXISTS hamlet_sessions_expires_at ON hamlet_sessions (expires_at)`,
  `CREATE TABLE IF NOT EXISTS hamlet_kv (
    tenant_id TEXT NOT NULL CHECK (tenant_id <> ''),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at BIGINT,
    PRIMARY KEY (tenant_id, key)
  )`,
  `CREATE INDEX IF NOT EXISTS hamlet_kv_expires_at ON hamlet_kv (expires_at)`,
];

/** The RLS predicate: rows are visible only to the tenant set via `withTenant` (none when unset). */
export const TENANT_POLICY_PREDICATE = "tenant_id = current_setting('hamlet.tenant_id', true)";

/**
 * Creates the runtime's tables idempotently on either dialect. On PostgreSQL it also
 * enables and FORCEs row level security with a `hamlet_tenant_isolation` policy
 * (`USING`/`WITH CHECK` {@link TENANT_POLICY_PREDICATE}), so a connection that never
 * set `hamlet.tenant_id` sees no rows and cannot insert. Superusers and roles with
 * BYPASSRLS still bypass it: connect the app as an ordinary role.
 */
export async function ensureRuntimeTables(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    if (tx.dialect === "postgres") {
      // Serialize concurrent callers: CREATE ... IF NOT EXISTS races on PostgreSQL.
      await tx.query("select pg_advisory_xact_lock(hashtext('hamlet_runtime_tables'))");
    }
    for (const sql of TABLES) await tx.execute(sql);
    if (tx.dialect === "postgres") {
      for (const table of RUNTIME_TABLES) await enableTenantRls(tx, table);
    }
  });
}

async function enableTenantRls(tx: Database, table: string): Promise<void> {
  await tx.execute(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
  await tx.execute(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
  const existing = await tx.query(
    "select 1 from pg_policies where schemaname = current_schema() and tablename = $1 and policyname = 'hamlet_tenant_isolation'",
    [table],
  );
  if (existing.length === 0) {
    await tx.execute(
      `CREATE POLICY hamlet_tenant_isolation ON ${table} USING (${TENANT_POLICY_PREDICATE}) WITH CHECK (${TENANT_POLICY_PREDICATE})`,
    );
  }
}
