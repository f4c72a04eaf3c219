/** The typed admin API over the event store: dead letters and workflow runs, one tenant at a time. */
import type { Database } from "../db/database.js";
import { parseErrors, parseJson, toNullableNumber, toNumber, toStoredEvent, type EventRow } from "./rows.js";
import { notifyDispatchers } from "./store.js";
import { waitingSteps } from "./waits.js";
import type { EventAdmin, RunHistory, RunStatus, RunStep } from "./types.js";

interface RunRow {
  tenant_id: string;
  id: string;
  workflow: string;
  status: string;
  correlation_id: string;
  trigger_payload: string;
  error: string | null;
  created_at: number | string;
  updated_at: number | string;
}

interface StepRow {
  step_index: number | string;
  name: string;
  status: string;
  output: string | null;
  attempts: number | string;
  started_at: number | string | null;
  finished_at: number | string | null;
  errors: string;
}

function toRun(row: RunRow): Omit<RunHistory, "steps" | "events"> {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    workflow: row.workflow,
    status: row.status as RunStatus,
    correlationId: row.correlation_id,
    trigger: parseJson(row.trigger_payload),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
    error: row.error,
  };
}

function toStep(row: StepRow): RunStep {
  return {
    index: toNumber(row.step_index),
    name: row.name,
    status: row.status as RunStep["status"],
    output: parseJson(row.output),
    attempts: toNumber(row.attempts),
    startedAt: toNullableNumber(row.started_at),
    finishedAt: toNullableNumber(row.finished_at),
    errors: parseErrors(row.errors),
  };
}

/**
 * Builds the admin API on `db`. `wake` is called after a dead letter is put back, so the local
 * dispatcher picks it up at once (other processes get a NOTIFY on PostgreSQL).
 */
export function createEventAdmin(db: Database, clock: () => number, wake: () => void): EventAdmin {
  return {
    async listDeadLetters(tenantId, options = {}) {
      const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
      const rows = await db.withTenant(tenantId, (tx) =>
        options.name === undefined
          ? tx.query<EventRow>(
              "SELECT * FROM hamlet_events WHERE tenant_id = $1 AND status = 'dead' ORDER BY created_at DESC, id LIMIT $2",
              [tenantId, limit],
            )
          : tx.query<EventRow>(
              "SELECT * FROM hamlet_events WHERE tenant_id = $1 AND status = 'dead' AND name = $2 ORDER BY created_at DESC, id LIMIT $3",
              [tenantId, options.name, limit],
            ),
      );
      return rows.map(toStoredEvent);
    },
    async retryDeadLetter(tenantId, eventId) {
      const retried = await db.withTenant(tenantId, async (tx) => {
        const result = await tx.execute(
          `UPDATE hamlet_events SET status = 'pending', attempts = 0, due_at = $1, locked_by = NULL, lease_until = NULL
           WHERE tenant_id = $2 AND id = $3 AND status = 'dead'`,
          [clock(), tenantId, eventId],
        );
        if (result.rowCount === 1) await notifyDispatchers(tx, null);
        return result.rowCount === 1;
      });
      if (retried) wake();
      return retried;
    },
    async discardDeadLetter(tenantId, eventId) {
      const result = await db.withTenant(tenantId, (tx) =>
        tx.execute("DELETE FROM hamlet_events WHERE tenant_id = $1 AND id = $2 AND status = 'dead'", [
          tenantId,
          eventId,
        ]),
      );
      return result.rowCount === 1;
    },
    async getEvent(tenantId, eventId) {
      const [row] = await db.withTenant(tenantId, (tx) =>
        tx.query<EventRow>("SELECT * FROM hamlet_events WHERE tenant_id = $1 AND id = $2", [tenantId, eventId]),
      );
      return row === undefined ? null : toStoredEvent(row);
    },
    async getRun(tenantId, runId) {
      return db.withTenant(tenantId, async (tx: Database) => {
        const [run] = await tx.query<RunRow>("SELECT * FROM hamlet_workflow_runs WHERE tenant_id = $1 AND id = $2", [
          tenantId,
          runId,
        ]);
        if (run === undefined) return null;
        const steps = await tx.query<StepRow>(
          "SELECT * FROM hamlet_workflow_steps WHERE tenant_id = $1 AND run_id = $2 ORDER BY step_index",
          [tenantId, runId],
        );
        // A pending step with a call it waits for shows as waiting.
        const waiting = await waitingSteps(tx, tenantId, runId);
        const shown = steps
          .map(toStep)
          .map((step) =>
            step.status === "pending" && waiting.has(step.index) ? { ...step, status: "waiting" as const } : step,
          );
        const events = await tx.query<EventRow>(
          "SELECT * FROM hamlet_events WHERE tenant_id = $1 AND correlation_id = $2 ORDER BY created_at, id",
          [tenantId, run.correlation_id],
        );
        return { ...toRun(run), steps: shown, events: events.map(toStoredEvent) };
      });
    },
    async listRuns(tenantId, options = {}) {
      const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
      const rows = await db.withTenant(tenantId, (tx) =>
        tx.query<RunRow>(
          `SELECT * FROM hamlet_workflow_runs WHERE tenant_id = $1
             AND ($2 = '' OR workflow = $2) AND ($3 = '' OR status = $3)
           ORDER BY created_at DESC, id LIMIT $4`,
          [tenantId, options.workflow ?? "", options.status ?? "", limit],
        ),
      );
      return rows.map(toRun);
    },
  };
}
