/**
 * DDL of the event store (`[hamlet.features] event_store = true`), as data: the migrations emitter
 * writes these statements, and `runtime-node` tests apply them directly. The compiler owns the
 * text; the runtime (`runtime-node/src/events`) only reads and writes the rows.
 *
 * Every table leads with `tenant_id` and, on PostgreSQL, has FORCEd row level security with the
 * usual `hamlet_tenant_isolation` policy. A second policy, `hamlet_event_dispatcher`, opens the
 * rows to a transaction that set `hamlet.event_dispatcher = 'on'`: the dispatcher needs it to claim
 * due events across tenants; it then handles each event in a transaction scoped to the event's
 * tenant. Times are epoch milliseconds (BIGINT) in both dialects; JSON is stored as TEXT.
 */
export type EventStoreDialect = "sqlite" | "postgres";

/** The event store's tables, in creation order. */
export const EVENT_STORE_TABLES = [
  "hamlet_events",
  "hamlet_workflow_runs",
  "hamlet_workflow_steps",
  "hamlet_schedules",
  "hamlet_workflow_waits",
] as const;

/** PostgreSQL NOTIFY channel the runtime uses to wake dispatchers. */
export const EVENT_NOTIFY_CHANNEL = "hamlet_events";

const TENANT = "tenant_id TEXT NOT NULL CHECK (tenant_id <> '')";

const TABLES: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS hamlet_events (
  ${TENANT},
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  payload TEXT NOT NULL,
  session_id TEXT,
  correlation_id TEXT NOT NULL,
  causation_id TEXT,
  idempotency_key TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'dead')),
  due_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  locked_by TEXT,
  lease_until BIGINT,
  last_error TEXT,
  errors TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  completed_at BIGINT,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, name, idempotency_key)
)`,
  "CREATE INDEX IF NOT EXISTS hamlet_events_pending ON hamlet_events (due_at) WHERE status = 'pending'",
  "CREATE INDEX IF NOT EXISTS hamlet_events_leased ON hamlet_events (lease_until) WHERE status = 'running'",
  "CREATE INDEX IF NOT EXISTS hamlet_events_correlation ON hamlet_events (tenant_id, correlation_id)",
  "CREATE INDEX IF NOT EXISTS hamlet_events_dead ON hamlet_events (tenant_id, created_at) WHERE status = 'dead'",
  // Retention deletes the oldest completed events and finished runs, across tenants, in batches.
  "CREATE INDEX IF NOT EXISTS hamlet_events_done ON hamlet_events (completed_at) WHERE status = 'done'",
  `CREATE TABLE IF NOT EXISTS hamlet_workflow_runs (
  ${TENANT},
  id TEXT NOT NULL,
  workflow TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  correlation_id TEXT NOT NULL,
  session_id TEXT,
  trigger_event_id TEXT NOT NULL,
  trigger_payload TEXT NOT NULL,
  error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, id)
)`,
  "CREATE INDEX IF NOT EXISTS hamlet_workflow_runs_created ON hamlet_workflow_runs (tenant_id, created_at)",
  "CREATE INDEX IF NOT EXISTS hamlet_workflow_runs_finished ON hamlet_workflow_runs (updated_at) WHERE status <> 'running'",
  `CREATE TABLE IF NOT EXISTS hamlet_workflow_steps (
  ${TENANT},
  run_id TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
  output TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at BIGINT,
  finished_at BIGINT,
  errors TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (tenant_id, run_id, step_index)
)`,
  `CREATE TABLE IF NOT EXISTS hamlet_schedules (
  ${TENANT},
  name TEXT NOT NULL,
  every_ms BIGINT NOT NULL,
  next_due BIGINT NOT NULL,
  last_fired BIGINT,
  PRIMARY KEY (tenant_id, name)
)`,
  // A workflow step waiting for a service call (`awaitService`): one row per call of the step, in
  // call order (seq). The step shows as waiting while a row is; the call's outcome resumes it.
  `CREATE TABLE IF NOT EXISTS hamlet_workflow_waits (
  ${TENANT},
  run_id TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  service TEXT NOT NULL,
  call_event_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('waiting', 'answered', 'refused', 'exhausted')),
  outcome TEXT,
  resumes INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  resolved_at BIGINT,
  PRIMARY KEY (tenant_id, run_id, step_index, seq)
)`,
  "CREATE INDEX IF NOT EXISTS hamlet_workflow_waits_call ON hamlet_workflow_waits (tenant_id, call_event_id)",
];

const TENANT_PREDICATE = "tenant_id = current_setting('hamlet.tenant_id', true)";
const DISPATCHER_PREDICATE = "current_setting('hamlet.event_dispatcher', true) = 'on'";

function postgresRls(table: string): string[] {
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `DROP POLICY IF EXISTS hamlet_tenant_isolation ON ${table}`,
    `CREATE POLICY hamlet_tenant_isolation ON ${table} USING (${TENANT_PREDICATE}) WITH CHECK (${TENANT_PREDICATE})`,
    `DROP POLICY IF EXISTS hamlet_event_dispatcher ON ${table}`,
    `CREATE POLICY hamlet_event_dispatcher ON ${table} USING (${DISPATCHER_PREDICATE}) WITH CHECK (${DISPATCHER_PREDICATE})`,
  ];
}

/**
 * Keeps the claim on the ordered scan of `hamlet_events_pending` that stops after `LIMIT` rows. With
 * stale statistics (a burst of new events, not yet analyzed) the planner otherwise picks a bitmap
 * scan of every pending event plus a sort, cached in the function's plan: milliseconds per claim.
 */
const ORDERED_SCAN = "SET enable_sort = off SET enable_bitmapscan = off";

/**
 * PostgreSQL functions the dispatcher calls: each claims or looks across tenants in ONE statement
 * (one round trip), turning the `hamlet_event_dispatcher` setting on only for its own duration.
 */
const POSTGRES_FUNCTIONS: readonly string[] = [
  `CREATE OR REPLACE FUNCTION hamlet_claim_events(p_now BIGINT, p_limit INTEGER, p_token TEXT, p_lease_until BIGINT)
