/**
 * The SQL of the durable event store: insert (outbox), claim, lease renewal, completion and
 * failure. Every statement is plain `$n` SQL for both dialects unless marked otherwise.
 */
import { randomUUID } from "node:crypto";
import type { Database } from "../db/database.js";
import { postgresLiteral, runAtCommit } from "../db/postgres.js";
import { EVENT_NOTIFY_CHANNEL } from "./channel.js";
import { LostClaimError } from "./errors.js";
import { toNumber, type EventRow } from "./rows.js";
import type { AttemptError, EmittedEvent, EventScope, OutgoingEvent } from "./types.js";

const EVENT_COLUMNS =
  "tenant_id, id, name, payload, session_id, correlation_id, causation_id, idempotency_key, status, due_at, attempts, locked_by, lease_until, last_error, errors, created_at, completed_at";

/** When an outgoing event is due. */
export function dueTime(event: Pick<OutgoingEvent, "delayMs" | "dueAt">, now: number): number {
  if (event.dueAt !== undefined) return event.dueAt instanceof Date ? event.dueAt.getTime() : event.dueAt;
  return now + Math.max(0, event.delayMs ?? 0);
}

/**
 * Stores an event in `tx` (the caller's transaction). On PostgreSQL the same statement queues a
 * NOTIFY, sent by PostgreSQL only when the transaction commits. A repeated idempotency key
 * stores nothing and returns the stored event's id.
 */
export async function insertEvent(
  tx: Database,
  scope: EventScope,
  event: OutgoingEvent<string, unknown>,
  now: number,
): Promise<EmittedEvent> {
  const id = randomUUID();
  const correlationId = scope.correlationId ?? randomUUID();
  const due = dueTime(event, now);
  const params = [
    scope.tenantId,
    id,
    event.name,
    JSON.stringify(event.payload ?? null),
    scope.sessionId ?? null,
    correlationId,
    scope.causationId ?? null,
    event.idempotencyKey ?? null,
    due,
    now,
  ];
  const insert = `INSERT INTO hamlet_events (tenant_id, id, name, payload, session_id, correlation_id, causation_id, idempotency_key, status, due_at, attempts, errors, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, 0, '[]', $10)
    ON CONFLICT (tenant_id, name, idempotency_key) DO NOTHING RETURNING id`;
  const rows =
    tx.dialect === "postgres"
      ? await tx.query<{ id: string }>(
          `WITH ins AS (${insert}) SELECT ins.id, pg_notify('${EVENT_NOTIFY_CHANNEL}', $11) FROM ins`,
          [...params, due > now ? String(due) : ""],
        )
      : await tx.query<{ id: string }>(insert, params);
  if (rows.length > 0) return { id, correlationId, created: true };
  const [existing] = await tx.query<{ id: string; correlation_id: string }>(
    "SELECT id, correlation_id FROM hamlet_events WHERE tenant_id = $1 AND name = $2 AND idempotency_key = $3",
    [scope.tenantId, event.name, event.idempotencyKey ?? null],
  );
  if (existing === undefined) throw new Error(`Hamlet: event ${event.name} was neither stored nor found`);
  return { id: existing.id, correlationId: existing.correlation_id, created: false };
}

/**
 * Runs `fn` in a transaction that may see every tenant's event-store rows: on PostgreSQL it sets
 * `hamlet.event_dispatcher` for the `hamlet_event_dispatcher` policy. Used only to claim,
 * renew and schedule, never to run handlers.
 */
export function asDispatcher<T>(db: Database, fn: (tx: Database) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    if (tx.dialect === "postgres") await tx.query("SELECT set_config('hamlet.event_dispatcher', 'on', true)");
    return fn(tx);
  });
}

/**
 * Claims up to `limit` due events for `token`, oldest due first, in one statement on the root
 * handle: `hamlet_claim_events` (SKIP LOCKED, across tenants) on PostgreSQL, an UPDATE ... RETURNING
 * on SQLite.
 */
