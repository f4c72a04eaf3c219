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

/** Every version of the event-store set is named this, then a digest of its statements. */
const EVENT_STORE_PREFIX = "hamlet_event_store_";

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
  return !usesEventStore(schema) && recorded.some((name) => name.startsWith(EVENT_STORE_PREFIX));
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

/** Reverting an upgrade of the event store keeps it: an earlier migration created it, and it holds events and runs. */
const KEEP = [
  "-- The event store was created by an earlier migration; reverting this upgrade keeps its tables (they hold\n-- events, runs and dead letters) and functions. Tables the upgrade added are unused by the earlier runtime.",
];

export const eventStoreDdl: ExtraDdl = {
  name: `${EVENT_STORE_PREFIX}${eventStoreDigest()}`,
  slug: "event_store",
  wanted: usesEventStore,
  up: { sqlite: up("sqlite"), postgres: up("postgres") },
  down: { sqlite: down("sqlite"), postgres: down("postgres") },
  versions: { prefix: EVENT_STORE_PREFIX, downAfterEarlier: { sqlite: KEEP, postgres: KEEP } },
};
