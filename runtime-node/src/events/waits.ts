/**
 * Workflow steps that wait for a service call (`StepInput.awaitService`), on the event store.
 *
 * A step's first call records a `hamlet_workflow_waits` row and stores the call as an ordinary
 * service job (`hamlet.service.<name>`) whose idempotency key names the wait, both in the step's
 * transaction; the step then stops without output (it shows as `waiting`). The service job's
 * delivery that ends the call (its answer, or its dead-lettering: refused or attempts exhausted)
 * writes the outcome into the wait row and emits the step's event again, in the job's own
 * transaction, so exactly one resume follows whichever process sent the call. The resumed step
 * runs from its start and its calls return the recorded outcomes in call order.
 *
 * An answer that arrives after the call was dead-lettered (an admin retried the dead letter)
 * replaces the failed outcome; a run that failed at that step runs again from it.
 */
import type { Database } from "../db/database.js";
import { invalidPayloadError, PermanentEventError } from "./errors.js";
import type { RouteContext, RouteFailure } from "./routes.js";
import { parseJson, toNumber } from "./rows.js";
import { serviceEventName } from "./services.js";
import type { EmittedEvent, EventScope, OutgoingEvent, ServiceDefinition, ServiceOutcome } from "./types.js";

/** Idempotency keys of service calls made by waiting steps start with this. */
export const WAIT_KEY_PREFIX = "hamlet.wait:";

/** Internal: thrown by `awaitService` to stop a step that now waits (the step route catches it). */
export class StepSuspended extends Error {
  override readonly name = "StepSuspended";
}

/** Where a wait belongs. */
export interface WaitKey {
  readonly runId: string;
  readonly step: number;
  readonly seq: number;
}

export function waitCallKey(key: WaitKey): string {
  return `${WAIT_KEY_PREFIX}${key.runId}#${key.step}#${key.seq}`;
}

/** The wait a call's idempotency key names, or null for an ordinary service call. */
export function parseWaitKey(idempotencyKey: string | null): WaitKey | null {
  if (idempotencyKey === null || !idempotencyKey.startsWith(WAIT_KEY_PREFIX)) return null;
  const parts = idempotencyKey.slice(WAIT_KEY_PREFIX.length).split("#");
  if (parts.length < 3) return null;
  const seq = Number(parts.pop());
  const step = Number(parts.pop());
  if (!Number.isInteger(seq) || !Number.isInteger(step)) return null;
  return { runId: parts.join("#"), step, seq };
}

/** A stored wait. */
export interface WaitRow {
  readonly seq: number;
  readonly service: string;
  readonly callEventId: string;
  readonly status: "waiting" | "answered" | "refused" | "exhausted";
  readonly outcome: ServiceOutcome<unknown> | null;
  readonly resumes: number;
}

interface RawWait {
  seq: number | string;
  service: string;
  call_event_id: string;
  status: string;
  outcome: string | null;
  resumes: number | string;
}

function toWait(row: RawWait): WaitRow {
  const seq = toNumber(row.seq);
  return {
    seq,
    service: row.service,
    callEventId: row.call_event_id,
    status: row.status as WaitRow["status"],
    outcome: row.outcome === null ? null : storedOutcome(row.outcome, `call ${seq + 1} of the step (${row.service})`),
    resumes: toNumber(row.resumes),
  };
}

/**
 * A recorded outcome as the runtime wrote it; anything else (the row was edited by hand) fails the
 * run at once, since every retry would read the same row.
 */
function storedOutcome(text: string, what: string): ServiceOutcome<unknown> {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch {
    throw new PermanentEventError(`the recorded outcome of ${what} is not JSON`);
  }
  const outcome = value as Partial<Record<string, unknown>> | null;
  const valid =
    typeof outcome === "object" &&
    outcome !== null &&
    (outcome["ok"] === true
      ? "answer" in outcome
      : outcome["ok"] === false &&
        (outcome["reason"] === "refused" || outcome["reason"] === "exhausted") &&
        typeof outcome["error"] === "string");
  if (!valid) {
    throw new PermanentEventError(
      `the recorded outcome of ${what} is not a service outcome ({ ok: true, answer } or { ok: false, reason, error, ... })`,
    );
  }
  return value as ServiceOutcome<unknown>;
}