RETURNS SETOF hamlet_events LANGUAGE plpgsql ${ORDERED_SCAN} AS $$
BEGIN
  PERFORM set_config('hamlet.event_dispatcher', 'on', true);
  -- The locked rows are found again by ctid (a TID scan): joined on the key, a cached generic
  -- plan (LIMIT unknown) may hash-join the whole table on every claim.
  RETURN QUERY
    UPDATE hamlet_events e SET status = 'running', locked_by = p_token, lease_until = p_lease_until, attempts = e.attempts + 1
    WHERE e.ctid = ANY (ARRAY(
      SELECT d.ctid FROM hamlet_events d
      WHERE d.status = 'pending' AND d.due_at <= p_now
      ORDER BY d.due_at LIMIT p_limit FOR UPDATE SKIP LOCKED))
    RETURNING e.*;
  PERFORM set_config('hamlet.event_dispatcher', '', true);
END $$`,
  `CREATE OR REPLACE FUNCTION hamlet_complete_event(p_tenant TEXT, p_id TEXT, p_token TEXT, p_now BIGINT)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE hamlet_events SET status = 'done', completed_at = p_now, lease_until = NULL
  WHERE tenant_id = p_tenant AND id = p_id AND locked_by = p_token AND status = 'running';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'hamlet: the claim % on event % was lost', p_token, p_id USING ERRCODE = 'HE001';
  END IF;
END $$`,
  `CREATE OR REPLACE FUNCTION hamlet_next_event_due() RETURNS BIGINT LANGUAGE plpgsql ${ORDERED_SCAN} AS $$
DECLARE result BIGINT;
BEGIN
  PERFORM set_config('hamlet.event_dispatcher', 'on', true);
  SELECT min(due_at) INTO result FROM hamlet_events WHERE status = 'pending';
  PERFORM set_config('hamlet.event_dispatcher', '', true);
  RETURN result;
END $$`,
];

/**
 * The statements that create the event store on `dialect`, idempotent (IF NOT EXISTS, policies
 * dropped and re-created, functions replaced), without trailing semicolons. Run them in one
 * transaction. PostgreSQL also gets the dispatcher's functions `hamlet_claim_events`,
 * `hamlet_complete_event` (raises SQLSTATE HE001 when the claim was lost) and `hamlet_next_event_due`.
 */
export function eventStoreStatements(dialect: EventStoreDialect): readonly string[] {
  if (dialect === "sqlite") return TABLES;
  return [...TABLES, ...EVENT_STORE_TABLES.flatMap(postgresRls), ...POSTGRES_FUNCTIONS];
}