export async function claimDue(
  db: Database,
  token: string,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<EventRow[]> {
  if (db.dialect === "postgres") {
    return db.query<EventRow>("SELECT * FROM hamlet_claim_events($1, $2, $3, $4)", [now, limit, token, now + leaseMs]);
  }
  return db.query<EventRow>(
    `UPDATE hamlet_events SET status = 'running', locked_by = $3, lease_until = $4, attempts = attempts + 1
     WHERE rowid IN (SELECT rowid FROM hamlet_events WHERE status = 'pending' AND due_at <= $1 ORDER BY due_at LIMIT $2)
     RETURNING ${EVENT_COLUMNS}`,
    [now, limit, token, now + leaseMs],
  );
}

/** Earliest due time of a pending event in any tenant, or null (one statement on the root handle). */
export async function nextDueAt(db: Database): Promise<number | null> {
  const [row] = await db.query<{ due: number | string | null }>(
    db.dialect === "postgres"
      ? "SELECT hamlet_next_event_due() AS due"
      : "SELECT min(due_at) AS due FROM hamlet_events WHERE status = 'pending'",
  );
  return row === undefined || row.due === null ? null : toNumber(row.due);
}

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Extends the leases of every running claim of `workerId` (tokens are `workerId#n`). */
export async function renewLeases(tx: Database, workerId: string, until: number): Promise<number> {
  const result = await tx.execute(
    "UPDATE hamlet_events SET lease_until = $1 WHERE status = 'running' AND locked_by LIKE $2 ESCAPE '\\'",
    [until, likePrefix(`${workerId}#`)],
  );
  return result.rowCount;
}

/** Gives an unstarted claim back: pending again, the claim's attempt not counted. */
export async function releaseClaim(tx: Database, row: EventRow, token: string): Promise<void> {
  await tx.execute(
    `UPDATE hamlet_events SET status = 'pending', locked_by = NULL, lease_until = NULL, attempts = attempts - 1
     WHERE tenant_id = $1 AND id = $2 AND locked_by = $3 AND status = 'running'`,
    [row.tenant_id, row.id, token],
  );
}

/** Puts events whose lease expired (their process died or hung) back to pending. */
export async function reapExpiredLeases(tx: Database, now: number): Promise<number> {
  const message = "'lease of ' || coalesce(locked_by, '?') || ' expired'";
  // The lost attempt joins the error history like a thrown error.
  const history =
    tx.dialect === "postgres"
      ? `(errors::jsonb || jsonb_build_array(jsonb_build_object('attempt', attempts, 'at', $1::bigint, 'message', ${message})))::text`
      : `json_insert(errors, '$[#]', json_object('attempt', attempts, 'at', $1, 'message', ${message}))`;
  const result = await tx.execute(
    `UPDATE hamlet_events SET status = 'pending', last_error = ${message}, errors = ${history},
       locked_by = NULL, lease_until = NULL
     WHERE status = 'running' AND lease_until < $1`,
    [now],
  );
  return result.rowCount;
}

/** SQLSTATE raised by `hamlet_complete_event` when the claim was lost. */
export const LOST_CLAIM_SQLSTATE = "HE001";

/**
 * Marks a claimed event done inside the handler's transaction; throws when the claim was lost.
 * On PostgreSQL the completion rides on the COMMIT's round trip (`hamlet_complete_event`, which
 * raises HE001 and so rolls the transaction back when the claim was lost).
 */
export async function completeEvent(tx: Database, row: EventRow, token: string, now: number): Promise<void> {
  if (tx.dialect === "postgres") {
    const call = `SELECT hamlet_complete_event(${[row.tenant_id, row.id, token].map(postgresLiteral).join(", ")}, ${Math.trunc(now)})`;
    if (runAtCommit(tx, call)) return;
  }
  const result = await tx.execute(
    `UPDATE hamlet_events SET status = 'done', completed_at = $1, lease_until = NULL
     WHERE tenant_id = $2 AND id = $3 AND locked_by = $4 AND status = 'running'`,
    [now, row.tenant_id, row.id, token],
  );
  if (result.rowCount !== 1) throw new LostClaimError(`Hamlet: claim ${token} on event ${row.id} was lost`);
}

/** What happens to an event after a failed attempt. */
export interface FailureOutcome {
  readonly dead: boolean;
  /** Next delivery time when not dead. */
  readonly dueAt: number;
  readonly errors: readonly AttemptError[];
}

/** Records a failed attempt (retry later or dead letter); false when the claim was lost meanwhile. */
export async function recordFailure(
  tx: Database,
  row: EventRow,
  token: string,
  outcome: FailureOutcome,
): Promise<boolean> {
  const last = outcome.errors[outcome.errors.length - 1];
  const result = await tx.execute(
    `UPDATE hamlet_events SET status = $1, due_at = $2, last_error = $3, errors = $4, locked_by = NULL, lease_until = NULL
     WHERE tenant_id = $5 AND id = $6 AND locked_by = $7 AND status = 'running'`,
    [
      outcome.dead ? "dead" : "pending",
      outcome.dueAt,
      last?.message ?? null,
      JSON.stringify(outcome.errors),
      row.tenant_id,
      row.id,
      token,
    ],
  );
  return result.rowCount === 1;
}

/** Sends a wake-up to every dispatcher listening (PostgreSQL; no-op on SQLite). */
export async function notifyDispatchers(tx: Database, due: number | null): Promise<void> {
  if (tx.dialect !== "postgres") return;
  await tx.query(`SELECT pg_notify('${EVENT_NOTIFY_CHANNEL}', $1)`, [due === null ? "" : String(due)]);
}