/** The waits of one step, by call order. */
export async function loadWaits(tx: Database, tenantId: string, runId: string, step: number): Promise<WaitRow[]> {
  const rows = await tx.query<RawWait>(
    `SELECT seq, service, call_event_id, status, outcome, resumes FROM hamlet_workflow_waits
     WHERE tenant_id = $1 AND run_id = $2 AND step_index = $3 ORDER BY seq`,
    [tenantId, runId, step],
  );
  return rows.map(toWait);
}

/** Indexes of the steps of a run that wait for a call now. */
export async function waitingSteps(tx: Database, tenantId: string, runId: string): Promise<Set<number>> {
  const rows = await tx.query<{ step_index: number | string }>(
    "SELECT DISTINCT step_index FROM hamlet_workflow_waits WHERE tenant_id = $1 AND run_id = $2 AND status = 'waiting'",
    [tenantId, runId],
  );
  return new Set(rows.map((row) => toNumber(row.step_index)));
}

export interface WaitDeps {
  readonly clock: () => number;
  readonly insert: (tx: Database, scope: EventScope, event: OutgoingEvent<string, unknown>) => Promise<EmittedEvent>;
  readonly services: ReadonlyMap<string, ServiceDefinition<unknown, unknown>>;
  /** Emits the step's event again (a resume), keyed so that each resolution resumes once. */
  readonly resume: (tx: Database, scope: EventScope, workflow: string, key: WaitKey, resumes: number) => Promise<void>;
}

/** The `awaitService` of one delivery of a step; `suspended()` tells whether the step now waits. */
export function stepAwaits(
  deps: WaitDeps,
  tx: Database,
  context: RouteContext,
  runId: string,
  step: number,
  waits: readonly WaitRow[],
): { awaitService: <R>(service: string, request: unknown) => Promise<ServiceOutcome<R>>; suspended(): boolean } {
  let next = 0;
  let suspended = false;
  const awaitService = async <R>(service: string, request: unknown): Promise<ServiceOutcome<R>> => {
    const seq = next++;
    const definition = deps.services.get(service);
    if (definition === undefined) throw new PermanentEventError(`service ${service} is not registered`);
    const recorded = waits.find((wait) => wait.seq === seq);
    if (recorded !== undefined && recorded.service !== service) {
      throw new PermanentEventError(
        `call ${seq + 1} of the step went to service ${recorded.service} before and to ${service} now; a step must make the same calls in the same order`,
      );
    }
    if (recorded !== undefined && recorded.outcome !== null) return recorded.outcome as ServiceOutcome<R>;
    suspended = true;
    if (recorded === undefined) {
      const checked = definition.validateRequest(request);
      if (!checked.ok) throw invalidPayloadError(`the request to ${service}`, checked.errors);
      const scope: EventScope = {
        tenantId: context.tenantId,
        sessionId: context.sessionId,
        correlationId: context.correlationId,
        causationId: context.eventId,
      };
      const call = await deps.insert(tx, scope, {
        name: serviceEventName(service),
        payload: checked.value,
        idempotencyKey: waitCallKey({ runId, step, seq }),
      });
      await tx.execute(
        `INSERT INTO hamlet_workflow_waits (tenant_id, run_id, step_index, seq, service, call_event_id, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7) ON CONFLICT (tenant_id, run_id, step_index, seq) DO NOTHING`,
        [context.tenantId, runId, step, seq, service, call.id, deps.clock()],
      );
    }
    throw new StepSuspended(`the step waits for service ${service}`);
  };
  return { awaitService, suspended: () => suspended };
}

