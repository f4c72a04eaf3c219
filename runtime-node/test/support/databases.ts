import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { Database, Dialect } from "../../src/db/database.js";
import { openPostgresDatabase } from "../../src/db/postgres.js";
import { openSqliteDatabase } from "../../src/db/sqlite.js";
import { postgresAvailable, usePostgres } from "./postgres.js";
import { ensureRuntimeTables } from "./runtime-tables.js";

/** Dialects to run store tests against: always SQLite, PostgreSQL unless HAMLET_SKIP_PG=1 left it out. */
export const testDialects: readonly Dialect[] = postgresAvailable ? ["sqlite", "postgres"] : ["sqlite"];

/** Opens fresh databases (a temp SQLite file or a new PostgreSQL database) with the runtime tables. */
export interface FreshDatabases {
  open(dialect: Dialect): Promise<Database>;
}

/** Registers cleanup hooks for this file and returns a factory of fresh databases. */
export function useFreshDatabases(): FreshDatabases {
  const pg = postgresAvailable ? usePostgres() : null;
  const dir = mkdtempSync(join(tmpdir(), "hamlet-sqlite-"));
  let counter = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    async open(dialect) {
      let db: Database;
      if (dialect === "sqlite") db = openSqliteDatabase(join(dir, `db-${++counter}.sqlite`));
      else if (pg === null) throw new Error("PostgreSQL is not available (HAMLET_SKIP_PG=1)");
      else db = openPostgresDatabase(await pg.createDatabase());
      // What `hamletc migrate` would have created before the server starts.
      await ensureRuntimeTables(db);
      return db;
    },
  };
}
