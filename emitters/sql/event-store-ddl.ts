/**
 * The event store (`emitters/sql/event-store.ts`, owned by the runtime's event system) as an
 * extra DDL set of the migrations: added once when `event_store` is on and the schema declares
 * events, workflows or services. The set's name carries a digest of the statements, so a changed
 * event-store DDL is a new set: the next migration re-runs the (idempotent) statements.
 */
import { createHash } from "node:crypto";
import { usesEventStore } from "../../src/schema/query.js";
import type { Schema } from "../../src/schema/types.js";
import type { Dialect } from "./ddl.js";
import { EVENT_STORE_TABLES, eventStoreStatements } from "./event-store.js";
import type { ExtraDdl } from "./extra-ddl.js";

/** A short digest of the event-store DDL of both dialects. */
export function eventStoreDigest(): string {
  const text = JSON.stringify([eventStoreStatements("sqlite"), eventStoreStatements("postgres")]);
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

/** The event store's tables are created when the feature is on and the schema has something to store. */
export { usesEventStore };

/**
 * True when an earlier migration created the event store (the snapshot's `extras` lists a set of
 * it) but the schema no longer uses it. The tables are kept, never dropped by a migration: they
 * may hold dead letters and history (HAM0839 says so).
 */
export function eventStoreKeptAfterOff(schema: Schema, recorded: readonly string[]): boolean {
  return !usesEventStore(schema) && recorded.some((name) => name.startsWith("hamlet_event_store_"));
}

/** `DROP FUNCTION` for each function the DDL creates (PostgreSQL), with its argument types. */
function dropFunctions(dialect: Dialect): string[] {
  const drops: string[] = [];
  for (const statement of eventStoreStatements(dialect)) {
    const match = /^CREATE OR REPLACE FUNCTION (\w+)\(([^)]*)\)/.exec(statement);
    if (match === null) continue;
    const types = match[2]!
      .split(",")
      .map((arg) => arg.trim().split(/\s+/).slice(1).join(" "))
      .filter((type) => type !== "");
    drops.push(`DROP FUNCTION IF EXISTS ${match[1]}(${types.join(", ")});`);
  }
  return drops;
}

function down(dialect: Dialect): string[] {
  const tables = [...EVENT_STORE_TABLES].reverse().map((table) => `DROP TABLE IF EXISTS ${table};`);
  return [...dropFunctions(dialect), ...tables];
}

const up = (dialect: Dialect): string[] => eventStoreStatements(dialect).map((statement) => `${statement};`);

export const eventStoreDdl: ExtraDdl = {
  name: `hamlet_event_store_${eventStoreDigest()}`,
  slug: "event_store",
  wanted: usesEventStore,
  up: { sqlite: up("sqlite"), postgres: up("postgres") },
  down: { sqlite: down("sqlite"), postgres: down("postgres") },
};