interface Resolution {
  readonly tenantId: string;
  readonly key: WaitKey;
  readonly status: "answered" | "refused" | "exhausted";
  readonly outcome: ServiceOutcome<unknown>;
}

export interface RunState {
  workflow: string;
  status: string;
  session_id: string | null;
  correlation_id: string;
  step_status: string | null;
}

/** A run and the status of one of its steps (null: the step has no row), or undefined when the run does not exist. */
export async function runAndStep(
  tx: Database,
  tenantId: string,
  runId: string,
  step: number,
): Promise<RunState | undefined> {
  const [run] = await tx.query<RunState>(
    `SELECT r.workflow, r.status, r.session_id, r.correlation_id, s.status AS step_status FROM hamlet_workflow_runs r
     LEFT JOIN hamlet_workflow_steps s ON s.tenant_id = r.tenant_id AND s.run_id = r.id AND s.step_index = $3
     WHERE r.tenant_id = $1 AND r.id = $2`,
    [tenantId, runId, step],
  );
  return run;
}

/**
 * Writes a call's outcome into its wait and resumes the step, inside the call's delivery
 * transaction. A first outcome always resumes; a later answer (the dead letter was retried)
 * replaces a failed outcome and resumes a run that failed at this step, or a step still retrying.
 */
export async function resolveWait(deps: WaitDeps, tx: Database, resolution: Resolution): Promise<void> {
  const { tenantId, key } = resolution;
  // The recorded outcome itself is not read: it is replaced, whatever it holds.
  const [wait] = await tx.query<Omit<RawWait, "outcome">>(
    `SELECT seq, service, call_event_id, status, resumes FROM hamlet_workflow_waits
     WHERE tenant_id = $1 AND run_id = $2 AND step_index = $3 AND seq = $4`,
    [tenantId, key.runId, key.step, key.seq],
  );
  if (wait === undefined) return;
  const current = toWait({ ...wait, outcome: null });
  const firstOutcome = current.status === "waiting";
  const lateAnswer = current.status !== "answered" && !firstOutcome && resolution.status === "answered";
  if (!firstOutcome && !lateAnswer) return;
  const run = await runAndStep(tx, tenantId, key.runId, key.step);
  const now = deps.clock();
  const resumes = current.resumes + 1;
  await tx.execute(
    `UPDATE hamlet_workflow_waits SET status = $1, outcome = $2, resolved_at = $3, resumes = $4
     WHERE tenant_id = $5 AND run_id = $6 AND step_index = $7 AND seq = $8`,
    [resolution.status, JSON.stringify(resolution.outcome), now, resumes, tenantId, key.runId, key.step, key.seq],
  );
  if (run === undefined || run.step_status === "done") return;
  if (run.status === "failed" && run.step_status === "failed" && lateAnswer) {
    // The run failed at this step because the call did; the retried call answered: run it again from here.
    await tx.execute(
      "UPDATE hamlet_workflow_runs SET status = 'running', error = NULL, updated_at = $1 WHERE tenant_id = $2 AND id = $3",
      [now, tenantId, key.runId],
    );
    await tx.execute(
      "UPDATE hamlet_workflow_steps SET status = 'pending', finished_at = NULL WHERE tenant_id = $1 AND run_id = $2 AND step_index = $3",
      [tenantId, key.runId, key.step],
    );
  } else if (run.status !== "running") {
    return;
  }
  const scope: EventScope = {
    tenantId,
    sessionId: run.session_id,
    correlationId: run.correlation_id,
    causationId: current.callEventId,
  };
  await deps.resume(tx, scope, run.workflow, key, resumes);
}

/** The outcome of a call that ended in a dead letter, for its wait. */
export function failedOutcome(failure: RouteFailure): ServiceOutcome<never> & { readonly ok: false } {
  return {
    ok: false,
    reason: failure.permanent ? "refused" : "exhausted",
    error: failure.message,
    attempts: failure.attempt,
    callId: failure.eventId,
  };
}
