/**
 * The event store in the sql emitter's migrations (an extra DDL set): created once when
 * `event_store` is on and the schema declares events (the snapshot's `extras` remembers it),
 * re-run by a new migration when its DDL changed, FORCEd row level security on PostgreSQL,
 * applied to both databases and undone by the down migration.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EVENT_STORE_TABLES } from "../emitters/sql/event-store.js";
import { eventStoreDdl } from "../emitters/sql/event-store-ddl.js";
import { testDialects, useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { migrate, splitStatements } from "../runtime-node/src/db/migrate.js";
import { compile } from "../src/program/compile.js";
import type { Schema } from "../src/schema/types.js";
import { buildInto, migrationsOf, tempDir } from "./sql-helpers.js";

const scratch = tempDir("hamlet-sql-events-");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SCHEMA = `package shop
@table("orders")
model OrderRow {
  id: Uuid @primary @default(uuid)
  total: Int
}

event OrderPlaced { order_id: Uuid }
`;

function schemaWith(eventStore: boolean): Schema {
  const entry = join(scratch, "shop.hamlet");
  writeFileSync(entry, SCHEMA);
  const result = compile({ entries: [entry], features: { database: true, eventStore } });
  if (!result.schema) throw new Error(result.diagnostics.map((d) => d.message).join("; "));
  return result.schema;
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe("event store migrations", () => {
  const fresh = useFreshDatabases();

  it("appear once, in the first migration, while the feature stays on", async () => {
    const out = join(scratch, "once");
    const first = await buildInto(schemaWith(true), out);
    const second = await buildInto(schemaWith(true), out);
    expect(second.files).toEqual(first.files);
    const ups = first.files.filter((f) => f.path.endsWith(".up.sql"));
    expect(ups.map((f) => f.path).sort()).toEqual([
      "sql/postgres/0001_initial.up.sql",
      "sql/sqlite/0001_initial.up.sql",
    ]);
    for (const up of ups) expect(count(up.content, "CREATE TABLE IF NOT EXISTS hamlet_events (")).toBe(1);
    const pg = ups.find((f) => f.path.startsWith("sql/postgres/"))!.content;
    for (const table of EVENT_STORE_TABLES) expect(pg).toContain(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;`);
  });

  it("are re-run by a new migration when the event-store DDL changed since the snapshot", async () => {
    const out = join(scratch, "upgrade");
    await buildInto(schemaWith(true), out);
    const snapshotPath = join(out, "sql", "snapshot.json");
    const snapshot = JSON.parse(readFileSync(snapshotPath, "utf8")) as { extras: string[] };
    expect(snapshot.extras).toContain(eventStoreDdl.name);
    const older = snapshot.extras.map((name) => (name === eventStoreDdl.name ? "hamlet_event_store_older" : name));
    writeFileSync(snapshotPath, JSON.stringify({ ...snapshot, extras: older }));
    const upgraded = await buildInto(schemaWith(true), out);
    const up = upgraded.files.find((f) => f.path === "sql/postgres/0002_event_store.up.sql");
    expect(up?.content).toContain("CREATE OR REPLACE FUNCTION hamlet_claim_events");
    expect(count(up!.content, "CREATE TABLE IF NOT EXISTS hamlet_events (")).toBe(1);
    // Reverting the upgrade keeps the event store the earlier migration created (and its rows).
    for (const dialect of ["postgres", "sqlite"]) {
      const down = upgraded.files.find((f) => f.path === `sql/${dialect}/0002_event_store.down.sql`)?.content;
      expect(down).toContain("reverting this upgrade keeps its tables");
      expect(down).not.toContain("DROP");
      const first = readFileSync(join(out, "sql", dialect, "0001_initial.down.sql"), "utf8");
      expect(first).toContain("DROP TABLE IF EXISTS hamlet_events;");
    }
  });

  it("are left out when the feature is off", async () => {
    const out = join(scratch, "off");
    const built = await buildInto(schemaWith(false), out);
    for (const f of built.files) expect(f.content).not.toContain("hamlet_events");
  });

  it("are kept, with warning HAM0839 and no migration, when the feature is turned off later", async () => {
    const out = join(scratch, "turned-off");
    const on = await buildInto(schemaWith(true), out);
    expect(on.diagnostics.filter((d) => d.code === "HAM0839")).toEqual([]);
    const off = await buildInto(schemaWith(false), out);
    const warnings = off.diagnostics.filter((d) => d.code === "HAM0839");
    expect(warnings.map((d) => d.severity)).toEqual(["warning"]);
    expect(warnings[0]!.message).toContain("hamlet_events, hamlet_workflow_runs");
    expect(warnings[0]!.hint).toContain(".down.sql");
    // Nothing new to apply: the same migrations, none of them dropping the event store.
    expect(off.files.map((f) => f.path).sort()).toEqual(on.files.map((f) => f.path).sort());
    for (const f of off.files.filter((file) => file.path.endsWith(".up.sql"))) {
      expect(f.content).not.toContain("DROP TABLE IF EXISTS hamlet_events");
    }
    // Turned on again: the recorded set is still there, so nothing is added twice.
    const again = await buildInto(schemaWith(true), out);
    expect(again.files.map((f) => f.path).sort()).toEqual(on.files.map((f) => f.path).sort());
    expect(again.diagnostics.filter((d) => d.code === "HAM0839")).toEqual([]);
  });

  for (const dialect of testDialects) {
    it(`are created and undone by the down migration on ${dialect}`, { timeout: 60_000 }, async () => {
      const out = join(scratch, `apply-${dialect}`);
      const db = await fresh.open(dialect);
      try {
        const on = await buildInto(schemaWith(true), out);
        expect((await migrate(db, migrationsOf(on.files, dialect))).applied).toEqual(["0001_initial"]);
        expect(await eventTables(db)).toEqual([...EVENT_STORE_TABLES].sort());
        if (dialect === "postgres") {
          const forced = await db.query<{ relname: string; relforcerowsecurity: boolean }>(
            "SELECT relname, relforcerowsecurity FROM pg_class WHERE relname LIKE 'hamlet\\_%' AND relkind = 'r' ORDER BY relname",
          );
          const events = forced.filter((r) => (EVENT_STORE_TABLES as readonly string[]).includes(r.relname));
          expect(events.map((r) => r.relforcerowsecurity)).toEqual(EVENT_STORE_TABLES.map(() => true));
        }
        const down = on.files.find((f) => f.path === `sql/${dialect}/0001_initial.down.sql`)!;
        await db.transaction(async (tx) => {
          for (const statement of splitStatements(down.content)) await tx.execute(statement);
        });
        expect(await eventTables(db)).toEqual([]);
      } finally {
        await db.close();
      }
    });
  }
});

async function eventTables(db: Awaited<ReturnType<ReturnType<typeof useFreshDatabases>["open"]>>): Promise<string[]> {
  const sql =
    db.dialect === "sqlite"
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'hamlet_%' ORDER BY name"
      : "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'hamlet_%' ORDER BY tablename";
  const rows = await db.query<{ name: string }>(sql);
  return rows.map((r) => r.name).filter((name) => (EVENT_STORE_TABLES as readonly string[]).includes(name));
}
