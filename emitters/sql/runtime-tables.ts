/**
 * The tables runtime-node reads and writes besides the models' — sessions and the KV store — as
 * DDL data for the numbered migrations (see `extra-ddl.ts`). `hamlet_migrations` is created by
 * `hamletc migrate` itself.
 *
 * On PostgreSQL both tables get `ENABLE` + `FORCE ROW LEVEL SECURITY` with the tenant policy the
 * model tables use, and `hamlet_purge_expired(now_ms)`: a `SECURITY DEFINER` function, owned by
 * the migrating (owner) role, that deletes expired rows of every tenant — the application role
 * cannot see other tenants' rows, so it purges through this function (the owner reaches the rows
 * through the `hamlet_owner_purge` policy, which is granted to the migrating role only).
 */
import type { ExtraDdl } from "./extra-ddl.js";

const TENANT = "tenant_id = current_setting('hamlet.tenant_id', true)";

const sessionsAndKv = (types: { text: string; bigint: string }): string[] => [
  `CREATE TABLE IF NOT EXISTS hamlet_sessions (
  tenant_id ${types.text} NOT NULL CHECK (tenant_id <> ''),
  id ${types.text} NOT NULL,
  data ${types.text} NOT NULL,
  expires_at ${types.bigint} NOT NULL,
  PRIMARY KEY (tenant_id, id)
);`,
  "CREATE INDEX IF NOT EXISTS hamlet_sessions_expires_at ON hamlet_sessions (expires_at);",
  `CREATE TABLE IF NOT EXISTS hamlet_kv (
  tenant_id ${types.text} NOT NULL CHECK (tenant_id <> ''),
  key ${types.text} NOT NULL,
  value ${types.text} NOT NULL,
  expires_at ${types.bigint},
  PRIMARY KEY (tenant_id, key)
);`,
  "CREATE INDEX IF NOT EXISTS hamlet_kv_expires_at ON hamlet_kv (expires_at);",
];

const rls = (table: string): string[] => [
  `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;`,
  `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;`,
  `DROP POLICY IF EXISTS hamlet_tenant_isolation ON ${table};`,
  `CREATE POLICY hamlet_tenant_isolation ON ${table} USING (${TENANT}) WITH CHECK (${TENANT});`,
  // Only the role running the migration (the owner) may see and delete expiring rows of all tenants.
  `DROP POLICY IF EXISTS hamlet_owner_purge ON ${table};`,
  `DO $$ BEGIN EXECUTE format('CREATE POLICY hamlet_owner_purge ON ${table} FOR ALL TO %I USING (expires_at IS NOT NULL) WITH CHECK (false)', current_user); END $$;`,
];

export const runtimeTables: ExtraDdl = {
  name: "hamlet_runtime_v1",
  slug: "hamlet_runtime_tables",
  wanted: (schema) => schema.features.database,
  up: {
    sqlite: sessionsAndKv({ text: "TEXT", bigint: "INTEGER" }),
    postgres: [
      ...sessionsAndKv({ text: "text", bigint: "bigint" }),
      ...rls("hamlet_sessions"),
      ...rls("hamlet_kv"),
      // Schema-qualified names inside, a fixed search_path: a SECURITY DEFINER function must not
      // resolve tables through the caller's search_path.
      `DO $do$ BEGIN EXECUTE format($f$
CREATE OR REPLACE FUNCTION %1$I.hamlet_purge_expired(now_ms bigint) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
  WITH sessions AS (DELETE FROM %1$I.hamlet_sessions WHERE expires_at <= now_ms RETURNING 1),
       entries AS (DELETE FROM %1$I.hamlet_kv WHERE expires_at IS NOT NULL AND expires_at <= now_ms RETURNING 1)
  SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM entries)
$body$$f$, current_schema()); END $do$;`,
    ],
  },
  down: {
    sqlite: ["DROP TABLE IF EXISTS hamlet_kv;", "DROP TABLE IF EXISTS hamlet_sessions;"],
    postgres: [
      "DROP FUNCTION IF EXISTS hamlet_purge_expired(bigint);",
      "DROP TABLE IF EXISTS hamlet_kv;",
      "DROP TABLE IF EXISTS hamlet_sessions;",
    ],
  },
};
