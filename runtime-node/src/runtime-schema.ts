/**
 * What the server checks about its database at start-up. It creates nothing: the runtime's tables
 * come from the numbered migrations (`hamletc migrate`, run as the owner role; their DDL is in
 * `emitters/sql/runtime-tables.ts`), and the server connects as a separate, unprivileged role.
 */
import type { Database } from "./db/database.js";

/** Tables owned by the runtime (each has a `tenant_id` column and RLS on PostgreSQL). */
export const RUNTIME_TABLES = ["hamlet_sessions", "hamlet_kv"] as const;

/** The RLS predicate: rows are visible only to the tenant set via `withTenant` (none when unset). */
export const TENANT_POLICY_PREDICATE = "tenant_id = current_setting('hamlet.tenant_id', true)";

/** What to do when the server's PostgreSQL role could bypass row-level security. */
export type PrivilegeCheck = "refuse" | "warn" | "off";

/** Thrown at start-up when the database is not ready for the server or the role is too powerful. */
export class DatabaseSetupError extends Error {}

/** Why the current PostgreSQL role defeats row-level security (empty when it does not). */
export async function privilegeProblems(db: Database): Promise<string[]> {
  if (db.dialect !== "postgres") return [];
  const [role] = await db.query<{ name: string; superuser: boolean; bypassrls: boolean }>(
    "SELECT rolname AS name, rolsuper AS superuser, rolbypassrls AS bypassrls FROM pg_roles WHERE rolname = current_user",
  );
  if (role === undefined) return [];
  const problems: string[] = [];
  if (role.superuser) problems.push(`role "${role.name}" is a superuser, so row-level security does not apply to it`);
  if (role.bypassrls) problems.push(`role "${role.name}" has BYPASSRLS, so row-level security does not apply to it`);
  const owned = await db.query<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relrowsecurity
       AND pg_has_role(current_user, c.relowner, 'MEMBER') ORDER BY 1`,
  );
  if (owned.length > 0 && !role.superuser) {
    const names = owned.map((row) => row.table);
    problems.push(
      `role "${role.name}" owns ${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}, so it can turn row-level security off`,
    );
  }
  return problems;
}

/**
 * Checks the database before serving: the runtime tables exist (else: run `hamletc migrate`), and
 * on PostgreSQL the role is not a superuser, has no BYPASSRLS and owns no tenant table — refused
 * with {@link DatabaseSetupError} (`"refuse"`), reported through `warn` (`"warn"`), or skipped.
 */
export async function checkRuntimeDatabase(
  db: Database,
  { privileges, warn }: { privileges: PrivilegeCheck; warn: (message: string) => void },
): Promise<void> {
  const missing = await missingRuntimeTables(db);
  if (missing.length > 0) {
    throw new DatabaseSetupError(
      `Hamlet: the database has no ${missing.join(", ")} table${missing.length > 1 ? "s" : ""}: run \`hamletc migrate\` (as the owner role) before starting the server`,
    );
  }
  if (privileges === "off") return;
  const problems = await privilegeProblems(db);
  if (problems.length === 0) return;
  const message = `Hamlet: the server's database ${problems.join("; ")}. Connect as a role without SUPERUSER and BYPASSRLS that does not own the tables (grant it SELECT, INSERT, UPDATE, DELETE; see "Two database roles" in runtime-node/README.md).`;
  if (privileges === "refuse") {
    throw new DatabaseSetupError(`${message} Set database.privilegeCheck = "warn" to start anyway.`);
  }
  warn(`${message} Row-level security does NOT isolate tenants for this connection.`);
}

async function missingRuntimeTables(db: Database): Promise<string[]> {
  const present =
    db.dialect === "postgres"
      ? await db.query<{ name: string }>(
          "SELECT c.relname AS name FROM pg_class c WHERE c.relname = ANY($1) AND pg_table_is_visible(c.oid)",
          [`{${RUNTIME_TABLES.join(",")}}`],
        )
      : await db.query<{ name: string }>(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${RUNTIME_TABLES.map((t) => `'${t}'`).join(", ")})`,
        );
  const names = new Set(present.map((row) => row.name));
  return RUNTIME_TABLES.filter((table) => !names.has(table));
}
