/**
 * Applies the runtime tables' DDL (sessions, KV, the PostgreSQL bus table) — the very statements the `sql` emitter puts into the numbered
 * migrations (`emitters/sql/runtime-tables.ts`) — for tests that serve from a fresh database.
 * Idempotent, also when run concurrently (an advisory lock on PostgreSQL).
 */
import { busTable } from "../../../emitters/sql/bus-table.js";
import { runtimeTables } from "../../../emitters/sql/runtime-tables.js";
import type { Database } from "../../src/db/database.js";

export async function ensureRuntimeTables(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    if (tx.dialect === "postgres") await tx.query("SELECT pg_advisory_xact_lock(hashtext('hamlet_runtime_tables'))");
    for (const statement of [...runtimeTables.up[tx.dialect], ...busTable.up[tx.dialect]]) await tx.execute(statement);
  });
}
