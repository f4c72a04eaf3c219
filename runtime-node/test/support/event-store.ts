/**
 * Fresh databases with the event store and an `effects` table for tests; on PostgreSQL the app
 * connects as an ordinary role (RLS enforced, as in production) and an admin handle is returned too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { eventStoreStatements, EVENT_STORE_TABLES } from "../../../emitters/sql/event-store.js";
import type { Database, Dialect } from "../../src/db/database.js";
import { openPostgresDatabase } from "../../src/db/postgres.js";
import { openSqliteDatabase } from "../../src/db/sqlite.js";
import type { PayloadValidator } from "../../src/events/types.js";
import { postgresAvailable, usePostgres } from "./postgres.js";

export interface EventStoreDatabase {
  readonly dialect: Dialect;
  /** What the app and the event system use (ordinary role on PostgreSQL). */
  readonly db: Database;
  /** Superuser handle (PostgreSQL) or the same file (SQLite) for inspection and faults. */
  readonly admin: Database;
  /** URL for another process or the LISTEN connection (app role on PostgreSQL, file path on SQLite). */
  readonly url: string;
  /** Superuser URL (PostgreSQL) or the file path. */
  readonly adminUrl: string;
  /** Opens another app handle on the same database (a second "process" in this one). */
  reopen(): Database;
  close(): Promise<void>;
}

/** Applies the event store DDL and the test's `effects` table (tenant-scoped, RLS on PostgreSQL). */
export async function createEventStoreTables(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    for (const sql of eventStoreStatements(tx.dialect)) await tx.execute(sql);
    await tx.execute(`CREATE TABLE IF NOT EXISTS effects (
      tenant_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (tenant_id, key))`);
    await tx.execute(
      "CREATE TABLE IF NOT EXISTS effect_log (tenant_id TEXT NOT NULL, key TEXT NOT NULL, worker BIGINT NOT NULL)",
    );
    if (tx.dialect === "postgres") {
      for (const table of ["effects", "effect_log"]) {
        await tx.execute(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
        await tx.execute(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
        await tx.execute(
          `CREATE POLICY t ON ${table} USING (tenant_id = current_setting('hamlet.tenant_id', true)) WITH CHECK (tenant_id = current_setting('hamlet.tenant_id', true))`,
        );
      }
    }
  });
}

/** Factory of fresh event-store databases, cleaned up after the file. */
export function useEventStoreDatabases(): (dialect: Dialect) => Promise<EventStoreDatabase> {
  const pg = postgresAvailable ? usePostgres() : null;
  const dir = mkdtempSync(join(tmpdir(), "hamlet-events-"));
  let counter = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return async (dialect) => {
    if (dialect === "sqlite") {
      const file = join(dir, `events-${++counter}.sqlite`);
      const db = openSqliteDatabase(file);
      await createEventStoreTables(db);
      const others: Database[] = [];
      return {
        dialect,
        db,
        admin: db,
        url: file,
        adminUrl: file,
        reopen() {
          const other = openSqliteDatabase(file);
          others.push(other);
          return other;
        },
        async close() {
          for (const other of others) await other.close();
          await db.close();
        },
      };
    }
    if (pg === null) throw new Error("PostgreSQL is not available");
    const adminUrl = await pg.createDatabase();
    const admin = openPostgresDatabase(adminUrl);
    await createEventStoreTables(admin);
    const role = await pg.createRole();
    await admin.execute(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ${[...EVENT_STORE_TABLES, "effects", "effect_log"].join(", ")} TO ${role.name}`,
    );
    const url = role.urlFor(adminUrl);
    const db = openPostgresDatabase(url);
    const others: Database[] = [];
    return {
      dialect,
      db,
      admin,
      url,
      adminUrl,
      reopen() {
        const other = openPostgresDatabase(url);
        others.push(other);
        return other;
      },
      async close() {
        for (const other of others) await other.close();
        await db.close();
        await admin.close();
      },
    };
  };
}

/** A hand-written stand-in for a generated decoder of `{ key: String, amount: Int }`. */
export const validateWork: PayloadValidator<{ key: string; amount: number }> = (value) => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, errors: [{ path: "$", message: "expected an object" }] };
  }
  const record = value as Record<string, unknown>;
  const errors = [];
  if (typeof record["key"] !== "string") errors.push({ path: "$.key", message: "expected a string" });
  if (typeof record["amount"] !== "number" || !Number.isInteger(record["amount"])) {
    errors.push({ path: "$.amount", message: "expected an integer" });
  }
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, value: { key: record["key"] as string, amount: record["amount"] as number } };
};

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
