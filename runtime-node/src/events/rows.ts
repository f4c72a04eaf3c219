/** Conversions between event-store rows and the public types (BIGINT arrives as a string on PostgreSQL). */
import type { JsonValue } from "../json.js";
import type { AttemptError, EventStatus, StoredEvent } from "./types.js";

/** A `hamlet_events` row as either driver returns it. */
export interface EventRow {
  tenant_id: string;
  id: string;
  name: string;
  payload: string;
  session_id: string | null;
  correlation_id: string;
  causation_id: string | null;
  idempotency_key: string | null;
  status: string;
  due_at: number | string;
  attempts: number | string;
  locked_by: string | null;
  lease_until: number | string | null;
  last_error: string | null;
  errors: string;
  created_at: number | string;
  completed_at: number | string | null;
}

export function toNumber(value: number | string | bigint): number {
  return typeof value === "number" ? value : Number(value);
}

export function toNullableNumber(value: number | string | bigint | null): number | null {
  return value === null ? null : toNumber(value);
}

export function parseJson(text: string | null): JsonValue | null {
  return text === null ? null : (JSON.parse(text) as JsonValue);
}

export function parseErrors(text: string | null): AttemptError[] {
  if (text === null || text.length === 0) return [];
  return JSON.parse(text) as AttemptError[];
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    name: row.name,
    payload: JSON.parse(row.payload) as JsonValue,
    status: row.status as EventStatus,
    attempts: toNumber(row.attempts),
    dueAt: toNumber(row.due_at),
    createdAt: toNumber(row.created_at),
    completedAt: toNullableNumber(row.completed_at),
    sessionId: row.session_id,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    idempotencyKey: row.idempotency_key,
    lastError: row.last_error,
    errors: parseErrors(row.errors),
  };
}
