/**
 * DDL of the server-sent-event replay log (runtime-node `realtime/sse-log.ts`), as data: the
 * migrations emitter writes these statements when the event store is on and the schema declares
 * an `sse` stream or a workflow (whose status has its own stream); runtime-node tests apply them
 * directly.
 *
 * `hamlet_sse_counters` holds each tenant's last message id: incrementing it locks the row until
 * the publishing transaction commits, so a tenant's ids are gapless and committed in order, in
 * any number of processes. `hamlet_sse_messages` keeps the messages of the replay window
 * (`sessions` is a JSON array of the addressed session ids, NULL for the whole tenant; `data` the
 * encoded JSON). Both lead with `tenant_id` and, on PostgreSQL, have FORCEd row level security
 * with the usual tenant policy: every statement runs in a transaction scoped to one tenant, and
 * the runtime prunes each tenant's expired rows inside its own publishing transaction.
 */
import { createHash } from "node:crypto";
import type { Schema } from "../../src/schema/types.js";
import type { Dialect } from "./ddl.js";
import type { ExtraDdl } from "./extra-ddl.js";

/** The replay log's tables, in creation order. */
export const SSE_REPLAY_TABLES = ["hamlet_sse_counters", "hamlet_sse_messages"] as const;

const TENANT = "tenant_id TEXT NOT NULL CHECK (tenant_id <> '')";
const TENANT_PREDICATE = "tenant_id = current_setting('hamlet.tenant_id', true)";

const TABLES: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS hamlet_sse_counters (
  ${TENANT},
  last_id BIGINT NOT NULL,
  PRIMARY KEY (tenant_id)
)`,
  `CREATE TABLE IF NOT EXISTS hamlet_sse_messages (
  ${TENANT},
  id BIGINT NOT NULL,
  stream TEXT NOT NULL,
  sessions TEXT,
  data TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, id)
)`,
  "CREATE INDEX IF NOT EXISTS hamlet_sse_messages_created ON hamlet_sse_messages (tenant_id, created_at)",
];

function postgresRls(table: string): string[] {
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `DROP POLICY IF EXISTS hamlet_tenant_isolation ON ${table}`,
    `CREATE POLICY hamlet_tenant_isolation ON ${table} USING (${TENANT_PREDICATE}) WITH CHECK (${TENANT_PREDICATE})`,
  ];
}

/** The idempotent statements that create the replay log on `dialect`, without trailing semicolons. */
export function sseReplayStatements(dialect: Dialect): readonly string[] {
  if (dialect === "sqlite") return TABLES;
  return [...TABLES, ...SSE_REPLAY_TABLES.flatMap(postgresRls)];
}

/** The log is created when the event store is on and something streams (an `sse` or a workflow). */
export function usesSseReplay(schema: Schema): boolean {
  return schema.features.eventStore && (schema.sse.length > 0 || schema.workflows.length > 0);
}

function digest(): string {
  const text = JSON.stringify([sseReplayStatements("sqlite"), sseReplayStatements("postgres")]);
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

const up = (dialect: Dialect): string[] => sseReplayStatements(dialect).map((statement) => `${statement};`);
const down = (): string[] => [...SSE_REPLAY_TABLES].reverse().map((table) => `DROP TABLE IF EXISTS ${table};`);

export const sseReplayDdl: ExtraDdl = {
  name: `hamlet_sse_replay_${digest()}`,
  slug: "sse_replay",
  wanted: usesSseReplay,
  up: { sqlite: up("sqlite"), postgres: up("postgres") },
  down: { sqlite: down(), postgres: down() },
};
