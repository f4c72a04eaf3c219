/**
 * The grants that let the server's app role (PostgreSQL) use what the owner role's migrations
 * created: rows only, never the schema (README "Two database roles"). Run by the owner after
 * `hamletc migrate`; the default privileges cover tables that later migrations add.
 */
import type { Database } from "./database.js";

/** `role` quoted as an SQL identifier. */
function identifier(role: string): string {
  if (role === "") throw new Error("Hamlet: the app role needs a name");
  return `"${role.replaceAll('"', '""')}"`;
}

/** The statements {@link grantAppRole} runs, in order (for a migration or a setup script of your own). */
export function appRoleGrants(role: string): string[] {
  const app = identifier(role);
  return [
    `GRANT USAGE ON SCHEMA public TO ${app}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app}`,
  ];
}

/** On `owner` (a connection as the role that ran the migrations), lets `role` read and write rows. */
export async function grantAppRole(owner: Database, role: string): Promise<void> {
  if (owner.dialect !== "postgres") throw new Error("Hamlet: database roles are a PostgreSQL feature");
  for (const statement of appRoleGrants(role)) await owner.execute(statement);
}
